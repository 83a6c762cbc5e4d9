//! Making a migration: each selected archive's key in the bucket (its safe
//! decoded path under the prefix, a names file's key, `no-name/ID`, a suffix
//! for a shared name), what the bucket already holds under those keys (the
//! same archive is not paid for again; another one is not overwritten unless
//! asked), the bucket's region against the vault's, the batch's summary and
//! the storage's cost; then the batch journaled with its bucket and keys.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use futures_util::{StreamExt as _, stream};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::MigrateError;
use crate::domain::cost::PriceTable;
use crate::domain::migrate::parts::{part_count, part_size};
use crate::domain::migrate::{
    ArchiveMetadata, KeyPrefix, KeySource, MigrationCost, NameOverrides, StorageClass,
    StoragePriceTable, migration_cost, plan_keys, recorded_tree_hash, user_metadata,
};
use crate::glacier::{GlacierApi, GlacierError, VaultNotifications};
use crate::s3::ObjectStore;
use crate::store::{ArchiveRow, BucketTarget, Store};
use crate::tracking::batch::{
    BatchArchive, BatchRequest, PreparedBatch, prepare_into, record_batch,
};

/// What the user asked to copy, and where.
#[derive(Debug, Clone)]
pub struct MigrationRequest {
    pub batch: BatchRequest,
    pub bucket: String,
    pub prefix: KeyPrefix,
    pub storage_class: StorageClass,
    pub overrides: NameOverrides,
    pub overwrite: bool,
    pub allow_cross_region: bool,
}

/// What the bucket holds under an archive's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InBucket {
    Nothing,
    /// This archive, by the tree hash in its metadata: not copied again.
    Same {
        etag: Option<String>,
        checksum: Option<String>,
    },
    /// Something else.
    Other,
}

/// A migration ready to be journaled, with everything the user sees first.
#[derive(Debug, Clone)]
pub struct PreparedMigration {
    pub batch: PreparedBatch,
    pub target: BucketTarget,
    /// Each candidate's key, in the batch's order.
    pub keys: Vec<String>,
    /// Each candidate's object metadata, in the batch's order.
    pub metadata: Vec<BTreeMap<String, String>>,
    pub in_bucket: Vec<InBucket>,
    pub cost: MigrationCost,
    pub overwrite: bool,
    /// Where the vault sends word of each job the migration starts.
    pub notices: Notices,
}

/// Whether the vault tells an SNS topic of every job: a migration of many
/// archives sends that topic (and whoever reads it) a message per archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notices {
    /// The vault has no notification configuration.
    Off,
    /// Each job of these events notifies the topic.
    On(VaultNotifications),
    /// Glacier did not say (these credentials may not read it); the migration
    /// goes on, and the user is told that it could not be checked.
    Unknown { reason: String },
}

impl Notices {
    /// Whether each archive retrieval the migration starts notifies a topic.
    pub fn per_archive_topic(&self) -> Option<&str> {
        match self {
            Notices::On(config)
                if config.events.is_empty()
                    || config
                        .events
                        .iter()
                        .any(|event| event == ARCHIVE_RETRIEVAL_COMPLETED) =>
            {
                Some(&config.topic)
            }
            _ => None,
        }
    }
}

/// The event a vault's topic hears of when an archive retrieval job ends.
const ARCHIVE_RETRIEVAL_COMPLETED: &str = "ArchiveRetrievalCompleted";

/// HeadObject requests in flight while the bucket is looked at.
const HEADS_AT_ONCE: usize = 16;

/// Looks at the selected archives against the bucket, Glacier and the journal;
/// nothing is journaled, started or written.
#[allow(clippy::too_many_arguments)]
pub async fn prepare_migration<G: GlacierApi, S: ObjectStore>(
    api: &G,
    s3: &S,
    store: &mut Store,
    request: MigrationRequest,
    rows: Vec<ArchiveRow>,
    prices: &PriceTable,
    storage_prices: &StoragePriceTable,
    now: OffsetDateTime,
) -> Result<PreparedMigration, MigrateError> {
    let bucket_region = s3.bucket_region().await?;
    let vault_region = request.batch.vault.region.clone();
    if bucket_region != vault_region && !request.allow_cross_region {
        return Err(MigrateError::CrossRegion {
            bucket: request.bucket.clone(),
            bucket_region,
            vault_region,
        });
    }
    let notices = match api.vault_notifications(&request.batch.vault.name).await {
        Ok(Some(config)) => Notices::On(config),
        Ok(None) => Notices::Off,
        Err(err @ GlacierError::AccessDenied { .. }) => Notices::Unknown {
            reason: err.to_string(),
        },
        Err(err) => return Err(err.into()),
    };
    let sources: Vec<KeySource<'_>> = (rows.iter())
        .map(|row| KeySource {
            archive_id: &row.archive_id,
            description: &row.description,
        })
        .collect();
    let keys: Vec<String> = plan_keys(&request.prefix, &sources, &request.overrides)
        .into_iter()
        .map(|planned| planned.key)
        .collect();
    let metadata: Vec<BTreeMap<String, String>> = (rows.iter())
        .map(object_metadata)
        .collect::<Result<_, _>>()?;
    let expected: Vec<Option<crate::domain::treehash::TreeHash>> = (rows.iter())
        .map(|row| row.sha256_tree_hash.parse().ok())
        .collect();
    let heads: Vec<Result<InBucket, MigrateError>> = stream::iter(keys.iter().zip(&expected))
        .map(|(key, tree_hash)| async move {
            let facts = s3.head_object(key).await?;
            Ok(match facts {
                None => InBucket::Nothing,
                Some(facts)
                    if tree_hash.is_some() && recorded_tree_hash(&facts.metadata) == *tree_hash =>
                {
                    InBucket::Same {
                        etag: facts.etag,
                        checksum: facts.checksum_sha256,
                    }
                }
                Some(_) => InBucket::Other,
            })
        })
        .buffered(HEADS_AT_ONCE)
        .collect()
        .await;
    let in_bucket = heads.into_iter().collect::<Result<Vec<_>, _>>()?;
    let address = format!("s3://{}/{}", request.bucket, request.prefix.as_str());
    let restored: HashMap<String, String> = (rows.iter().zip(&keys).zip(&in_bucket))
        .filter(|(_, held)| matches!(held, InBucket::Same { .. }))
        .map(|((row, key), _)| {
            (
                row.archive_id.clone(),
                format!("s3://{}/{key}", request.bucket),
            )
        })
        .collect();
    let sizes: Vec<u64> = (rows.iter().zip(&in_bucket))
        .filter(|(_, held)| !matches!(held, InBucket::Same { .. }))
        .map(|(row, _)| row.size)
        .collect();
    let cost = migration_cost(storage_prices, request.storage_class, sizes, |size| {
        part_size(size).map_or(1, |part| u64::from(part_count(size, part)))
    });
    let archives = rows.into_iter().map(BatchArchive::of).collect();
    let batch = prepare_into(
        api,
        store,
        request.batch,
        PathBuf::from(address),
        restored,
        archives,
        prices,
        now,
    )
    .await?;
    Ok(PreparedMigration {
        batch,
        target: BucketTarget {
            bucket: request.bucket,
            prefix: request.prefix.as_str().to_owned(),
            storage_class: request.storage_class.as_str().to_owned(),
            region: bucket_region,
        },
        keys,
        metadata,
        in_bucket,
        cost,
        overwrite: request.overwrite,
        notices,
    })
}

/// Journals the migration: the batch, its bucket, each archive's key (an
/// upload planned), and the archives the bucket holds already as copied.
/// Refused, with nothing journaled, when an object of another archive would
/// be overwritten and that was not asked for.
pub fn record_migration(
    store: &mut Store,
    prepared: &PreparedMigration,
    now: OffsetDateTime,
) -> Result<crate::store::BatchId, MigrateError> {
    if !prepared.overwrite
        && let Some(index) = prepared
            .in_bucket
            .iter()
            .position(|held| *held == InBucket::Other)
    {
        return Err(MigrateError::WouldOverwrite {
            key: prepared.keys[index].clone(),
        });
    }
    let batch = record_batch(store, &prepared.batch, now)?;
    store.record_batch_bucket(batch, &prepared.target)?;
    let items = store.batch_items(batch)?;
    for item in &items {
        let index = item.ord as usize;
        let (Some(key), Some(held), Some(metadata)) = (
            prepared.keys.get(index),
            prepared.in_bucket.get(index),
            prepared.metadata.get(index),
        ) else {
            continue;
        };
        let bucket = &prepared.target.bucket;
        let upload = store.record_upload_planned(item.plan, bucket, key, metadata, now)?;
        if let InBucket::Same { etag, checksum } = held {
            store.record_upload_completed(
                upload,
                etag.as_deref().unwrap_or(""),
                checksum.as_deref().unwrap_or(""),
                now,
            )?;
        }
    }
    Ok(batch)
}

/// The metadata an archive's object carries: its id, tree hash, description
/// and creation date, as the inventory has them.
fn object_metadata(row: &ArchiveRow) -> Result<BTreeMap<String, String>, MigrateError> {
    let tree_hash = row.sha256_tree_hash.parse().map_err(|_| {
        MigrateError::Store(crate::store::StoreError::refused(format!(
            "the cached inventory's tree hash of archive {} is not one",
            crate::text::printable(&row.archive_id)
        )))
    })?;
    let created =
        OffsetDateTime::parse(&row.created, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let archive = ArchiveMetadata {
        archive_id: row.archive_id.clone(),
        tree_hash,
        description: row.description.clone(),
        created,
    };
    user_metadata(&archive)
        .map_err(|err| MigrateError::Store(crate::store::StoreError::refused(err.to_string())))
}

//! Migrations from the screen, through the engine `defrost migrate` runs: what
//! copying the marked archives to S3 would do and cost (asked of the cache,
//! Glacier and the bucket, nothing paid), then journaling the migration and
//! carrying it on until every archive is copied, with its manifest written at
//! the end. Progress comes back as messages while the work goes on.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::ScreenWords;
use super::batch::{news_of as batch_news_of, send};
use crate::domain::batch::pacing::DEFAULT_REQUESTS_PER_SECOND;
use crate::domain::migrate::{KeyPrefix, NameOverrides, StoragePriceTable};
use crate::glacier::GlacierApi;
use crate::s3::{ConnectOptions, ObjectStore, S3Error, SdkS3};
use crate::store::{BatchId, BatchLimits, BatchSelection, Snapshot, Store};
use crate::text::printable;
use crate::tracking::batch::{BatchEvent, BatchRequest, RunOptions};
use crate::tracking::migrate::{
    CopySettings, MigrateError, MigrationRequest, prepare_migration, record_migration,
    run_migration, write_manifest,
};
use crate::tracking::started_by_here;
use crate::tui::batch::MARKS_SOURCE;
use crate::tui::marks::grouped;
use crate::tui::migration::{Field, Migrating, MigrationAsk, Refusal};
use crate::tui::msg::{BatchNews, Msg};

/// How the screen reaches S3.
#[derive(Debug, Clone, Default)]
pub enum S3Access {
    /// As the aws CLI would: the profile, the environment, the shared config
    /// files (and `AWS_ENDPOINT_URL_S3`).
    #[default]
    Configured,
    /// With this profile.
    Profile(String),
    /// A local S3-compatible endpoint that takes any credentials: the demo's
    /// sandbox, so the demo needs no account.
    Local { endpoint_url: String },
}

impl S3Access {
    /// A client for `bucket`, signing for `region`.
    pub async fn connect(&self, bucket: &str, region: &str) -> Result<SdkS3, S3Error> {
        let options = |profile: Option<&String>| ConnectOptions {
            profile: profile.cloned(),
            region: Some(region.to_owned()),
            endpoint_url: None,
        };
        match self {
            S3Access::Configured => SdkS3::connect(&options(None), bucket).await,
            S3Access::Profile(profile) => SdkS3::connect(&options(Some(profile)), bucket).await,
            S3Access::Local { endpoint_url } => {
                Ok(SdkS3::for_endpoint(endpoint_url, region, bucket))
            }
        }
    }
}

/// Reads the marked archives and asks Glacier (the policy, the jobs to reuse)
/// and the bucket (its region, what its keys hold) what copying them would
/// do; nothing is journaled.
pub async fn prepare<G: GlacierApi>(
    glacier: &G,
    s3: &S3Access,
    data_dir: &Path,
    words: &ScreenWords,
    ask: MigrationAsk,
) -> Result<Migrating, Refusal> {
    let plain = |text: String| Refusal { text, field: None };
    let prefix = KeyPrefix::new(&ask.prefix).map_err(|err| Refusal {
        text: err.to_string(),
        field: Some(Field::Prefix),
    })?;
    let storage_prices = StoragePriceTable::published().map_err(|err| plain(err.to_string()))?;
    let mut store = Store::open(data_dir).map_err(|err| plain(words.error(&err)))?;
    let rows = Snapshot::open(&ask.snapshot)
        .and_then(|snapshot| snapshot.archives(&ask.positions))
        .map_err(|err| plain(words.error(&err)))?;
    let client = connect_for(s3, &ask, words).await?;
    let request = MigrationRequest {
        batch: BatchRequest {
            vault: ask.vault,
            selection: BatchSelection::Ids {
                source: MARKS_SOURCE.to_owned(),
                count: rows.len() as u64,
            },
            tier: ask.tier,
            to: std::path::PathBuf::new(),
            limits: BatchLimits::default(),
            made_by: started_by_here(),
        },
        bucket: ask.bucket,
        prefix,
        storage_class: ask.storage_class,
        overrides: NameOverrides::default(),
        overwrite: false,
        allow_cross_region: ask.across_regions,
    };
    let now = OffsetDateTime::now_utc();
    let prepared = prepare_migration(
        glacier,
        &client,
        &mut store,
        request,
        rows,
        &ask.prices,
        &storage_prices,
        now,
    )
    .await
    .map_err(|err| refusal(words, &err))?;
    Ok(Migrating {
        prepared: Arc::new(prepared),
        storage_prices: Arc::new(storage_prices),
    })
}

/// A client for the bucket signing for the vault's region, or for the
/// bucket's own when it is elsewhere and that was allowed: S3 refuses a
/// request signed for another region than the bucket's.
async fn connect_for(
    s3: &S3Access,
    ask: &MigrationAsk,
    words: &ScreenWords,
) -> Result<SdkS3, Refusal> {
    let failed = |err: S3Error| refusal(words, &MigrateError::S3(err));
    let client = s3
        .connect(&ask.bucket, &ask.vault.region)
        .await
        .map_err(failed)?;
    if !ask.across_regions {
        return Ok(client);
    }
    let region = client.bucket_region().await.map_err(failed)?;
    if region == ask.vault.region {
        return Ok(client);
    }
    s3.connect(&ask.bucket, &region).await.map_err(failed)
}

/// Why the summary cannot be made, and the field whose change fixes it.
fn refusal(words: &ScreenWords, err: &MigrateError) -> Refusal {
    let field = match err {
        MigrateError::CrossRegion { .. } => Some(Field::AcrossRegions),
        MigrateError::WouldOverwrite { .. } => Some(Field::Prefix),
        MigrateError::S3(
            S3Error::NoSuchBucket { .. }
            | S3Error::InvalidBucketName { .. }
            | S3Error::AccessDenied { .. }
            | S3Error::WrongRegion { .. },
        ) => Some(Field::Bucket),
        _ => None,
    };
    Refusal {
        text: words.error(err),
        field,
    }
}

/// Journals the migration, then carries it on (see [`carry_on`]), telling
/// `news` as it goes.
pub async fn start<G: GlacierApi>(
    glacier: &G,
    s3: &S3Access,
    data_dir: &Path,
    words: &ScreenWords,
    migrating: Migrating,
    news: &UnboundedSender<Msg>,
) -> (Option<BatchId>, Result<String, String>) {
    let mut store = match Store::open(data_dir) {
        Ok(store) => store,
        Err(err) => return (None, Err(words.error(&err))),
    };
    let now = OffsetDateTime::now_utc();
    let id = match record_migration(&mut store, &migrating.prepared, now) {
        Ok(id) => id,
        Err(err) => return (None, Err(words.error(&err))),
    };
    let to_start = migrating.prepared.batch.summary.to_start.archives;
    // A hundred thousand keys and their metadata need not stay for hours.
    drop(migrating);
    send(
        news,
        BatchNews::MigrationRecorded {
            batch: id,
            to_start,
        },
    );
    let said = carry_on(glacier, s3, &mut store, words, id, news).await;
    (Some(id), said)
}

/// Carries on a migration the screen stopped following.
pub async fn resume<G: GlacierApi>(
    glacier: &G,
    s3: &S3Access,
    data_dir: &Path,
    words: &ScreenWords,
    batch: BatchId,
    news: &UnboundedSender<Msg>,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    carry_on(glacier, s3, &mut store, words, batch, news).await
}

/// Starts the migration's jobs at its pace, copies each output once ready,
/// renews and retries as `defrost migrate` does, until every archive is
/// copied or given up; then writes the manifest. The answer is the status
/// bar's line.
async fn carry_on<G: GlacierApi>(
    glacier: &G,
    s3: &S3Access,
    store: &mut Store,
    words: &ScreenWords,
    id: BatchId,
    news: &UnboundedSender<Msg>,
) -> Result<String, String> {
    let target = (store.batch_bucket(id))
        .map_err(|err| words.error(&err))?
        .ok_or_else(|| format!("batch {id} restores into a folder; it is not a migration"))?;
    let client = (s3.connect(&target.bucket, &target.region).await)
        .map_err(|err| words.error(&MigrateError::S3(err)))?;
    let options = RunOptions {
        no_wait: false,
        requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
        started_by: started_by_here(),
    };
    let on_event = |event: &BatchEvent, _: &_| {
        if let Some(news_item) = news_of(id, event) {
            send(news, news_item);
        }
    };
    let settings = CopySettings::under(store.data_dir());
    let counts = run_migration(
        glacier,
        &client,
        store,
        id,
        &options,
        &settings,
        on_event,
        |_| {},
    )
    .await
    .map_err(|err| words.error(&err))?;
    let (_, keys) = (write_manifest(&client, store, id).await).map_err(|err| words.error(&err))?;
    let bucket = printable(&target.bucket);
    let mut said = format!(
        "batch {id}: {} of {} archives copied into s3://{bucket}/{}",
        grouped(counts.restored),
        grouped(counts.archives),
        printable(&target.prefix)
    );
    let lost = counts.given_up + counts.too_large;
    if lost > 0 {
        said.push_str(&format!(", {} could not be (said above)", grouped(lost)));
    }
    if let Some(key) = keys.first() {
        said.push_str(&format!("; manifest at s3://{bucket}/{}", printable(key)));
    }
    Ok(said)
}

/// A migration's news: a delivered output is a copy, a failed one a copy
/// that failed (tried again later); the rest as any batch's.
fn news_of(batch: BatchId, event: &BatchEvent) -> Option<BatchNews> {
    match event {
        BatchEvent::Downloaded { bytes, .. } => Some(BatchNews::Copied {
            batch,
            bytes: *bytes,
        }),
        BatchEvent::DownloadFailed { name, reason, .. } => Some(BatchNews::Said {
            batch,
            text: format!(
                "{name}: copy failed, tried again later: {}",
                printable(reason)
            ),
        }),
        other => batch_news_of(batch, other),
    }
}

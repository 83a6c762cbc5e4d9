//! Running a migration: the batch loop, with each ready output copied into its
//! object instead of downloaded into a folder; and at the end the manifest of
//! every object the batch holds, in the bucket and in the data directory.

use std::path::{Path, PathBuf};

use serde_json::json;
use time::OffsetDateTime;

use super::{CopyJob, CopySettings, MigrateError, completed_unjournaled, copy_archive};
use crate::domain::migrate::StorageClass;
use crate::glacier::GlacierApi;
use crate::s3::ObjectStore;
use crate::store::{BatchId, BatchItem, Store, VaultKey};
use crate::tracking::batch::{
    BatchCounts, BatchError, BatchEvent, Delivery, RunOptions, run_batch_to,
};

/// Copies each ready output into its planned object.
struct IntoBucket<'a, S> {
    s3: &'a S,
    storage_class: StorageClass,
    settings: &'a CopySettings,
}

impl<S: ObjectStore> Delivery for IntoBucket<'_, S> {
    async fn deliver<G: GlacierApi>(
        &self,
        api: &G,
        store: &mut Store,
        vault: &VaultKey,
        _folder: &Path,
        item: &BatchItem,
        _now: OffsetDateTime,
    ) -> Result<Option<BatchEvent>, BatchError> {
        let failed = |err: MigrateError| BatchError::Delivery(Box::new(err));
        let upload = store.upload_of_plan(item.plan)?.ok_or_else(|| {
            BatchError::Store(crate::store::StoreError::refused(format!(
                "plan {} of the migration has no object planned",
                item.plan
            )))
        })?;
        let job_id = (item.current.as_ref())
            .and_then(|job| job.job_id.clone())
            .unwrap_or_default();
        let tree_hash = (item.tree_hash.as_deref())
            .and_then(|text| text.parse().ok())
            .ok_or_else(|| {
                BatchError::Store(crate::store::StoreError::refused(format!(
                    "plan {} has no tree hash to check its copy against",
                    item.plan
                )))
            })?;
        let metadata = upload.metadata.clone();
        let job = CopyJob {
            vault: &vault.name,
            job_id: &job_id,
            size: item.size.unwrap_or(0),
            tree_hash,
            storage_class: self.storage_class,
            metadata: &metadata,
            settings: self.settings,
        };
        let copied = copy_archive(api, self.s3, store, upload, &job)
            .await
            .map_err(failed)?;
        Ok(Some(copied_event(item, &copied.bucket, &copied.key)))
    }

    async fn delivered_already(
        &self,
        store: &mut Store,
        item: &BatchItem,
    ) -> Result<Option<BatchEvent>, BatchError> {
        let Some(upload) = store.upload_of_plan(item.plan)? else {
            return Ok(None);
        };
        let Some(tree_hash) = item.tree_hash.as_deref().and_then(|text| text.parse().ok()) else {
            return Ok(None);
        };
        let completed = completed_unjournaled(self.s3, store, &upload, tree_hash)
            .await
            .map_err(|err| BatchError::Delivery(Box::new(err)))?;
        Ok(completed.then(|| copied_event(item, &upload.bucket, &upload.key)))
    }
}

/// The event of an archive copied to `s3://bucket/key`.
fn copied_event(item: &BatchItem, bucket: &str, key: &str) -> BatchEvent {
    BatchEvent::Downloaded {
        plan: item.plan,
        name: crate::text::printable(item.name.as_deref().unwrap_or(&item.archive_id)),
        path: PathBuf::from(format!("s3://{bucket}/{key}")),
        bytes: item.size.unwrap_or(0),
    }
}

/// Carries the migration `id` on until every archive is copied or given up,
/// as `run_batch` does for a restore.
#[allow(clippy::too_many_arguments)]
pub async fn run_migration<G: GlacierApi, S: ObjectStore>(
    api: &G,
    s3: &S,
    store: &mut Store,
    id: BatchId,
    options: &RunOptions,
    settings: &CopySettings,
    on_event: impl FnMut(&BatchEvent, &BatchCounts),
    on_counts: impl FnMut(&BatchCounts),
) -> Result<BatchCounts, MigrateError> {
    let target = store.batch_bucket(id)?.ok_or_else(|| {
        MigrateError::Store(crate::store::StoreError::refused(format!(
            "batch {id} restores into a folder; a restore of it goes on with it, not a migration"
        )))
    })?;
    let storage_class: StorageClass = target.storage_class.parse().map_err(|_| {
        MigrateError::Store(crate::store::StoreError::refused(format!(
            "the journal's storage class of batch {id} is damaged"
        )))
    })?;
    let delivery = IntoBucket {
        s3,
        storage_class,
        settings,
    };
    Ok(run_batch_to(api, store, id, options, &delivery, on_event, on_counts).await?)
}

/// The manifest of every object the migration holds: a CSV and JSON Lines
/// (archive id, key, size, tree hash, ETag, checksum, time), written into the
/// data directory and then to the bucket beside the objects; the local paths
/// and the keys.
pub async fn write_manifest<S: ObjectStore>(
    s3: &S,
    store: &Store,
    id: BatchId,
) -> Result<(Vec<PathBuf>, Vec<String>), MigrateError> {
    let target = store.batch_bucket(id)?.unwrap_or_default();
    let mut csv_out = csv::Writer::from_writer(Vec::new());
    let io =
        |err: csv::Error| MigrateError::Store(crate::store::StoreError::refused(err.to_string()));
    csv_out
        .write_record([
            "archive_id",
            "key",
            "size",
            "tree_hash",
            "etag",
            "checksum_sha256",
            "copied_at",
        ])
        .map_err(io)?;
    let mut lines = String::new();
    for item in store.batch_items(id)? {
        let Some(upload) = store.upload_of_plan(item.plan)? else {
            continue;
        };
        let Some(done) = &upload.completed else {
            continue;
        };
        let size = item.size.unwrap_or(0).to_string();
        let tree_hash = item.tree_hash.clone().unwrap_or_default();
        csv_out
            .write_record([
                item.archive_id.as_str(),
                upload.key.as_str(),
                size.as_str(),
                tree_hash.as_str(),
                done.etag.as_str(),
                done.checksum.as_str(),
                done.at.as_str(),
            ])
            .map_err(io)?;
        let line = json!({
            "archive_id": item.archive_id, "key": upload.key, "size": item.size,
            "tree_hash": tree_hash, "etag": done.etag, "checksum_sha256": done.checksum,
            "copied_at": done.at,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    let csv_bytes = csv_out
        .into_inner()
        .map_err(|err| MigrateError::Store(crate::store::StoreError::refused(err.to_string())))?;
    let folder = store.data_dir().join("manifests");
    let local_failed = |err: std::io::Error| {
        MigrateError::Store(crate::store::StoreError::refused(format!(
            "cannot write the manifest into {}: {err}",
            folder.display()
        )))
    };
    std::fs::create_dir_all(&folder).map_err(local_failed)?;
    let name = format!("defrost-manifest-{id}");
    let mut paths = Vec::new();
    let mut keys = Vec::new();
    for (extension, bytes, kind) in [
        ("csv", csv_bytes, "text/csv"),
        ("jsonl", lines.into_bytes(), "application/x-ndjson"),
    ] {
        let path = folder.join(format!("{name}.{extension}"));
        let mut file = tempfile::NamedTempFile::new_in(&folder).map_err(local_failed)?;
        std::io::Write::write_all(&mut file, &bytes).map_err(local_failed)?;
        file.persist(&path).map_err(|err| local_failed(err.error))?;
        let key = format!("{}{name}.{extension}", target.prefix);
        s3.put_object(&key, bytes.into(), kind).await?;
        paths.push(path);
        keys.push(key);
    }
    Ok((paths, keys))
}

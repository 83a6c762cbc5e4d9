//! Copies to S3 in the journal: where a migrating batch copies (its bucket,
//! prefix and storage class), and for each archive's plan its object's key and
//! its S3 multipart upload, written down before the upload is asked for, with
//! every part S3 took (its SHA-256 and its tree hash), so an interrupted copy
//! resumes from its last part and never sends a part twice. A completed upload
//! finishes its plan with the object's `s3://bucket/key`.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::Store;
use super::batches::BatchId;
use super::catalog::rfc3339;
use super::error::{AtPath, StoreError};
use super::plans::PlanId;

/// The journal's key for an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UploadId(pub i64);

/// Where a batch copies to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketTarget {
    pub bucket: String,
    /// Ends in `/`, or is empty.
    pub prefix: String,
    pub storage_class: String,
    pub region: String,
}

/// One part S3 took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadPart {
    /// From 1.
    pub number: u32,
    pub size: u64,
    pub etag: String,
    /// Base64 SHA-256, as sent.
    pub checksum: String,
    /// Hex.
    pub tree_hash: String,
}

/// An archive's copy, as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadEntry {
    pub id: UploadId,
    pub plan: PlanId,
    pub bucket: String,
    pub key: String,
    /// The object's user metadata.
    pub metadata: std::collections::BTreeMap<String, String>,
    /// S3's, once it gave one.
    pub upload_id: Option<String>,
    /// In part order.
    pub parts: Vec<UploadPart>,
    /// Once S3 completed the object.
    pub completed: Option<CompletedUpload>,
}

/// An upload S3 was asked for and that was neither completed nor aborted:
/// S3 keeps (and bills) its parts until someone aborts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedUpload {
    pub id: UploadId,
    pub plan: PlanId,
    pub bucket: String,
    pub key: String,
    /// S3's id for it.
    pub upload_id: String,
    /// The parts S3 took, as the journal has them, and their bytes.
    pub parts: u64,
    pub bytes: u64,
}

/// An object S3 completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedUpload {
    pub etag: String,
    pub checksum: String,
    /// When, as the journal writes times.
    pub at: String,
}

impl Store {
    /// Writes down where `batch` copies to.
    pub fn record_batch_bucket(
        &mut self,
        batch: BatchId,
        target: &BucketTarget,
    ) -> Result<(), StoreError> {
        self.change(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO batch_bucket (batch, bucket, prefix, storage_class, region)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    batch.0,
                    target.bucket,
                    target.prefix,
                    target.storage_class,
                    target.region
                ],
            )?;
            Ok(())
        })
    }

    /// Where `batch` copies to; `None` for a batch that restores into a folder.
    pub fn batch_bucket(&self, batch: BatchId) -> Result<Option<BucketTarget>, StoreError> {
        let path = self.catalog.path();
        self.catalog
            .read_connection()
            .prepare_cached(
                "SELECT bucket, prefix, storage_class, region FROM batch_bucket WHERE batch = ?1",
            )
            .at(path)?
            .query_row([batch.0], |r| {
                Ok(BucketTarget {
                    bucket: r.get(0)?,
                    prefix: r.get(1)?,
                    storage_class: r.get(2)?,
                    region: r.get(3)?,
                })
            })
            .optional()
            .at(path)
    }

    /// Writes down that `plan`'s archive goes to `bucket`/`key`, before any
    /// request; the plan's existing upload when it has one (its key stays).
    pub fn record_upload_planned(
        &mut self,
        plan: PlanId,
        bucket: &str,
        key: &str,
        metadata: &std::collections::BTreeMap<String, String>,
        at: OffsetDateTime,
    ) -> Result<UploadId, StoreError> {
        let metadata = serde_json::to_string(metadata)
            .map_err(|err| StoreError::refused(format!("an object's metadata: {err}")))?;
        self.change(|tx| {
            let known: Option<i64> = tx
                .query_row(
                    "SELECT id FROM upload WHERE plan = ?1 AND aborted_at IS NULL
                     ORDER BY id DESC LIMIT 1",
                    [plan.0],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = known {
                return Ok(UploadId(id));
            }
            tx.execute(
                "INSERT INTO upload (plan, bucket, key, metadata, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![plan.0, bucket, key, metadata, rfc3339(at)],
            )?;
            Ok(UploadId(tx.last_insert_rowid()))
        })
    }

    /// Writes down S3's id for the upload, as soon as S3 gives it.
    pub fn record_upload_id(&mut self, id: UploadId, upload_id: &str) -> Result<(), StoreError> {
        self.change(|tx| {
            tx.execute(
                "UPDATE upload SET upload_id = ?2 WHERE id = ?1",
                params![id.0, upload_id],
            )?;
            Ok(())
        })
    }

    /// Writes down a part S3 took.
    pub fn record_upload_part(
        &mut self,
        id: UploadId,
        part: &UploadPart,
    ) -> Result<(), StoreError> {
        let size = i64::try_from(part.size)
            .map_err(|_| StoreError::refused("a part larger than the journal can record"))?;
        self.change(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO upload_part (upload, number, size, etag, checksum, tree_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id.0, part.number, size, part.etag, part.checksum, part.tree_hash],
            )?;
            Ok(())
        })
    }

    /// Starts the upload over: S3 no longer has it (it was aborted, or
    /// expired by a lifecycle rule). Its parts are forgotten; the key stays.
    pub fn restart_upload(&mut self, id: UploadId) -> Result<(), StoreError> {
        self.change(|tx| {
            tx.execute("DELETE FROM upload_part WHERE upload = ?1", [id.0])?;
            tx.execute("UPDATE upload SET upload_id = NULL WHERE id = ?1", [id.0])?;
            Ok(())
        })
    }

    /// Writes down that S3 completed the object, whose tree hash was checked,
    /// and finishes the plan with the object: both in one transaction.
    pub fn record_upload_completed(
        &mut self,
        id: UploadId,
        etag: &str,
        checksum: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change(|tx| {
            tx.execute(
                "UPDATE upload SET completed_at = ?2, etag = ?3, checksum = ?4 WHERE id = ?1",
                params![id.0, rfc3339(at), etag, checksum],
            )?;
            tx.execute(
                "UPDATE plan SET finished_path = 's3://' || u.bucket || '/' || u.key,
                                 finished_verified = 1, finished_at = ?2
                 FROM (SELECT plan, bucket, key FROM upload WHERE id = ?1) u
                 WHERE plan.id = u.plan",
                params![id.0, rfc3339(at)],
            )?;
            Ok(())
        })
    }

    /// Writes down that the upload was aborted (or that S3 no longer had it),
    /// after S3 said so: its parts are gone, and the plan no longer counts on
    /// it. A completed upload is never marked; aborting again keeps the first
    /// moment.
    pub fn record_upload_aborted(
        &mut self,
        id: UploadId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change(|tx| {
            tx.execute(
                "UPDATE upload SET aborted_at = coalesce(aborted_at, ?2)
                 WHERE id = ?1 AND completed_at IS NULL",
                params![id.0, rfc3339(at)],
            )?;
            Ok(())
        })
    }

    /// The uploads of `batch`'s archives that S3 was asked for and that are
    /// neither completed nor aborted, in the batch's order.
    pub fn unfinished_uploads(&self, batch: BatchId) -> Result<Vec<UnfinishedUpload>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(
                "SELECT u.id, u.plan, u.bucket, u.key, u.upload_id,
                        (SELECT count(*) FROM upload_part p WHERE p.upload = u.id),
                        (SELECT coalesce(sum(p.size), 0) FROM upload_part p WHERE p.upload = u.id)
                 FROM upload u JOIN batch_plan bp ON bp.plan = u.plan
                 WHERE bp.batch = ?1 AND u.upload_id IS NOT NULL
                       AND u.completed_at IS NULL AND u.aborted_at IS NULL
                 ORDER BY bp.ord, u.id",
            )
            .at(path)?;
        statement
            .query_map([batch.0], |r| {
                Ok(UnfinishedUpload {
                    id: UploadId(r.get(0)?),
                    plan: PlanId(r.get(1)?),
                    bucket: r.get(2)?,
                    key: r.get(3)?,
                    upload_id: r.get(4)?,
                    parts: r.get::<_, i64>(5)?.max(0) as u64,
                    bytes: r.get::<_, i64>(6)?.max(0) as u64,
                })
            })
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)
    }

    /// The key each archive of `batch` goes to, by archive id (the uploads
    /// that are not aborted), in one read.
    pub fn batch_keys(
        &self,
        batch: BatchId,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(
                "SELECT p.archive_id, u.key
                 FROM upload u JOIN batch_plan bp ON bp.plan = u.plan JOIN plan p ON p.id = u.plan
                 WHERE bp.batch = ?1 AND u.aborted_at IS NULL AND p.archive_id IS NOT NULL",
            )
            .at(path)?;
        statement
            .query_map([batch.0], |r| Ok((r.get(0)?, r.get(1)?)))
            .at(path)?
            .collect::<Result<_, _>>()
            .at(path)
    }

    /// The copy of `plan`'s archive, if one is planned.
    pub fn upload_of_plan(&self, plan: PlanId) -> Result<Option<UploadEntry>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let row = conn
            .prepare_cached(
                "SELECT id, bucket, key, upload_id, etag, checksum, completed_at, metadata FROM upload
                 WHERE plan = ?1 AND aborted_at IS NULL ORDER BY id DESC LIMIT 1",
            )
            .at(path)?
            .query_row([plan.0], |r| {
                Ok((
                    UploadId(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .optional()
            .at(path)?;
        let Some((id, bucket, key, upload_id, etag, checksum, completed_at, metadata)) = row else {
            return Ok(None);
        };
        let metadata = serde_json::from_str(&metadata).map_err(|_| {
            StoreError::refused(format!(
                "the journal's record of upload {} is damaged; its archive is not copied until it is mended",
                id.0
            ))
        })?;
        let mut statement = conn
            .prepare_cached(
                "SELECT number, size, etag, checksum, tree_hash FROM upload_part
                 WHERE upload = ?1 ORDER BY number",
            )
            .at(path)?;
        let parts = statement
            .query_map([id.0], |r| {
                Ok(UploadPart {
                    number: r.get(0)?,
                    size: r.get::<_, i64>(1)?.max(0) as u64,
                    etag: r.get(2)?,
                    checksum: r.get(3)?,
                    tree_hash: r.get(4)?,
                })
            })
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        let completed = completed_at.map(|at| CompletedUpload {
            etag: etag.unwrap_or_default(),
            checksum: checksum.unwrap_or_default(),
            at,
        });
        Ok(Some(UploadEntry {
            id,
            plan,
            bucket,
            key,
            metadata,
            upload_id,
            parts,
            completed,
        }))
    }
}

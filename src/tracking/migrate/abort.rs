//! Aborting what a given-up migration left in S3: every upload the journal
//! holds for the batch that S3 was asked for and that was neither completed
//! nor aborted, with the journaled upload id. S3 bills an unfinished upload's
//! parts until it is aborted. Each abort is journaled once S3 answered, and an
//! upload S3 no longer knows (aborted before an answer was lost, or expired by
//! a lifecycle rule) counts as aborted, so running it again asks nothing
//! twice. Completed objects are never touched.

use time::OffsetDateTime;

use super::MigrateError;
use crate::s3::{ObjectStore, S3Error};
use crate::store::{BatchId, Store, StoreError, UnfinishedUpload};

/// One upload dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aborted {
    pub upload: UnfinishedUpload,
    /// S3 no longer knew the upload.
    pub gone_already: bool,
}

/// Aborts the unfinished uploads of batch `id`, which must have been given up
/// (a running copy would otherwise start a new one behind it), telling
/// `on_abort` of each as it is journaled.
pub async fn abort_unfinished_uploads<S: ObjectStore>(
    s3: &S,
    store: &mut Store,
    id: BatchId,
    now: OffsetDateTime,
    mut on_abort: impl FnMut(&Aborted),
) -> Result<Vec<Aborted>, MigrateError> {
    if store.batch_given_up_at(id)?.is_none() {
        return Err(StoreError::refused(format!(
            "batch {id} is not given up; its uploads are aborted only once it is, so that no copy goes on beside them"
        ))
        .into());
    }
    let mut done = Vec::new();
    for upload in store.unfinished_uploads(id)? {
        if upload.bucket != s3.bucket() {
            return Err(StoreError::refused(format!(
                "the upload of {} is in bucket {}, not {}; connect to that bucket to abort it",
                crate::text::printable(&upload.key),
                crate::text::printable(&upload.bucket),
                crate::text::printable(s3.bucket())
            ))
            .into());
        }
        let gone_already = match s3
            .abort_multipart_upload(&upload.key, &upload.upload_id)
            .await
        {
            Ok(()) => false,
            Err(S3Error::NoSuchUpload { .. }) => true,
            Err(err) => return Err(err.into()),
        };
        store.record_upload_aborted(upload.id, now)?;
        let aborted = Aborted {
            upload,
            gone_already,
        };
        on_abort(&aborted);
        done.push(aborted);
    }
    Ok(done)
}

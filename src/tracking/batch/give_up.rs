//! Giving a batch up: what is left of it first (archives not restored or
//! copied, jobs that run on or wait to be downloaded, uploads S3 holds
//! unfinished), then the batch marked so that nothing more is started,
//! downloaded or copied for it. Its jobs cannot be cancelled and stay on
//! Glacier; its finished files and completed objects are never touched. A
//! migration's unfinished uploads are aborted by `tracking::migrate`.

use time::OffsetDateTime;

use super::{BatchCounts, BatchError, tally};
use crate::store::{BatchEntry, BatchId, BucketTarget, Store, UnfinishedUpload};

/// What is left of a batch, read from the journal alone.
#[derive(Debug, Clone)]
pub struct BatchLeft {
    pub batch: BatchEntry,
    pub counts: BatchCounts,
    /// Where a migration copies to; `None` for a restore into a folder.
    pub target: Option<BucketTarget>,
    /// A migration's uploads S3 was asked for and that were neither completed
    /// nor aborted.
    pub uploads: Vec<UnfinishedUpload>,
}

impl BatchLeft {
    /// Archives neither restored (or copied) nor already left out.
    pub fn archives_left(&self) -> u64 {
        self.counts.archives.saturating_sub(self.counts.restored)
    }

    /// Jobs started for it that Glacier still runs, or whose output waits.
    pub fn jobs_left(&self) -> u64 {
        self.counts.running + self.counts.ready
    }
}

/// What is left of batch `id` at `now`.
pub fn batch_left(
    store: &Store,
    id: BatchId,
    now: OffsetDateTime,
) -> Result<BatchLeft, BatchError> {
    let batch = store
        .batch(id)?
        .ok_or(BatchError::UnknownBatch { batch: id })?;
    let counts = tally(&store.batch_items(id)?, now).counts;
    Ok(BatchLeft {
        counts,
        target: store.batch_bucket(id)?,
        uploads: store.unfinished_uploads(id)?,
        batch,
    })
}

/// Marks batch `id` given up at `now` (an earlier moment stays): no run
/// carries it on after this.
pub fn give_up_batch(
    store: &mut Store,
    id: BatchId,
    now: OffsetDateTime,
) -> Result<(), BatchError> {
    if store.batch(id)?.is_none() {
        return Err(BatchError::UnknownBatch { batch: id });
    }
    store.record_batch_given_up(id, now)?;
    Ok(())
}

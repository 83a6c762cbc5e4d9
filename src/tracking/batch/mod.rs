//! Restoring many archives at once: a batch is a journaled set of whole-archive
//! plans (see `prepare`), carried out by one loop (see `run`) that starts jobs at
//! a bounded pace, follows them, downloads each output as it becomes ready,
//! renews what expired and retries what failed once. Everything it does is in
//! the journal first, so the same loop run again goes on where it stopped.

mod delivery;
mod give_up;
mod items;
pub(crate) mod jitter;
mod prepare;
mod ready;
mod round;
mod run;
mod step;
mod tally;

use std::path::PathBuf;

pub use delivery::{Delivery, IntoFolder};
pub use give_up::{BatchLeft, batch_left, give_up_batch};
pub(crate) use prepare::prepare_into;
pub use prepare::{
    BatchArchive, BatchRequest, PreparedBatch, pace_for, prepare_batch, record_batch,
    record_batch_at,
};
pub use ready::{ReadyOutcome, ReadyProgress, download_ready};
pub use run::{RunOptions, run_batch, run_batch_to};
pub use step::item_facts;
pub use tally::{BatchTally, tally};

use crate::domain::batch::{ItemStep, StartWhy};
use crate::store::{BatchId, PlanId, StoreError};
use crate::tracking::TrackingError;
use crate::tracking::download::DownloadJobError;

/// Why a batch could not be made or carried on.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("cannot use the folder {} ({source})", .path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the journal has no batch {batch}; the list of batches names each one")]
    UnknownBatch { batch: BatchId },
    #[error(transparent)]
    Tracking(#[from] TrackingError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Download(#[from] DownloadJobError),
    /// An archive could not be put where the batch sends it (an S3 copy).
    #[error(transparent)]
    Delivery(Box<dyn std::error::Error + Send + Sync>),
}

impl From<crate::glacier::GlacierError> for BatchError {
    fn from(err: crate::glacier::GlacierError) -> Self {
        BatchError::Tracking(err.into())
    }
}

impl BatchError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            BatchError::Folder { .. } | BatchError::UnknownBatch { .. } => true,
            BatchError::Tracking(err) => err.is_bad_input(),
            BatchError::Store(err) => err.is_bad_input(),
            BatchError::Download(err) => err.is_bad_input(),
            BatchError::Delivery(_) => false,
        }
    }
}

/// Where a batch's archives stand, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub archives: u64,
    pub bytes: u64,
    /// Their files are finished.
    pub restored: u64,
    pub restored_bytes: u64,
    /// A job was started (or reused) and is not downloaded yet.
    pub running: u64,
    pub ready: u64,
    /// No job yet, or one to start again.
    pub waiting_to_start: u64,
    /// Failed twice, or never startable: reported, not retried.
    pub given_up: u64,
    /// Larger than the bytes-per-hour cap allows in one job.
    pub too_large: u64,
}

impl BatchCounts {
    /// Counts an archive of `size` bytes whose next step is `step` (an archive
    /// too large for the pace is counted by the caller, who knows the pace).
    pub fn add(&mut self, size: u64, step: &ItemStep) {
        self.archives += 1;
        self.bytes = self.bytes.saturating_add(size);
        match step {
            ItemStep::Done => {
                self.restored += 1;
                self.restored_bytes = self.restored_bytes.saturating_add(size);
            }
            ItemStep::Download => self.ready += 1,
            ItemStep::Wait => self.running += 1,
            ItemStep::Start(_) => self.waiting_to_start += 1,
            ItemStep::GaveUp => self.given_up += 1,
        }
    }

    /// Nothing is left to do for any archive.
    pub fn is_over(&self) -> bool {
        self.restored + self.given_up + self.too_large >= self.archives
    }
}

/// Something the batch did that its user should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchEvent {
    Started {
        plan: PlanId,
        name: String,
        job_id: String,
        why: StartWhy,
    },
    /// Glacier (or the network) pushed back; starts resume at `until`.
    Throttled {
        message: String,
        until: time::OffsetDateTime,
    },
    /// An unanswered InitiateJob turned out to have started a job after all.
    Found {
        plan: PlanId,
        name: String,
        job_id: String,
    },
    Downloaded {
        plan: PlanId,
        name: String,
        path: PathBuf,
        bytes: u64,
    },
    /// This archive's download failed; it is tried again later.
    DownloadFailed {
        plan: PlanId,
        name: String,
        reason: String,
    },
    GaveUp {
        plan: PlanId,
        name: String,
        reason: String,
    },
    TooLarge {
        plan: PlanId,
        name: String,
        bytes: u64,
    },
}

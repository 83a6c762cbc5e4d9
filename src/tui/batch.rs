//! The screen's batches, as plain data: the dialog that turns the marked
//! archives into a batch, a batch's row in the jobs pane, and what the screen is
//! doing for a batch now (starting its jobs, downloading what is ready, or
//! carrying a migration on).

use std::path::PathBuf;
use std::sync::Arc;

use time::OffsetDateTime;

use super::msg::RequestId;
use crate::domain::cost::PriceTable;
use crate::domain::job_params::Tier;
use crate::store::{BatchEntry, BatchItem, VaultKey};
use crate::tracking::batch::{BatchTally, PreparedBatch, ReadyProgress};

/// Where the journal says a batch made on the screen came from.
pub const MARKS_SOURCE: &str = "marks on the screen";

/// The marked archives on their way to being a batch: where they go and at
/// which tier, then (once the cache and Glacier were asked) what it would do and
/// cost, before anything is paid.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchDialog {
    pub vault: VaultKey,
    /// The snapshot the marks' positions belong to.
    pub snapshot: PathBuf,
    /// The marked positions when the dialog opened.
    pub positions: Vec<u32>,
    pub marked_bytes: u128,
    /// The folder to restore into, as typed.
    pub folder: String,
    pub tier: Tier,
    pub stage: BatchStage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BatchStage {
    /// Typing the folder and choosing the tier.
    Choosing,
    /// The cache and Glacier are being asked.
    Preparing(RequestId),
    /// The summary is shown: Enter starts the batch.
    Ready(Prepared),
}

/// A batch ready to be journaled, shared between the dialog and the command
/// that starts it. Two are equal only when they are the same preparation: the
/// summary is never compared archive by archive.
#[derive(Debug, Clone)]
pub struct Prepared(pub Arc<PreparedBatch>);

impl PartialEq for Prepared {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What preparing a batch is asked with.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchAsk {
    pub vault: VaultKey,
    pub snapshot: PathBuf,
    pub positions: Vec<u32>,
    pub tier: Tier,
    pub to: PathBuf,
    pub prices: PriceTable,
}

/// A batch as the jobs pane lists it: its journal record, where its archives
/// stand, and (while it is expanded) the archives themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub entry: BatchEntry,
    pub tally: BatchTally,
    /// Read only for an expanded batch: a batch may hold a million archives.
    pub items: Vec<BatchItem>,
}

impl BatchRow {
    /// Whether the batch copies its archives to S3 rather than into a folder:
    /// a migration journals its bucket as where its archives go.
    pub fn is_migration(&self) -> bool {
        self.entry.to.starts_with("s3://")
    }
}

/// What the screen is doing for a batch now.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchWork {
    /// Its jobs are being started at the batch's pace.
    Starting {
        started: u64,
        /// Archives that were waiting for a job when starting began.
        to_start: u64,
        /// The last push-back from Glacier, when starting waits on one.
        held: Option<String>,
    },
    /// A migration carried on to its end: its jobs started at its pace, and
    /// each output copied into the bucket as it becomes ready.
    Migrating {
        started: u64,
        /// Archives that were waiting for a job when it began.
        to_start: u64,
        /// The last push-back from Glacier, when starting waits on one.
        held: Option<String>,
    },
    /// Its ready outputs are being downloaded into `to`.
    Downloading {
        to: PathBuf,
        progress: ReadyProgress,
        began: OffsetDateTime,
    },
}

//! What flows through the terminal UI: messages in (keys, terminal events, results
//! of work), commands out (work to do, as data). Results carry the request they
//! answer, so an answer that arrives after a newer request is dropped.

use std::collections::HashMap;
use std::path::PathBuf;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::glacier::RetrievalPolicy;
use crate::store::{
    ArchivePage, ArchiveQuery, ArchiveRow, BatchId, DeletionTotals, FolderEntry, JournalEntry,
    MigrationProgress, PlanEntry, VaultKey,
};
use crate::tracking::batch::ReadyProgress;
use crate::tracking::launch::PlannedRetrieval;

use super::marks::Marks;
use super::model::VaultSummary;

/// Tags a request so its answer can be matched to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RequestId(pub u64);

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time has passed: countdowns move, due jobs get polled.
    Tick,
    Loaded(Loaded),
}

/// The answer to a [`Cmd`]. Errors are sentences, ready for the status bar.
#[derive(Debug)]
pub enum Loaded {
    Vaults(Result<Vec<VaultSummary>, String>),
    /// How far each vault's drain and newest migration are, read again.
    Progress(Result<Vec<VaultProgress>, String>),
    Page {
        request: RequestId,
        result: Result<ArchivePage, String>,
    },
    Folder {
        request: RequestId,
        result: Result<Vec<FolderEntry>, String>,
    },
    Archive {
        request: RequestId,
        result: Result<Option<ArchiveRow>, String>,
    },
    Marks(MarksAnswer),
    /// What the cache or a peek says of zips.
    Zip(super::members::ZipAnswer),
    /// The journal, after the vaults' jobs were brought up to date.
    Jobs(Result<Journal, String>),
    /// The decoded names of the archives the journal's jobs retrieve, by id.
    JobNames(HashMap<String, String>),
    Policy {
        request: RequestId,
        result: Result<RetrievalPolicy, String>,
    },
    Launched(Result<Vec<String>, String>),
    /// What a batch on the marks would do and cost, or why it cannot be made.
    BatchPrepared {
        request: RequestId,
        result: Result<super::batch::Prepared, String>,
    },
    /// What a migration of the marks would do and cost, or why it cannot be
    /// made, with the field that fixes it.
    MigrationPrepared {
        request: RequestId,
        result: Result<super::migration::Migrating, super::migration::Refusal>,
    },
    /// What a batch the screen works on did.
    Batch(BatchNews),
    /// What draining the vault would delete and keep, or why it cannot say.
    DrainPrepared {
        request: RequestId,
        result: Result<super::drain::Draining, String>,
    },
    /// What a drain the screen runs did.
    Drain(DrainNews),
    /// What renewing a plan would start again, after asking Glacier.
    RenewalPlanned(Result<super::effects::RenewalView, String>),
    /// What the renewal started, in a sentence.
    Renewed(Result<String, String>),
    DownloadProgress {
        job_id: String,
        done: u64,
        total: u64,
    },
    /// What was verified and where it went, in one line, or why it failed.
    DownloadFinished {
        job_id: String,
        result: Result<String, String>,
    },
    InventoryRequested(Result<String, String>),
    /// A ready inventory went into the cache (`None`: a page is still pending).
    InventoryImported(Result<Option<String>, String>),
    Saved(Result<PathBuf, String>),
    /// Something went wrong outside any request the screen waits for.
    Problem(String),
    /// The cache in this data directory can only be read: it is shown, and
    /// whatever would change it (launching, fetching, downloading) is off.
    CacheReadOnly(PathBuf),
}

/// How far a vault's drain and newest migration are.
#[derive(Debug, Clone, PartialEq)]
pub struct VaultProgress {
    pub key: VaultKey,
    pub deletions: DeletionTotals,
    pub migration: Option<MigrationProgress>,
}

/// The journal as the jobs pane shows it, read at one moment: every job, and
/// the plans they carry out (one row each).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Journal {
    pub entries: Vec<JournalEntry>,
    pub plans: Vec<PlanEntry>,
    /// The batches, each with its standing; the jobs and plans of a batch are
    /// not in `entries` and `plans`.
    pub batches: Vec<super::batch::BatchRow>,
}

/// What a batch the screen works on did, as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchNews {
    /// The batch is journaled; starting its jobs begins.
    Recorded { batch: BatchId, to_start: u64 },
    /// The migration is journaled; it is carried on until every archive is
    /// copied.
    MigrationRecorded { batch: BatchId, to_start: u64 },
    /// A migration's archive of `bytes` was copied into its object, verified.
    Copied { batch: BatchId, bytes: u64 },
    /// A job started (or an unanswered one was found).
    Started { batch: BatchId },
    /// Glacier pushed back: starting waits, then goes on.
    Held { batch: BatchId, message: String },
    /// Something about one archive worth a line: a download failed, an archive
    /// was given up.
    Said { batch: BatchId, text: String },
    /// How far downloading the ready outputs is.
    Downloading {
        batch: BatchId,
        progress: ReadyProgress,
    },
    /// The work is over: what it came to in a sentence, or why it stopped.
    Ended {
        batch: BatchId,
        result: Result<String, String>,
    },
}

/// What a drain the screen runs did, as it happens; `vault` as the vaults
/// pane lists it.
#[derive(Debug, Clone, PartialEq)]
pub enum DrainNews {
    /// An archive is gone from the vault (deleted now, or before).
    Deleted { vault: VaultKey },
    /// Glacier pushed back: deleting waits, then goes on.
    Held { vault: VaultKey, message: String },
    /// Every archive was asked about: what it came to, or why it stopped.
    Ended {
        vault: VaultKey,
        result: Result<String, String>,
    },
}

/// Work for the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    LoadVaults,
    /// How far the drains and migrations of these vaults are: aggregates the
    /// cache counts, cheap enough to ask after every copy.
    LoadProgress {
        vaults: Vec<VaultKey>,
    },
    LoadPage {
        request: RequestId,
        snapshot: PathBuf,
        query: ArchiveQuery,
    },
    LoadFolder {
        request: RequestId,
        snapshot: PathBuf,
        path: String,
    },
    LoadArchive {
        request: RequestId,
        snapshot: PathBuf,
        position: u32,
    },
    Marks(MarksQuery),
    /// Listings of zips, from the cache; peeks, through the engine.
    Zip(super::members::ZipCmd),
    /// ListJobs on each vault, then the journal, with the archives of the
    /// batches shown expanded.
    SyncJobs {
        vaults: Vec<VaultKey>,
        open_batches: Vec<BatchId>,
    },
    LoadPolicy {
        request: RequestId,
    },
    Launch {
        vault: VaultKey,
        planned: PlannedRetrieval,
    },
    /// Read the marked archives and ask Glacier what a batch of them would do.
    PrepareBatch {
        request: RequestId,
        ask: super::batch::BatchAsk,
    },
    /// Journal the batch at `tier` and start its jobs at its pace.
    StartBatch {
        prepared: super::batch::Prepared,
        tier: crate::domain::job_params::Tier,
    },
    /// Go on starting the jobs of a batch whose starting was cut short.
    ResumeBatch {
        batch: BatchId,
    },
    /// Read the marked archives and ask Glacier and the bucket what copying
    /// them would do.
    PrepareMigration {
        request: RequestId,
        ask: super::migration::MigrationAsk,
    },
    /// Journal the migration and carry it on until every archive is copied.
    StartMigration {
        migrating: super::migration::Migrating,
    },
    /// Read the journal's copies of the vault against its newest inventory:
    /// what a drain of the copied archives would delete.
    PrepareDrain {
        request: RequestId,
        vault: VaultKey,
        /// For the early deletion fee.
        prices: crate::domain::cost::PriceTable,
    },
    /// Delete them, each journaled before it is asked for.
    StartDrain {
        vault: VaultKey,
        draining: super::drain::Draining,
    },
    /// Carry on a migration the screen stopped following (it was left, the
    /// network failed).
    ResumeMigration {
        batch: BatchId,
    },
    /// Download every ready output of the batch into `to`.
    DownloadBatch {
        batch: BatchId,
        to: PathBuf,
    },
    Download {
        vault: VaultKey,
        job_id: String,
        to: PathBuf,
    },
    /// Ask Glacier which of the plan's jobs must start again.
    PlanRenewal {
        plan: crate::store::PlanId,
    },
    /// Start them.
    Renew {
        plan: crate::store::PlanId,
    },
    FetchInventory {
        vault: VaultKey,
    },
    /// Import the vault's inventory whose job is ready.
    ImportInventory {
        vault: VaultKey,
    },
    /// OSC 52, so it reaches the clipboard of the terminal the user sits at, even
    /// over SSH.
    CopyToClipboard(String),
    SaveToFile {
        path: PathBuf,
        text: String,
    },
    Bell,
    Quit,
    /// What the demo's tour asks of the demo: saving its place, capacity,
    /// a flipped byte.
    Tour(super::tour::TourCmd),
}

/// What marking many archives asks the cache, off the screen's thread.
#[derive(Debug, Clone, PartialEq)]
pub enum MarksQuery {
    /// The position and size of every archive `query` keeps, to mark them all.
    Archives {
        request: RequestId,
        snapshot: PathBuf,
        query: ArchiveQuery,
    },
    /// How many of `marks` lie under each subfolder of `folder` (`a/b/`).
    Counts {
        request: RequestId,
        snapshot: PathBuf,
        folder: String,
        marks: Marks,
    },
}

#[derive(Debug)]
pub enum MarksAnswer {
    Archives {
        request: RequestId,
        result: Result<Vec<(u32, u64)>, String>,
    },
    /// One count for each subfolder, in the order the folder lists them.
    Counts {
        request: RequestId,
        result: Result<Vec<u64>, String>,
    },
}

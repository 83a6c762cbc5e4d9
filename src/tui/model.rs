//! Everything the screen shows, as plain data. `update` changes it; `view` reads it.

use std::path::PathBuf;

use time::OffsetDateTime;

use super::config::Config;
pub use super::jobs_pane::{DownloadState, DownloadView, JobsPane, JobsRow};
use super::msg::RequestId;
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::Tier;
use crate::domain::range::{ByteRange, Plan, PlanKind, Window, Zoom};
use crate::glacier::RetrievalPolicy;
use crate::store::{ArchiveRow, FolderEntry, SnapshotInfo, SortKey, VaultKey};
use crate::tracking::launch::PlannedRetrieval;

/// A vault as the vaults pane lists it: what the cache holds of it, and what
/// Glacier says of it when it could be asked.
#[derive(Debug, Clone, PartialEq)]
pub struct VaultSummary {
    pub key: VaultKey,
    /// The newest cached inventory.
    pub snapshot: Option<SnapshotInfo>,
    pub snapshot_count: usize,
    /// Glacier's own count, from its last inventory (`None`: not asked, or never
    /// inventoried).
    pub live_archives: Option<u64>,
    /// How far drains of the vault are (all zero when none was run).
    pub deletions: crate::store::DeletionTotals,
    /// How far the vault's newest migration is, when one was made.
    pub migration: Option<crate::store::MigrationProgress>,
}

impl VaultSummary {
    /// Lines the vaults pane gives it: the name, its inventory in two, a line
    /// for a drain when one was run, and three for a migration when one was made.
    pub fn lines(&self) -> u16 {
        let drain = u16::from(self.deletions.asked > 0);
        let migration = if self.migration.is_some() { 3 } else { 0 };
        3 + drain + migration
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Vaults,
    Archives,
    Jobs,
}

/// How the program was started.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Plan, preview and copy only: nothing that spends.
    pub read_only: bool,
    /// Shown in the title bar, for example `demo · sandbox at 127.0.0.1:40211 · clock 360×`.
    pub banner: Option<String>,
    pub speed: ServiceSpeed,
    /// What the preview's aws CLI line adds (`--endpoint-url` for a sandbox).
    pub endpoint_url: Option<String>,
    /// For the aws CLI line's `--region`, when known before the client is.
    pub region: Option<String>,
    /// Where downloads go unless the user names another folder.
    pub download_dir: PathBuf,
    /// The bucket the migration dialog offers first (the demo's own).
    pub default_bucket: Option<String>,
    /// The S3 endpoint migrations go to instead of AWS (the demo's sandbox).
    pub s3_endpoint_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    Info,
    Good,
    Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub severity: Severity,
    pub text: String,
}

/// The archives of the selected vault's newest snapshot, of which only the rows
/// on screen are loaded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchiveTable {
    pub snapshot: Option<SnapshotInfo>,
    pub filter: String,
    /// Keys go to the filter while this is on.
    pub filtering: bool,
    pub sort: SortKey,
    pub descending: bool,
    /// How many archives the filter keeps.
    pub total: u64,
    pub cursor: u64,
    /// The first row on screen.
    pub top: u64,
    /// Loaded rows, starting at `rows_offset`.
    pub rows: Vec<ArchiveRow>,
    /// Whether `rows` and `total` answer the current filter and order.
    pub loaded: bool,
    pub rows_offset: u64,
    pub pending: Option<RequestId>,
    /// The folder tree, when it is shown instead of the table.
    pub tree: Option<FolderView>,
    /// The archives marked for a batch, by position in `snapshot`. Another vault
    /// or snapshot starts a new table, so marks never outlive their inventory.
    pub marks: super::marks::Marks,
    /// Marks on their way: the cache is asked for every archive a filter or a
    /// folder holds, and each answer marks them all (unmarks them, when all were
    /// marked already).
    pub marking: Vec<super::marks::PendingMark>,
}

impl ArchiveTable {
    /// The archive under the cursor, when it is loaded.
    pub fn selected(&self) -> Option<&ArchiveRow> {
        let index = self.cursor.checked_sub(self.rows_offset)?;
        self.rows.get(usize::try_from(index).ok()?)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FolderView {
    /// `""` at the top, else `a/b/`.
    pub path: String,
    pub entries: Vec<FolderEntry>,
    pub cursor: usize,
    pub pending: Option<RequestId>,
    /// How many archives under each entry are marked, entry by entry (folders
    /// only: an archive's own mark is looked up).
    pub marked: Vec<u64>,
    /// The count of marked archives under the folders, while on its way.
    pub counting: Option<RequestId>,
}

/// Which end of the range the movement keys move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    Start,
    End,
}

/// The range planner of one archive.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeDialog {
    pub archive: ArchiveRow,
    /// The range as typed, in any form `defrost range` takes.
    pub text: String,
    /// The last range the text stood for.
    pub want: ByteRange,
    /// Why the text does not stand for a range, when it does not.
    pub problem: Option<String>,
    pub moving: RangeEnd,
    pub chosen: PlanKind,
    /// Each kind of plan for `want`, or why that kind cannot serve it; kept in
    /// step with `want` by [`RangeDialog::set_want`], so drawing plans nothing.
    pub plans: Vec<(PlanKind, Result<Plan, String>)>,
    /// Whether the picture shows the part around the range or the whole archive.
    pub zoom: Zoom,
    /// The archive bytes the picture spans, kept in step with `want`, `chosen`
    /// and `zoom` by the methods that change them.
    pub window: Window,
}

impl RangeDialog {
    /// The planner on `want` of `archive`, with `chosen` lit.
    pub fn new(archive: ArchiveRow, want: ByteRange, chosen: PlanKind) -> RangeDialog {
        let mut dialog = RangeDialog {
            archive,
            text: super::present::written(want),
            want,
            problem: None,
            moving: RangeEnd::End,
            chosen,
            plans: Vec::new(),
            zoom: Zoom::default(),
            window: crate::domain::range::window(0, want, &[], Zoom::Whole),
        };
        dialog.set_want(want);
        dialog
    }

    /// Lights another plan, and moves the picture to its jobs.
    pub fn choose(&mut self, kind: PlanKind) {
        self.chosen = kind;
        self.refresh_window();
    }

    /// From the part around the range to the whole archive, or back.
    pub fn toggle_zoom(&mut self) {
        self.zoom = self.zoom.toggled();
        self.refresh_window();
    }

    fn refresh_window(&mut self) {
        let jobs = self
            .chosen_plan()
            .map_or(&[][..], |plan| plan.jobs.as_slice());
        self.window = crate::domain::range::window(self.archive.size, self.want, jobs, self.zoom);
    }

    /// A new wanted range, and every kind of plan for it.
    pub fn set_want(&mut self, want: ByteRange) {
        self.want = want;
        self.plans = PlanKind::ALL
            .iter()
            .map(|&kind| {
                let found = crate::domain::range::plan(self.archive.size, want, kind);
                (kind, found.map_err(|err| err.to_string()))
            })
            .collect();
        self.refresh_window();
    }

    /// The chosen plan, when it can serve the range.
    pub fn chosen_plan(&self) -> Option<&Plan> {
        self.plans
            .iter()
            .find(|(kind, _)| *kind == self.chosen)
            .and_then(|(_, found)| found.as_ref().ok())
    }
}

/// The exact jobs a plan would start, as Glacier will see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub vault: VaultKey,
    pub archive: ArchiveRow,
    pub want: ByteRange,
    pub plan: Plan,
    pub tier: Tier,
    /// The checked jobs, as they will be sent.
    pub planned: PlannedRetrieval,
    /// One `aws glacier initiate-job` line per job.
    pub cli_lines: Vec<String>,
    pub scroll: u16,
    /// The file name being typed for `save`, when it is.
    pub save_as: Option<String>,
}

impl Preview {
    /// Everything the preview shows, as copied or saved.
    pub fn text(&self) -> String {
        let mut text = String::new();
        let jobs = &self.planned.jobs;
        for (index, job) in jobs.iter().enumerate() {
            let json = job.to_json_pretty();
            text.push_str(&format!("# job {} of {}\n{json}\n", index + 1, jobs.len()));
        }
        text.push_str("\n# the same with the aws CLI\n");
        for line in &self.cli_lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PolicyCheck {
    Asking(RequestId),
    Known(RetrievalPolicy),
    Failed(String),
}

/// The last step before spending: tier, estimates, policy and reuse.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchDialog {
    pub preview: Preview,
    pub policy: PolicyCheck,
    /// What the plan costs and how soon it is ready at each tier, cheapest first,
    /// from the price table when the dialog opened.
    pub estimates: Vec<crate::domain::cost::Estimate>,
    /// Journaled jobs that already retrieve these bytes and can still be downloaded.
    pub reusable: Vec<String>,
    /// The last step: everything is shown, one more Enter starts the jobs.
    pub confirming: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DownloadDialog {
    pub vault: VaultKey,
    pub job_id: String,
    pub folder: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Range(RangeDialog),
    Preview(Preview),
    Launch(LaunchDialog),
    Download(DownloadDialog),
    Renew(RenewDialog),
    Batch(super::batch::BatchDialog),
    Migration(super::migration::MigrationDialog),
    Drain(super::drain::DrainDialog),
    Peek(super::members::PeekDialog),
    MemberRestore(super::member_restore::MemberDialog),
}

/// The jobs a plan would start again, with their cost, before anything is paid.
#[derive(Debug, Clone, PartialEq)]
pub struct RenewDialog {
    pub renewal: super::effects::RenewalView,
    /// Their estimated cost, worded, from the price table.
    pub cost: String,
}

/// The whole state of the screen.
#[derive(Debug, Clone)]
pub struct Model {
    pub config: Config,
    pub session: Session,
    pub now: OffsetDateTime,
    pub width: u16,
    pub height: u16,
    pub focus: Pane,
    pub vaults: Vec<VaultSummary>,
    pub vault_cursor: usize,
    pub archives: ArchiveTable,
    pub jobs: JobsPane,
    /// Zips: the listed archives' marker, a zip's members, peeks.
    pub zips: super::members::Zips,
    pub dialog: Option<Dialog>,
    pub help: bool,
    pub explain: bool,
    pub status: Option<StatusMessage>,
    /// The data directory, when the cache in it can only be read.
    pub cache_read_only: Option<PathBuf>,
    /// The bucket last typed in the migration dialog, offered again.
    pub last_bucket: Option<String>,
    /// Vaults a drain runs on now.
    pub draining: Vec<VaultKey>,
    pub next_request: u64,
    pub quit: bool,
    /// The demo's guided tour (unavailable elsewhere).
    pub tour: super::tour::Tour,
}

impl Model {
    pub fn new(
        config: Config,
        session: Session,
        now: OffsetDateTime,
        width: u16,
        height: u16,
    ) -> Model {
        Model {
            config,
            session,
            now,
            width,
            height,
            focus: Pane::Archives,
            vaults: Vec::new(),
            vault_cursor: 0,
            archives: ArchiveTable::default(),
            jobs: JobsPane::default(),
            zips: Default::default(),
            dialog: None,
            help: false,
            explain: false,
            status: None,
            cache_read_only: None,
            last_bucket: None,
            draining: Vec::new(),
            next_request: 0,
            quit: false,
            tour: super::tour::Tour::default(),
        }
    }

    pub fn request(&mut self) -> RequestId {
        self.next_request += 1;
        RequestId(self.next_request)
    }

    pub fn selected_vault(&self) -> Option<&VaultSummary> {
        self.vaults.get(self.vault_cursor)
    }

    /// Whether the archives pane shows `vault`'s archives.
    pub fn shows_vault(&self, vault: &VaultKey) -> bool {
        (self.archives.snapshot.as_ref()).is_some_and(|snapshot| &snapshot.vault.key == vault)
    }

    pub fn tell(&mut self, severity: Severity, text: impl Into<String>) {
        self.status = Some(StatusMessage {
            severity,
            text: crate::text::printable(&text.into()),
        });
    }
}

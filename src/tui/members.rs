//! Zip archives on the screen, as plain data: which archives of the vault shown
//! have a stored listing (a marker in the table), an archive's members as a
//! folder tree, and the peek dialog, what looking inside costs before it is
//! paid for. The listing and peeks are `tracking::peek`'s; this is what the
//! screen keeps of them, and the commands and answers that carry them.

use std::collections::HashSet;
use std::path::PathBuf;

use super::member_restore::{MemberAsk, MemberView, Restoring};
use super::msg::RequestId;
use crate::domain::cost::{PriceTable, estimate, format_cost};
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::Tier;
use crate::domain::range::ByteRange;
use crate::store::{ArchiveRow, ListedMember, PlanId, VaultKey};

/// What the screen knows of zips in the vault it shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Zips {
    /// The archives with a stored listing, by id and by position in the
    /// snapshot shown.
    pub listed: Listing,
    /// The read of `listed` on its way.
    pub pending: Option<RequestId>,
    /// An archive's members, shown instead of the archive table.
    pub members: Option<MembersView>,
    /// An archive of the folder tree being read to peek at it (not to plan).
    pub peek_on_load: Option<RequestId>,
    /// The peek asked of the engine, waiting for its answer.
    pub asking: Option<Asking>,
    /// The member's restore asked of the engine, waiting for its answer.
    pub restoring: Option<Restoring>,
    /// Retrievals started from here, taken further once they are ready.
    pub carry_on: Vec<CarryOn>,
    /// The folder chosen for each member whose restore was started, by
    /// archive id and member number, for the key pressed again later.
    pub restore_to: std::collections::HashMap<(String, u32), PathBuf>,
}

impl Zips {
    /// Whether `archive` has a stored listing.
    pub fn is_listed(&self, archive: &ArchiveRow) -> bool {
        self.listed.ids.contains(&archive.archive_id)
    }
}

/// The archives of a vault whose listing is stored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub ids: HashSet<String>,
    /// Their positions in the snapshot shown (an archive the snapshot does
    /// not list has none).
    pub positions: HashSet<u32>,
}

/// A peek the engine was asked to take further.
#[derive(Debug, Clone, PartialEq)]
pub struct Asking {
    pub request: RequestId,
    pub ask: PeekAsk,
}

/// A peek or a member's restore whose retrieval was started from the screen:
/// once its plan is ready, the screen takes it further by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct CarryOn {
    pub plan: PlanId,
    pub step: ZipStep,
}

/// What to ask the engine again once the plan is ready.
#[derive(Debug, Clone, PartialEq)]
pub enum ZipStep {
    Peek(PeekAsk),
    Member(MemberAsk),
}

/// One archive's members, a folder at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct MembersView {
    pub archive: ArchiveRow,
    /// Every member, in the zip's order; empty while `loading`.
    pub members: Vec<ListedMember>,
    pub loading: Option<RequestId>,
    /// `""` at the top, else `a/b/`.
    pub path: String,
    /// What the folder at `path` holds: its folders, then its files.
    pub entries: Vec<MemberEntry>,
    pub cursor: usize,
}

impl MembersView {
    /// The view of `archive` while its members are read.
    pub fn loading(archive: ArchiveRow, request: RequestId) -> MembersView {
        MembersView {
            archive,
            members: Vec::new(),
            loading: Some(request),
            path: String::new(),
            entries: Vec::new(),
            cursor: 0,
        }
    }

    /// Shows the folder at `path`, from its first entry.
    pub fn open_folder(&mut self, path: String) {
        self.entries = folder_entries(&self.members, &path);
        self.path = path;
        self.cursor = 0;
    }

    /// The member under the cursor, when it is one (not a folder).
    pub fn selected_member(&self) -> Option<&ListedMember> {
        match self.entries.get(self.cursor)? {
            MemberEntry::Member { index } => self.members.get(*index),
            MemberEntry::Folder { .. } => None,
        }
    }

    /// The name of the folder above `path`, as `a/` (or `""`).
    pub fn parent(&self) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        let trimmed = self.path.trim_end_matches('/');
        Some(
            trimmed
                .rfind('/')
                .map_or(String::new(), |cut| trimmed[..=cut].to_owned()),
        )
    }
}

/// A row of the members tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberEntry {
    /// A folder, with the files beneath it and their unpacked size.
    Folder {
        name: String,
        files: u64,
        bytes: u64,
    },
    /// The member at this index of [`MembersView::members`].
    Member { index: usize },
}

/// What the folder `path` (`""` or `a/b/`) holds, from the members' safe
/// paths: its subfolders (by name, with what lies beneath) and then its
/// files (by name). A folder's own entry in the zip only makes it appear.
pub fn folder_entries(members: &[ListedMember], path: &str) -> Vec<MemberEntry> {
    let mut folders: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    let mut files: Vec<(String, usize)> = Vec::new();
    for (index, listed) in members.iter().enumerate() {
        let Some(rest) = listed.member.path.as_str().strip_prefix(path) else {
            continue;
        };
        let rest = rest.trim_start_matches('/');
        if rest.is_empty() {
            continue;
        }
        match rest.split_once('/') {
            Some((folder, _)) => {
                let entry = folders.entry(folder.to_owned()).or_default();
                if !listed.member.is_dir {
                    entry.0 += 1;
                    entry.1 += listed.member.size;
                }
            }
            None if listed.member.is_dir => {
                folders.entry(rest.to_owned()).or_default();
            }
            None => files.push((rest.to_owned(), index)),
        }
    }
    files.sort();
    let folders = folders
        .into_iter()
        .map(|(name, (files, bytes))| MemberEntry::Folder { name, files, bytes });
    folders
        .chain(
            files
                .into_iter()
                .map(|(_, index)| MemberEntry::Member { index }),
        )
        .collect()
}

/// The last step before a peek's retrieval is paid for: what it retrieves,
/// and its cost at the chosen tier beside the whole archive's.
#[derive(Debug, Clone, PartialEq)]
pub struct PeekDialog {
    pub vault: VaultKey,
    pub archive: ArchiveRow,
    /// The archive's tail, or the range before it the directory needs.
    pub range: ByteRange,
    /// What the aligned jobs retrieve, and how many they are.
    pub bytes: u64,
    pub jobs: usize,
    pub first: bool,
    pub tier: Tier,
    /// The retrieval at `tier`, in a sentence.
    pub cost: String,
    /// The whole archive at `tier`, in a sentence.
    pub whole: String,
}

impl PeekDialog {
    /// Says again what it costs, at `tier`.
    pub fn price(&mut self, tier: Tier, prices: &PriceTable, speed: ServiceSpeed) {
        self.tier = tier;
        self.cost = cost_line(self.bytes, self.jobs, tier, prices, speed);
        self.whole = cost_line(self.archive.size, 1, tier, prices, speed);
    }
}

/// "1 MiB in 1 job, $0.0100 at Standard, typically ready in 3 h to 5 h".
pub fn cost_line(
    bytes: u64,
    jobs: usize,
    tier: Tier,
    prices: &PriceTable,
    speed: ServiceSpeed,
) -> String {
    let guess = estimate(prices, tier, bytes, jobs, speed);
    let plural = if jobs == 1 { "" } else { "s" };
    format!(
        "{} in {jobs} job{plural}, {} at {tier}, typically ready in {}",
        super::view::format::size(bytes),
        format_cost(guess.cost, &prices.currency),
        super::view::format::span_between(guess.earliest, guess.latest, " to "),
    )
}

/// What the screen asks of the cache and the engine about zips.
#[derive(Debug, Clone, PartialEq)]
pub enum ZipCmd {
    /// The archives of `vault` with a stored listing, placed in `snapshot`.
    Listed {
        request: RequestId,
        vault: VaultKey,
        snapshot: PathBuf,
    },
    /// The stored members of an archive.
    Members {
        request: RequestId,
        vault: VaultKey,
        archive_id: String,
    },
    /// Takes the archive's peek as far as it goes now (`tracking::peek::advance`).
    Peek { request: RequestId, ask: PeekAsk },
    /// Takes a member's restore as far as it goes now
    /// (`tracking::peek::member::restore_member`).
    RestoreMember { request: RequestId, ask: MemberAsk },
}

/// A peek to take further.
#[derive(Debug, Clone, PartialEq)]
pub struct PeekAsk {
    pub vault: VaultKey,
    pub archive: ArchiveRow,
    pub tier: Tier,
    /// Start the next retrieval when one is needed; else only say what it
    /// would be.
    pub launch: bool,
}

/// The answers to [`ZipCmd`]s; errors are sentences.
#[derive(Debug)]
pub enum ZipAnswer {
    Listed {
        request: RequestId,
        result: Result<Listing, String>,
    },
    Members {
        request: RequestId,
        result: Result<Vec<ListedMember>, String>,
    },
    Peeked {
        request: RequestId,
        result: Result<PeekView, String>,
    },
    Member {
        request: RequestId,
        result: Result<MemberView, String>,
    },
}

/// Where a peek stands, as the screen says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeekView {
    /// The listing is stored: it holds this many members.
    Listed { members: usize },
    /// Not a zip: the sentence that says why.
    NotZip { reason: String },
    /// The next retrieval: started (its plan) when asked to, else to be paid.
    Retrieval {
        range: ByteRange,
        bytes: u64,
        jobs: usize,
        /// The tail, or a range before it.
        first: bool,
        started: Option<PlanId>,
        reused: usize,
    },
    /// The retrieval's jobs are not all ready: when the last should be, or
    /// why one of them never will be.
    Waiting {
        plan: PlanId,
        jobs: usize,
        ready_by: Option<time::OffsetDateTime>,
        stuck: Option<String>,
    },
}

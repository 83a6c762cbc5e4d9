//! The sandbox's state: vaults, archives, inventories, jobs and account settings,
//! and the buckets of its S3 endpoint.
//!
//! Plain data, serialisable as a whole so `--state DIR` can persist it. The rules
//! that change it live in the sibling modules and take `now` as an argument.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::multipart::MultipartUpload;
use super::s3::model::Bucket;

/// Everything one sandbox account holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SandboxState {
    pub vaults: BTreeMap<String, Vault>,
    #[serde(default)]
    pub retrieval_policy: RetrievalPolicy,
    #[serde(default)]
    pub provisioned_capacity: Vec<CapacityUnit>,
    /// Standard retrievals of the last day, to enforce a `BytesPerHour` or
    /// `FreeTier` policy.
    #[serde(default)]
    pub recent_retrievals: Vec<RetrievalRecord>,
    /// When false, Expedited jobs without provisioned capacity are refused with
    /// `InsufficientCapacityException` (a seed or admin setting).
    #[serde(default = "yes")]
    pub expedited_capacity_available: bool,
    /// Source of unique ids; persisted so ids never repeat across restarts.
    #[serde(default)]
    pub id_counter: u64,
    #[serde(default = "random_salt")]
    pub id_salt: u64,
    /// The S3 endpoint's buckets, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub buckets: BTreeMap<String, Bucket>,
}

fn yes() -> bool {
    true
}

/// A fresh account: no vaults, no policy, on-demand Expedited capacity available.
impl Default for SandboxState {
    fn default() -> Self {
        Self {
            vaults: BTreeMap::new(),
            retrieval_policy: RetrievalPolicy::default(),
            provisioned_capacity: Vec::new(),
            recent_retrievals: Vec::new(),
            expedited_capacity_available: yes(),
            id_counter: 0,
            id_salt: random_salt(),
            buckets: BTreeMap::new(),
        }
    }
}

/// A random value per state, so that two sandboxes started afresh never hand out
/// the same job or archive id (clients keep ids in their own journals).
fn random_salt() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

impl SandboxState {
    /// A new id of `len` characters, unique within this state and, through the
    /// salt, across states: `kind` and `scope` (a vault name, say) make it readable
    /// in logs only as far as they are distinct inputs.
    pub fn next_id(&mut self, len: usize, kind: &[u8], scope: &[u8]) -> String {
        self.id_counter += 1;
        crate::sandbox::ids::opaque_id(
            len,
            &[
                &self.id_salt.to_be_bytes(),
                kind,
                scope,
                &self.id_counter.to_be_bytes(),
            ],
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vault {
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// Archives, including deleted ones until an inventory has recorded the deletion.
    pub archives: BTreeMap<String, Archive>,
    /// The latest inventory Glacier has built; `None` until the first one.
    pub inventory: Option<Inventory>,
    #[serde(default)]
    pub jobs: BTreeMap<String, Job>,
    #[serde(default)]
    pub notifications: Option<NotificationConfig>,
    /// Multipart uploads in progress (and recently completed ones, for repeats).
    #[serde(default)]
    pub uploads: BTreeMap<String, MultipartUpload>,
    /// How many retrieval jobs each archive has had, by archive id, never
    /// forgotten (jobs are, once their output expires): what a client paid for.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub jobs_started: BTreeMap<String, u64>,
}

impl Vault {
    /// A vault as CreateVault makes it: no archives, no inventory yet.
    pub fn empty(name: &str, created: OffsetDateTime) -> Self {
        Self {
            name: name.to_owned(),
            created,
            archives: BTreeMap::new(),
            inventory: None,
            jobs: BTreeMap::new(),
            notifications: None,
            uploads: BTreeMap::new(),
            jobs_started: BTreeMap::new(),
        }
    }
}

/// One archive. Stored archives keep their bytes in a file named after the id;
/// virtual ones are generated from a seed whenever they are read; patched ones
/// are virtual but for the parts their file holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Archive {
    pub id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub deleted: Option<OffsetDateTime>,
    pub size: u64,
    pub tree_hash: String,
    pub content: ArchiveContent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveContent {
    Stored,
    Virtual {
        seed: u64,
    },
    /// Virtual bytes with real ones written over parts of them, the real parts
    /// kept in the archive's file (a seeded zip: see `content::patched`).
    Patched {
        seed: u64,
    },
}

impl ArchiveContent {
    /// Whether some of the archive's bytes are in a file named by its id.
    pub fn has_file(self) -> bool {
        !matches!(self, ArchiveContent::Virtual { .. })
    }
}

impl Archive {
    /// Whether the archive existed at `at` (uploaded by then and not yet deleted).
    pub fn existed_at(&self, at: OffsetDateTime) -> bool {
        self.created <= at && self.deleted.is_none_or(|deleted| deleted > at)
    }
}

/// A vault inventory as Glacier built it at `date`. It keeps its own copy of each
/// entry, because archives deleted since stay listed until the next inventory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Inventory {
    #[serde(with = "time::serde::rfc3339")]
    pub date: OffsetDateTime,
    pub entries: Vec<InventoryEntry>,
}

impl Inventory {
    pub fn size_in_bytes(&self) -> u64 {
        self.entries.iter().map(|entry| entry.size).sum()
    }
}

/// One archive as an inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryEntry {
    pub archive_id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    pub size: u64,
    pub tree_hash: String,
}

impl From<&Archive> for InventoryEntry {
    fn from(archive: &Archive) -> Self {
        Self {
            archive_id: archive.id.clone(),
            description: archive.description.clone(),
            created: archive.created,
            size: archive.size,
            tree_hash: archive.tree_hash.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetrievalPolicy {
    #[default]
    None,
    FreeTier,
    BytesPerHour(u64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapacityUnit {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expiration: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RetrievalRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationConfig {
    pub sns_topic: String,
    pub events: Vec<String>,
}

/// A retrieval job. Its status follows from `now`: in progress until `completes_at`,
/// then succeeded (or failed, when a fault says so), downloadable until the output
/// window closes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub completes_at: OffsetDateTime,
    pub description: Option<String>,
    pub sns_topic: Option<String>,
    /// Set by fault injection: the job ends `Failed` with this status message.
    pub failure: Option<String>,
    /// Whether the completion notice has gone out, so it goes out only once.
    #[serde(default)]
    pub notified: bool,
    pub kind: JobKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Archive(ArchiveJob),
    Inventory(InventoryJob),
}

/// What an archive job retrieves, captured when it starts (a later deletion of the
/// archive does not change a job already running).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArchiveJob {
    pub archive_id: String,
    pub archive_size: u64,
    pub archive_tree_hash: String,
    pub archive_description: String,
    pub content: ArchiveContent,
    /// Inclusive byte range of the archive; the whole archive when none was asked.
    pub range_start: u64,
    pub range_end: u64,
    pub tier: String,
    /// Tree hash of the range, once computed; only tree-hash-aligned ranges get one.
    #[serde(default)]
    pub range_tree_hash: Option<String>,
}

/// An inventory job's parameters and the page of the inventory it returns.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InventoryJob {
    pub format: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub limit: Option<String>,
    pub marker: Option<String>,
    /// Where the next page starts, reported on DescribeJob; `None` on the last page.
    pub next_marker: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub inventory_date: OffsetDateTime,
    pub entries: Vec<InventoryEntry>,
    /// Bytes of the output, so DescribeJob need not render a large inventory.
    pub output_size: u64,
}

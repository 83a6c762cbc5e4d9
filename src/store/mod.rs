//! The local inventory cache: every inventory snapshot defrost has seen, per
//! account, region and vault, with its archives and their decoded names, ready
//! to page through, filter and compare.
//!
//! Layout under the data directory:
//! - `catalog.sqlite`: the vaults, their snapshots (see `catalog`) and the job
//!   journal (see `journal`), with its plans and batches (`plans`, `batches`);
//! - `snapshots/*.sqlite`: one database per snapshot (see `snapshot`).
//!
//! Both are plain SQLite files that the sqlite3 shell can open.

mod batches;
mod catalog;
mod claims;
mod deletions;
mod diff;
mod error;
mod import;
mod journal;
mod leftovers;
mod lettered_id;
mod migration_progress;
mod opening;
mod peeks;
mod plans;
pub mod snapshot;
pub mod sorter;
mod uploads;
mod which;

use std::path::{Path, PathBuf};

pub use batches::{
    BatchEntry, BatchId, BatchIdError, BatchIntent, BatchItem, BatchJob, BatchLimits,
    BatchSelection,
};
pub use catalog::{CATALOG_SCHEMA, SnapshotInfo, Vault, VaultKey};
pub use claims::RestoreClaim;
pub use deletions::{
    CopyProof, DeletionEntry, DeletionId, DeletionIntent, DeletionOutcome, DeletionProof,
    DeletionTotals, DownloadProof,
};
pub use diff::{SnapshotDiff, diff};
pub use error::{CatalogDamage, StoreError, VaultDetail, VaultRefusal};
pub use import::{ImportProgress, ImportRequest, check_vault_name};
pub use journal::{JobEvent, JobIntent, JournalEntry, JournalId, OutputUse};
pub use migration_progress::MigrationProgress;
pub use peeks::{Finding, ListedMember, PeekEntry, PeekFinding, PeekPart};
pub use plans::{
    FinishedFile, PlanArchive, PlanEntry, PlanId, PlanIdError, PlanIntent, PlanJob, PlanSlot,
};
pub use snapshot::{
    ArchivePage, ArchiveQuery, ArchiveRow, FolderEntry, FolderEntryKind, Snapshot, SortKey,
};
pub use uploads::{
    BucketTarget, CompletedUpload, UnfinishedUpload, UploadEntry, UploadId, UploadPart,
};

use catalog::Catalog;

/// The cache under one data directory, opened to change it or only to read it
/// (see `opening`).
pub struct Store {
    data_dir: PathBuf,
    snapshots_dir: PathBuf,
    catalog: Catalog,
    read_only: bool,
}

impl Store {
    pub fn catalog_path(&self) -> &Path {
        self.catalog.path()
    }

    pub fn snapshots_dir(&self) -> &Path {
        &self.snapshots_dir
    }

    /// Every vault with at least one snapshot.
    pub fn vaults(&self) -> Result<Vec<Vault>, StoreError> {
        self.catalog.vaults()
    }

    /// The snapshots of one vault, or of all, oldest first within a vault.
    pub fn snapshots(&self, vault: Option<&Vault>) -> Result<Vec<SnapshotInfo>, StoreError> {
        self.catalog.snapshots(vault.map(|vault| vault.id))
    }

    /// The vault called `name`, narrowed by account and region when several are.
    pub fn find_vault(
        &self,
        name: &str,
        account: Option<&str>,
        region: Option<&str>,
    ) -> Result<Vault, StoreError> {
        let matching: Vec<Vault> = self
            .vaults()?
            .into_iter()
            .filter(|vault| vault.key.name == name)
            .filter(|vault| account.is_none_or(|account| vault.key.account == account))
            .filter(|vault| region.is_none_or(|region| vault.key.region == region))
            .collect();
        let matching = self.prefer_inventoried(matching)?;
        match matching.as_slice() {
            [vault] => Ok(vault.clone()),
            [] => Err(VaultRefusal::NotCached {
                name: name.to_owned(),
                region: region.map(str::to_owned),
                account: account.map(str::to_owned),
            }
            .into()),
            several => Err(VaultRefusal::Ambiguous {
                name: name.to_owned(),
                candidates: several.iter().map(|vault| vault.key.clone()).collect(),
            }
            .into()),
        }
    }

    /// Among several vaults of one name, those with an inventory: the journal
    /// records jobs under the account `-` (the signer's), while an imported
    /// inventory names its account, so one vault can appear twice, once with
    /// snapshots and once with jobs only.
    fn prefer_inventoried(&self, matching: Vec<Vault>) -> Result<Vec<Vault>, StoreError> {
        if matching.len() < 2 {
            return Ok(matching);
        }
        let inventoried: Vec<i64> = self
            .snapshots(None)?
            .into_iter()
            .map(|snapshot| snapshot.vault.id)
            .collect();
        let with_snapshots: Vec<Vault> = matching
            .iter()
            .filter(|vault| inventoried.contains(&vault.id))
            .cloned()
            .collect();
        Ok(if with_snapshots.is_empty() {
            matching
        } else {
            with_snapshots
        })
    }

    /// Snapshot `id` of `vault`, or its newest when `id` is `None`.
    pub fn snapshot_of(&self, vault: &Vault, id: Option<i64>) -> Result<SnapshotInfo, StoreError> {
        let snapshots = self.snapshots(Some(vault))?;
        let found = match id {
            Some(id) => snapshots.into_iter().find(|snapshot| snapshot.id == id),
            None => snapshots
                .into_iter()
                .max_by_key(|s| (s.inventory_date, s.id)),
        };
        found.ok_or_else(|| {
            let name = vault.key.name.clone();
            match id {
                Some(id) => VaultRefusal::NoSuchSnapshot { name, id }.into(),
                None => VaultRefusal::NoInventory { name }.into(),
            }
        })
    }

    /// Opens a snapshot's archives.
    pub fn open_snapshot(&self, info: &SnapshotInfo) -> Result<Snapshot, StoreError> {
        Snapshot::open(&info.path)
    }
}

/// A time as the catalog writes it (RFC 3339, to the second).
pub fn snapshot_time(moment: time::OffsetDateTime) -> String {
    catalog::rfc3339(moment)
}

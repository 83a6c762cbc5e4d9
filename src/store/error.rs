//! Why the inventory cache could not do what was asked, in sentences that name the
//! problem and the fix in words any front end can use; the command line names its
//! options itself, from the fields kept here.

use std::io;
use std::path::PathBuf;

use std::fmt;

use crate::domain::inventory::{InventoryError, Timestamp};
use crate::store::catalog::VaultKey;
use crate::text::printable;

/// A failure of the cache or of an import.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the inventory cache at {} failed: {source}", .path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "the inventory cache at {} was written by a newer defrost (schema {found}; this one reads up to {supported}); upgrade defrost or use another data directory",
        .path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{} is not one of defrost's inventory databases; use another data directory",
        .path.display()
    )]
    NotOurs { path: PathBuf },
    /// The catalog exists but cannot be trusted. It holds the job journal (jobs
    /// that were paid for), so it is never recreated or written over.
    #[error(
        "{} {damage}, so it is not a usable inventory catalog; it was left as it is: move it aside, or restore it from a backup",
        .path.display()
    )]
    DamagedCatalog {
        path: PathBuf,
        damage: CatalogDamage,
    },
    /// Snapshot files without the catalog that names them: a cache that lost its
    /// catalog, not a new one.
    #[error(
        "the inventory cache in {} is damaged: its catalog {} is missing, but {} holds {files} snapshot file{}; restore the catalog from a backup, or move {} aside to start a new cache",
        .data_dir.display(),
        .catalog.display(),
        .snapshots_dir.display(),
        if *.files == 1 { "" } else { "s" },
        .data_dir.display()
    )]
    MissingCatalog {
        data_dir: PathBuf,
        catalog: PathBuf,
        snapshots_dir: PathBuf,
        files: usize,
    },
    /// The cache could only be opened for reading and a change was asked for.
    #[error(
        "the data directory {} is read-only, so the inventory cache in it cannot be changed",
        .dir.display()
    )]
    ReadOnly { dir: PathBuf },
    /// A snapshot's row in the catalog names a format or file defrost cannot
    /// trust; the catalog is left as it is, since it also holds the job journal.
    #[error(
        "snapshot {id} in {} has a damaged {what}; import that inventory again into another data directory",
        .catalog.display()
    )]
    DamagedSnapshot {
        id: i64,
        catalog: PathBuf,
        what: &'static str,
    },
    #[error(transparent)]
    Vault(#[from] VaultRefusal),
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error(
        "the inventory lists archive id {} twice (archives {first} and {second}), but ids are unique within a vault; download the inventory job's output again",
        printable(.id)
    )]
    DuplicateArchiveId { id: String, first: u64, second: u64 },
    #[error(
        "archive {position} has a Size of {size} bytes, more than the 40 TiB any archive can hold; download the inventory job's output again"
    )]
    SizeTooLarge { position: u64, size: u64 },
    #[error(
        "vault {} already holds the inventory of {inventory_date} (snapshot {snapshot}); nothing was imported",
        printable(.vault)
    )]
    AlreadyImported {
        vault: String,
        inventory_date: String,
        snapshot: i64,
    },
    #[error("{0}")]
    Refused(String),
}

/// Which vault was meant cannot be told, or an inventory contradicts what was
/// said about its vault. Each keeps what a front end needs to word its remedy in
/// its own terms (an option, a field on the screen).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultRefusal {
    /// No cached inventory is of a vault of that name (in that region or account,
    /// when they were given).
    #[error(
        "no inventory of vault '{}' is cached{}; import one, or see which vaults the cached inventories are of",
        printable(.name),
        Narrowed(.region.as_deref(), .account.as_deref())
    )]
    NotCached {
        name: String,
        region: Option<String>,
        account: Option<String>,
    },
    /// Several cached vaults have the name; a region or an account tells them apart.
    #[error(
        "there are {} cached vaults named '{}' ({}); choose the region or the account to pick one",
        .candidates.len(),
        printable(.name),
        Candidates(.candidates)
    )]
    Ambiguous {
        name: String,
        candidates: Vec<VaultKey>,
    },
    #[error("vault '{}' has no cached inventory; import one", printable(.name))]
    NoInventory { name: String },
    #[error(
        "vault '{}' has no snapshot {id}; the list of cached inventories shows its snapshots",
        printable(.name)
    )]
    NoSuchSnapshot { name: String, id: i64 },
    /// The inventory's VaultARN names another vault than the one given.
    #[error(
        "the inventory is of vault '{}' (its VaultARN says so), not '{}'; import it as vault '{}'",
        printable(.in_arn),
        printable(.given),
        printable(.in_arn)
    )]
    OfAnotherVault { in_arn: String, given: String },
    #[error(
        "the inventory does not say which region its vault is in; choose the region, for example us-east-1"
    )]
    NoRegion,
    /// A region or account was given that the inventory's VaultARN contradicts.
    #[error(
        "the {detail} given is '{}' but the inventory's VaultARN says '{}'; leave the {detail} out or correct it",
        printable(.given),
        printable(.in_arn)
    )]
    Disagrees {
        detail: VaultDetail,
        given: String,
        in_arn: String,
    },
    /// A date was given for an inventory whose file says another.
    #[error(
        "the inventory says its date is {in_file}, but the date given is {given}; leave the date out for JSON inventories"
    )]
    DateDisagrees {
        in_file: Timestamp,
        given: Timestamp,
    },
}

/// What, besides its name, tells a vault apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultDetail {
    Region,
    Account,
}

impl fmt::Display for VaultDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VaultDetail::Region => "region",
            VaultDetail::Account => "account",
        })
    }
}

/// ` for region R account A`, when either was given: the region first.
struct Narrowed<'a>(Option<&'a str>, Option<&'a str>);

impl fmt::Display for Narrowed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [("region", self.0), ("account", self.1)]
            .into_iter()
            .filter_map(|(what, value)| value.map(|value| format!("{what} {}", printable(value))))
            .collect();
        if parts.is_empty() {
            return Ok(());
        }
        write!(f, " for {}", parts.join(" "))
    }
}

/// `us-east-1 -, us-east-1 111122223333`: each vault's region and account.
struct Candidates<'a>(&'a [VaultKey]);

impl fmt::Display for Candidates<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = self
            .0
            .iter()
            .map(|key| format!("{} {}", printable(&key.region), printable(&key.account)))
            .collect();
        f.write_str(&shown.join(", "))
    }
}

/// What is wrong with a catalog file that exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogDamage {
    #[error("is empty (0 bytes)")]
    Empty,
    #[error("is not a file")]
    NotAFile,
    #[error("is not an SQLite database")]
    NotSqlite,
    #[error("is an SQLite database without defrost's tables")]
    NoSchema,
    #[error("is an SQLite database of another application")]
    Foreign,
    #[error("is damaged ({0})")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the user can fix this by changing the command or its input (exit
    /// code 2), rather than a failure of the disk or the database (exit code 1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            StoreError::Inventory(InventoryError::Io(_)) => false,
            StoreError::Inventory(_)
            | StoreError::DuplicateArchiveId { .. }
            | StoreError::SizeTooLarge { .. }
            | StoreError::Refused(_)
            | StoreError::Vault(_)
            | StoreError::DamagedSnapshot { .. }
            | StoreError::AlreadyImported { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::NotOurs { .. }
            | StoreError::DamagedCatalog { .. }
            | StoreError::MissingCatalog { .. }
            | StoreError::ReadOnly { .. } => true,
            StoreError::Database { .. } | StoreError::Io { .. } => false,
        }
    }

    pub(crate) fn refused(message: impl Into<String>) -> Self {
        StoreError::Refused(printable(&message.into()))
    }
}

/// Attaches the database path to SQLite errors.
pub(crate) trait AtPath<T> {
    fn at(self, path: &std::path::Path) -> Result<T, StoreError>;
}

impl<T> AtPath<T> for Result<T, rusqlite::Error> {
    fn at(self, path: &std::path::Path) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Database {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Attaches an action and a path to I/O errors.
pub(crate) fn io_error(
    action: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(io::Error) -> StoreError {
    // The path is copied only when there is an error: this runs for every row.
    move |source| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

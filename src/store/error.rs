//! Why the inventory cache could not do what was asked, in sentences that name the
//! problem and the fix.

use std::io;
use std::path::PathBuf;

use crate::domain::inventory::InventoryError;
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
        "the inventory cache at {} was written by a newer defrost (schema {found}; this one reads up to {supported}); upgrade defrost or give another --data-dir",
        .path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{} is not one of defrost's inventory databases; give another --data-dir",
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

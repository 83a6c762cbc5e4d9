//! Opening the cache: to change it, which needs a data directory this process can
//! write, or to read it, which also works in one it cannot. And sweeping what
//! killed processes left behind, which only a process that can write does.

use std::fs;
use std::io;
use std::path::Path;

use super::Store;
use super::catalog::{Access, Catalog, NEW_CATALOG_PREFIX, NEW_CATALOG_SUFFIX};
use super::error::{StoreError, io_error};
use super::leftovers::remove_if_abandoned;

/// The catalog's file in the data directory.
const CATALOG_FILE: &str = "catalog.sqlite";

impl Store {
    /// Opens the cache in `data_dir` to read and change it, creating it on first
    /// use. A data directory this process cannot write is refused at once, so a
    /// command that would change the cache stops before any work toward it.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        let snapshots_dir = data_dir.join("snapshots");
        let catalog_path = data_dir.join(CATALOG_FILE);
        fs::create_dir_all(data_dir).map_err(io_error("create", data_dir))?;
        if !writable(data_dir, &snapshots_dir, &catalog_path)? {
            return Err(StoreError::ReadOnly {
                dir: data_dir.to_path_buf(),
            });
        }
        // The catalog first: a damaged one is refused before anything is made.
        let catalog = Catalog::open(&catalog_path, &snapshots_dir, Access::ReadWrite)?;
        fs::create_dir_all(&snapshots_dir).map_err(io_error("create", &snapshots_dir))?;
        let store = Self {
            data_dir: data_dir.to_path_buf(),
            snapshots_dir,
            catalog,
            read_only: false,
        };
        store.sweep_leftovers();
        Ok(store)
    }

    /// Opens the cache in `data_dir` to read it: as [`Store::open`] does when the
    /// data directory can be written, and read-only when it cannot (see
    /// [`Store::is_read_only`]), without writing a byte there.
    pub fn open_for_reading(data_dir: &Path) -> Result<Self, StoreError> {
        match Self::open(data_dir) {
            Err(StoreError::ReadOnly { .. }) => {}
            opened => return opened,
        }
        let snapshots_dir = data_dir.join("snapshots");
        let catalog = Catalog::open(
            &data_dir.join(CATALOG_FILE),
            &snapshots_dir,
            Access::ReadOnly,
        )?;
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            snapshots_dir,
            catalog,
            read_only: true,
        })
    }

    /// Whether the cache was opened read-only: it can be read, never changed.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Refuses a change to a cache opened read-only, before any work toward it.
    pub(crate) fn check_writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                dir: self.data_dir.clone(),
            });
        }
        Ok(())
    }

    /// Removes what killed processes left behind: a catalog or snapshot being
    /// built (`.partial`), or a finished snapshot the catalog never recorded.
    /// A file goes only when no process holds its lock, as every writer does
    /// until its file is finished and recorded, so another process's import is
    /// never touched however long it runs. Best effort: a file that cannot be
    /// removed now is tried again next time.
    pub fn sweep_leftovers(&self) {
        if self.read_only {
            return;
        }
        for path in names_in(&self.data_dir, |name| {
            name.starts_with(NEW_CATALOG_PREFIX) && name.ends_with(NEW_CATALOG_SUFFIX)
        }) {
            remove_if_abandoned(&path, || false);
        }
        let Ok(recorded) = self.catalog.recorded_files() else {
            return;
        };
        for path in names_in(&self.snapshots_dir, |name| {
            name.starts_with("snapshot-")
                && (name.ends_with(".partial")
                    || (name.ends_with(".sqlite") && !recorded.contains(name)))
        }) {
            // An import renames its file into place before recording it, still
            // holding the lock: once the lock is free, ask the catalog again.
            let still_wanted = || {
                let name = path.file_name().map(|name| name.to_string_lossy());
                self.catalog
                    .recorded_files()
                    .map_or(true, |now| name.is_some_and(|name| now.contains(&*name)))
            };
            remove_if_abandoned(&path, still_wanted);
        }
    }
}

/// The files in `dir` whose names `wanted` accepts.
fn names_in(dir: &Path, wanted: impl Fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| wanted(&entry.file_name().to_string_lossy()))
        .map(|entry| entry.path())
        .collect()
}

/// Whether this process can change the cache: create files in its folders and
/// write its catalog. The file system is asked (a nameless file created in each
/// folder and dropped at once; the catalog opened for writing, which changes
/// nothing), because permission bits alone say nothing of read-only mounts,
/// access lists or a superuser's privileges.
fn writable(data_dir: &Path, snapshots_dir: &Path, catalog: &Path) -> Result<bool, StoreError> {
    for dir in [data_dir, snapshots_dir] {
        match tempfile::tempfile_in(dir) {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) if denied(&err) => return Ok(false),
            Err(err) => return Err(io_error("create a file in", dir)(err)),
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = catalog.as_os_str().to_owned();
        name.push(suffix);
        let file = Path::new(&name);
        match fs::OpenOptions::new().write(true).open(file) {
            Ok(_) => {}
            // A folder in the catalog's place is refused as a damaged catalog.
            Err(err) if err.kind() == io::ErrorKind::NotFound || file.is_dir() => {}
            Err(err) if denied(&err) => return Ok(false),
            Err(err) => return Err(io_error("open", file)(err)),
        }
    }
    Ok(true)
}

fn denied(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

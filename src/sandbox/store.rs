//! Where the sandbox keeps its state: `state.json` and one file per stored archive,
//! in the `--state` directory or in a temporary one that goes away with the process.
//!
//! Files being written there (a state being saved, an upload being received, an
//! archive being assembled from its parts) have temporary names until they are
//! complete. A sandbox killed midway leaves them behind, so a sandbox starting on
//! the directory removes them, but only when no other sandbox is using it: each
//! holds a shared lock on the directory itself for as long as it runs, and the
//! sweep needs the lock exclusively.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::model::SandboxState;

/// The names of files still being written: `tempfile`'s default for a state
/// being saved, and those of `routes::incoming` and `routes::multipart`.
const UNFINISHED_PREFIXES: [&str; 3] = [".tmp", ".incoming-", ".assembling-"];

pub struct StateStore {
    dir: PathBuf,
    /// Keeps a temporary directory alive as long as the store.
    temporary: Option<tempfile::TempDir>,
    /// The shared lock that tells other sandboxes this directory is in use.
    _in_use: Option<File>,
}

/// Why the state directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot use the sandbox state directory {dir}: {source}; check that it is a writable directory"
    )]
    Directory { dir: PathBuf, source: io::Error },
    #[error("the sandbox state file {file} is damaged ({source}); move it away to start afresh")]
    Damaged {
        file: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot save the sandbox state to {file}: {source}")]
    Save { file: PathBuf, source: io::Error },
}

impl StateStore {
    /// Opens (creating) `dir`, or a fresh temporary directory when `None`.
    pub fn open(dir: Option<&Path>) -> Result<Self, StoreError> {
        let (dir, temporary) = match dir {
            Some(dir) => (dir.to_path_buf(), None),
            None => {
                let temp = tempfile::Builder::new()
                    .prefix("defrost-sandbox-")
                    .tempdir()
                    .map_err(|source| StoreError::Directory {
                        dir: std::env::temp_dir(),
                        source,
                    })?;
                (temp.path().to_path_buf(), Some(temp))
            }
        };
        fs::create_dir_all(dir.join("archives")).map_err(|source| StoreError::Directory {
            dir: dir.clone(),
            source,
        })?;
        let in_use = match temporary {
            // A directory of its own: no one else can be using it.
            Some(_) => None,
            None => claim(&dir),
        };
        Ok(Self {
            dir,
            temporary,
            _in_use: in_use,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the state outlives the process (a `--state` directory).
    pub fn keeps_state(&self) -> bool {
        self.temporary.is_none()
    }

    fn state_file(&self) -> PathBuf {
        self.dir.join("state.json")
    }

    /// The saved state, or an empty one when nothing was saved yet.
    pub fn load(&self) -> Result<SandboxState, StoreError> {
        let file = self.state_file();
        match fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|source| StoreError::Damaged { file, source }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(SandboxState::default()),
            Err(source) => Err(StoreError::Directory {
                dir: self.dir.clone(),
                source,
            }),
        }
    }

    /// Saves atomically: a crash leaves either the old or the new state, never half.
    ///
    /// A temporary store saves nothing: its directory goes away with the process,
    /// so no one could load the state again, and rewriting a large state on every
    /// change (a vault of 100,000 archives, a job per archive) is what made such a
    /// sandbox slow down as it filled.
    pub fn save(&self, state: &SandboxState) -> Result<(), StoreError> {
        if !self.keeps_state() {
            return Ok(());
        }
        let file = self.state_file();
        let save_error = |source| StoreError::Save {
            file: file.clone(),
            source,
        };
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir).map_err(save_error)?;
        serde_json::to_writer(io::BufWriter::new(&mut temp), state)
            .map_err(io::Error::from)
            .map_err(save_error)?;
        temp.as_file_mut().flush().map_err(save_error)?;
        temp.persist(&file).map_err(|err| save_error(err.error))?;
        Ok(())
    }

    /// The file holding a stored archive's bytes. Archive ids are made by the
    /// sandbox from `[A-Za-z0-9_-]`, so they are safe file names.
    pub fn archive_path(&self, archive_id: &str) -> PathBuf {
        self.dir.join("archives").join(archive_id)
    }
}

/// Takes the directory's lock, shared, after removing what killed sandboxes left
/// if no other sandbox is using the directory. The lock is on the directory
/// itself, so nothing is added to it. `None` where folders cannot be locked:
/// nothing then tells a live writer's file from a leftover, and nothing goes.
fn claim(dir: &Path) -> Option<File> {
    let lock = File::open(dir).ok()?;
    match lock.try_lock() {
        Ok(()) => {
            remove_unfinished(dir);
            // Another sandbox starting in between sweeps too, and finds nothing
            // of this one's: it has not begun writing.
            lock.unlock().ok()?;
        }
        // Another sandbox is running: its files may be in the middle of a write.
        Err(fs::TryLockError::WouldBlock) => {}
        Err(fs::TryLockError::Error(err)) => {
            tracing::debug!(%err, "cannot lock the sandbox state directory");
            return None;
        }
    }
    lock.lock_shared().ok()?;
    Some(lock)
}

/// Removes files of unfinished writes from `dir`. Best effort: one that cannot
/// be removed now is tried again at the next start.
fn remove_unfinished(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let unfinished = UNFINISHED_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix));
        if unfinished && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEFT_BEHIND: [&str; 3] = [".tmpAbC123", ".incoming-XyZ", ".assembling-q1"];

    fn leave_unfinished_files(dir: &Path) {
        for name in LEFT_BEHIND {
            fs::write(dir.join(name), b"half").unwrap();
        }
    }

    fn unfinished_files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| LEFT_BEHIND.contains(&name.as_str()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_start_removes_unfinished_files_unless_another_sandbox_runs() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("archives")).unwrap();
        fs::write(dir.path().join("state.json"), b"{}").unwrap();
        fs::write(dir.path().join("archives").join(".tmpkept"), b"an archive").unwrap();
        leave_unfinished_files(dir.path());

        let running = StateStore::open(Some(dir.path())).unwrap();
        assert!(unfinished_files(dir.path()).is_empty());
        assert!(dir.path().join("state.json").exists());
        assert!(dir.path().join("archives").join(".tmpkept").exists());

        // While one runs, a second start leaves its files alone.
        leave_unfinished_files(dir.path());
        let second = StateStore::open(Some(dir.path())).unwrap();
        assert_eq!(unfinished_files(dir.path()).len(), LEFT_BEHIND.len());

        drop((running, second));
        let _third = StateStore::open(Some(dir.path())).unwrap();
        assert!(unfinished_files(dir.path()).is_empty());
    }

    #[test]
    fn a_kept_state_loads_again_and_a_temporary_one_is_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let state = SandboxState {
            id_counter: 41,
            ..SandboxState::default()
        };
        let kept = StateStore::open(Some(dir.path())).unwrap();
        assert!(kept.keeps_state());
        kept.save(&state).unwrap();
        drop(kept);
        let again = StateStore::open(Some(dir.path())).unwrap();
        assert_eq!(again.load().unwrap().id_counter, 41);

        let temporary = StateStore::open(None).unwrap();
        assert!(!temporary.keeps_state());
        temporary.save(&state).unwrap();
        assert!(!temporary.dir().join("state.json").exists());
        assert_eq!(temporary.load().unwrap().id_counter, 0);
    }
}

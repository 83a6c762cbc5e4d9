//! Where the sandbox keeps its state: `state.json` and one file per stored archive,
//! in the `--state` directory or in a temporary one that goes away with the process.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::model::SandboxState;

pub struct StateStore {
    dir: PathBuf,
    /// Keeps a temporary directory alive as long as the store.
    _temporary: Option<tempfile::TempDir>,
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
        Ok(Self {
            dir,
            _temporary: temporary,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
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
    pub fn save(&self, state: &SandboxState) -> Result<(), StoreError> {
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

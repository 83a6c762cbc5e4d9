//! The confined folder where there is no `openat` (Windows): paths joined one
//! name at a time, each looked at without following links before it is used.
//! This refuses every link that is there when defrost looks; unlike the Unix
//! version it cannot rule out one swapped in between the look and the use.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use super::{Access, EntryKind, OpenError};

#[derive(Debug)]
pub struct Dir {
    path: PathBuf,
}

impl Dir {
    pub fn open_root(path: &Path) -> io::Result<Self> {
        if !fs::metadata(path)?.is_dir() {
            return Err(io::ErrorKind::NotADirectory.into());
        }
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    pub fn try_clone(&self) -> io::Result<Self> {
        Ok(Self {
            path: self.path.clone(),
        })
    }

    pub fn child_dir(&self, name: &str, create: bool) -> Result<Self, OpenError> {
        let path = self.path.join(name);
        match self.kind(name).map_err(OpenError::Io)? {
            EntryKind::Folder => {}
            EntryKind::Missing if create => match fs::create_dir(&path) {
                Ok(()) => {}
                Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                    return self.child_dir(name, false);
                }
                Err(err) => return Err(OpenError::Io(err)),
            },
            EntryKind::Missing => return Err(OpenError::Io(io::ErrorKind::NotFound.into())),
            EntryKind::Link => return Err(OpenError::Link),
            EntryKind::File | EntryKind::Other => return Err(OpenError::NotAFolder),
        }
        Ok(Self { path })
    }

    pub fn open_file(&self, name: &str, access: Access) -> Result<File, OpenError> {
        match self.kind(name).map_err(OpenError::Io)? {
            EntryKind::Link => return Err(OpenError::Link),
            EntryKind::Folder | EntryKind::Other => return Err(OpenError::NotAFile),
            EntryKind::File | EntryKind::Missing => {}
        }
        let mut options = OpenOptions::new();
        match access {
            Access::Read => options.read(true),
            Access::ReadWrite => options.read(true).write(true).create(true),
            Access::Replace => options.write(true).create(true).truncate(true),
            Access::Append => options.append(true),
        };
        options.open(self.path.join(name)).map_err(OpenError::Io)
    }

    pub fn kind(&self, name: &str) -> io::Result<EntryKind> {
        let meta = match fs::symlink_metadata(self.path.join(name)) {
            Ok(meta) => meta,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(EntryKind::Missing),
            Err(err) => return Err(err),
        };
        let kind = meta.file_type();
        Ok(if kind.is_symlink() {
            EntryKind::Link
        } else if kind.is_dir() {
            EntryKind::Folder
        } else if kind.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        })
    }

    pub fn rename(&self, from: &str, to: &str, replace: bool) -> io::Result<()> {
        let (from, to) = (self.path.join(from), self.path.join(to));
        if replace {
            return fs::rename(from, to);
        }
        fs::hard_link(&from, &to)?;
        fs::remove_file(from)
    }

    pub fn remove(&self, name: &str) -> io::Result<()> {
        fs::remove_file(self.path.join(name))
    }

    pub fn remove_empty_folder(&self, name: &str) -> io::Result<()> {
        fs::remove_dir(self.path.join(name))
    }

    pub fn names(&self) -> io::Result<Vec<OsString>> {
        fs::read_dir(&self.path)?
            .map(|entry| entry.map(|entry| entry.file_name()))
            .collect()
    }

    pub fn sync(&self) -> io::Result<()> {
        Ok(())
    }
}

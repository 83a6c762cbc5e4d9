//! A folder that defrost writes into without ever leaving it: every file and
//! subfolder is opened relative to the folder's open descriptor, one name at a
//! time, and never through a symbolic link. A link that sits in the folder
//! before or appears during a download is refused, not followed, so nothing
//! defrost creates, writes, renames or truncates can land outside the folder the
//! user chose (whatever the links say), and what it refused is named.
//!
//! The folder the user names is opened as the user wrote it (links in that path
//! are theirs to choose); everything below it is confined.

#[cfg(not(unix))]
mod fallback;
#[cfg(unix)]
mod unix;

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

#[cfg(not(unix))]
use fallback as os;
#[cfg(unix)]
use unix as os;

/// Why a confined operation was refused or failed; each names the path.
#[derive(Debug, thiserror::Error)]
pub enum ConfinedError {
    #[error(
        "{} is a symbolic link; defrost never follows a link inside the folder it writes to, so remove the link or choose another folder",
        path.display()
    )]
    Link { path: PathBuf },

    #[error("{} is in the way: it is not a folder; move it aside or choose another folder", path.display())]
    NotAFolder { path: PathBuf },

    #[error("{} is not a regular file; move it aside or choose another folder", path.display())]
    NotAFile { path: PathBuf },

    /// A name with a separator, `.` or `..`: the caller's bug, refused rather
    /// than resolved.
    #[error("{name:?} is not a single file name")]
    NotAName { name: String },

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ConfinedError {
    /// The underlying I/O error, when there is one (a full disk, say).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            Self::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }
}

/// What a name in a confined folder is, seen without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Missing,
    File,
    Folder,
    Link,
    /// A FIFO, socket or device.
    Other,
}

/// How to open a file in a confined folder. Every way refuses a link and
/// anything that is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    /// Read and write, created if missing, never truncated.
    ReadWrite,
    /// Write only, created if missing, emptied if not.
    Replace,
    /// Append only; the file must exist.
    Append,
}

/// Why the OS layer could not open a name as wanted.
#[derive(Debug)]
enum OpenError {
    Link,
    NotAFolder,
    NotAFile,
    Io(io::Error),
}

/// An open folder that defrost writes inside.
#[derive(Debug)]
pub struct ConfinedDir {
    inner: os::Dir,
    /// The folder as shown to the user in messages.
    shown: PathBuf,
}

impl ConfinedDir {
    /// Opens the folder the user named (which must exist).
    pub fn open(path: &Path) -> Result<Self, ConfinedError> {
        let inner = os::Dir::open_root(path).map_err(|source| match source.kind() {
            io::ErrorKind::NotADirectory => ConfinedError::NotAFolder {
                path: path.to_path_buf(),
            },
            _ => ConfinedError::Io {
                action: "open the folder",
                path: path.to_path_buf(),
                source,
            },
        })?;
        Ok(Self {
            inner,
            shown: path.to_path_buf(),
        })
    }

    /// The folder as the user knows it.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// `name` inside this folder, for messages.
    pub fn shown_child(&self, name: &str) -> PathBuf {
        self.shown.join(name)
    }

    /// The subfolder at `components` (each one name), made where missing. A link
    /// or a file on the way is refused.
    pub fn subfolder<'a>(
        &self,
        components: impl IntoIterator<Item = &'a str>,
        create: bool,
    ) -> Result<Self, ConfinedError> {
        let mut shown = self.shown.clone();
        let mut current: Option<os::Dir> = None;
        for name in components {
            check_name(name)?;
            shown.push(name);
            let parent = current.as_ref().unwrap_or(&self.inner);
            let next = parent
                .child_dir(name, create)
                .map_err(|err| classify(err, &shown, "open the folder"))?;
            current = Some(next);
        }
        Ok(Self {
            inner: match current {
                Some(dir) => dir,
                None => self.inner.try_clone().map_err(|source| ConfinedError::Io {
                    action: "open the folder",
                    path: shown.clone(),
                    source,
                })?,
            },
            shown,
        })
    }

    /// Opens the file `name`, never through a link.
    pub fn open_file(&self, name: &str, access: Access) -> Result<File, ConfinedError> {
        check_name(name)?;
        let path = self.shown_child(name);
        self.inner
            .open_file(name, access)
            .map_err(|err| classify(err, &path, "open"))
    }

    /// The whole file `name`, or `None` when there is none.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, ConfinedError> {
        let mut file = match self.open_file(name, Access::Read) {
            Ok(file) => file,
            Err(ConfinedError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(err) => return Err(err),
        };
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut file, &mut bytes).map_err(|source| ConfinedError::Io {
            action: "read",
            path: self.shown_child(name),
            source,
        })?;
        Ok(Some(bytes))
    }

    /// What `name` is, without following a link.
    pub fn kind(&self, name: &str) -> Result<EntryKind, ConfinedError> {
        check_name(name)?;
        self.inner.kind(name).map_err(|source| ConfinedError::Io {
            action: "look at",
            path: self.shown_child(name),
            source,
        })
    }

    /// Renames `from` to `to` within this folder. With `replace`, whatever is at
    /// `to` is replaced (a link there is replaced itself, never followed);
    /// without it, the rename fails with [`io::ErrorKind::AlreadyExists`] if
    /// anything is there, decided atomically.
    pub fn rename(&self, from: &str, to: &str, replace: bool) -> Result<(), ConfinedError> {
        check_name(from)?;
        check_name(to)?;
        self.inner
            .rename(from, to, replace)
            .map_err(|source| ConfinedError::Io {
                action: "rename",
                path: self.shown_child(from),
                source,
            })
    }

    /// Removes the file (or link) `name`; one that is not there is no error.
    pub fn remove(&self, name: &str) -> Result<(), ConfinedError> {
        check_name(name)?;
        match self.inner.remove(name) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(ConfinedError::Io {
                action: "remove",
                path: self.shown_child(name),
                source: err,
            }),
            _ => Ok(()),
        }
    }

    /// Removes the folder `name` inside this one if it is empty; a missing or
    /// non-empty folder is left as it is (something else still uses it).
    pub fn remove_empty_folder(&self, name: &str) -> Result<(), ConfinedError> {
        check_name(name)?;
        match self.inner.remove_empty_folder(name) {
            Err(err)
                if !matches!(
                    err.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::DirectoryNotEmpty
                ) =>
            {
                Err(ConfinedError::Io {
                    action: "remove",
                    path: self.shown_child(name),
                    source: err,
                })
            }
            _ => Ok(()),
        }
    }

    /// The names in this folder.
    pub fn names(&self) -> Result<Vec<OsString>, ConfinedError> {
        self.inner.names().map_err(|source| ConfinedError::Io {
            action: "list",
            path: self.shown.clone(),
            source,
        })
    }

    /// Makes the folder's entries (a rename, say) durable. Best effort: a
    /// failure loses nothing but that.
    pub fn sync(&self) {
        let _ = self.inner.sync();
    }
}

/// Refuses anything but one plain name.
fn check_name(name: &str) -> Result<(), ConfinedError> {
    let separator = name.contains('/') || (cfg!(windows) && name.contains('\\'));
    let plain = !matches!(name, "" | "." | "..") && !separator && !name.contains('\0');
    if plain {
        Ok(())
    } else {
        Err(ConfinedError::NotAName {
            name: name.to_owned(),
        })
    }
}

/// The OS layer reports a link or a misplaced file as an error kind of its own
/// making; turn it into the sentence for `path`.
fn classify(err: OpenError, path: &Path, action: &'static str) -> ConfinedError {
    let path = path.to_path_buf();
    match err {
        OpenError::Link => ConfinedError::Link { path },
        OpenError::NotAFolder => ConfinedError::NotAFolder { path },
        OpenError::NotAFile => ConfinedError::NotAFile { path },
        OpenError::Io(source) => ConfinedError::Io {
            action,
            path,
            source,
        },
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests;

//! The confined folder on Unix: `openat` and friends on the folder's descriptor,
//! with `O_NOFOLLOW` on every name, so a link swapped in at any moment is
//! refused by the kernel rather than checked first and raced.

use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::{Access, EntryKind, OpenError};

impl From<Errno> for OpenError {
    fn from(errno: Errno) -> Self {
        Self::Io(errno.into())
    }
}

#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
}

/// Folders are made readable and writable by the user and, as umask allows,
/// by others, as `mkdir` does.
const FOLDER_MODE: u32 = 0o777;
/// Files likewise, as `File::create` does.
const FILE_MODE: u32 = 0o666;

impl Dir {
    pub fn open_root(path: &Path) -> io::Result<Self> {
        let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(CWD, path, flags, Mode::empty())?;
        Ok(Self { fd })
    }

    pub fn try_clone(&self) -> io::Result<Self> {
        Ok(Self {
            fd: self.fd.try_clone()?,
        })
    }

    pub fn child_dir(&self, name: &str, create: bool) -> Result<Self, OpenError> {
        let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC;
        let mut made = false;
        loop {
            match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
                Ok(fd) => return Ok(Self { fd }),
                Err(Errno::NOENT) if create && !made => {
                    match rustix::fs::mkdirat(&self.fd, name, Mode::from_raw_mode(FOLDER_MODE)) {
                        // Another process may have made it meanwhile: open what is there.
                        Ok(()) | Err(Errno::EXIST) => made = true,
                        Err(errno) => return Err(errno.into()),
                    }
                }
                Err(Errno::LOOP | Errno::NOTDIR | Errno::MLINK) => {
                    return Err(self.misplaced(name, OpenError::NotAFolder));
                }
                Err(errno) => return Err(errno.into()),
            }
        }
    }

    pub fn open_file(&self, name: &str, access: Access) -> Result<File, OpenError> {
        // Non-blocking for the open itself, so a FIFO put in the way cannot hang
        // defrost before it is seen and refused.
        let base = OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
        let flags = base
            | match access {
                Access::Read => OFlags::RDONLY,
                Access::ReadWrite => OFlags::RDWR | OFlags::CREATE,
                Access::Replace => OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC,
                Access::Append => OFlags::WRONLY | OFlags::APPEND,
            };
        let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(FILE_MODE)) {
            Ok(fd) => fd,
            Err(Errno::LOOP | Errno::MLINK | Errno::ISDIR | Errno::NXIO) => {
                return Err(self.misplaced(name, OpenError::NotAFile));
            }
            Err(errno) => return Err(errno.into()),
        };
        let stat = rustix::fs::fstat(&fd)?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
            return Err(OpenError::NotAFile);
        }
        let flags = rustix::fs::fcntl_getfl(&fd)?;
        rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK)?;
        Ok(File::from(fd))
    }

    /// A name that could not be opened as wanted: a link, or `otherwise`.
    fn misplaced(&self, name: &str, otherwise: OpenError) -> OpenError {
        match self.kind(name) {
            Ok(EntryKind::Link) => OpenError::Link,
            _ => otherwise,
        }
    }

    pub fn kind(&self, name: &str) -> io::Result<EntryKind> {
        let stat = match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(stat) => stat,
            Err(Errno::NOENT) => return Ok(EntryKind::Missing),
            Err(errno) => return Err(errno.into()),
        };
        Ok(match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => EntryKind::File,
            FileType::Directory => EntryKind::Folder,
            FileType::Symlink => EntryKind::Link,
            _ => EntryKind::Other,
        })
    }

    pub fn rename(&self, from: &str, to: &str, replace: bool) -> io::Result<()> {
        if replace {
            return Ok(rustix::fs::renameat(&self.fd, from, &self.fd, to)?);
        }
        #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
        match rustix::fs::renameat_with(
            &self.fd,
            from,
            &self.fd,
            to,
            rustix::fs::RenameFlags::NOREPLACE,
        ) {
            // Some file systems cannot rename without replacing; a hard link
            // refuses an existing name just as atomically.
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            other => return Ok(other?),
        }
        rustix::fs::linkat(&self.fd, from, &self.fd, to, AtFlags::empty())?;
        Ok(rustix::fs::unlinkat(&self.fd, from, AtFlags::empty())?)
    }

    pub fn remove(&self, name: &str) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(&self.fd, name, AtFlags::empty())?)
    }

    pub fn remove_empty_folder(&self, name: &str) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR)?)
    }

    pub fn names(&self) -> io::Result<Vec<OsString>> {
        let mut names = Vec::new();
        for entry in rustix::fs::Dir::read_from(&self.fd)? {
            let bytes = entry?.file_name().to_bytes().to_vec();
            if bytes != b"." && bytes != b".." {
                names.push(OsString::from_vec(bytes));
            }
        }
        Ok(names)
    }

    pub fn sync(&self) -> io::Result<()> {
        Ok(rustix::fs::fsync(&self.fd)?)
    }
}

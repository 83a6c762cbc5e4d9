//! What the user gave that cannot be used: [`BadInput`], the error every front
//! end turns into exit code 2, and files a user names, opened for reading. A path that is not a usable file (a
//! directory, a socket, a FIFO where a regular file is needed, a file that cannot
//! be read or does not exist) is refused in one sentence that names the path and
//! the fix; only a failure of the disk or device itself is not the user's to fix.

use std::fs::{File, FileType};
use std::io::{self, ErrorKind};
use std::path::Path;

use crate::text::printable;

/// An error the user caused and can fix by changing the command or its input.
/// Its message is a sentence that names the problem and the fix.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// What a command can read at the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// Data read once from start to end (an inventory, a file to hash, a seed):
    /// a FIFO or a device streams it as well as a file, as `<(zcat x.gz)` does.
    Stream,
    /// A file defrost finds on its own (configuration): a FIFO there would keep
    /// the program waiting for a writer nobody started.
    RegularFile,
}

/// A path as a command names it in messages.
pub struct InputPath<'a> {
    pub path: &'a Path,
    /// What the file is for, before its path: `the inventory`, `the seed file`;
    /// empty for a file that is only data (`treehash`).
    pub what: &'a str,
    /// What to do when the path is a directory, after `it is a directory; `.
    pub directory_fix: &'a str,
    pub accepts: Accepts,
}

/// Why a path cannot be read, and whether the user can fix it; shown as
/// `cannot read LABEL: PROBLEM; FIX`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read {label}: {problem}")]
pub struct Unusable {
    /// `the inventory inv.json`, made printable.
    pub label: String,
    /// What is wrong and what to do about it.
    pub problem: String,
    pub caused_by_input: bool,
}

impl Unusable {
    /// The refusal as a command's error: [`BadInput`] (exit code 2) when the user
    /// can fix it.
    pub fn into_error(self) -> anyhow::Error {
        if self.caused_by_input {
            BadInput(self.to_string()).into()
        } else {
            anyhow::Error::new(self)
        }
    }
}

impl InputPath<'_> {
    /// The file, opened for reading, or why it cannot be.
    pub fn open(&self) -> Result<File, Unusable> {
        // Looked at before opening: opening a FIFO blocks until a writer comes,
        // and opening a directory succeeds only for the first read to fail.
        let metadata = std::fs::metadata(self.path).map_err(|err| self.failed(&err))?;
        if let Some(problem) = self.kind_problem(&metadata.file_type()) {
            return Err(self.refused(&problem));
        }
        File::open(self.path).map_err(|err| self.failed(&err))
    }

    /// The whole file as UTF-8 text.
    pub fn read_to_string(&self) -> Result<String, Unusable> {
        let mut text = String::new();
        io::Read::read_to_string(&mut self.open()?, &mut text).map_err(|err| {
            if err.kind() == ErrorKind::InvalidData {
                self.refused("it is not UTF-8 text; check that it is the right file")
            } else {
                self.failed(&err)
            }
        })?;
        Ok(text)
    }

    /// The sentence for a failure to open or read the path.
    pub fn failed(&self, err: &io::Error) -> Unusable {
        match err.kind() {
            ErrorKind::NotFound => self.refused("no such file; check the path"),
            ErrorKind::PermissionDenied => self.refused(
                "permission denied; check the file's permissions or run as a user who may read it",
            ),
            ErrorKind::IsADirectory => {
                self.refused(&format!("it is a directory; {}", self.directory_fix))
            }
            ErrorKind::NotADirectory => {
                self.refused("a part of the path is not a directory; check the path")
            }
            ErrorKind::InvalidFilename => {
                self.refused("the name is too long or not allowed here; check the path")
            }
            _ => Unusable {
                label: self.label(),
                problem: format!("{err}; check the disk or device and try again"),
                caused_by_input: false,
            },
        }
    }

    fn kind_problem(&self, kind: &FileType) -> Option<String> {
        if kind.is_dir() {
            return Some(format!("it is a directory; {}", self.directory_fix));
        }
        if kind.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if kind.is_socket() {
                return Some("it is a socket, not a file; give the path of a file".into());
            }
            if self.accepts == Accepts::RegularFile {
                let what = if kind.is_fifo() {
                    "a FIFO (named pipe)"
                } else {
                    "a device"
                };
                return Some(format!(
                    "it is {what}, not a regular file; replace it with a file or remove it"
                ));
            }
        }
        None
    }

    fn refused(&self, problem: &str) -> Unusable {
        Unusable {
            label: self.label(),
            problem: problem.to_owned(),
            caused_by_input: true,
        }
    }

    /// `the inventory inv.json`, or the bare path when `what` is empty.
    fn label(&self) -> String {
        let path = printable(&self.path.display().to_string());
        if self.what.is_empty() {
            path
        } else {
            format!("{} {path}", self.what)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(path: &Path) -> InputPath<'_> {
        InputPath {
            path,
            what: "the inventory",
            directory_fix: "name the inventory file inside it",
            accepts: Accepts::Stream,
        }
    }

    #[test]
    fn a_directory_is_refused_naming_it_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let refusal = inventory(dir.path()).open().unwrap_err();
        assert!(refusal.caused_by_input);
        assert_eq!(
            refusal.to_string(),
            format!(
                "cannot read the inventory {}: it is a directory; name the inventory file inside it",
                dir.path().display()
            )
        );
    }

    #[test]
    fn a_failing_device_is_not_the_users_to_fix() {
        let dir = tempfile::tempdir().unwrap();
        let broken = inventory(dir.path()).failed(&io::Error::from(ErrorKind::Interrupted));
        assert!(!broken.caused_by_input, "{broken:?}");
        assert!(broken.problem.contains("check the disk"), "{broken:?}");
    }

    #[test]
    fn text_that_is_not_utf8_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("seed.toml");
        std::fs::write(&file, b"\xff\xfe").unwrap();
        let refusal = inventory(&file).read_to_string().unwrap_err();
        assert!(refusal.caused_by_input);
        assert!(refusal.problem.contains("not UTF-8"), "{refusal:?}");
    }
}

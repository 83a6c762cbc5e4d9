//! Why a peek or a member's restore stopped. Each message says what happened
//! and what would fix it in words any front end can use.

use std::path::PathBuf;

use crate::confined::ConfinedError;
use crate::domain::range::RangeError;
use crate::domain::zip::ZipProblem;
use crate::store::StoreError;
use crate::text::printable;
use crate::tracking::TrackingError;
use crate::tracking::download::DownloadJobError;
use crate::tracking::launch::{LaunchError, PlanError};

#[derive(Debug, thiserror::Error)]
pub enum PeekError {
    #[error(
        "the size of archive {} is unknown, and a peek needs it to find the archive's end; import an inventory that lists the archive",
        printable(archive_id)
    )]
    NeedsSize { archive_id: String },

    #[error(
        "archive {} is empty: there is nothing to look inside",
        printable(archive_id)
    )]
    EmptyArchive { archive_id: String },

    #[error(
        "archive {}'s end record points inside the bytes already retrieved, yet its directory is not there: the zip is damaged",
        printable(archive_id)
    )]
    Unreadable { archive_id: String },

    #[error(
        "archive {} has no listing yet; peek at it first, which retrieves its last megabyte",
        printable(archive_id)
    )]
    NotListed { archive_id: String },

    #[error(
        "archive {} is not a zip ({}), so it has no members to restore",
        printable(archive_id),
        printable(reason)
    )]
    NotZip { archive_id: String, reason: String },

    #[error(
        "no member of the zip is named {}; list its members with a peek",
        printable(wanted)
    )]
    NoSuchMember { wanted: String },

    #[error(
        "{count} members of the zip are named {}; name one by its number in the listing, #{first} for the first",
        printable(wanted)
    )]
    AmbiguousMember {
        wanted: String,
        count: usize,
        first: u32,
    },

    #[error("{} is a folder inside the zip, not a file", printable(name))]
    IsFolder { name: String },

    #[error(
        "{} is encrypted inside the zip; defrost does not decrypt members, so retrieve the whole archive and open it with its password",
        printable(name)
    )]
    Encrypted { name: String },

    #[error(
        "{} is compressed with {method}, which defrost cannot unpack (it unpacks stored, deflate, deflate64 and bzip2 members); retrieve the whole archive and open it with a tool that knows {method}",
        printable(name)
    )]
    UnsupportedMethod { name: String, method: String },

    #[error(
        "{}: the extracted bytes' CRC-32 is {found:08x}, but the zip says {expected:08x}; the retrieved bytes are damaged, so nothing was written",
        printable(name)
    )]
    CrcMismatch {
        name: String,
        expected: u32,
        found: u32,
    },

    #[error(
        "{}: {found} bytes came out, but the zip says {expected}; the retrieved bytes are damaged, so nothing was written",
        printable(name)
    )]
    SizeMismatch {
        name: String,
        expected: u64,
        found: u64,
    },

    #[error(
        "{}: its bytes do not unpack ({source}); the retrieved bytes are damaged, so nothing was written",
        printable(name)
    )]
    Corrupt {
        name: String,
        source: std::io::Error,
    },

    #[error("{} is there already; ask to replace it, or choose another folder", path.display())]
    Exists { path: PathBuf },

    #[error("the zip is damaged: {0}")]
    Damaged(#[from] ZipProblem),

    #[error("the retrieved bytes do not meet at byte {at}; peek again to retrieve what is missing")]
    Gap { at: u64 },

    #[error("{} holds {found} bytes, but {expected} were retrieved into it; it was changed since", path.display())]
    FileLength {
        path: PathBuf,
        expected: u64,
        found: u64,
    },

    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot make the folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(transparent)]
    Confined(#[from] ConfinedError),
    #[error(transparent)]
    Range(#[from] RangeError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Launch(Box<LaunchError>),
    #[error(transparent)]
    Tracking(#[from] TrackingError),
    #[error(transparent)]
    Download(Box<DownloadJobError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<LaunchError> for PeekError {
    fn from(err: LaunchError) -> Self {
        PeekError::Launch(Box::new(err))
    }
}

impl From<DownloadJobError> for PeekError {
    fn from(err: DownloadJobError) -> Self {
        PeekError::Download(Box::new(err))
    }
}

impl PeekError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            PeekError::NeedsSize { .. }
            | PeekError::EmptyArchive { .. }
            | PeekError::NotListed { .. }
            | PeekError::NotZip { .. }
            | PeekError::NoSuchMember { .. }
            | PeekError::AmbiguousMember { .. }
            | PeekError::IsFolder { .. }
            | PeekError::Encrypted { .. }
            | PeekError::UnsupportedMethod { .. }
            | PeekError::Exists { .. } => true,
            PeekError::Plan(_) | PeekError::Range(_) => true,
            PeekError::Launch(err) => err.is_bad_input(),
            PeekError::Tracking(err) => err.is_bad_input(),
            PeekError::Download(err) => err.is_bad_input(),
            PeekError::Store(err) => err.is_bad_input(),
            PeekError::Confined(_) => true,
            _ => false,
        }
    }
}

//! What can stop a download, each case as a sentence that says what to do next in
//! words any front end can use; the command line and the screen add their own
//! option or key where one applies.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::confined::ConfinedError;
use crate::domain::treehash::TreeHash;
use crate::glacier::GlacierError;

/// Why a download stopped. Unless the message says otherwise, the partial file
/// and its progress file are kept, and running the same download again resumes.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error(
        "{} exists; it is replaced only when asked to overwrite it",
        path.display()
    )]
    DestinationExists { path: PathBuf },

    #[error(
        "the chunk size {chunk_size} bytes is not a power of two number of MiB up to 1024 MiB; give 1, 2, 4, 8, 16, 32, 64 (the default) ... MiB, because only such chunks can be checked against Glacier's tree hashes"
    )]
    BadChunkSize { chunk_size: u64 },

    #[error("at least one chunk must be downloaded at a time; ask for 1 or more chunks at once")]
    NoParallelism,

    #[error(
        "downloading bytes {first}-{last} of job {job_id}'s output failed: {source}. The chunks verified so far are kept in {}; run the download again to resume",
        part.display()
    )]
    Glacier {
        job_id: String,
        first: u64,
        last: u64,
        part: PathBuf,
        #[source]
        source: GlacierError,
    },

    #[error(
        "bytes {first}-{last} of job {job_id}'s output failed verification {attempts} times ({reason}); {} and its progress file are kept as evidence. Try again later; if it persists, start a new retrieval job",
        part.display()
    )]
    ChunkUnverified {
        job_id: String,
        first: u64,
        last: u64,
        attempts: u32,
        reason: String,
        part: PathBuf,
    },

    #[error(
        "bytes {first}-{last} of job {job_id}'s output could not be downloaded: the connection stalled: no bytes for {}, {}; try again later: the download resumes from the chunks verified so far, kept in {}",
        ShownDuration(*.after),
        Times(*.times),
        part.display()
    )]
    Stalled {
        job_id: String,
        first: u64,
        last: u64,
        /// How long each stalled request went without a byte before it was
        /// given up.
        after: Duration,
        /// How many requests stalled.
        times: u32,
        part: PathBuf,
    },

    #[error(
        "the downloaded output's tree hash {actual} differs from the {expected} Glacier reported, although every chunk checked out; {} is kept as evidence and was not renamed. Delete it and its progress file, then download again; if it persists, start a new retrieval job",
        part.display()
    )]
    WholeMismatch {
        expected: TreeHash,
        actual: TreeHash,
        part: PathBuf,
    },

    #[error(
        "{} holds {actual} verified bytes of the {expected} the assembled archive needs; download the missing ranges into it first",
        part.display()
    )]
    Incomplete {
        part: PathBuf,
        expected: u64,
        actual: u64,
    },

    /// Something in the target folder that defrost will not write through or
    /// over: a link, a FIFO, a file where a folder must go.
    // Transparent: the refusal's own words, once, whatever reads the chain.
    #[error(transparent)]
    Refused(ConfinedError),

    #[error(
        "another defrost process is downloading job {job_id} into {}; wait for it to finish (run the download again afterwards if it did not)",
        path.display()
    )]
    Busy { job_id: String, path: PathBuf },

    #[error(
        "the disk holding {} is full; free at least some space and run the download again: it resumes from the chunks already verified",
        path.display()
    )]
    DiskFull {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "cannot {action} {}: {source}; fix that and run the download again: it resumes from the chunks already verified",
        path.display()
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl From<ConfinedError> for DownloadError {
    /// A refusal stays a refusal; an I/O failure keeps its path and, for a full
    /// disk, its own remedy.
    fn from(err: ConfinedError) -> Self {
        match err {
            ConfinedError::Io {
                action,
                path,
                source,
            } => DownloadError::io(action, &path, source),
            refused => DownloadError::Refused(refused),
        }
    }
}

impl DownloadError {
    /// Whether the user can fix it by changing the command or the folder.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            DownloadError::DestinationExists { .. }
                | DownloadError::BadChunkSize { .. }
                | DownloadError::Refused(_)
        )
    }

    /// An I/O failure on `path`, telling a full disk apart because its remedy differs.
    pub fn io(action: &'static str, path: &std::path::Path, source: io::Error) -> Self {
        let path = path.to_path_buf();
        if matches!(
            source.kind(),
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded
        ) {
            DownloadError::DiskFull { path, source }
        } else {
            DownloadError::Io {
                action,
                path,
                source,
            }
        }
    }
}

/// `60 s`, or `400 ms` for a timeout short of a whole second.
struct ShownDuration(Duration);

impl fmt::Display for ShownDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_nanos() == 0 {
            write!(f, "{} s", self.0.as_secs())
        } else {
            write!(f, "{} ms", self.0.as_millis())
        }
    }
}

/// `once`, `twice`, `3 times`.
struct Times(u32);

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("once"),
            2 => f.write_str("twice"),
            n => write!(f, "{n} times"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stall_says_so_and_for_how_long_not_that_verification_failed() {
        let stalled = DownloadError::Stalled {
            job_id: "J".into(),
            first: 0,
            last: 1_048_575,
            after: crate::glacier::api::DEFAULT_STALL_TIMEOUT,
            times: 3,
            part: "out/a.bin.part".into(),
        };
        let text = stalled.to_string();
        assert!(
            text.contains("bytes 0-1048575 of job J's output could not be downloaded: the connection stalled: no bytes for 60 s, 3 times;"),
            "{text}"
        );
        assert!(
            text.contains("60 s, 3 times; try again later") && text.contains("out/a.bin.part"),
            "{text}"
        );
        assert!(!text.contains("verification"), "{text}");
    }

    #[test]
    fn a_full_disk_is_named_as_such_and_other_failures_say_what_failed() {
        let path = std::path::Path::new("out/a.bin.part");
        let full = DownloadError::io("write", path, io::ErrorKind::StorageFull.into());
        assert!(matches!(full, DownloadError::DiskFull { .. }));
        let text = full.to_string();
        assert!(
            text.contains("out/a.bin.part is full") && text.contains("resumes"),
            "{text}"
        );
        let denied = DownloadError::io("open", path, io::ErrorKind::PermissionDenied.into());
        assert!(
            denied.to_string().starts_with("cannot open out/a.bin.part"),
            "{denied}"
        );
    }
}

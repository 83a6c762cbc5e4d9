//! Emptying a vault: the archives of its newest cached inventory that may go
//! (only with proof, unless the user asked for everything), each journaled
//! before DeleteArchive and its answer after, at a bounded pace; a report of
//! every deletion; and, once Glacier's own inventory shows the vault empty, the
//! vault itself. Killed anywhere, the same drain run again asks again only for
//! what has no answer: Glacier's "not found" for a deleted archive makes a
//! repeated request harmless, so nothing is deleted twice or missed.

mod prepare;
mod report;
mod run;
mod vault;

use std::path::PathBuf;

pub use prepare::{DrainItem, DrainRequest, LostProof, PreparedDrain, prepare_drain};
pub use report::write_report;
pub use run::{DrainEvent, DrainOptions, DrainOutcome, run_drain};
pub use vault::{VaultEnd, finish_vault};

use crate::glacier::GlacierError;
use crate::store::StoreError;
use crate::tracking::TrackingError;
use crate::tracking::inventory::FetchError;

/// Why a drain could not be made or carried on.
#[derive(Debug, thiserror::Error)]
pub enum DrainError {
    /// Glacier refused to delete an archive for a reason waiting does not
    /// cure: a vault lock, the vault's access policy, missing rights.
    #[error(
        "Glacier refused to delete archive {archive_id} ({cause}); a vault lock or the vault's access policy may forbid deleting archives; nothing more was deleted"
    )]
    Refused {
        archive_id: String,
        cause: GlacierError,
    },
    #[error("cannot write the report of deletions to {} ({source})", .path.display())]
    Report {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Glacier(#[from] GlacierError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tracking(#[from] TrackingError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

impl DrainError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            DrainError::Store(err) => err.is_bad_input(),
            DrainError::Tracking(err) => err.is_bad_input(),
            DrainError::Fetch(err) => err.is_bad_input(),
            DrainError::Glacier(err) => err.is_bad_input(),
            DrainError::Refused { .. } | DrainError::Report { .. } => false,
        }
    }
}

//! Why a job's output could not be downloaded. Each message says what happened
//! and what would fix it in words any front end can use; the command line and
//! the screen add their own key or option where one applies.

use std::path::PathBuf;

use crate::confined::ConfinedError;
use crate::domain::treehash::TreeHash;
use crate::glacier::GlacierError;
use crate::glacier::download::DownloadError;
use crate::store::StoreError;
use crate::text::printable;
use crate::tracking::TrackingError;

#[derive(Debug, thiserror::Error)]
pub enum DownloadJobError {
    #[error(
        "job {} is still in progress; its output can be downloaded once it is ready",
        printable(job_id)
    )]
    InProgress { job_id: String },

    #[error(
        "job {} failed ({}); start the retrieval again",
        printable(job_id),
        printable(reason.as_deref().unwrap_or("no reason given"))
    )]
    JobFailed {
        job_id: String,
        reason: Option<String>,
    },

    /// Glacier gave no length for the output, and the cache does not know it.
    #[error("{}", if *inventory {
        "Glacier did not say how long the job's output is; try again later"
    } else {
        "Glacier did not say how long the job's archive is; import an inventory that lists it and download again"
    })]
    NoLength { inventory: bool },

    #[error(
        "Glacier says job {} holds an archive whose tree hash is {from_job}, but the cached inventory lists {from_inventory}; import a newer inventory, or check the archive id",
        printable(job_id)
    )]
    HashesDisagree {
        job_id: String,
        from_job: TreeHash,
        from_inventory: TreeHash,
    },

    #[error(
        "every name for {} in {} is taken by other archives; restore it into another folder",
        printable(name),
        folder.display()
    )]
    NoFreeName { name: String, folder: PathBuf },

    #[error("cannot resolve the folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "plan {plan} is finished already: {} holds its bytes; it is downloaded again only when asked to overwrite it",
        path.display()
    )]
    AlreadyFinished { plan: String, path: PathBuf },

    #[error(
        "the journal knows no plan {}; see the list of jobs and plans",
        printable(plan)
    )]
    UnknownPlan { plan: String },

    #[error(
        "the staged output {} is {found} bytes long where its job retrieved {expected}; delete it and download the plan again",
        path.display()
    )]
    StagedLength {
        path: PathBuf,
        expected: u64,
        found: u64,
    },

    #[error(transparent)]
    Assemble(#[from] crate::domain::range::AssembleError),

    #[error(transparent)]
    Download(#[from] DownloadError),
    #[error(transparent)]
    Glacier(#[from] GlacierError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tracking(#[from] TrackingError),
}

impl From<ConfinedError> for DownloadJobError {
    fn from(err: ConfinedError) -> Self {
        DownloadJobError::Download(err.into())
    }
}

impl DownloadJobError {
    /// Whether the user can fix it by changing what they asked for.
    pub fn is_bad_input(&self) -> bool {
        match self {
            DownloadJobError::InProgress { .. }
            | DownloadJobError::JobFailed { .. }
            | DownloadJobError::NoLength { .. }
            | DownloadJobError::HashesDisagree { .. }
            | DownloadJobError::NoFreeName { .. }
            | DownloadJobError::UnknownPlan { .. }
            | DownloadJobError::AlreadyFinished { .. } => true,
            DownloadJobError::StagedLength { .. } | DownloadJobError::Assemble(_) => false,
            DownloadJobError::Download(err) => err.is_bad_input(),
            DownloadJobError::Glacier(err) => err.is_bad_input(),
            DownloadJobError::Store(err) => err.is_bad_input(),
            DownloadJobError::Tracking(err) => err.is_bad_input(),
            DownloadJobError::Folder { .. } => false,
        }
    }
}

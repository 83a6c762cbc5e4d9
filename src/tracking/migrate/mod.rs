//! Copying a vault to S3: a batch (paced, renewed, resumed as any batch) whose
//! archives go into S3 objects under their decoded names instead of files in a
//! folder. `prepare` works out each archive's key and what is in the bucket
//! already; `copy` streams one ready output into a multipart upload, checked
//! part by part; the batch loop drives both. `resume` finds the migration
//! the same command made before; `abort` clears what a given-up one left in S3.

mod abort;
pub mod copy;
mod fetch;
mod prepare;
mod resume;
mod run;

pub use abort::{Aborted, abort_unfinished_uploads};
pub use copy::{
    Copied, CopyJob, CopySettings, LARGEST_PART_IN_MEMORY, completed_unjournaled, copy_archive,
};
pub use prepare::{
    InBucket, MigrationRequest, Notices, PreparedMigration, prepare_migration, record_migration,
};
pub use resume::earlier_migration;
pub use run::{run_migration, write_manifest};

use crate::domain::treehash::TreeHash;
use crate::glacier::GlacierError;
use crate::s3::S3Error;
use crate::store::StoreError;
use crate::tracking::batch::BatchError;

/// Why a copy could not be made or carried on.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "an archive of {size} bytes needs more than S3's 10,000 parts of 5 GiB; copy it with defrost download and an upload of your own"
    )]
    TooLarge { size: u64 },
    #[error(
        "bytes {first}-{last} of the job's output failed Glacier's tree hash each time they were fetched; nothing of them was sent"
    )]
    PartDisagrees { first: u64, last: u64 },
    #[error(
        "the parts sent for {} make the tree hash {found}, not the inventory's {expected}; the object was not completed",
        crate::text::printable(.key)
    )]
    TreeHashDisagrees {
        key: String,
        expected: TreeHash,
        found: TreeHash,
    },
    #[error(
        "the bucket already holds {} with another archive's tree hash; it is replaced only when asked to overwrite it, or the objects can go under another prefix",
        crate::text::printable(.key)
    )]
    WouldOverwrite { key: String },
    #[error(
        "the bucket {bucket} is in {bucket_region} and the vault in {vault_region}: copying between regions is paid for by the byte, so it is done only when asked to copy across regions"
    )]
    CrossRegion {
        bucket: String,
        bucket_region: String,
        vault_region: String,
    },
    #[error(transparent)]
    S3(#[from] S3Error),
    #[error(transparent)]
    Glacier(#[from] GlacierError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Batch(#[from] BatchError),
}

impl MigrateError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            MigrateError::CrossRegion { .. } | MigrateError::WouldOverwrite { .. } => true,
            MigrateError::S3(err) => err.is_bad_input(),
            MigrateError::Glacier(err) => err.is_bad_input(),
            MigrateError::Store(err) => err.is_bad_input(),
            MigrateError::Batch(err) => err.is_bad_input(),
            _ => false,
        }
    }
}

//! Downloading a finished job's output into a folder the user chose, verified
//! chunk by chunk and resumable: the one engine behind `defrost download`, its
//! `--all-ready`, and the screen's `d`. It chooses where the output goes (the
//! archive's decoded name from the cached inventory, claimed in the journal so
//! no two archives share a file), runs the verified download, cuts a range
//! plan's wanted bytes out of its staged jobs (see `plan`), and journals the
//! outcome. Each front end draws progress and words the outcome for its own user.

mod error;
mod finish;
mod legacy;
mod plan;
mod range_plan;
mod staging;
mod target;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

pub use error::DownloadJobError;
pub use plan::{
    FinishedPlan, PlanOutcome, PlanProgress, PlanTarget, WaitState, WaitingJob, download_plan,
    download_recorded_plan, resolve_plan,
};
pub use staging::STAGING_FOLDER;

use crate::domain::job::ObservedStatus;
use crate::domain::job_params::JobKind;
use crate::domain::treehash::TreeHash;
use crate::glacier::download::{
    DEFAULT_PARALLEL, Destination, DownloadProgress, DownloadRequest, default_chunk_size, download,
};
use crate::glacier::{GlacierApi, JobInfo};
use crate::store::{ArchiveRow, JournalId, PlanArchive, Store, VaultKey};
use crate::tracking::sync_vault_jobs;
pub use target::cached_archive_by_id;
use target::{cached_archive, claim_destination};

/// Which job's output to download, and where.
#[derive(Debug, Clone, Copy)]
pub struct DownloadTarget<'a> {
    pub vault: &'a str,
    /// The region the client talks to: the vault's home, where its cached
    /// inventory and its jobs are filed.
    pub region: &'a str,
    pub job_id: &'a str,
    /// The folder the user chose; nothing is written outside it.
    pub to: &'a Path,
    /// Replace a file that is there (never another archive's restored file).
    pub overwrite: bool,
    /// The archive as the plan recorded it from the inventory, for when no
    /// cached inventory lists it any more.
    pub recorded: Option<&'a PlanArchive>,
    /// Take `recorded` as the inventory's row when it names, sizes and hashes
    /// the job's archive, without opening the cached inventory: a batch
    /// recorded each of its archives from the inventory a moment before.
    pub trust_recorded: bool,
}

/// A job's output, verified on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    /// The file's absolute path, as the journal records it.
    pub file: PathBuf,
    /// The file as the user named its folder.
    pub shown: PathBuf,
    /// The bytes of output downloaded.
    pub output_length: u64,
    pub tree_hash: TreeHash,
    /// Chunks an earlier run had verified, not fetched again.
    pub resumed_chunks: u64,
}

/// Downloads one finished job's whole output (a whole archive or an inventory)
/// into `target.to`, verified, telling `progress` after each verified chunk;
/// then journals where it went. A range job's output is a plan's to cut (see
/// `plan`).
pub(super) async fn download_job<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    target: &DownloadTarget<'_>,
    mut progress: impl FnMut(DownloadProgress),
) -> Result<Downloaded, DownloadJobError> {
    let job = api.describe_job(target.vault, target.job_id).await?;
    let recorded = || recorded_archive(target.recorded, &job);
    let cached = match recorded().filter(|_| target.trust_recorded) {
        Some(row) => Some(row),
        None => cached_archive(store, target.region, target.vault, &job).or_else(recorded),
    };
    let output_length = ready_output_length(&job, cached.as_ref())?;
    // Checked before anything is made in the folder.
    let expected_tree_hash = whole_archive_hash(&job, cached.as_ref())?;
    let claimed = claim_destination(store, target.to, cached.as_ref(), &job)?;
    let request = output_request(
        claimed.destination.clone(),
        (target.vault, target.job_id),
        output_length,
        expected_tree_hash,
        target.overwrite,
    );
    let outcome = download(api, &request, &mut progress).await?;
    note_downloaded(api, store, target, &claimed.file).await?;
    Ok(Downloaded {
        shown: claimed.destination.shown(),
        file: claimed.file,
        output_length,
        tree_hash: outcome.tree_hash,
        resumed_chunks: outcome.resumed_chunks,
    })
}

/// The verified download of a job's whole output (its vault and job id) into
/// `destination`, in chunks of the default size.
pub(super) fn output_request(
    destination: Destination,
    (vault, job_id): (&str, &str),
    output_length: u64,
    expected_tree_hash: Option<TreeHash>,
    overwrite: bool,
) -> DownloadRequest {
    DownloadRequest {
        vault: vault.to_owned(),
        job_id: job_id.to_owned(),
        output_length,
        expected_tree_hash,
        archive_offset: 0,
        destination,
        chunk_size: default_chunk_size(output_length, DEFAULT_PARALLEL),
        parallel: DEFAULT_PARALLEL,
        overwrite,
        keep_part: false,
    }
}

/// Notes the download in the journal, so `--all-ready` does not fetch it again;
/// a job the journal does not know yet (started elsewhere) is adopted first.
async fn note_downloaded<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    target: &DownloadTarget<'_>,
    file: &Path,
) -> Result<(), DownloadJobError> {
    // One indexed lookup: reading the whole journal here made each download
    // of a large batch cost as much as the journal is long.
    let find = |store: &Store| -> Result<Option<JournalId>, DownloadJobError> {
        Ok(store.journal_id(target.job_id)?)
    };
    let now = OffsetDateTime::now_utc();
    let mut known = find(store)?;
    if known.is_none() {
        let key = VaultKey {
            account: "-".into(),
            region: target.region.to_owned(),
            name: target.vault.to_owned(),
        };
        sync_vault_jobs(api, store, &key, now).await?;
        known = find(store)?;
    }
    if let Some(id) = known {
        store.record_job_downloaded(id, &file.display().to_string(), now)?;
    }
    Ok(())
}

/// The output's length, once the job has finished well.
fn ready_output_length(
    job: &JobInfo,
    cached: Option<&ArchiveRow>,
) -> Result<u64, DownloadJobError> {
    match job.status {
        ObservedStatus::Succeeded => {}
        ObservedStatus::InProgress => {
            return Err(DownloadJobError::InProgress {
                job_id: job.job_id.clone(),
            });
        }
        ObservedStatus::Failed => {
            return Err(DownloadJobError::JobFailed {
                job_id: job.job_id.clone(),
                reason: job.status_message.clone(),
            });
        }
    }
    let length = match (job.kind, job.retrieval_byte_range) {
        (JobKind::InventoryRetrieval, _) => job.inventory_size,
        (_, Some((first, last))) => Some(last - first + 1),
        // No Glacier archive is empty (they hold 1 byte to 40 TiB), so a size of 0
        // means the service did not give one (moto's Glacier reports 0 for every
        // job); the cached inventory's size of the archive stands in.
        (_, None) => job
            .archive_size
            .filter(|&size| size > 0)
            .or(cached.map(|archive| archive.size)),
    };
    length.ok_or(DownloadJobError::NoLength {
        inventory: job.kind == JobKind::InventoryRetrieval,
    })
}

/// What a whole archive must hash to: DescribeJob's hash, checked against the
/// inventory's when both are known, so a download is refused before it starts if
/// the two disagree.
fn whole_archive_hash(
    job: &JobInfo,
    cached: Option<&ArchiveRow>,
) -> Result<Option<TreeHash>, DownloadJobError> {
    let listed = cached.and_then(|archive| archive.sha256_tree_hash.parse::<TreeHash>().ok());
    match (job.sha256_tree_hash, listed) {
        (Some(from_job), Some(from_inventory)) if from_job != from_inventory => {
            Err(DownloadJobError::HashesDisagree {
                job_id: job.job_id.clone(),
                from_job,
                from_inventory,
            })
        }
        (Some(hash), _) | (None, Some(hash)) => Ok(Some(hash)),
        (None, None) => Ok(None),
    }
}

/// The archive as its plan recorded it, standing in for the inventory's row:
/// its decoded name, size and tree hash, when the plan knew all three and is
/// about this job's archive.
fn recorded_archive(recorded: Option<&PlanArchive>, job: &JobInfo) -> Option<ArchiveRow> {
    let recorded =
        recorded.filter(|archive| job.archive_id.as_ref() == Some(&archive.archive_id))?;
    Some(ArchiveRow {
        position: 0,
        archive_id: recorded.archive_id.clone(),
        description: String::new(),
        name: recorded.name.clone()?,
        format: "journal".into(),
        is_folder: false,
        modified: None,
        size: recorded.size?,
        created: String::new(),
        sha256_tree_hash: recorded.tree_hash.clone()?,
    })
}

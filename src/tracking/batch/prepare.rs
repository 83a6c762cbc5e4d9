//! Making a batch: the selected archives looked at against the journal (already
//! restored into the folder? a job running or ready to reuse?), the vault's
//! retrieval policy, the summary the user sees before paying, and then the
//! batch journaled with a plan per archive, in one transaction.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::BatchError;
use crate::domain::batch::{BatchSummary, PaceLimits, SelectedArchive, summarize};
use crate::domain::cost::PriceTable;
use crate::domain::job::{JobStatus, TrackedJob, effective_status};
use crate::domain::job_params::{JobKind, Tier};
use crate::domain::names::{decode, restore_candidates};
use crate::glacier::{GlacierApi, RetrievalPolicy};
use crate::store::{
    ArchiveRow, BatchId, BatchIntent, BatchLimits, BatchSelection, PlanArchive, Store, VaultKey,
};
use crate::tracking::sync_vault_jobs;

/// What the user asked to restore, and how.
#[derive(Debug, Clone)]
pub struct BatchRequest {
    pub vault: VaultKey,
    pub selection: BatchSelection,
    pub tier: Tier,
    /// The folder to restore into; it must exist.
    pub to: PathBuf,
    pub limits: BatchLimits,
    pub made_by: String,
}

/// One selected archive as a batch is made of it: what its plan records and
/// where it restores to. Made from the cache's row as the row is read, so the
/// rest of the row (the description above all) is not held for every archive.
#[derive(Debug, Clone)]
pub struct BatchArchive {
    pub archive: PlanArchive,
    /// Where it restores to inside the folder: its safe decoded path.
    pub path: String,
}

impl BatchArchive {
    pub fn of(row: ArchiveRow) -> BatchArchive {
        let path = decode(&row.description).safe_path(&row.archive_id);
        BatchArchive {
            path: path.as_str().to_owned(),
            archive: PlanArchive {
                archive_id: row.archive_id,
                size: Some(row.size),
                tree_hash: Some(row.sha256_tree_hash),
                name: Some(row.name),
            },
        }
    }
}

impl AsRef<PlanArchive> for BatchArchive {
    fn as_ref(&self) -> &PlanArchive {
        &self.archive
    }
}

/// A batch ready to be journaled, with everything the user sees first.
#[derive(Debug, Clone)]
pub struct PreparedBatch {
    pub request: BatchRequest,
    /// The folder, as the journal records it.
    pub folder: PathBuf,
    /// The selected archives, in the batch's order.
    pub archives: Vec<BatchArchive>,
    /// The selected archives an earlier plan finished and whose file is still
    /// where it put it: their files, by archive id.
    pub restored: HashMap<String, String>,
    /// The selected archives not restored with a whole-archive job that runs
    /// or is ready, reused rather than paid again: the job's id, by archive id.
    pub reusable: HashMap<String, String>,
    /// `None` when the policy could not be read (the summary says so).
    pub policy: Option<RetrievalPolicy>,
    pub pace: PaceLimits,
    pub summary: BatchSummary,
}

/// Looks at the selected archives against Glacier and the journal and sums
/// up what the batch would do; nothing is journaled or started.
pub async fn prepare_batch<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: BatchRequest,
    archives: Vec<BatchArchive>,
    prices: &PriceTable,
    now: OffsetDateTime,
) -> Result<PreparedBatch, BatchError> {
    let folder = std::fs::canonicalize(&request.to).map_err(|source| BatchError::Folder {
        path: request.to.clone(),
        source,
    })?;
    let restored = restored_files(store, &request.vault, &folder)?;
    prepare_into(api, store, request, folder, restored, archives, prices, now).await
}

/// Prepares a batch whose archives go to `folder` (a folder, or an S3
/// address), `restored` naming by archive id those already there, where they are.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn prepare_into<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: BatchRequest,
    folder: PathBuf,
    restored: HashMap<String, String>,
    archives: Vec<BatchArchive>,
    prices: &PriceTable,
    now: OffsetDateTime,
) -> Result<PreparedBatch, BatchError> {
    // A policy the credentials may not read does not stop a restore.
    let policy = api.get_data_retrieval_policy().await.ok();
    let pace = pace_for(policy.as_ref(), &request.limits);
    let listed = sync_vault_jobs(api, store, &request.vault, now)
        .await?
        .listed;
    let reusable = reusable_jobs(store, &request.vault, &listed, now)?;
    let (restored, reusable) = of_selected(&archives, restored, reusable);
    let summary = summarize(
        archives.iter().map(|archive| {
            let id = archive.archive.archive_id.as_str();
            SelectedArchive {
                path: &archive.path,
                size: archive.archive.size.unwrap_or(0),
                restored: restored.contains_key(id),
                reusable: reusable.contains_key(id),
            }
        }),
        prices,
        &pace,
        api.service_speed(),
    );
    Ok(PreparedBatch {
        request,
        folder,
        archives,
        restored,
        reusable,
        policy,
        pace,
        summary,
    })
}

/// Of the files already restored and the jobs to reuse, those of the selected
/// archives; a restored archive reuses no job.
fn of_selected(
    archives: &[BatchArchive],
    mut restored: HashMap<String, String>,
    mut reusable: HashMap<String, TrackedJob>,
) -> (HashMap<String, String>, HashMap<String, String>) {
    let mut files = HashMap::new();
    let mut jobs = HashMap::new();
    for archive in archives {
        let id = &archive.archive.archive_id;
        if let Some((id, path)) = restored.remove_entry(id) {
            files.insert(id, path);
        } else if let Some((id, job)) = reusable.remove_entry(id) {
            jobs.insert(id, job.job_id);
        }
    }
    (files, jobs)
}

/// The pace: the vault's BytesPerHour cap and the user's, the tighter of the two.
pub fn pace_for(policy: Option<&RetrievalPolicy>, limits: &BatchLimits) -> PaceLimits {
    let cap = match policy {
        Some(RetrievalPolicy::BytesPerHour(cap)) => Some(*cap),
        _ => None,
    };
    PaceLimits {
        jobs_in_flight: limits.max_jobs_in_flight,
        ..PaceLimits::default()
    }
    .with_bytes_per_hour(cap, limits.max_bytes_per_hour)
}

/// The newest whole-archive job of each archive that Glacier lists and that is
/// running or ready, by archive id. Only the journal's jobs Glacier lists (or
/// that it holds as ready) are read, not every job the vault ever had.
fn reusable_jobs(
    store: &Store,
    vault: &VaultKey,
    listed: &[String],
    now: OffsetDateTime,
) -> Result<HashMap<String, TrackedJob>, BatchError> {
    let known = store.journal_to_list(vault, listed)?;
    let listed: HashSet<&str> = listed.iter().map(String::as_str).collect();
    let mut found: HashMap<String, TrackedJob> = HashMap::new();
    for entry in known {
        let Some(job) = entry.state else { continue };
        let usable = matches!(
            effective_status(&job, now),
            JobStatus::InProgress | JobStatus::Succeeded
        );
        if job.kind != JobKind::ArchiveRetrieval
            || job.range.is_some()
            || !usable
            || !listed.contains(job.job_id.as_str())
        {
            continue;
        }
        let Some(archive_id) = job.archive_id.clone() else {
            continue;
        };
        let newer = found
            .get(&archive_id)
            .is_none_or(|known| known.started_at < job.started_at);
        if newer {
            found.insert(archive_id, job);
        }
    }
    Ok(found)
}

/// Files earlier plans of the vault finished inside `folder` that are still
/// there, by archive id: those archives are not retrieved again.
fn restored_files(
    store: &Store,
    vault: &VaultKey,
    folder: &Path,
) -> Result<HashMap<String, String>, BatchError> {
    let found = store
        .finished_archives(vault)?
        .into_iter()
        .filter(|(_, path)| {
            let path = Path::new(path);
            path.starts_with(folder) && path.is_file()
        })
        .collect();
    Ok(found)
}

/// Journals the batch: a plan per archive (the restored ones finished with
/// their file, the reusable ones listing the job they reuse), and the names
/// shared by several archives claimed in the batch's order, so the first
/// keeps the plain name whichever is downloaded first.
pub fn record_batch(
    store: &mut Store,
    prepared: &PreparedBatch,
    now: OffsetDateTime,
) -> Result<BatchId, BatchError> {
    record_batch_at(store, prepared, prepared.request.tier, now)
}

/// The same at another tier than the one asked when it was prepared (the
/// screen asks again once the costs are shown), without a copy of its
/// archives.
pub fn record_batch_at(
    store: &mut Store,
    prepared: &PreparedBatch,
    tier: Tier,
    now: OffsetDateTime,
) -> Result<BatchId, BatchError> {
    let request = &prepared.request;
    let folder = prepared.folder.display().to_string();
    let (batch, plans) = store.record_batch(&BatchIntent {
        vault: &request.vault,
        selection: &request.selection,
        tier,
        to: &folder,
        limits: request.limits,
        made_by: &request.made_by,
        at: now,
        archives: &prepared.archives,
    })?;
    for (archive, plan) in prepared.archives.iter().zip(&plans) {
        let id = &archive.archive.archive_id;
        if let Some(path) = prepared.restored.get(id) {
            store.record_plan_finished(*plan, path, true, now)?;
        } else if let Some(job_id) = prepared.reusable.get(id)
            && let Some(journal_id) = store.journal_id(job_id)?
        {
            store.add_job_to_plan(*plan, 0, journal_id)?;
        }
    }
    // Names in a bucket are told apart by their keys, chosen with the batch.
    if !folder.starts_with("s3://") {
        claim_shared_names(store, prepared, &folder, now)?;
    }
    Ok(batch)
}

fn claim_shared_names(
    store: &mut Store,
    prepared: &PreparedBatch,
    folder: &str,
    now: OffsetDateTime,
) -> Result<(), BatchError> {
    let mut uses: HashMap<&str, u32> = HashMap::new();
    for archive in &prepared.archives {
        *uses.entry(&archive.path).or_default() += 1;
    }
    for archive in &prepared.archives {
        if uses.get(archive.path.as_str()).copied().unwrap_or(0) < 2 {
            continue;
        }
        let id = &archive.archive.archive_id;
        let path = crate::domain::names::SafeRelativePath::new(&archive.path, id);
        let names: Vec<String> = restore_candidates(&path, id)
            .iter()
            .map(|name| name.as_str().to_owned())
            .collect();
        store.claim_restore_path(folder, &format!("archive {id}"), &names, now)?;
    }
    Ok(())
}

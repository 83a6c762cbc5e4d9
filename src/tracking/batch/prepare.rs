//! Making a batch: the selected archives looked at against the journal (already
//! restored into the folder? a job running or ready to reuse?), the vault's
//! retrieval policy, the summary the user sees before paying, and then the
//! batch journaled with a plan per archive, in one transaction.

use std::collections::HashMap;
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

/// One selected archive and what the journal knows of it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub archive: PlanArchive,
    /// Where it restores to inside the folder: its safe decoded path.
    pub path: String,
    /// Its file, finished by an earlier plan and still in the folder.
    pub restored: Option<String>,
    /// A job of the whole archive that runs or is ready: reused, not paid again.
    pub reusable: Option<TrackedJob>,
}

/// A batch ready to be journaled, with everything the user sees first.
#[derive(Debug, Clone)]
pub struct PreparedBatch {
    pub request: BatchRequest,
    /// The folder, as the journal records it.
    pub folder: PathBuf,
    pub candidates: Vec<Candidate>,
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
    rows: Vec<ArchiveRow>,
    prices: &PriceTable,
    now: OffsetDateTime,
) -> Result<PreparedBatch, BatchError> {
    let folder = std::fs::canonicalize(&request.to).map_err(|source| BatchError::Folder {
        path: request.to.clone(),
        source,
    })?;
    let restored = restored_files(store, &request.vault, &folder)?;
    prepare_into(api, store, request, folder, restored, rows, prices, now).await
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
    rows: Vec<ArchiveRow>,
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
    let candidates: Vec<Candidate> = rows
        .into_iter()
        .map(|row| candidate(row, &reusable, &restored))
        .collect();
    let summary = summarize(
        candidates.iter().map(|candidate| SelectedArchive {
            path: &candidate.path,
            size: candidate.archive.size.unwrap_or(0),
            restored: candidate.restored.is_some(),
            reusable: candidate.reusable.is_some(),
        }),
        prices,
        &pace,
        api.service_speed(),
    );
    Ok(PreparedBatch {
        request,
        folder,
        candidates,
        policy,
        pace,
        summary,
    })
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

fn candidate(
    row: ArchiveRow,
    reusable: &HashMap<String, TrackedJob>,
    restored: &HashMap<String, String>,
) -> Candidate {
    let path = decode(&row.description).safe_path(&row.archive_id);
    Candidate {
        restored: restored.get(&row.archive_id).cloned(),
        reusable: reusable.get(&row.archive_id).cloned(),
        path: path.as_str().to_owned(),
        archive: PlanArchive {
            archive_id: row.archive_id,
            size: Some(row.size),
            tree_hash: Some(row.sha256_tree_hash),
            name: Some(row.name),
        },
    }
}

/// The newest whole-archive job of each archive that Glacier lists and that is
/// running or ready, by archive id.
fn reusable_jobs(
    store: &Store,
    vault: &VaultKey,
    listed: &[String],
    now: OffsetDateTime,
) -> Result<HashMap<String, TrackedJob>, BatchError> {
    let mut found: HashMap<String, TrackedJob> = HashMap::new();
    for entry in store.journal(Some(vault))? {
        let Some(job) = entry.state else { continue };
        let usable = matches!(
            effective_status(&job, now),
            JobStatus::InProgress | JobStatus::Succeeded
        );
        if job.kind != JobKind::ArchiveRetrieval
            || job.range.is_some()
            || !usable
            || !listed.contains(&job.job_id)
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
    let request = &prepared.request;
    let archives: Vec<PlanArchive> = prepared
        .candidates
        .iter()
        .map(|candidate| candidate.archive.clone())
        .collect();
    let folder = prepared.folder.display().to_string();
    let (batch, plans) = store.record_batch(&BatchIntent {
        vault: &request.vault,
        selection: &request.selection,
        tier: request.tier,
        to: &folder,
        limits: request.limits,
        made_by: &request.made_by,
        at: now,
        archives: &archives,
    })?;
    for (candidate, plan) in prepared.candidates.iter().zip(&plans) {
        if let Some(path) = &candidate.restored {
            store.record_plan_finished(*plan, path, true, now)?;
        } else if let Some(job) = &candidate.reusable
            && let Some(journal_id) = store.journal_id(&job.job_id)?
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
    for candidate in &prepared.candidates {
        *uses.entry(&candidate.path).or_default() += 1;
    }
    for candidate in &prepared.candidates {
        if uses.get(candidate.path.as_str()).copied().unwrap_or(0) < 2 {
            continue;
        }
        let id = &candidate.archive.archive_id;
        let path = crate::domain::names::SafeRelativePath::new(&candidate.path, id);
        let names: Vec<String> = restore_candidates(&path, id)
            .iter()
            .map(|name| name.as_str().to_owned())
            .collect();
        store.claim_restore_path(folder, &format!("archive {id}"), &names, now)?;
    }
    Ok(())
}

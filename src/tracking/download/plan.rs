//! Downloading a plan: every ready job of it, and once all are in, the finished
//! file of exactly the wanted bytes. A whole archive (or an inventory) is one job
//! downloaded straight to its name. A range plan stages each job's verified
//! output in `TO/.defrost-staging/PLAN/job-N` (the plan's retrieved bytes, never
//! a file as large as the archive), cuts the wanted bytes out of them into
//! `NAME.bytes-START-END`, and clears its staging. Every step resumes: a staged
//! job is not fetched again, a half-fetched one goes on from its verified chunks.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::range_plan::download_range;
use super::{DownloadJobError, DownloadTarget, download_job};
use crate::domain::job::PlanShape;
use crate::domain::range::{ByteRange, is_tree_aligned};
use crate::domain::treehash::TreeHash;
use crate::glacier::GlacierApi;
use crate::glacier::download::DownloadProgress;
use crate::store::{PlanEntry, PlanId, Store, VaultKey};
use crate::tracking::sync_vault_jobs;

/// Which plan to download, and where.
#[derive(Debug, Clone, Copy)]
pub struct PlanTarget<'a> {
    pub plan: PlanId,
    /// The folder the user chose; nothing is written outside it.
    pub to: &'a Path,
    /// Replace a file of this archive's that is there.
    pub overwrite: bool,
}

/// How far a plan's download is, over all its retrieved bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanProgress {
    /// The job being fetched, counted from 1.
    pub job: u32,
    pub jobs: u32,
    pub done: u64,
    pub total: u64,
}

/// A job of the plan whose output is not in yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingJob {
    /// Counted from 1, as "job 3 of 6".
    pub number: u32,
    pub job_id: Option<String>,
    pub state: WaitState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitState {
    /// Still running; typically ready by then.
    InProgress {
        ready_by: OffsetDateTime,
    },
    /// Its output window closed before it was downloaded: renew it.
    Expired,
    Failed {
        reason: Option<String>,
    },
    /// Its InitiateJob never answered.
    NotStarted,
}

/// The plan's file, once every job is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedPlan {
    /// Its absolute path, as the journal records it.
    pub file: PathBuf,
    /// The file as the user named its folder.
    pub shown: PathBuf,
    pub bytes: u64,
    /// Every byte was checked against a tree hash from Glacier. A MiB-aligned
    /// range that is not tree-hash aligned comes back without one.
    pub verified: bool,
    /// The whole archive's tree hash, for a whole archive downloaded now.
    pub tree_hash: Option<TreeHash>,
    /// Chunks an earlier run had verified, not fetched again (whole archives).
    pub resumed_chunks: u64,
}

/// What one run did for a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOutcome {
    pub plan: PlanId,
    /// The plan's vault, for the words that say how to go on.
    pub vault: String,
    pub jobs: u32,
    /// Jobs fetched by this run, counted from 1.
    pub fetched: Vec<u32>,
    pub waiting: Vec<WaitingJob>,
    pub finished: Option<FinishedPlan>,
}

/// Downloads every ready job of the plan and finishes its file when the last is
/// in, telling `progress` after each verified chunk.
pub async fn download_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    target: &PlanTarget<'_>,
    now: OffsetDateTime,
    progress: impl FnMut(PlanProgress),
) -> Result<PlanOutcome, DownloadJobError> {
    download_plan_as(api, store, target, false, now, progress).await
}

/// [`download_plan`] for a plan that recorded its archive from the cached
/// inventory just before (a batch's): the plan's record of the archive's name,
/// size and tree hash is taken as the inventory's row, so no snapshot is
/// opened and searched for each of a batch's archives.
pub async fn download_recorded_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    target: &PlanTarget<'_>,
    now: OffsetDateTime,
    progress: impl FnMut(PlanProgress),
) -> Result<PlanOutcome, DownloadJobError> {
    download_plan_as(api, store, target, true, now, progress).await
}

async fn download_plan_as<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    target: &PlanTarget<'_>,
    trust_recorded: bool,
    now: OffsetDateTime,
    mut progress: impl FnMut(PlanProgress),
) -> Result<PlanOutcome, DownloadJobError> {
    let plan = store
        .plan(target.plan)?
        .ok_or(DownloadJobError::UnknownPlan {
            plan: target.plan.to_string(),
        })?;
    // A finished file is replaced only when asked, and then by a new download.
    if let Some(path) = finished_file(&plan, target.to)
        && !target.overwrite
    {
        return Err(DownloadJobError::AlreadyFinished {
            plan: plan.id.to_string(),
            path,
        });
    }
    // Jobs of whole outputs go straight to their file; any job of a range is
    // staged, and the wanted bytes (the plan's, or what its jobs span) cut out.
    match (plan.want, retrieved_span(&plan)) {
        (_, None) => {
            let single = (target, trust_recorded);
            download_single(api, store, &plan, single, now, &mut progress).await
        }
        (want, Some(span)) => {
            let want = want.unwrap_or(span);
            download_range(api, store, &plan, want, target, now, &mut progress).await
        }
    }
}

/// The archive bytes the plan's range jobs span; `None` when no job has a range.
fn retrieved_span(plan: &PlanEntry) -> Option<ByteRange> {
    let ranges = plan.current_jobs().into_iter().filter_map(|job| job.range);
    let start = ranges.clone().map(|range| range.start).min()?;
    let end = ranges.map(|range| range.end).max()?;
    Some(ByteRange { start, end })
}

pub(super) fn outcome(
    plan: &PlanEntry,
    fetched: Vec<u32>,
    waiting: Vec<WaitingJob>,
    finished: Option<FinishedPlan>,
) -> PlanOutcome {
    PlanOutcome {
        plan: plan.id,
        vault: plan.vault.name.clone(),
        jobs: plan.current_jobs().len() as u32,
        fetched,
        waiting,
        finished,
    }
}

/// The journal's finished file, when it is still where it was put, inside the
/// folder asked for now (a plan may be restored again elsewhere).
fn finished_file(plan: &PlanEntry, to: &Path) -> Option<PathBuf> {
    let path = PathBuf::from(&plan.finished.as_ref()?.path);
    let folder = std::fs::canonicalize(to).ok()?;
    let present = std::fs::symlink_metadata(&path).is_ok();
    (present && path.starts_with(folder)).then_some(path)
}

/// A plan of one job with no range cut: the job's own download, journaled as
/// the plan's file.
async fn download_single<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    plan: &PlanEntry,
    (target, trust_recorded): (&PlanTarget<'_>, bool),
    now: OffsetDateTime,
    progress: &mut impl FnMut(PlanProgress),
) -> Result<PlanOutcome, DownloadJobError> {
    let Some(job) = plan.current_jobs().pop() else {
        return Ok(outcome(plan, Vec::new(), Vec::new(), None));
    };
    // Glacier is asked, not the journal, which may not have seen it finish.
    let Some(job_id) = job.entry.job_id.clone() else {
        let waiting = WaitingJob {
            number: 1,
            job_id: None,
            state: WaitState::NotStarted,
        };
        return Ok(outcome(plan, Vec::new(), vec![waiting], None));
    };
    let single = DownloadTarget {
        vault: &plan.vault.name,
        region: &plan.vault.region,
        job_id: &job_id,
        to: target.to,
        overwrite: target.overwrite,
        recorded: plan.archive.as_ref(),
        trust_recorded,
    };
    let report = |step: DownloadProgress| {
        progress(PlanProgress {
            job: 1,
            jobs: 1,
            done: step.verified_bytes,
            total: step.total_bytes,
        })
    };
    let downloaded = download_job(api, store, &single, report).await?;
    let path = downloaded.file.display().to_string();
    store.record_plan_finished(plan.id, &path, true, now)?;
    let finished = FinishedPlan {
        file: downloaded.file,
        shown: downloaded.shown,
        bytes: downloaded.output_length,
        verified: true,
        tree_hash: Some(downloaded.tree_hash),
        resumed_chunks: downloaded.resumed_chunks,
    };
    Ok(outcome(plan, vec![1], Vec::new(), Some(finished)))
}

/// Whether Glacier sends a tree hash for every job of the plan: for a range,
/// only when it is tree-hash aligned in the archive.
pub(super) fn plan_is_verified(plan: &PlanEntry) -> bool {
    let size = plan.archive.as_ref().and_then(|archive| archive.size);
    plan.current_jobs()
        .iter()
        .all(|job| match (job.range, size) {
            (None, _) => true,
            (Some(range), Some(size)) => is_tree_aligned(size, range),
            (Some(_), None) => plan.shape != PlanShape::Mib,
        })
}

/// The plan `id` names: a plan id (`P12`), or a job of it. A job the journal
/// does not know yet (started elsewhere) is adopted from ListJobs first, as a
/// plan of its own.
pub async fn resolve_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    id: &str,
    now: OffsetDateTime,
) -> Result<PlanId, DownloadJobError> {
    // A plan id is looked up once, by the download itself.
    if let Ok(plan) = id.parse::<PlanId>() {
        return Ok(plan);
    }
    if let Some(plan) = plan_serving_job(store, id)? {
        return Ok(plan);
    }
    sync_vault_jobs(api, store, vault, now).await?;
    if let Some(plan) = plan_serving_job(store, id)? {
        return Ok(plan);
    }
    // Glacier's own answer says best why the job is unknown.
    api.describe_job(&vault.name, id).await?;
    Err(DownloadJobError::UnknownPlan {
        plan: id.to_owned(),
    })
}

/// The plan a job id stands for: a job reused by a later plan serves that plan
/// too, so the newest plan listing it that is not finished yet, else the plan
/// that started it.
fn plan_serving_job(store: &Store, job_id: &str) -> Result<Option<PlanId>, DownloadJobError> {
    let Some(owner) = store.plan_of_job(job_id)? else {
        return Ok(None);
    };
    let lists_job = |plan: &PlanEntry| {
        plan.jobs
            .iter()
            .any(|job| job.entry.job_id.as_deref() == Some(job_id))
    };
    let unfinished = store
        .plans(Some(&owner.vault))?
        .into_iter()
        .filter(|plan| plan.finished.is_none() && lists_job(plan))
        .map(|plan| plan.id)
        .max();
    Ok(Some(unfinished.unwrap_or(owner.id)))
}

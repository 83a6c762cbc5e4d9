//! A range plan's download: each ready job staged, then the finished file cut
//! from the staged outputs, journaled, and the staging cleared.

use time::OffsetDateTime;

use super::DownloadJobError;
use super::finish::{FinishedName, StagedJobs, assemble};
use super::legacy::{OldLayout, restage};
use super::plan::{
    FinishedPlan, PlanOutcome, PlanProgress, PlanTarget, WaitState, WaitingJob, outcome,
    plan_is_verified,
};
use super::staging::{STAGING_FOLDER, claim_range_file, claim_staging, is_staged, staging_request};
use crate::confined::ConfinedDir;
use crate::domain::job::{ObservedStatus, expected_completion};
use crate::domain::range::ByteRange;
use crate::glacier::download::{DownloadProgress, download};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{PlanEntry, PlanJob, Store};

/// The staged output of the job at `position` (from 0): `job-1`, `job-2`, …
fn staged_name(position: u32) -> String {
    format!("job-{}", u64::from(position) + 1)
}

/// The jobs' outputs so far: what is staged, fetched now, or still awaited.
struct Gathered {
    files: Vec<String>,
    ranges: Vec<ByteRange>,
    fetched: Vec<u32>,
    waiting: Vec<WaitingJob>,
}

pub(super) async fn download_range<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    plan: &PlanEntry,
    want: ByteRange,
    target: &PlanTarget<'_>,
    now: OffsetDateTime,
    progress: &mut impl FnMut(PlanProgress),
) -> Result<PlanOutcome, DownloadJobError> {
    let root = ConfinedDir::open(target.to)?;
    let folder = std::fs::canonicalize(target.to).map_err(|source| DownloadJobError::Folder {
        path: target.to.to_path_buf(),
        source,
    })?;
    let (staging, staging_name) = claim_staging(store, &root, &folder, plan.id, now)?;
    let old = OldLayout::find(store, &root, &folder, plan, now);
    let gathered = gather(api, store, plan, &staging, old.as_ref(), now, progress).await?;
    if !gathered.waiting.is_empty() {
        return Ok(outcome(plan, gathered.fetched, gathered.waiting, None));
    }
    let claimed = claim_range_file(store, &root, target.to, &folder, plan, want, now)?;
    let staged = StagedJobs {
        dir: &staging,
        files: &gathered.files,
        ranges: &gathered.ranges,
    };
    let name = FinishedName {
        dir: &claimed.dir,
        name: &claimed.name,
        overwrite: target.overwrite,
    };
    let bytes = assemble(&staged, want, &name)?;
    let verified = plan_is_verified(plan);
    let path = claimed.file.display().to_string();
    store.record_plan_finished(plan.id, &path, verified, now)?;
    for job in plan.current_jobs() {
        store.record_job_downloaded(job.entry.id, &path, now)?;
    }
    clear_staging(&root, &staging, &staging_name)?;
    if let Some(old) = &old {
        old.clear(store, plan);
    }
    let finished = FinishedPlan {
        file: claimed.file,
        shown: claimed.shown,
        bytes,
        verified,
        tree_hash: None,
        resumed_chunks: 0,
    };
    Ok(outcome(plan, gathered.fetched, Vec::new(), Some(finished)))
}

/// Stages every ready job not staged yet, in the plan's order; notes the others.
/// Each place is staged under its number, so a renewed job resumes what the one
/// it replaces had verified: the same bytes of the same archive. What the
/// release before plans verified of a job in `old` is staged first.
async fn gather<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    plan: &PlanEntry,
    staging: &std::sync::Arc<ConfinedDir>,
    old: Option<&OldLayout>,
    now: OffsetDateTime,
    progress: &mut impl FnMut(PlanProgress),
) -> Result<Gathered, DownloadJobError> {
    let current = plan.current_jobs();
    let ranges = job_ranges(plan, &current)?;
    let jobs = current.len() as u32;
    let total: u64 = ranges.iter().map(ByteRange::len).sum();
    let mut gathered = Gathered {
        files: current
            .iter()
            .map(|job| staged_name(job.position))
            .collect(),
        ranges,
        fetched: Vec::new(),
        waiting: Vec::new(),
    };
    let mut done = 0;
    for (index, job) in current.into_iter().enumerate() {
        let number = index as u32 + 1;
        let (file, range) = (gathered.files[index].clone(), gathered.ranges[index]);
        if is_staged(staging, &file)? {
            done += range.len();
            continue;
        }
        let restaged = restage(old, api, plan, staging, job, (&file, range)).await;
        // Glacier is asked, not the journal, which may not have seen it finish.
        let state = match job.entry.job_id.as_deref() {
            _ if restaged => None,
            None => Some(WaitState::NotStarted),
            Some(job_id) => {
                fetch_one(api, plan, staging, (job_id, file, range), now, |verified| {
                    progress(PlanProgress {
                        job: number,
                        jobs,
                        done: done + verified,
                        total,
                    })
                })
                .await?
            }
        };
        // How long a running job has left, from its tier and start.
        let state = match (state, job.entry.state.as_ref()) {
            (Some(WaitState::InProgress { .. }), Some(tracked)) => Some(WaitState::InProgress {
                ready_by: expected_completion(tracked).latest.max(now),
            }),
            (state, _) => state,
        };
        match state {
            None => {
                store.record_job_staged(job.entry.id, plan.id, now)?;
                done += range.len();
                gathered.fetched.push(number);
            }
            Some(state) => gathered.waiting.push(WaitingJob {
                number,
                job_id: job.entry.job_id.clone(),
                state,
            }),
        }
    }
    Ok(gathered)
}

/// The archive bytes each job retrieves; a job without a range (a whole
/// archive reused by a range plan) covers the archive, whose size must be known.
fn job_ranges(plan: &PlanEntry, current: &[&PlanJob]) -> Result<Vec<ByteRange>, DownloadJobError> {
    let size = plan.archive.as_ref().and_then(|archive| archive.size);
    current
        .iter()
        .map(|job| match (job.range, size) {
            (Some(range), _) => Ok(range),
            (None, Some(size)) => {
                ByteRange::whole(size).map_err(|_| DownloadJobError::NoLength { inventory: false })
            }
            (None, None) => Err(DownloadJobError::NoLength { inventory: false }),
        })
        .collect()
}

/// Fetches one ready job into staging; `Some` with why when Glacier says it
/// cannot be fetched after all.
async fn fetch_one<G: GlacierApi>(
    api: &G,
    plan: &PlanEntry,
    staging: &std::sync::Arc<ConfinedDir>,
    (job_id, file, range): (&str, String, ByteRange),
    now: OffsetDateTime,
    mut verified: impl FnMut(u64),
) -> Result<Option<WaitState>, DownloadJobError> {
    let info = match api.describe_job(&plan.vault.name, job_id).await {
        Ok(info) => info,
        Err(GlacierError::UnknownJob { .. }) => return Ok(Some(WaitState::Expired)),
        Err(err) => return Err(err.into()),
    };
    match info.status {
        ObservedStatus::Succeeded => {}
        ObservedStatus::Failed => {
            return Ok(Some(WaitState::Failed {
                reason: info.status_message,
            }));
        }
        ObservedStatus::InProgress => {
            // The journal thought it ready; Glacier says otherwise. Say it is
            // running, due now, and let the next sync tell more.
            return Ok(Some(WaitState::InProgress { ready_by: now }));
        }
    }
    let request = staging_request(
        staging,
        file,
        (&plan.vault.name, job_id),
        range,
        info.sha256_tree_hash,
    );
    let mut report = |step: DownloadProgress| verified(step.verified_bytes);
    download(api, &request, &mut report).await?;
    Ok(None)
}

/// Removes the plan's staged files and its staging folder, and the staging
/// folder of the target when no other plan uses it.
fn clear_staging(
    root: &ConfinedDir,
    staging: &ConfinedDir,
    staging_name: &str,
) -> Result<(), DownloadJobError> {
    for name in staging.names()? {
        if let Some(name) = name.to_str() {
            staging.remove(name)?;
        }
    }
    let parent = root.subfolder([STAGING_FOLDER], false)?;
    parent.remove_empty_folder(staging_name)?;
    root.remove_empty_folder(STAGING_FOLDER)?;
    Ok(())
}

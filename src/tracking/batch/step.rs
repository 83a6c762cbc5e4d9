//! One archive's step: what the journal says of it (as the next step needs
//! it, and whether its retry failed too), then starting its job (after looking
//! for the one an unanswered InitiateJob may have started), or downloading its
//! ready output.

use std::collections::HashSet;
use std::path::Path;

use time::OffsetDateTime;

use super::{BatchError, BatchEvent};
use crate::domain::batch::{CurrentJob, ItemFacts, StartWhy};
use crate::domain::job::{JobStatus, effective_status};
use crate::domain::job_params::{JobKind, JobParams, JobRequest, Tier, validate};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{BatchItem, PlanArchive, PlanSlot, Store, VaultKey};
use crate::tracking::download::{PlanTarget, download_recorded_plan};
use crate::tracking::launch::{JobInPlan, LaunchError, start_in_plan};

/// What starting an archive's job came to.
pub(super) enum Started {
    /// A job runs for it now, started by this request.
    Running { job_id: String },
    /// A request whose answer was lost had started this job after all.
    Found { job_id: String },
    /// Glacier pushed back; try again after a pause.
    PushedBack { message: String },
    /// Glacier refused it for good.
    Refused { reason: String },
}

/// The vault and tier every archive of the batch is retrieved with.
pub(super) struct BatchContext<'a> {
    pub vault: &'a VaultKey,
    pub tier: Tier,
    pub folder: &'a Path,
    pub started_by: &'a str,
}

/// Starts the archive's job at the batch's tier, unless an unanswered request
/// turns out to have started one, which is then the plan's.
pub(super) async fn start_item<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    context: &BatchContext<'_>,
    item: &BatchItem,
    why: StartWhy,
    listed: &HashSet<String>,
    now: OffsetDateTime,
) -> Result<Started, BatchError> {
    if why == StartWhy::Unanswered
        && let Some(job_id) = adopt_unanswered(store, context.vault, item, listed, now)?
    {
        return Ok(Started::Found { job_id });
    }
    let archive = PlanArchive {
        archive_id: item.archive_id.clone(),
        size: item.size,
        tree_hash: item.tree_hash.clone(),
        name: item.name.clone(),
    };
    let params = match whole_archive_params(&item.archive_id, context.tier, item.size) {
        Ok(params) => params,
        Err(reason) => return Ok(Started::Refused { reason }),
    };
    let job = JobInPlan {
        vault: context.vault,
        archive: &archive,
        params: &params,
        slot: PlanSlot {
            plan: item.plan,
            position: 0,
        },
        started_by: context.started_by,
    };
    match start_in_plan(api, store, &job, now).await {
        Ok(launched) => Ok(Started::Running {
            job_id: launched.job_id,
        }),
        Err(LaunchError::Refused { cause, .. }) if is_push_back(&cause) => {
            Ok(Started::PushedBack {
                message: cause.to_string(),
            })
        }
        Err(LaunchError::Refused { cause, .. }) => Ok(Started::Refused {
            reason: cause.to_string(),
        }),
        Err(LaunchError::Journal { cause, .. }) => Err(cause.into()),
    }
}

/// Refusals that pass: throttling, limits, capacity, a retrieval policy's
/// hourly cap, the service or the network being unavailable for now.
fn is_push_back(cause: &GlacierError) -> bool {
    match cause {
        GlacierError::Throttled { .. }
        | GlacierError::LimitExceeded { .. }
        | GlacierError::InsufficientCapacity { .. }
        | GlacierError::PolicyEnforced { .. }
        | GlacierError::Network { .. }
        | GlacierError::Timeout { .. } => true,
        GlacierError::ServerError { status, .. } => matches!(status, 429 | 500..=599),
        _ => false,
    }
}

fn whole_archive_params(
    archive_id: &str,
    tier: Tier,
    size: Option<u64>,
) -> Result<JobParams, String> {
    let request = JobRequest {
        kind: Some(JobKind::ArchiveRetrieval),
        archive_id: Some(archive_id.to_owned()),
        tier: Some(tier.as_str().to_owned()),
        ..JobRequest::default()
    };
    validate(&request, size).map_err(|err| err.to_string())
}

/// A job of the whole archive that Glacier lists, running or ready, not yet in
/// the plan: what an InitiateJob whose answer was lost started. Listed in the
/// plan's place, so it is never paid twice.
fn adopt_unanswered(
    store: &mut Store,
    vault: &VaultKey,
    item: &BatchItem,
    listed: &HashSet<String>,
    now: OffsetDateTime,
) -> Result<Option<String>, BatchError> {
    let found = store
        .jobs_of_archive(vault, &item.archive_id)?
        .into_iter()
        .find(|entry| {
            entry.state.as_ref().is_some_and(|job| {
                job.archive_id.as_deref() == Some(item.archive_id.as_str())
                    && job.range.is_none()
                    && job.kind == JobKind::ArchiveRetrieval
                    && listed.contains(&job.job_id)
                    && matches!(
                        effective_status(job, now),
                        JobStatus::InProgress | JobStatus::Succeeded
                    )
            })
        });
    let Some(entry) = found else {
        return Ok(None);
    };
    let known = item
        .current
        .as_ref()
        .is_some_and(|current| current.journal_id == entry.id);
    if !known {
        store.add_job_to_plan(item.plan, 0, entry.id)?;
    }
    Ok(entry.job_id)
}

/// Downloads the archive's ready output into the folder, verified; `None` when
/// Glacier says it is not ready after all (the next round looks again).
pub(super) async fn download_item<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    folder: &Path,
    item: &BatchItem,
    now: OffsetDateTime,
    progress: &mut impl FnMut(u64, u64),
) -> Result<Option<BatchEvent>, BatchError> {
    let target = PlanTarget {
        plan: item.plan,
        to: folder,
        overwrite: false,
    };
    let outcome = download_recorded_plan(api, store, &target, now, |step| {
        progress(step.done, step.total)
    })
    .await?;
    Ok(outcome.finished.map(|finished| BatchEvent::Downloaded {
        plan: item.plan,
        name: item_name(item),
        path: finished.file,
        bytes: finished.bytes,
    }))
}

/// The archive's name for messages: decoded, or its id.
pub(super) fn item_name(item: &BatchItem) -> String {
    crate::text::printable(item.name.as_deref().unwrap_or(&item.archive_id))
}

/// What the journal says of an archive's plan, as the next step needs it. A
/// job is taken as still listed by Glacier when `listed` is not known.
pub fn item_facts(
    item: &BatchItem,
    listed: Option<&HashSet<String>>,
    now: OffsetDateTime,
) -> ItemFacts {
    ItemFacts {
        finished: item.finished.is_some(),
        jobs: item.jobs,
        failures: item.failures,
        current: item.current.as_ref().map(|job| CurrentJob {
            started: job.job_id.is_some(),
            refused: job.refused,
            status: job
                .state
                .as_ref()
                .map_or(JobStatus::InProgress, |state| effective_status(state, now)),
            listed: job
                .job_id
                .as_ref()
                .is_some_and(|id| listed.is_none_or(|listed| listed.contains(id))),
        }),
    }
}

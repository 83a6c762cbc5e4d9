//! Starting a retrieval plan's jobs: plan them (pure, see `planning`), find jobs
//! already retrieving the same bytes, then record the plan and start the rest,
//! each written to the journal in its place in the plan before InitiateJob is
//! sent, so that no paid-for job is ever lost or left without its plan.

mod error;
mod planning;
mod renew;

use serde::Serialize;
use time::OffsetDateTime;

pub use error::LaunchError;
pub use planning::{PlanError, PlannedRetrieval, RetrievalRequest, plan_jobs, range_of};
pub use renew::{RenewError, RenewReason, Renewal, RenewedJob, plan_renewal, renew_plan};

use super::{TrackingError, sync_vault_jobs};
use crate::domain::job::{ServiceSpeed, TrackedJob, reusable_jobs};
use crate::domain::job_params::{JobKind, JobParams, Tier};
use crate::domain::range::ByteRange;
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{
    JobIntent, JournalId, PlanArchive, PlanId, PlanIntent, PlanSlot, Store, StoreError, VaultKey,
};

/// A plan to carry out in one vault.
#[derive(Debug, Clone)]
pub struct LaunchRequest {
    pub vault: VaultKey,
    pub planned: PlannedRetrieval,
    /// Per planned job (same order), a job to use in its place instead of starting
    /// one; `None`, or a list shorter than the plan, starts the rest.
    pub reuse: Vec<Option<TrackedJob>>,
    /// Who asks, for the journal: `defrost (user@host)`.
    pub started_by: String,
}

/// One job of the plan, started now or reused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaunchedJob {
    pub job_id: String,
    /// The archive bytes it retrieves; `None` for the whole archive.
    pub range: Option<ByteRange>,
    pub tier: Option<Tier>,
    pub reused: bool,
}

/// The plan as the journal records it, and every job of it, in its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchReport {
    pub plan: PlanId,
    pub jobs: Vec<LaunchedJob>,
}

/// Brings the vault's journal up to date with ListJobs, then returns for each
/// planned job one that Glacier still lists which retrieves the same bytes and is
/// running or ready (see `domain::job::reuse` for the rules).
pub async fn find_reusable<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    planned: &PlannedRetrieval,
    now: OffsetDateTime,
) -> Result<Vec<Option<TrackedJob>>, TrackingError> {
    let report = sync_vault_jobs(api, store, vault, now).await?;
    let listed: Vec<TrackedJob> = store
        .journal(Some(vault))?
        .into_iter()
        .filter_map(|entry| entry.state)
        .filter(|job| report.listed.contains(&job.job_id))
        .collect();
    let found = reusable_jobs(
        &listed,
        &planned.archive_id,
        planned.archive_size,
        &planned.planned_ranges(),
        now,
    );
    Ok(found.into_iter().map(|job| job.cloned()).collect())
}

/// Records the plan, then starts every planned job that is not reused, in order,
/// journaling each in its place before and after InitiateJob; a reused job is
/// listed in its place. Stops at the first refusal; the error lists what went
/// ahead before it.
pub async fn launch_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &LaunchRequest,
    now: OffsetDateTime,
) -> Result<LaunchReport, LaunchError> {
    let plan = record_plan(store, request, now).map_err(|cause| LaunchError::Journal {
        cause,
        started: Vec::new(),
    })?;
    let plan_json = request.planned.plan_json();
    let mut jobs = Vec::new();
    for (index, params) in request.planned.jobs.iter().enumerate() {
        let slot = PlanSlot {
            plan,
            // A plan has at most a few dozen jobs (see `domain::range::split_tree`).
            position: u32::try_from(index).unwrap_or(u32::MAX),
        };
        if let Some(Some(job)) = request.reuse.get(index) {
            jobs.push(LaunchedJob {
                job_id: job.job_id.clone(),
                range: range_of(params),
                tier: job.tier,
                reused: true,
            });
            if let Err(cause) = list_reused(store, slot, job) {
                return Err(LaunchError::Journal {
                    cause,
                    started: jobs,
                });
            }
            continue;
        }
        let launched = start_job(api, store, request, params, &plan_json, slot, now).await;
        match launched {
            Ok(job) => jobs.push(job),
            Err(failure) => return Err(failure.after(jobs)),
        }
    }
    Ok(LaunchReport { plan, jobs })
}

/// One job to start in a plan already journaled (a batch's archive, a retry).
pub(crate) struct JobInPlan<'a> {
    pub vault: &'a VaultKey,
    pub archive: &'a PlanArchive,
    pub params: &'a JobParams,
    pub slot: PlanSlot,
    pub started_by: &'a str,
}

/// Starts `job` in its place: the intent journaled first, then InitiateJob,
/// then the answer.
pub(crate) async fn start_in_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    job: &JobInPlan<'_>,
    now: OffsetDateTime,
) -> Result<LaunchedJob, LaunchError> {
    let request = request_in_plan(job.vault, job.archive, None, job.started_by);
    let plan_json = request.planned.plan_json();
    start_job(api, store, &request, job.params, &plan_json, job.slot, now)
        .await
        .map_err(|failure| failure.after(Vec::new()))
}

/// The launch request a job of a plan already journaled is started under: its
/// vault, its archive and wanted bytes, who asks; no jobs planned anew.
fn request_in_plan(
    vault: &VaultKey,
    archive: &PlanArchive,
    want: Option<ByteRange>,
    started_by: &str,
) -> LaunchRequest {
    LaunchRequest {
        vault: vault.clone(),
        planned: PlannedRetrieval {
            archive_id: archive.archive_id.clone(),
            archive_size: archive.size,
            archive_tree_hash: archive.tree_hash.clone(),
            archive_name: archive.name.clone(),
            want,
            plan: None,
            jobs: Vec::new(),
        },
        reuse: Vec::new(),
        started_by: started_by.to_owned(),
    }
}

/// Writes the plan down before any of its jobs is asked for.
fn record_plan(
    store: &mut Store,
    request: &LaunchRequest,
    now: OffsetDateTime,
) -> Result<PlanId, StoreError> {
    let planned = &request.planned;
    store.record_plan(&PlanIntent {
        vault: &request.vault,
        archive: Some(PlanArchive {
            archive_id: planned.archive_id.clone(),
            size: planned.archive_size,
            tree_hash: planned.archive_tree_hash.clone(),
            name: planned.archive_name.clone(),
        }),
        want: planned.want,
        shape: planned.shape(),
        made_by: &request.started_by,
        at: now,
    })
}

/// Lists a reused job in its place in the plan; it stays its own plan's.
fn list_reused(store: &mut Store, slot: PlanSlot, job: &TrackedJob) -> Result<(), StoreError> {
    let journal_id = store.journal_id(&job.job_id)?.ok_or_else(|| {
        StoreError::refused(format!(
            "the journal does not know job {}, which plan {} reuses; list the jobs to adopt it, then retrieve again",
            job.job_id, slot.plan
        ))
    })?;
    store.add_job_to_plan(slot.plan, slot.position, journal_id)
}

/// How starting one job failed, before the jobs started earlier are added.
enum StartFailure {
    Refused {
        range: Option<ByteRange>,
        cause: GlacierError,
        policy: Option<crate::glacier::RetrievalPolicy>,
    },
    Journal {
        cause: StoreError,
        started: Option<LaunchedJob>,
    },
}

impl StartFailure {
    fn after(self, mut started: Vec<LaunchedJob>) -> LaunchError {
        match self {
            StartFailure::Refused {
                range,
                cause,
                policy,
            } => LaunchError::Refused {
                range,
                cause,
                policy,
                started,
            },
            StartFailure::Journal {
                cause,
                started: job,
            } => {
                started.extend(job);
                LaunchError::Journal { cause, started }
            }
        }
    }
}

/// Starts one planned job: its intent journaled first, then InitiateJob sent,
/// then what Glacier answered journaled.
async fn start_job<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &LaunchRequest,
    params: &JobParams,
    plan_json: &str,
    slot: PlanSlot,
    now: OffsetDateTime,
) -> Result<LaunchedJob, StartFailure> {
    let journal_id =
        record_intent(store, request, params, plan_json, slot, now).map_err(|cause| {
            StartFailure::Journal {
                cause,
                started: None,
            }
        })?;
    let range = range_of(params);
    let tier = match params {
        JobParams::Archive(job) => job.tier(),
        JobParams::Inventory(_) => None,
    };
    let started = match api.initiate_job(&request.vault.name, params).await {
        Ok(started) => started,
        Err(cause) => return Err(refusal(api, store, journal_id, cause, range, now).await),
    };
    let launched = LaunchedJob {
        job_id: started.job_id,
        range,
        tier,
        reused: false,
    };
    let speed = api.service_speed();
    match record_started(store, request, journal_id, &launched, speed, now) {
        Ok(()) => Ok(launched),
        Err(cause) => Err(StartFailure::Journal {
            cause,
            started: Some(launched),
        }),
    }
}

/// Journals that the job is about to be asked for, before anything is sent.
fn record_intent(
    store: &mut Store,
    request: &LaunchRequest,
    params: &JobParams,
    plan_json: &str,
    slot: PlanSlot,
    now: OffsetDateTime,
) -> Result<JournalId, StoreError> {
    let params_json = params.to_json_compact();
    let intent = JobIntent {
        vault: &request.vault,
        params_json: &params_json,
        plan_json: Some(plan_json),
        plan: Some(slot),
        started_by: &request.started_by,
        at: now,
    };
    store.record_job_intent(&intent)
}

/// Journals Glacier's refusal to start the job and, when a retrieval policy
/// refused it, fetches the policy to show beside the refusal.
async fn refusal<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    journal_id: JournalId,
    cause: GlacierError,
    range: Option<ByteRange>,
    now: OffsetDateTime,
) -> StartFailure {
    // The refusal is what the user must see; a journal that cannot note it
    // still holds the intent, which ListJobs will never match.
    if let Err(err) = store.record_job_start_failed(journal_id, &cause.to_string(), now) {
        tracing::warn!("cannot journal the refused job: {err}");
    }
    let policy = match cause {
        GlacierError::PolicyEnforced { .. } => api.get_data_retrieval_policy().await.ok(),
        _ => None,
    };
    StartFailure::Refused {
        range,
        cause,
        policy,
    }
}

/// Journals the job Glacier started, as this plan's retrieval of its archive.
fn record_started(
    store: &mut Store,
    request: &LaunchRequest,
    journal_id: JournalId,
    launched: &LaunchedJob,
    speed: ServiceSpeed,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut tracked = TrackedJob::started(
        launched.job_id.clone(),
        request.vault.name.clone(),
        JobKind::ArchiveRetrieval,
        launched.tier,
        now,
    );
    tracked.archive_id = Some(request.planned.archive_id.clone());
    tracked.range = launched.range;
    tracked.speed = speed;
    store.record_job_started(journal_id, &tracked)
}

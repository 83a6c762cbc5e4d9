//! Renewing a plan: starting again only the jobs whose output was lost before it
//! was fetched (the window closed, the job failed, or it was never started),
//! each in the place of the job it replaces. Everything already staged for the
//! plan stays: the download takes the newest job at each place, and a renewed
//! job retrieves the same bytes, so a half-fetched output goes on from its
//! verified chunks.

use time::OffsetDateTime;

use super::{LaunchError, LaunchedJob, request_in_plan, start_job};
use crate::domain::job::JobStatus;
use crate::domain::job_params::{JobParams, JobRequest, ParamsError, Tier, validate};
use crate::domain::range::ByteRange;
use crate::glacier::GlacierApi;
use crate::store::{PlanEntry, PlanId, PlanJob, PlanSlot, Store, StoreError};
use crate::tracking::{TrackingError, sync_vault_jobs};

/// Why a job of the plan has to be started again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewReason {
    /// Its output window closed before its output was fetched.
    Expired,
    Failed,
    /// Its InitiateJob never answered, or Glacier refused it.
    NotStarted,
}

/// A job to start in the place of one that can no longer be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewedJob {
    /// The job's place in the plan, from 0.
    pub position: u32,
    /// The job it replaces, when it was started.
    pub replaces: Option<String>,
    pub why: RenewReason,
    /// The InitiateJob body: the replaced job's, at the tier asked for.
    pub params: JobParams,
}

impl RenewedJob {
    /// The archive bytes it retrieves; `None` for the whole archive.
    pub fn range(&self) -> Option<ByteRange> {
        super::range_of(&self.params)
    }

    pub fn tier(&self) -> Option<Tier> {
        match &self.params {
            JobParams::Archive(job) => job.tier(),
            JobParams::Inventory(_) => None,
        }
    }
}

/// What renewing a plan would start, for the user to see (and pay) first.
#[derive(Debug, Clone)]
pub struct Renewal {
    /// The plan as the journal holds it, after asking Glacier about its jobs.
    pub plan: PlanEntry,
    /// In position order; empty when nothing needs renewing.
    pub jobs: Vec<RenewedJob>,
}

impl Renewal {
    /// The archive bytes the renewed jobs retrieve, when known.
    pub fn bytes(&self) -> Option<u64> {
        let size = self.plan.archive.as_ref().and_then(|archive| archive.size);
        self.jobs
            .iter()
            .map(|job| job.range().map(|range| range.len()).or(size))
            .sum()
    }
}

/// Why a plan cannot be renewed.
#[derive(Debug, thiserror::Error)]
pub enum RenewError {
    #[error("the journal has no plan {plan}; the list of jobs names each plan")]
    UnknownPlan { plan: PlanId },
    #[error("plan {plan} is finished: {} holds its bytes, so there is nothing to renew", crate::text::printable(.path))]
    Finished { plan: PlanId, path: String },
    #[error(
        "plan {plan} fetches an inventory, which is not renewed: fetch a new inventory instead"
    )]
    Inventory { plan: PlanId },
    #[error(
        "the journal's parameters of job {position} of plan {plan} cannot be read again ({cause}); retrieve the range again as a new plan"
    )]
    UnreadableParams {
        plan: PlanId,
        /// Counted from 1.
        position: u32,
        cause: ParamsError,
    },
    #[error(transparent)]
    Tracking(#[from] TrackingError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RenewError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            RenewError::UnknownPlan { .. }
            | RenewError::Finished { .. }
            | RenewError::Inventory { .. } => true,
            RenewError::UnreadableParams { .. } => false,
            RenewError::Tracking(err) => err.is_bad_input(),
            RenewError::Store(err) => err.is_bad_input(),
        }
    }
}

/// Asks Glacier about the plan's jobs, then says which must be started again,
/// at `tier` when given, else each at the tier of the job it replaces.
pub async fn plan_renewal<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    id: PlanId,
    tier: Option<Tier>,
    now: OffsetDateTime,
) -> Result<Renewal, RenewError> {
    let unknown = || RenewError::UnknownPlan { plan: id };
    let plan = store.plan(id)?.ok_or_else(unknown)?;
    let synced = sync_vault_jobs(api, store, &plan.vault, now).await?;
    let plan = store.plan(id)?.ok_or_else(unknown)?;
    if let Some(finished) = &plan.finished {
        return Err(RenewError::Finished {
            plan: id,
            path: finished.path.clone(),
        });
    }
    if plan.archive.is_none() {
        return Err(RenewError::Inventory { plan: id });
    }
    let mut jobs = Vec::new();
    for job in plan.current_jobs() {
        if let Some(why) = renew_reason(job, &synced.listed, now) {
            jobs.push(renewed(&plan, job, why, tier)?);
        }
    }
    Ok(Renewal { plan, jobs })
}

/// Why the job must be started again, if it must: its output is not staged and
/// can no longer be fetched. Glacier lists every job it still knows, running
/// or ready, so a job it no longer lists is gone whatever the journal last saw.
fn renew_reason(job: &PlanJob, listed: &[String], now: OffsetDateTime) -> Option<RenewReason> {
    if job.staged {
        return None;
    }
    let (Some(tracked), Some(job_id)) = (&job.entry.state, &job.entry.job_id) else {
        return Some(RenewReason::NotStarted);
    };
    match crate::domain::job::effective_status(tracked, now) {
        JobStatus::Failed => Some(RenewReason::Failed),
        JobStatus::Expired => Some(RenewReason::Expired),
        // Its id came from InitiateJob's answer, so Glacier has listed it since.
        JobStatus::InProgress | JobStatus::Succeeded if !listed.contains(job_id) => {
            Some(RenewReason::Expired)
        }
        JobStatus::InProgress | JobStatus::Succeeded => None,
    }
}

/// The job to start in `job`'s place: its parameters as journaled, checked again.
fn renewed(
    plan: &PlanEntry,
    job: &PlanJob,
    why: RenewReason,
    tier: Option<Tier>,
) -> Result<RenewedJob, RenewError> {
    let unreadable = |cause| RenewError::UnreadableParams {
        plan: plan.id,
        position: job.position + 1,
        cause,
    };
    let mut request = JobRequest::from_json(&job.entry.params_json).map_err(unreadable)?;
    if let Some(tier) = tier {
        request.tier = Some(tier.as_str().to_owned());
    }
    let size = plan.archive.as_ref().and_then(|archive| archive.size);
    let params = validate(&request, size).map_err(unreadable)?;
    Ok(RenewedJob {
        position: job.position,
        replaces: job.entry.job_id.clone(),
        why,
        params,
    })
}

/// Starts the renewal's jobs in order, each journaled in its place before
/// InitiateJob is sent. Stops at the first refusal; the error lists what started.
pub async fn renew_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    renewal: &Renewal,
    started_by: String,
    now: OffsetDateTime,
) -> Result<Vec<LaunchedJob>, LaunchError> {
    let plan = &renewal.plan;
    let archive = plan.archive.clone().unwrap_or_default();
    let request = request_in_plan(&plan.vault, &archive, plan.want, &started_by);
    let plan_json = request.planned.plan_json();
    let mut started = Vec::new();
    for job in &renewal.jobs {
        let slot = PlanSlot {
            plan: plan.id,
            position: job.position,
        };
        match start_job(api, store, &request, &job.params, &plan_json, slot, now).await {
            Ok(launched) => started.push(launched),
            Err(failure) => return Err(failure.after(started)),
        }
    }
    Ok(started)
}

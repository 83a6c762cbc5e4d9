//! Retrieval jobs as pure functions of the state and `now`: InitiateJob's rules, the
//! lifecycle, the DescribeJob and ListJobs bodies, job output and completion notices.

mod archive_range;
mod capacity;
mod describe;
mod initiate;
mod inventory_output;
mod inventory_page;
mod list;
mod notifications;
mod output;
mod params_errors;

#[cfg(test)]
mod tests;

use std::time::Duration;

use time::{OffsetDateTime, PrimitiveDateTime};

use super::clock::{Speedup, glacier};
use super::error::{GlacierError, GlacierResult};
use super::model::{Job, JobKind, Vault};

pub use archive_range::{output_len, pending_range_hash, retrieved_range};
pub use capacity::{check_expedited_capacity, list_capacity, purchase_capacity};
pub use describe::describe_job;
pub use initiate::initiate_job;
pub use inventory_output::{InventoryOutput, csv_field};
pub use inventory_page::{decode_marker, encode_marker, inventory_page};
pub use list::{ListJobsQuery, list_jobs};
pub use notifications::{
    EVENTS, Notice, delete_notifications, due_notices, get_notifications, has_due_notices,
    set_notifications,
};
pub use output::{OutputBody, OutputPlan, TreeHashHeader, parse_range_header, plan_output};

/// Where a job stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    InProgress,
    Succeeded,
    Failed,
}

impl JobStatus {
    /// Glacier's `StatusCode`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::InProgress => "InProgress",
            JobStatus::Succeeded => "Succeeded",
            JobStatus::Failed => "Failed",
        }
    }

    /// Reads a `statuscode` filter, exactly as Glacier spells it.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::InProgress, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// In progress until `completes_at`; then failed when a fault says so, else succeeded.
pub fn status(job: &Job, now: OffsetDateTime) -> JobStatus {
    if now < job.completes_at {
        JobStatus::InProgress
    } else if job.failure.is_some() {
        JobStatus::Failed
    } else {
        JobStatus::Succeeded
    }
}

/// How long Glacier takes to prepare a job, before the sandbox's speedup.
pub fn glacier_wait(kind: &JobKind) -> Duration {
    match kind {
        JobKind::Inventory(_) => glacier::INVENTORY_JOB,
        JobKind::Archive(job) => match job.tier.as_str() {
            "Expedited" => glacier::EXPEDITED_JOB,
            "Bulk" => glacier::BULK_JOB,
            _ => glacier::STANDARD_JOB,
        },
    }
}

/// When the output window closes; Glacier forgets the job from then on.
pub fn output_expires_at(job: &Job, speedup: Speedup) -> OffsetDateTime {
    later(job.completes_at, speedup.scale(glacier::OUTPUT_WINDOW))
}

/// Whether Glacier still knows the job at `now`.
pub fn is_current(job: &Job, now: OffsetDateTime, speedup: Speedup) -> bool {
    now < output_expires_at(job, speedup)
}

/// `at + wait`, saturating at the end of the calendar instead of overflowing.
pub fn later(at: OffsetDateTime, wait: Duration) -> OffsetDateTime {
    time::Duration::try_from(wait)
        .ok()
        .and_then(|wait| at.checked_add(wait))
        .unwrap_or_else(|| PrimitiveDateTime::MAX.assume_utc())
}

/// A job Glacier still knows, or the error Glacier gives for an unknown job id.
pub fn find_job<'a>(
    vault: &'a Vault,
    job_id: &str,
    now: OffsetDateTime,
    speedup: Speedup,
) -> GlacierResult<&'a Job> {
    vault
        .jobs
        .get(job_id)
        .filter(|job| is_current(job, now, speedup))
        .ok_or_else(|| GlacierError::not_found(format!("The job ID was not found: {job_id}")))
}

/// Mutable access to a job Glacier still knows.
pub fn find_job_mut<'a>(
    vault: &'a mut Vault,
    job_id: &str,
    now: OffsetDateTime,
    speedup: Speedup,
) -> GlacierResult<&'a mut Job> {
    vault
        .jobs
        .get_mut(job_id)
        .filter(|job| is_current(job, now, speedup))
        .ok_or_else(|| GlacierError::not_found(format!("The job ID was not found: {job_id}")))
}

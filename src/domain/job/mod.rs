//! A retrieval job as defrost tracks it: its status, its 24-hour output window, how a
//! DescribeJob answer moves it on, and when it is next worth polling.
//!
//! Nothing here reads the clock: every question that depends on the time takes
//! `now`, so expiry countdowns and polling schedules are tested with fixed instants.
//! The durations all of this rests on live in `timing`.

mod plan_shape;
mod plan_state;
pub mod reuse;
mod schedule;
#[cfg(test)]
mod tests;
mod timing;
mod transition;
mod watch;
mod window;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::job_params::{JobKind, Tier};
use super::range::ByteRange;

pub use plan_shape::{PlanShape, UnknownPlanShape};
pub use plan_state::{JobStanding, PlanState, current_positions, plan_state};
pub use reuse::{PlannedRange, reusable_jobs};
pub use schedule::{ExpectedCompletion, due, expected_completion, next_poll_at, poll_interval};
pub use timing::{OUTPUT_WINDOW, POLL_FLOOR, Pace, PacePolicy, ServiceSpeed};
pub use transition::{Transition, classify, observe};
pub use watch::{WatchStep, watch_step};
pub use window::{effective_status, output_window_end, time_left};

/// Where a job stands, as the journal records it.
///
/// The order of the variants is the order a job moves through them; [`observe`]
/// never moves a job back. `Failed` and `Expired` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobStatus {
    InProgress,
    Succeeded,
    Failed,
    /// defrost's own state, not Glacier's: the job succeeded but its output window
    /// has closed, so its output can no longer be relied on.
    Expired,
}

impl JobStatus {
    /// True for states no observation can leave.
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Failed | JobStatus::Expired)
    }
}

/// What DescribeJob's `StatusCode` can say. Glacier has no `Expired`; that is ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObservedStatus {
    InProgress,
    Succeeded,
    Failed,
}

impl ObservedStatus {
    pub const ALL: [ObservedStatus; 3] = [
        ObservedStatus::InProgress,
        ObservedStatus::Succeeded,
        ObservedStatus::Failed,
    ];

    /// The journal state this answer stands for.
    pub fn as_job_status(self) -> JobStatus {
        match self {
            ObservedStatus::InProgress => JobStatus::InProgress,
            ObservedStatus::Succeeded => JobStatus::Succeeded,
            ObservedStatus::Failed => JobStatus::Failed,
        }
    }
}

/// The part of one DescribeJob (or ListJobs entry) answer that moves a job on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub status: ObservedStatus,
    /// `CompletionDate`; Glacier sets it once the job has finished, either way.
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// `StatusMessage`: untrusted server text, strip it before showing it.
    pub status_message: Option<String>,
}

/// One retrieval job as the journal knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedJob {
    pub job_id: String,
    pub vault: String,
    pub kind: JobKind,
    /// The tier asked for. `None` on inventory jobs, which take no tier and run at
    /// Standard speed, and on archive jobs that left Glacier's default (Standard).
    pub tier: Option<Tier>,
    /// `None` for inventory jobs.
    pub archive_id: Option<String>,
    /// The retrieved bytes of the archive; `None` for the whole archive or an
    /// inventory.
    pub range: Option<ByteRange>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// As last stored. Ask [`effective_status`] for the status at a given moment:
    /// a stored `Succeeded` may since have expired.
    pub status: JobStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
    /// The last `StatusMessage` Glacier gave, kept to explain a failure.
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_polled_at: Option<OffsetDateTime>,
    /// Polls in a row that did not change the status: drives the back-off.
    pub polls: u32,
    /// Found by ListJobs rather than started by defrost (another tool, another
    /// machine), so defrost knows nothing about it from before it was found.
    pub adopted: bool,
    /// How fast the service running the job goes: Glacier, or a sandbox with a
    /// sped-up clock. Journals written before this existed hold Glacier jobs.
    #[serde(default)]
    pub speed: ServiceSpeed,
}

impl TrackedJob {
    /// A job defrost has just started: in progress, never polled.
    pub fn started(
        job_id: String,
        vault: String,
        kind: JobKind,
        tier: Option<Tier>,
        started_at: OffsetDateTime,
    ) -> Self {
        Self {
            job_id,
            vault,
            kind,
            tier,
            archive_id: None,
            range: None,
            started_at,
            status: JobStatus::InProgress,
            completed_at: None,
            status_message: None,
            last_polled_at: None,
            polls: 0,
            adopted: false,
            speed: ServiceSpeed::GLACIER,
        }
    }
}

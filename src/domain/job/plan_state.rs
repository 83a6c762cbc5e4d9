//! Where a retrieval plan stands, from where each of its jobs stands: one word for
//! a whole plan, shared by `defrost jobs` and the screen's jobs pane.
//!
//! A plan's jobs sit at positions; a job renewed after its window closed shares
//! its position with the one it replaces, and only the newest job at a position
//! counts. The caller passes those current jobs, in position order.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;

use super::{JobStatus, TrackedJob, effective_status};

/// One word for a whole plan, in the order a plan moves through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanState {
    /// Started; no job's output is ready yet.
    Started,
    /// Some jobs' outputs are ready, others still running.
    PartlyReady,
    /// Every job's output is ready and none is fetched yet.
    Ready,
    /// Some outputs are fetched and verified; the file is not finished yet.
    Downloading,
    /// The file of the wanted bytes is written.
    Finished,
    /// A job's output window closed before it was fetched: renew the plan.
    Expired,
    /// A job failed, or was never started: renew the plan.
    Failed,
}

impl PlanState {
    pub const ALL: [PlanState; 7] = [
        PlanState::Started,
        PlanState::PartlyReady,
        PlanState::Ready,
        PlanState::Downloading,
        PlanState::Finished,
        PlanState::Expired,
        PlanState::Failed,
    ];

    /// As `defrost jobs` and its `--json` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Started => "started",
            PlanState::PartlyReady => "partly ready",
            PlanState::Ready => "ready",
            PlanState::Downloading => "downloading",
            PlanState::Finished => "finished",
            PlanState::Expired => "expired",
            PlanState::Failed => "failed",
        }
    }

    /// True when renewing the plan would start a job: one of its jobs expired or
    /// failed before its output was fetched.
    pub fn needs_renewal(self) -> bool {
        matches!(self, PlanState::Expired | PlanState::Failed)
    }
}

/// In JSON as in the table, like a job's status ("in progress").
impl Serialize for PlanState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for PlanState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the plan state needs to know of one current job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobStanding {
    /// At the moment asked about; `None` when its InitiateJob never answered.
    pub status: Option<JobStatus>,
    /// Its output is fetched and verified for this plan (staged or downloaded).
    pub fetched: bool,
}

impl JobStanding {
    /// A journaled job at `now`; `None` for one that was never started.
    pub fn of(job: Option<&TrackedJob>, fetched: bool, now: OffsetDateTime) -> JobStanding {
        JobStanding {
            status: job.map(|job| effective_status(job, now)),
            fetched,
        }
    }

    /// Its output is still to fetch and can no longer be: it must be started again.
    pub fn needs_renewal(self) -> bool {
        !self.fetched
            && matches!(
                self.status,
                None | Some(JobStatus::Failed | JobStatus::Expired)
            )
    }

    fn is_ready(self) -> bool {
        !self.fetched && self.status == Some(JobStatus::Succeeded)
    }
}

/// The plan's state from its current jobs and whether its file is written. A
/// failure outweighs an expiry (both need renewing, a failure may also need a
/// look), and either outweighs progress, since nothing finishes until renewed.
pub fn plan_state(jobs: &[JobStanding], finished: bool) -> PlanState {
    if finished {
        return PlanState::Finished;
    }
    let renew = jobs.iter().filter(|job| job.needs_renewal());
    if renew
        .clone()
        .any(|job| job.status != Some(JobStatus::Expired))
    {
        return PlanState::Failed;
    }
    if renew.count() > 0 {
        return PlanState::Expired;
    }
    let fetched = jobs.iter().filter(|job| job.fetched).count();
    let ready = jobs.iter().filter(|job| job.is_ready()).count();
    match (fetched, ready) {
        (0, 0) => PlanState::Started,
        (0, ready) if ready == jobs.len() => PlanState::Ready,
        (0, _) => PlanState::PartlyReady,
        _ => PlanState::Downloading,
    }
}

/// The indexes of the jobs that count, one per position: the last listed at each
/// (a renewal is journaled after the job it replaces). `positions` is in
/// position order, as plans list their jobs.
pub fn current_positions(positions: &[u32]) -> Vec<usize> {
    let mut current: Vec<usize> = Vec::new();
    for (index, position) in positions.iter().enumerate() {
        match current.last_mut() {
            Some(last) if positions[*last] == *position => *last = index,
            _ => current.push(index),
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: Option<JobStatus>, fetched: bool) -> JobStanding {
        JobStanding { status, fetched }
    }

    const RUNNING: Option<JobStatus> = Some(JobStatus::InProgress);
    const READY: Option<JobStatus> = Some(JobStatus::Succeeded);
    const EXPIRED: Option<JobStatus> = Some(JobStatus::Expired);
    const FAILED: Option<JobStatus> = Some(JobStatus::Failed);

    #[test]
    fn a_plan_moves_from_started_to_finished() {
        assert_eq!(
            plan_state(&[job(RUNNING, false); 3], false),
            PlanState::Started
        );
        let partly = [job(READY, false), job(RUNNING, false)];
        assert_eq!(plan_state(&partly, false), PlanState::PartlyReady);
        assert_eq!(plan_state(&[job(READY, false); 2], false), PlanState::Ready);
        let fetching = [job(READY, true), job(RUNNING, false)];
        assert_eq!(plan_state(&fetching, false), PlanState::Downloading);
        assert_eq!(
            plan_state(&[job(READY, true); 2], false),
            PlanState::Downloading
        );
        assert_eq!(plan_state(&[job(EXPIRED, true)], true), PlanState::Finished);
    }

    #[test]
    fn an_output_fetched_before_its_window_closed_needs_no_renewal() {
        let states = [job(EXPIRED, true), job(READY, false)];
        assert_eq!(plan_state(&states, false), PlanState::Downloading);
    }

    #[test]
    fn a_lost_job_outweighs_progress_and_a_failure_outweighs_an_expiry() {
        let expired = [job(READY, true), job(EXPIRED, false), job(RUNNING, false)];
        assert_eq!(plan_state(&expired, false), PlanState::Expired);
        let failed = [job(EXPIRED, false), job(FAILED, false)];
        assert_eq!(plan_state(&failed, false), PlanState::Failed);
        let never_started = [job(None, false), job(READY, false)];
        assert_eq!(plan_state(&never_started, false), PlanState::Failed);
        assert!(PlanState::Expired.needs_renewal() && PlanState::Failed.needs_renewal());
        assert!(!PlanState::Downloading.needs_renewal());
    }

    #[test]
    fn an_empty_plan_is_started() {
        assert_eq!(plan_state(&[], false), PlanState::Started);
    }

    #[test]
    fn the_newest_job_at_a_position_counts() {
        assert_eq!(current_positions(&[0, 1, 2]), vec![0, 1, 2]);
        assert_eq!(current_positions(&[0, 1, 1, 2, 2, 2]), vec![0, 2, 5]);
        assert_eq!(current_positions(&[]), Vec::<usize>::new());
        assert_eq!(current_positions(&[3, 3]), vec![1]);
    }

    #[test]
    fn each_state_has_its_word_in_tables_and_json() {
        let words: Vec<_> = PlanState::ALL.iter().map(|state| state.as_str()).collect();
        assert_eq!(
            words,
            [
                "started",
                "partly ready",
                "ready",
                "downloading",
                "finished",
                "expired",
                "failed"
            ]
        );
        let json = serde_json::to_string(&PlanState::PartlyReady).unwrap();
        assert_eq!(json, "\"partly ready\"");
    }
}

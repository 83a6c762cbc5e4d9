//! When to ask Glacier about a job again, and which jobs are due at `now`.
//!
//! Only jobs in progress are polled: a finished job has nothing more to tell, and
//! downloading its output is a separate matter. The figures are in `timing`.

use std::time::Duration;

use time::OffsetDateTime;

use super::timing::{Pace, ServiceSpeed};
use super::window::later_by;
use super::{JobStatus, TrackedJob};

/// When a job can typically be expected to finish, from its start and its pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedCompletion {
    pub earliest: OffsetDateTime,
    pub latest: OffsetDateTime,
}

/// The typical completion span of `job` (Glacier's figures, not a promise), for
/// showing "ready in about …" while it runs.
pub fn expected_completion(job: &TrackedJob) -> ExpectedCompletion {
    let policy = Pace::of(job).policy().at(job.speed);
    ExpectedCompletion {
        earliest: later_by(job.started_at, policy.earliest),
        latest: later_by(job.started_at, policy.latest),
    }
}

/// The wait after a poll, when `polls` polls in a row have found no change and the
/// job is not yet past its latest expected completion: the pace's back-off start,
/// doubled for each unchanged poll after the first, capped, and never below
/// [`POLL_FLOOR`]. It never decreases as `polls` grows.
pub fn poll_interval(pace: Pace, polls: u32) -> Duration {
    scaled_poll_interval(pace, polls, ServiceSpeed::GLACIER)
}

/// [`poll_interval`] on a service running at `speed`.
fn scaled_poll_interval(pace: Pace, polls: u32, speed: ServiceSpeed) -> Duration {
    let policy = pace.policy().at(speed);
    let doublings = polls.saturating_sub(1);
    // 2^31 times any back-off start is far past every cap, so larger counts can
    // stop there instead of overflowing the shift.
    let factor = 1u32 << doublings.min(31);
    policy
        .backoff_start
        .saturating_mul(factor)
        .min(policy.cap)
        .max(speed.poll_floor())
}

/// When `job` should next be polled, or `None` if there is nothing left to learn
/// (succeeded, failed or expired).
///
/// For a job in progress (see the table on [`Pace::policy`]):
/// - never before the pace's first useful poll, three quarters of the earliest
///   expected completion after the start; a job never polled (also one adopted
///   long after its start) is due then;
/// - otherwise the last poll plus [`poll_interval`], or plus the cap once the last
///   poll found the job running past its latest expected completion.
///
/// The next poll is therefore never sooner than [`POLL_FLOOR`] after the last one.
/// Every figure is divided by the job's [`ServiceSpeed`] (1 on Glacier).
/// The stored status decides; a job whose window has closed since it was stored
/// is `Succeeded` or `Expired`, neither of which is polled, so `now` is not needed.
pub fn next_poll_at(job: &TrackedJob) -> Option<OffsetDateTime> {
    if job.status != JobStatus::InProgress {
        return None;
    }
    let pace = Pace::of(job);
    let policy = pace.policy().at(job.speed);
    let first_useful = later_by(job.started_at, policy.first_poll());
    let Some(last_polled) = job.last_polled_at else {
        return Some(first_useful);
    };
    let past_latest = last_polled >= later_by(job.started_at, policy.latest);
    let wait = if past_latest {
        policy.cap.max(job.speed.poll_floor())
    } else {
        scaled_poll_interval(pace, job.polls, job.speed)
    };
    Some(later_by(last_polled, wait).max(first_useful))
}

/// The jobs whose next poll is at or before `now`, most overdue (earliest next
/// poll) first; jobs due at the same instant keep their order in `jobs`.
pub fn due(jobs: &[TrackedJob], now: OffsetDateTime) -> Vec<&TrackedJob> {
    let mut due: Vec<(OffsetDateTime, &TrackedJob)> = jobs
        .iter()
        .filter_map(|job| Some((next_poll_at(job)?, job)))
        .filter(|(next_poll, _)| *next_poll <= now)
        .collect();
    // A stable sort, so ties keep the caller's order.
    due.sort_by_key(|(next_poll, _)| *next_poll);
    due.into_iter().map(|(_, job)| job).collect()
}

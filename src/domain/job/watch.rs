//! Watching jobs until they finish: at each turn, which jobs to poll now, or how
//! long to sleep before the next one is due. Pure, so the loop that runs it
//! (`tracking::watch`) only does what this decides.

use time::OffsetDateTime;

use super::schedule::{due, next_poll_at};
use super::{JobStatus, TrackedJob};

/// What a watcher does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchStep {
    /// No job is in progress: nothing is left to watch.
    Done,
    /// Poll these jobs (by job id) now, most overdue first.
    Poll(Vec<String>),
    /// Nothing is due: sleep until the earliest next poll.
    SleepUntil(OffsetDateTime),
}

/// The next step of watching `jobs` at `now`. Only jobs in progress are watched;
/// the wait is until the earliest of their next polls, never a fixed tick, so a
/// watcher neither spins nor polls a job sooner than its schedule allows.
pub fn watch_step(jobs: &[TrackedJob], now: OffsetDateTime) -> WatchStep {
    let due_now: Vec<String> = due(jobs, now)
        .into_iter()
        .map(|job| job.job_id.clone())
        .collect();
    if !due_now.is_empty() {
        return WatchStep::Poll(due_now);
    }
    let earliest = jobs
        .iter()
        .filter(|job| job.status == JobStatus::InProgress)
        .filter_map(next_poll_at)
        .min();
    match earliest {
        Some(at) => WatchStep::SleepUntil(at),
        None => WatchStep::Done,
    }
}

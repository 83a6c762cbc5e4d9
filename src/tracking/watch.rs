//! Polling journaled jobs on their schedule until none is in progress: each poll
//! is a DescribeJob whose answer is journaled, and between polls the watcher
//! sleeps until the earliest next one (see `domain::job::watch_step`). The clock
//! is a parameter, so tests and the terminal interface choose how time passes.

use std::future::Future;
use std::time::Duration;

use time::OffsetDateTime;

use super::{TrackingError, observation_of};
use crate::domain::job::{JobStatus, TrackedJob, WatchStep, observe, watch_step};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::Store;

/// Where the time comes from and how a watcher waits for it.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;

    /// Returns at `at` or soon after (at once when `at` has passed).
    fn sleep_until(&self, at: OffsetDateTime) -> impl Future<Output = ()> + Send;
}

/// The wall clock, and tokio's timer to wait on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    async fn sleep_until(&self, at: OffsetDateTime) {
        let wait = Duration::try_from(at - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO);
        tokio::time::sleep(wait).await;
    }
}

/// What a watcher is doing, for whoever shows it.
#[derive(Debug, Clone, Copy)]
pub enum WatchEvent<'a> {
    /// The job was polled; `before` is its status before the answer.
    Polled {
        job: &'a TrackedJob,
        before: JobStatus,
    },
    /// Nothing is due before `until`.
    Sleeping { until: OffsetDateTime },
}

impl WatchEvent<'_> {
    /// The job whose status this poll changed, with its status before.
    pub fn transition(&self) -> Option<(&TrackedJob, JobStatus)> {
        match *self {
            WatchEvent::Polled { job, before } if job.status != before => Some((job, before)),
            _ => None,
        }
    }
}

/// Asks Glacier about `job` now and journals the answer; returns the job as it is
/// after the answer (`Expired` when Glacier no longer knows it).
pub async fn poll_job<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    job: &TrackedJob,
    now: OffsetDateTime,
) -> Result<TrackedJob, TrackingError> {
    let after = match api.describe_job(&job.vault, &job.job_id).await {
        Ok(info) => observe(job.clone(), observation_of(&info), now),
        // Glacier forgets a job once its output window has closed: whatever it
        // did, its output is gone, and polling it again would only fail again.
        Err(GlacierError::UnknownJob { .. }) => TrackedJob {
            status: JobStatus::Expired,
            status_message: Some(
                "Glacier no longer knows the job: its output window has closed".into(),
            ),
            last_polled_at: Some(now),
            ..job.clone()
        },
        Err(err) => return Err(err.into()),
    };
    store.record_job_state(&after, now)?;
    Ok(after)
}

/// Polls `jobs` on their schedule until none is in progress, and returns them as
/// they finished. Jobs already finished are kept as they are and never polled.
pub async fn watch_until_finished<G: GlacierApi, C: Clock>(
    api: &G,
    store: &mut Store,
    mut jobs: Vec<TrackedJob>,
    clock: &C,
    mut on_event: impl FnMut(WatchEvent<'_>),
) -> Result<Vec<TrackedJob>, TrackingError> {
    loop {
        match watch_step(&jobs, clock.now()) {
            WatchStep::Done => return Ok(jobs),
            WatchStep::SleepUntil(until) => {
                on_event(WatchEvent::Sleeping { until });
                clock.sleep_until(until).await;
            }
            WatchStep::Poll(ids) => {
                for id in ids {
                    let Some(slot) = jobs.iter_mut().find(|job| job.job_id == id) else {
                        continue;
                    };
                    let before = slot.status;
                    *slot = poll_job(api, store, slot, clock.now()).await?;
                    on_event(WatchEvent::Polled { job: slot, before });
                }
            }
        }
    }
}

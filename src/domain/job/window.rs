//! The output window: how long a finished job's output can still be downloaded.

use std::time::Duration;

use time::OffsetDateTime;

use super::timing::OUTPUT_WINDOW;
use super::{JobStatus, TrackedJob};

/// When the job's output stops being downloadable: completion plus
/// [`OUTPUT_WINDOW`] (divided by the job's service speed). `None` when there is no output to download: the job is in
/// progress or failed, or it succeeded but its completion time is unknown.
/// A stored `Expired` job keeps its window end, so a list can say when it closed.
pub fn output_window_end(job: &TrackedJob) -> Option<OffsetDateTime> {
    match job.status {
        JobStatus::Succeeded | JobStatus::Expired => job
            .completed_at
            .map(|completed| later_by(completed, job.speed.scale(OUTPUT_WINDOW))),
        JobStatus::InProgress | JobStatus::Failed => None,
    }
}

/// How long the output can still be downloaded at `now`: `Some(ZERO)` once the
/// window has closed (exactly at its end included), `None` when the job has no
/// output window (see [`output_window_end`]).
pub fn time_left(job: &TrackedJob, now: OffsetDateTime) -> Option<Duration> {
    let end = output_window_end(job)?;
    // A negative difference means the window has closed: nothing is left.
    Some(Duration::try_from(end - now).unwrap_or(Duration::ZERO))
}

/// The job's status at `now`: a `Succeeded` job whose window has closed is
/// `Expired`. A succeeded job without a completion time is taken as still
/// downloadable, since nothing says otherwise; [`super::observe`] always records
/// one.
pub fn effective_status(job: &TrackedJob, now: OffsetDateTime) -> JobStatus {
    match job.status {
        JobStatus::Succeeded if time_left(job, now) == Some(Duration::ZERO) => JobStatus::Expired,
        status => status,
    }
}

/// `at + duration`, pinned to the last representable instant rather than
/// overflowing: a journal could hold a date near year 9999, and a moment that far
/// off means "never" just as well.
pub(super) fn later_by(at: OffsetDateTime, duration: Duration) -> OffsetDateTime {
    let signed = time::Duration::try_from(duration).unwrap_or(time::Duration::MAX);
    at.saturating_add(signed)
}

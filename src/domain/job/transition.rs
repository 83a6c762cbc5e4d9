//! How one DescribeJob answer moves a tracked job on, and why it never moves one back.

use time::OffsetDateTime;

use super::window::effective_status;
use super::{JobStatus, Observation, ObservedStatus, TrackedJob};

/// What an answer does to a job in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transition {
    /// The answer agrees with what is known: one more poll without a change.
    Stay,
    /// The job moved forward to this state.
    Advance(JobStatus),
    /// The answer would move the job back (a finished job "in progress" again) or out
    /// of a final state. Glacier's answers can lag behind each other, so this is
    /// not an error; the answer's status is ignored and the poll counts as one
    /// without a change.
    Ignore,
}

/// The transition table, for a job whose status at the moment of the answer is
/// `current` (see [`super::effective_status`]):
///
/// | current \ answer | InProgress | Succeeded           | Failed         |
/// |------------------|------------|---------------------|----------------|
/// | InProgress       | Stay       | Advance(Succeeded)  | Advance(Failed)|
/// | Succeeded        | Ignore     | Stay                | Ignore         |
/// | Failed           | Ignore     | Ignore              | Stay           |
/// | Expired          | Ignore     | Stay                | Ignore         |
///
/// An expired job that Glacier still calls succeeded stays expired: the window is
/// defrost's own, conservative reading of Glacier's "at least 24 hours".
pub fn classify(current: JobStatus, answer: ObservedStatus) -> Transition {
    use JobStatus as Now;
    use ObservedStatus as Said;
    match (current, answer) {
        (Now::InProgress, Said::InProgress)
        | (Now::Succeeded | Now::Expired, Said::Succeeded)
        | (Now::Failed, Said::Failed) => Transition::Stay,
        (Now::InProgress, Said::Succeeded | Said::Failed) => {
            Transition::Advance(answer.as_job_status())
        }
        (Now::Succeeded | Now::Expired, Said::InProgress | Said::Failed)
        | (Now::Failed, Said::InProgress | Said::Succeeded) => Transition::Ignore,
    }
}

/// The job after Glacier answered `observation` to a poll made at `now`.
///
/// Backward answers are ignored, not refused (see [`Transition::Ignore`]): the poll
/// still happened, so `last_polled_at` moves to `now` and `polls` counts up, which
/// keeps the schedule backing off instead of asking again at once. Use
/// [`classify`] beforehand to log such answers.
///
/// - The stored status is brought up to date with the clock before and after the
///   answer, so a succeeded job past its window is stored as `Expired`.
/// - `polls` goes back to 0 when the stored status changed and counts up otherwise.
/// - The completion time is recorded when the job finishes: Glacier's
///   `CompletionDate`, or, if the answer lacks one, the last moment the job was
///   known to be running (the last poll, else the start). That earliest possible
///   completion never promises more of the output window than Glacier gives.
///   Later answers only fill in a completion time that is still missing.
/// - A status message replaces the stored one unless the answer is ignored or has
///   none, so a failure's reason survives later, terser answers.
pub fn observe(job: TrackedJob, observation: Observation, now: OffsetDateTime) -> TrackedJob {
    let stored_status = job.status;
    let current = effective_status(&job, now);
    let earliest_possible_completion = job.last_polled_at.unwrap_or(job.started_at);
    let mut next = TrackedJob {
        status: current,
        last_polled_at: Some(now),
        ..job
    };
    let transition = classify(current, observation.status);
    match transition {
        Transition::Advance(status) => {
            next.status = status;
            next.completed_at = Some(
                observation
                    .completed_at
                    .unwrap_or(earliest_possible_completion),
            );
        }
        Transition::Stay => {
            if next.status != JobStatus::InProgress && next.completed_at.is_none() {
                next.completed_at = observation.completed_at;
            }
        }
        Transition::Ignore => {}
    }
    if transition != Transition::Ignore && observation.status_message.is_some() {
        next.status_message = observation.status_message;
    }
    next.status = effective_status(&next, now);
    next.polls = if next.status == stored_status {
        next.polls.saturating_add(1)
    } else {
        0
    };
    next
}

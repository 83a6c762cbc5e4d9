//! The transition table and what `observe` records.

use super::*;
use crate::domain::job::*;
use crate::domain::job_params::Tier;

#[test]
fn transition_table_covers_every_pair() {
    use JobStatus as J;
    use ObservedStatus as O;
    use Transition::{Advance, Ignore, Stay};
    let table = [
        (J::InProgress, O::InProgress, Stay),
        (J::InProgress, O::Succeeded, Advance(J::Succeeded)),
        (J::InProgress, O::Failed, Advance(J::Failed)),
        (J::Succeeded, O::InProgress, Ignore),
        (J::Succeeded, O::Succeeded, Stay),
        (J::Succeeded, O::Failed, Ignore),
        (J::Failed, O::InProgress, Ignore),
        (J::Failed, O::Succeeded, Ignore),
        (J::Failed, O::Failed, Stay),
        (J::Expired, O::InProgress, Ignore),
        (J::Expired, O::Succeeded, Stay),
        (J::Expired, O::Failed, Ignore),
    ];
    for (current, said, expected) in table {
        assert_eq!(classify(current, said), expected, "{current:?} + {said:?}");
    }
}

#[test]
fn observe_applies_the_table_to_every_state() {
    use JobStatus as J;
    use ObservedStatus as O;
    let completed = START + 3 * HOUR;
    let now = START + 4 * HOUR;
    // (stored state, answer, status after, polls reset)
    let table = [
        (J::InProgress, O::InProgress, J::InProgress, false),
        (J::InProgress, O::Succeeded, J::Succeeded, true),
        (J::InProgress, O::Failed, J::Failed, true),
        (J::Succeeded, O::InProgress, J::Succeeded, false),
        (J::Succeeded, O::Succeeded, J::Succeeded, false),
        (J::Succeeded, O::Failed, J::Succeeded, false),
        (J::Failed, O::InProgress, J::Failed, false),
        (J::Failed, O::Succeeded, J::Failed, false),
        (J::Failed, O::Failed, J::Failed, false),
        (J::Expired, O::InProgress, J::Expired, false),
        (J::Expired, O::Succeeded, J::Expired, false),
        (J::Expired, O::Failed, J::Expired, false),
    ];
    for (stored, said, after, reset) in table {
        let completed_at = (stored != J::InProgress).then_some(completed);
        let job = TrackedJob {
            polls: 7,
            ..job_in(stored, completed_at)
        };
        let next = observe(job, answer(said, Some(completed)), now);
        let case = format!("{stored:?} + {said:?}");
        assert_eq!(next.status, after, "{case}");
        assert_eq!(next.polls, if reset { 0 } else { 8 }, "{case}");
        assert_eq!(next.last_polled_at, Some(now), "{case}");
    }
}

#[test]
fn success_records_glacier_completion_date() {
    let completed = START + 3 * HOUR + 7 * MINUTE;
    let next = observe(
        archive_job(None),
        answer(ObservedStatus::Succeeded, Some(completed)),
        START + 4 * HOUR,
    );
    assert_eq!(next.completed_at, Some(completed));
    assert_eq!(
        output_window_end(&next),
        Some(completed + 24 * HOUR),
        "the window counts from Glacier's date, not from the poll"
    );
}

#[test]
fn success_without_a_date_assumes_the_earliest_possible_completion() {
    let last_poll = START + 3 * HOUR;
    let polled = TrackedJob {
        last_polled_at: Some(last_poll),
        ..archive_job(None)
    };
    let now = START + 4 * HOUR;
    let next = observe(polled, answer(ObservedStatus::Succeeded, None), now);
    assert_eq!(next.completed_at, Some(last_poll));

    let never_polled = observe(archive_job(None), answer(ObservedStatus::Failed, None), now);
    assert_eq!(never_polled.completed_at, Some(START));
}

#[test]
fn success_reported_after_the_window_is_stored_as_expired() {
    let completed = START + 3 * HOUR;
    let now = completed + 24 * HOUR;
    let next = observe(
        archive_job(None),
        answer(ObservedStatus::Succeeded, Some(completed)),
        now,
    );
    assert_eq!(next.status, JobStatus::Expired);
    assert_eq!(next.polls, 0);
}

#[test]
fn stored_success_past_its_window_becomes_expired_on_the_next_answer() {
    let completed = START + 3 * HOUR;
    let job = TrackedJob {
        polls: 2,
        ..job_in(JobStatus::Succeeded, Some(completed))
    };
    let next = observe(
        job,
        answer(ObservedStatus::Succeeded, Some(completed)),
        completed + 25 * HOUR,
    );
    assert_eq!(next.status, JobStatus::Expired);
    assert_eq!(next.polls, 0, "the stored status changed");
}

#[test]
fn repeated_answers_fill_a_missing_completion_date_but_keep_a_known_one() {
    let known = START + 3 * HOUR;
    let other = START + 3 * HOUR + MINUTE;
    let now = START + 4 * HOUR;

    let missing = job_in(JobStatus::Succeeded, None);
    let filled = observe(missing, answer(ObservedStatus::Succeeded, Some(known)), now);
    assert_eq!(filled.completed_at, Some(known));

    let kept = observe(filled, answer(ObservedStatus::Succeeded, Some(other)), now);
    assert_eq!(kept.completed_at, Some(known));
}

#[test]
fn failure_message_survives_later_silent_and_ignored_answers() {
    let now = START + HOUR;
    let failed = observe(
        archive_job(Some(Tier::Expedited)),
        Observation {
            status: ObservedStatus::Failed,
            completed_at: Some(now),
            status_message: Some("Insufficient capacity".into()),
        },
        now,
    );
    let silent = observe(failed, answer(ObservedStatus::Failed, None), now + MINUTE);
    let ignored = observe(
        silent,
        Observation {
            status: ObservedStatus::InProgress,
            completed_at: None,
            status_message: Some("In progress".into()),
        },
        now + 2 * MINUTE,
    );
    assert_eq!(ignored.status, JobStatus::Failed);
    assert_eq!(
        ignored.status_message.as_deref(),
        Some("Insufficient capacity")
    );
}

#[test]
fn poll_count_saturates() {
    let job = TrackedJob {
        polls: u32::MAX,
        ..archive_job(None)
    };
    let next = observe(job, answer(ObservedStatus::InProgress, None), START + HOUR);
    assert_eq!(next.polls, u32::MAX);
}

//! Unit tests of the job model: window boundaries, the transition table, the schedule.

use std::time::Duration;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::domain::job_params::{JobKind, Tier};

const START: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
const SECOND: time::Duration = time::Duration::SECOND;
const MINUTE: time::Duration = time::Duration::MINUTE;
const HOUR: time::Duration = time::Duration::HOUR;

fn archive_job(tier: Option<Tier>) -> TrackedJob {
    TrackedJob::started(
        "job-1".into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        tier,
        START,
    )
}

fn job_in(status: JobStatus, completed_at: Option<OffsetDateTime>) -> TrackedJob {
    TrackedJob {
        status,
        completed_at,
        ..archive_job(Some(Tier::Standard))
    }
}

fn answer(status: ObservedStatus, completed_at: Option<OffsetDateTime>) -> Observation {
    Observation {
        status,
        completed_at,
        status_message: None,
    }
}

// ---- output window ----

#[test]
fn window_ends_exactly_24_hours_after_completion() {
    let completed = START + 4 * HOUR;
    let job = job_in(JobStatus::Succeeded, Some(completed));
    assert_eq!(output_window_end(&job), Some(completed + 24 * HOUR));
}

#[test]
fn time_left_and_expiry_around_the_window_end() {
    let completed = START + 4 * HOUR;
    let end = completed + 24 * HOUR;
    let job = job_in(JobStatus::Succeeded, Some(completed));

    assert_eq!(time_left(&job, completed), Some(OUTPUT_WINDOW));
    assert_eq!(time_left(&job, end - SECOND), Some(Duration::from_secs(1)));
    assert_eq!(effective_status(&job, end - SECOND), JobStatus::Succeeded);

    assert_eq!(time_left(&job, end), Some(Duration::ZERO));
    assert_eq!(effective_status(&job, end), JobStatus::Expired);

    assert_eq!(time_left(&job, end + SECOND), Some(Duration::ZERO));
    assert_eq!(effective_status(&job, end + SECOND), JobStatus::Expired);
}

#[test]
fn jobs_without_output_have_no_window_and_keep_their_status() {
    let late = START + 100 * HOUR;
    for status in [JobStatus::InProgress, JobStatus::Failed] {
        let job = job_in(status, Some(START + HOUR));
        assert_eq!(output_window_end(&job), None, "{status:?}");
        assert_eq!(time_left(&job, late), None, "{status:?}");
        assert_eq!(effective_status(&job, late), status);
    }
}

#[test]
fn succeeded_without_completion_time_is_not_taken_as_expired() {
    let job = job_in(JobStatus::Succeeded, None);
    assert_eq!(output_window_end(&job), None);
    assert_eq!(
        effective_status(&job, START + 1000 * HOUR),
        JobStatus::Succeeded
    );
}

#[test]
fn stored_expired_job_still_reports_when_its_window_closed() {
    let job = job_in(JobStatus::Expired, Some(START));
    assert_eq!(output_window_end(&job), Some(START + 24 * HOUR));
    assert_eq!(time_left(&job, START + 25 * HOUR), Some(Duration::ZERO));
    // The stored state is final even if asked about an earlier moment.
    assert_eq!(effective_status(&job, START), JobStatus::Expired);
}

#[test]
fn window_end_near_the_end_of_time_saturates_instead_of_overflowing() {
    let completed = datetime!(9999-12-31 23:00 UTC);
    let job = job_in(JobStatus::Succeeded, Some(completed));
    let end = output_window_end(&job);
    assert!(end.is_some_and(|end| end > completed));
    assert_eq!(effective_status(&job, completed), JobStatus::Succeeded);
}

// ---- transitions ----

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

// ---- schedule ----

#[test]
fn pace_follows_tier_and_kind() {
    assert_eq!(Pace::of(&archive_job(None)), Pace::Standard);
    assert_eq!(Pace::of(&archive_job(Some(Tier::Standard))), Pace::Standard);
    assert_eq!(
        Pace::of(&archive_job(Some(Tier::Expedited))),
        Pace::Expedited
    );
    assert_eq!(Pace::of(&archive_job(Some(Tier::Bulk))), Pace::Bulk);
    let inventory = TrackedJob {
        kind: JobKind::InventoryRetrieval,
        // A tier on an inventory job is meaningless; Glacier runs it at Standard speed.
        tier: Some(Tier::Expedited),
        ..archive_job(None)
    };
    assert_eq!(Pace::of(&inventory), Pace::Inventory);
}

#[test]
fn table_is_coherent() {
    for pace in Pace::ALL {
        let policy = pace.policy();
        assert!(policy.earliest < policy.latest, "{pace:?}");
        assert!(policy.first_poll() < policy.earliest, "{pace:?}");
        assert_eq!(policy.first_poll() * 4, policy.earliest * 3, "{pace:?}");
        assert!(POLL_FLOOR <= policy.backoff_start, "{pace:?}");
        assert!(policy.backoff_start <= policy.cap, "{pace:?}");
    }
    assert_eq!(Pace::Expedited.policy().cap, Duration::from_secs(30));
}

#[test]
fn standard_job_first_poll_then_doubling_waits_up_to_the_cap() {
    let first = START + 2 * HOUR + 15 * MINUTE;
    let fresh = archive_job(Some(Tier::Standard));
    assert_eq!(next_poll_at(&fresh), Some(first));

    let expected_waits: [i32; 7] = [1, 1, 2, 4, 8, 15, 15];
    for (polls, minutes) in (0u32..).zip(expected_waits) {
        let job = TrackedJob {
            last_polled_at: Some(first),
            polls,
            ..fresh.clone()
        };
        assert_eq!(
            next_poll_at(&job),
            Some(first + minutes * MINUTE),
            "after {polls} unchanged polls"
        );
    }
}

#[test]
fn expedited_job_is_polled_within_30_seconds() {
    let first = START + 45 * SECOND;
    let fresh = archive_job(Some(Tier::Expedited));
    assert_eq!(next_poll_at(&fresh), Some(first));
    let waits: Vec<Duration> = (0..5).map(|n| poll_interval(Pace::Expedited, n)).collect();
    let expected = [15, 15, 30, 30, 30].map(Duration::from_secs);
    assert_eq!(waits, expected);
}

#[test]
fn past_the_latest_expected_completion_every_wait_is_the_cap() {
    let last = START + 12 * HOUR;
    let job = TrackedJob {
        last_polled_at: Some(last),
        polls: 1,
        ..archive_job(Some(Tier::Bulk))
    };
    assert_eq!(next_poll_at(&job), Some(last + 30 * MINUTE));

    let just_before = TrackedJob {
        last_polled_at: Some(last - SECOND),
        ..job
    };
    assert_eq!(next_poll_at(&just_before), Some(last - SECOND + 2 * MINUTE));
}

#[test]
fn adopted_job_started_long_ago_is_due_at_once() {
    let now = START + 10 * HOUR;
    let adopted = TrackedJob {
        adopted: true,
        ..archive_job(None)
    };
    assert_eq!(due(std::slice::from_ref(&adopted), now), vec![&adopted]);
}

#[test]
fn finished_jobs_are_never_polled() {
    for status in [JobStatus::Succeeded, JobStatus::Failed, JobStatus::Expired] {
        let job = job_in(status, Some(START + HOUR));
        assert_eq!(next_poll_at(&job), None, "{status:?}");
    }
}

#[test]
fn due_lists_most_overdue_first_and_keeps_order_on_ties() {
    let bulk = TrackedJob {
        job_id: "bulk".into(),
        ..archive_job(Some(Tier::Bulk))
    }; // first poll at 3 h 45 min
    let standard_a = TrackedJob {
        job_id: "standard-a".into(),
        ..archive_job(None)
    }; // first poll at 2 h 15 min
    let standard_b = TrackedJob {
        job_id: "standard-b".into(),
        ..standard_a.clone()
    };
    let done = TrackedJob {
        job_id: "done".into(),
        ..job_in(JobStatus::Succeeded, Some(START))
    };
    let jobs = [bulk, standard_b, done, standard_a];
    let ids = |now| -> Vec<&str> {
        due(&jobs, now)
            .into_iter()
            .map(|job| job.job_id.as_str())
            .collect()
    };
    assert!(ids(START + 2 * HOUR).is_empty());
    assert_eq!(
        ids(START + 2 * HOUR + 15 * MINUTE),
        ["standard-b", "standard-a"]
    );
    assert_eq!(ids(START + 4 * HOUR), ["standard-b", "standard-a", "bulk"]);
}

#[test]
fn expected_completion_follows_the_pace() {
    let expected = expected_completion(&archive_job(Some(Tier::Bulk)));
    assert_eq!(expected.earliest, START + 5 * HOUR);
    assert_eq!(expected.latest, START + 12 * HOUR);
}

// ---- storage ----

#[test]
fn job_round_trips_through_json_in_readable_form() {
    let job = TrackedJob {
        archive_id: Some("archive".into()),
        range: Some(crate::domain::range::ByteRange {
            start: 0,
            end: 1023,
        }),
        last_polled_at: Some(START + HOUR),
        polls: 3,
        ..archive_job(Some(Tier::Bulk))
    };
    let json = serde_json::to_string(&job).expect("serialises");
    assert!(json.contains(r#""tier":"Bulk""#), "{json}");
    assert!(json.contains(r#""status":"InProgress""#), "{json}");
    assert!(
        json.contains(r#""started_at":"2026-03-01T12:00:00Z""#),
        "{json}"
    );
    let back: TrackedJob = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, job);
}

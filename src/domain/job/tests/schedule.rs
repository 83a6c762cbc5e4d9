//! The polling table, back-off and `due`.

use std::time::Duration;

use super::*;
use crate::domain::job::*;
use crate::domain::job_params::{JobKind, Tier};

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

#[test]
fn a_sandbox_job_is_polled_and_counted_down_at_the_sandbox_pace() {
    let speed = ServiceSpeed::new(360).expect("360 is a speed");
    let sandbox = TrackedJob {
        speed,
        ..archive_job(Some(Tier::Standard))
    };
    // Standard's first useful poll, 2 h 15 min on Glacier, is 22.5 s at 360x.
    assert_eq!(
        next_poll_at(&sandbox),
        Some(START + Duration::from_millis(22_500))
    );
    let expected = expected_completion(&sandbox);
    assert_eq!(expected.earliest, START + 30 * SECOND);
    assert_eq!(expected.latest, START + 50 * SECOND);

    // Back-off waits shrink too, but never below one second between polls.
    let polled = TrackedJob {
        last_polled_at: Some(START + 30 * SECOND),
        polls: 1,
        ..sandbox.clone()
    };
    assert_eq!(next_poll_at(&polled), Some(START + 31 * SECOND));

    let done = observe(
        sandbox,
        answer(ObservedStatus::Succeeded, Some(START + 40 * SECOND)),
        START + 41 * SECOND,
    );
    // The 24-hour window is 4 minutes at 360x.
    assert_eq!(
        output_window_end(&done),
        Some(START + 40 * SECOND + 4 * MINUTE)
    );
    assert_eq!(
        effective_status(&done, START + 40 * SECOND + 4 * MINUTE),
        JobStatus::Expired
    );
}

#[test]
fn glacier_speed_leaves_the_table_as_it_is() {
    assert_eq!(ServiceSpeed::new(0), None);
    assert_eq!(ServiceSpeed::default(), ServiceSpeed::GLACIER);
    assert_eq!(ServiceSpeed::GLACIER.poll_floor(), POLL_FLOOR);
    for pace in Pace::ALL {
        assert_eq!(pace.policy().at(ServiceSpeed::GLACIER), pace.policy());
    }
}

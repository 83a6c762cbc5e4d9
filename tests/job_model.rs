//! Properties of the job model over random jobs, answers and moments: a job never
//! moves backwards, the polling schedule keeps to its floor and caps, and `due`
//! agrees with a brute-force reading of `next_poll_at`.

use std::time::Duration;

use defrost::domain::job::{
    JobStatus, OUTPUT_WINDOW, Observation, ObservedStatus, POLL_FLOOR, Pace, ServiceSpeed,
    TrackedJob, due, effective_status, next_poll_at, observe, poll_interval, time_left,
};
use defrost::domain::job_params::{JobKind, Tier};
use defrost::domain::range::ByteRange;
use proptest::prelude::*;
use proptest::sample::select;
use time::OffsetDateTime;

/// 2012 (Glacier's launch) to 2100, in seconds since the epoch.
const EARLIEST: i64 = 1_340_000_000;
const LATEST: i64 = 4_100_000_000;
/// Long enough to cover a Bulk job's 12 hours and its 24-hour window several times.
const THREE_DAYS: i64 = 3 * 24 * 3600;

fn instant() -> impl Strategy<Value = OffsetDateTime> {
    (EARLIEST..LATEST, 0u32..1_000_000_000).prop_map(|(seconds, nanos)| {
        OffsetDateTime::from_unix_timestamp(seconds)
            .expect("seconds lie within 2012..2100")
            .replace_nanosecond(nanos)
            .expect("nanoseconds lie below one second")
    })
}

fn seconds(range: std::ops::Range<i64>) -> impl Strategy<Value = time::Duration> {
    range.prop_map(time::Duration::seconds)
}

fn status() -> impl Strategy<Value = JobStatus> {
    select(vec![
        JobStatus::InProgress,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Expired,
    ])
}

fn kind_and_tier() -> impl Strategy<Value = (JobKind, Option<Tier>)> {
    prop_oneof![
        Just((JobKind::InventoryRetrieval, None)),
        proptest::option::of(select(Tier::ALL.to_vec()))
            .prop_map(|tier| (JobKind::ArchiveRetrieval, tier)),
    ]
}

prop_compose! {
    /// Any job the journal could hold, including odd ones (a poll before the start,
    /// a huge poll count), since a schedule must hold for every stored job.
    fn tracked_job()(
        (kind, tier) in kind_and_tier(),
        started_at in instant(),
        status in status(),
        completed_after in proptest::option::of(seconds(0..THREE_DAYS)),
        polled_after in proptest::option::of(seconds(-3600..THREE_DAYS)),
        polls in prop_oneof![0u32..40, any::<u32>()],
        adopted in any::<bool>(),
        range in proptest::option::of((0u64..1 << 40, 0u64..1 << 30)),
    ) -> TrackedJob {
        TrackedJob {
            job_id: String::new(),
            vault: "vault".into(),
            kind,
            tier,
            archive_id: (kind == JobKind::ArchiveRetrieval).then(|| "archive".into()),
            range: range.map(|(start, len)| ByteRange { start, end: start + len }),
            started_at,
            status,
            completed_at: completed_after.map(|after| started_at + after),
            status_message: None,
            last_polled_at: polled_after.map(|after| started_at + after),
            polls,
            adopted,
            speed: ServiceSpeed::GLACIER,
        }
    }
}

fn in_progress_job() -> impl Strategy<Value = TrackedJob> {
    tracked_job().prop_map(|job| TrackedJob {
        status: JobStatus::InProgress,
        completed_at: None,
        ..job
    })
}

prop_compose! {
    fn observation()(
        status in select(ObservedStatus::ALL.to_vec()),
        completed_after in proptest::option::of(seconds(-3600..THREE_DAYS)),
        message in proptest::option::of("[a-z ]{0,12}"),
    ) -> (ObservedStatus, Option<time::Duration>, Option<String>) {
        (status, completed_after, message)
    }
}

/// A step the journal may record: `before` to `after`, both as stored.
fn allowed_step(before: JobStatus, after: JobStatus) -> bool {
    use JobStatus::*;
    before == after
        || matches!(
            (before, after),
            (InProgress, Succeeded | Failed | Expired) | (Succeeded, Expired)
        )
}

fn signed(duration: Duration) -> time::Duration {
    time::Duration::try_from(duration).expect("schedule durations are short")
}

proptest! {
    #[test]
    fn answers_never_move_a_job_backwards(
        start in instant(),
        steps in proptest::collection::vec((observation(), seconds(0..6 * 3600)), 1..30),
    ) {
        let mut job = TrackedJob::started(
            "job".into(), "vault".into(), JobKind::ArchiveRetrieval, Some(Tier::Bulk), start,
        );
        let mut now = start;
        for ((status, completed_after, status_message), wait) in steps {
            now += wait;
            let before = job.clone();
            let answer = Observation {
                status,
                completed_at: completed_after.map(|after| start + after),
                status_message,
            };
            job = observe(job, answer, now);
            prop_assert!(
                allowed_step(before.status, job.status),
                "{:?} -> {:?} on {:?}", before.status, job.status, status
            );
            prop_assert_eq!(job.last_polled_at, Some(now));
            let expected_polls = if job.status == before.status {
                before.polls.saturating_add(1)
            } else {
                0
            };
            prop_assert_eq!(job.polls, expected_polls);
            if job.status != JobStatus::InProgress {
                prop_assert!(job.completed_at.is_some(), "a finished job knows when");
            }
            if before.completed_at.is_some() {
                prop_assert_eq!(job.completed_at, before.completed_at, "completion is kept");
            }
        }
    }

    #[test]
    fn expiry_agrees_with_time_left(job in tracked_job(), after in seconds(0..THREE_DAYS)) {
        let now = job.started_at + after;
        let expired = effective_status(&job, now) == JobStatus::Expired;
        match job.status {
            JobStatus::Succeeded => {
                prop_assert_eq!(expired, time_left(&job, now) == Some(Duration::ZERO));
            }
            JobStatus::Expired => prop_assert!(expired),
            JobStatus::InProgress | JobStatus::Failed => prop_assert!(!expired),
        }
        if let Some(left) = time_left(&job, now) {
            prop_assert!(left <= OUTPUT_WINDOW || job.completed_at > Some(now));
        }
    }

    #[test]
    fn only_jobs_in_progress_are_polled(job in tracked_job()) {
        prop_assert_eq!(
            next_poll_at(&job).is_some(),
            job.status == JobStatus::InProgress
        );
    }

    #[test]
    fn next_poll_keeps_the_floor_and_the_first_useful_poll(job in in_progress_job()) {
        let next = next_poll_at(&job).expect("jobs in progress are polled");
        let policy = Pace::of(&job).policy();
        prop_assert!(next >= job.started_at + signed(policy.first_poll()));
        if let Some(last) = job.last_polled_at {
            prop_assert!(next >= last + signed(POLL_FLOOR));
            // Once past the first useful poll, no wait exceeds the cap.
            let cap = signed(policy.cap.max(POLL_FLOOR));
            prop_assert!(next <= (last + cap).max(job.started_at + signed(policy.first_poll())));
        }
    }

    #[test]
    fn more_unchanged_polls_never_bring_the_next_poll_sooner(
        job in in_progress_job(),
        extra in 1u32..10,
    ) {
        let more = TrackedJob { polls: job.polls.saturating_add(extra), ..job.clone() };
        prop_assert!(next_poll_at(&job) <= next_poll_at(&more));
    }

    #[test]
    fn waits_grow_with_polls_up_to_the_cap(pace in select(Pace::ALL.to_vec()), polls in 0u32..80) {
        let policy = pace.policy();
        let wait = poll_interval(pace, polls);
        let longer = poll_interval(pace, polls + 1);
        prop_assert!(wait <= longer);
        prop_assert!(POLL_FLOOR <= wait);
        prop_assert!(longer <= policy.cap.max(POLL_FLOOR));
        if wait < policy.cap {
            // Below the cap each unchanged poll after the first doubles the wait.
            prop_assert!(polls == 0 || longer == (wait * 2).min(policy.cap));
        }
    }

    #[test]
    fn expedited_jobs_wait_at_most_30_seconds_between_polls(
        job in in_progress_job(),
    ) {
        let job = TrackedJob {
            kind: JobKind::ArchiveRetrieval,
            tier: Some(Tier::Expedited),
            ..job
        };
        let first_useful = job.started_at + time::Duration::seconds(45);
        let half_minute = time::Duration::seconds(30);
        let next = next_poll_at(&job).expect("jobs in progress are polled");
        match job.last_polled_at {
            None => prop_assert_eq!(next, first_useful),
            Some(last) => prop_assert!(next <= (last + half_minute).max(first_useful)),
        }
    }

    #[test]
    fn due_is_every_job_whose_poll_has_come_most_overdue_first(
        jobs in proptest::collection::vec(tracked_job(), 0..20),
        after in seconds(-3600..THREE_DAYS),
    ) {
        let jobs: Vec<TrackedJob> = jobs
            .into_iter()
            .enumerate()
            .map(|(index, job)| TrackedJob { job_id: index.to_string(), ..job })
            .collect();
        let now = jobs.first().map_or(
            OffsetDateTime::UNIX_EPOCH,
            |job| job.started_at,
        ) + after;

        let mut expected: Vec<(OffsetDateTime, usize)> = jobs
            .iter()
            .enumerate()
            .filter_map(|(index, job)| next_poll_at(job).map(|at| (at, index)))
            .filter(|(at, _)| *at <= now)
            .collect();
        expected.sort();
        let expected: Vec<String> = expected.into_iter().map(|(_, index)| index.to_string()).collect();

        let got: Vec<String> = due(&jobs, now).into_iter().map(|job| job.job_id.clone()).collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn stored_jobs_read_back_unchanged(job in tracked_job()) {
        let json = serde_json::to_string(&job).expect("a job serialises");
        let back: TrackedJob = serde_json::from_str(&json).expect("and reads back");
        prop_assert_eq!(back, job);
    }
}

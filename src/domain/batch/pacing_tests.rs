use std::time::Duration;

use proptest::prelude::*;
use time::OffsetDateTime;

use super::pacing::*;

fn start() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()
}

const GIB: u64 = 1 << 30;

#[test]
fn with_no_cap_jobs_start_at_the_request_rate() {
    let mut pacer = Pacer::new(PaceLimits::default());
    let now = start();
    assert_eq!(pacer.next_start(GIB, 0, now), PaceDecision::Now);
    pacer.started(GIB, now);
    let gap = Duration::from_millis(200);
    assert_eq!(pacer.next_start(GIB, 1, now), PaceDecision::At(now + gap));
    assert_eq!(pacer.next_start(GIB, 1, now + gap), PaceDecision::Now);
}

#[test]
fn a_bytes_per_hour_cap_waits_for_the_oldest_start_to_leave_the_hour() {
    let limits = PaceLimits::default().with_bytes_per_hour(Some(10 * GIB), None);
    let mut pacer = Pacer::new(limits);
    let now = start();
    pacer.started(6 * GIB, now);
    let later = now + Duration::from_secs(60);
    pacer.started(3 * GIB, later);
    let asked = later + Duration::from_secs(1);
    // 9 GiB of 10 counted: 1 GiB fits, 2 GiB must wait for the first start to
    // leave the hour.
    assert_eq!(pacer.next_start(GIB, 2, asked), PaceDecision::Now);
    let hour = Duration::from_secs(3600);
    assert_eq!(
        pacer.next_start(2 * GIB, 2, asked),
        PaceDecision::At(now + hour)
    );
    // 8 GiB needs the second start gone too.
    assert_eq!(
        pacer.next_start(8 * GIB, 2, asked),
        PaceDecision::At(later + hour)
    );
    assert_eq!(pacer.next_start(11 * GIB, 0, asked), PaceDecision::TooLarge);
}

#[test]
fn the_tighter_cap_of_policy_and_user_applies() {
    let both = PaceLimits::default().with_bytes_per_hour(Some(5), Some(3));
    assert_eq!(both.bytes_per_hour, Some(3));
    let policy = PaceLimits::default().with_bytes_per_hour(Some(5), None);
    assert_eq!(policy.bytes_per_hour, Some(5));
    let user = PaceLimits::default().with_bytes_per_hour(None, Some(7));
    assert_eq!(user.bytes_per_hour, Some(7));
    assert_eq!(
        PaceLimits::default()
            .with_bytes_per_hour(None, None)
            .bytes_per_hour,
        None
    );
}

#[test]
fn jobs_in_flight_wait_for_one_to_finish() {
    let limits = PaceLimits {
        jobs_in_flight: Some(2),
        ..PaceLimits::default()
    };
    let pacer = Pacer::new(limits);
    assert_eq!(pacer.next_start(1, 1, start()), PaceDecision::Now);
    assert_eq!(
        pacer.next_start(1, 2, start()),
        PaceDecision::WhenOneFinishes
    );
}

#[test]
fn throttles_back_off_exponentially_with_jitter_up_to_a_cap_and_a_start_resets_them() {
    assert_eq!(backoff(0, 1.0), Duration::from_secs(1));
    assert_eq!(backoff(3, 1.0), Duration::from_secs(8));
    assert_eq!(backoff(3, 0.5), Duration::from_secs(4));
    assert_eq!(backoff(40, 1.0), BACKOFF_CAP);
    assert_eq!(backoff(2, f64::NAN), Duration::from_secs(4));
    let mut pacer = Pacer::new(PaceLimits::default());
    let now = start();
    let first = pacer.throttled(now, 1.0);
    assert_eq!(first, now + Duration::from_secs(1));
    let second = pacer.throttled(first, 1.0);
    assert_eq!(second, first + Duration::from_secs(2));
    assert_eq!(pacer.next_start(1, 0, first), PaceDecision::At(second));
    assert_eq!(pacer.throttles_in_a_row(), 2);
    pacer.started(1, second);
    assert_eq!(pacer.throttles_in_a_row(), 0);
}

#[test]
fn hours_under_a_cap_count_the_waits_between_full_hours() {
    assert_eq!(hours_under_cap(10, None), None);
    assert_eq!(hours_under_cap(10, Some(0)), None);
    assert_eq!(hours_under_cap(10, Some(10)), Some(0));
    assert_eq!(hours_under_cap(11, Some(10)), Some(1));
    assert_eq!(hours_under_cap(35, Some(10)), Some(3));
}

/// One simulated run: jobs of the given sizes started as the pacer allows,
/// some requests throttled, jobs finishing after a while.
fn simulate(limits: PaceLimits, sizes: &[u64], throttles: &[bool], jitters: &[f64]) {
    let mut pacer = Pacer::new(limits);
    let mut now = start();
    let mut started: Vec<(OffsetDateTime, u64)> = Vec::new();
    let mut finishing: Vec<OffsetDateTime> = Vec::new();
    let mut last_request: Option<OffsetDateTime> = None;
    let mut request = 0usize;
    for &bytes in sizes {
        if !limits.admits(bytes) {
            assert_eq!(pacer.next_start(bytes, 0, now), PaceDecision::TooLarge);
            continue;
        }
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps < 10_000, "no progress for a job of {bytes}");
            finishing.retain(|done| *done > now);
            let in_flight = finishing.len() as u32;
            match pacer.next_start(bytes, in_flight, now) {
                PaceDecision::TooLarge => panic!("{bytes} was admitted"),
                PaceDecision::At(at) => {
                    assert!(at > now, "a wait must move time on");
                    now = at;
                }
                PaceDecision::WhenOneFinishes => {
                    let next = finishing.iter().min().copied();
                    now = next.expect("a job in flight finishes");
                }
                PaceDecision::Now => {
                    if let Some(last) = last_request {
                        let gap = (now - last).as_seconds_f64();
                        assert!(gap + 1e-9 >= 1.0 / limits.requests_per_second, "{gap}");
                    }
                    last_request = Some(now);
                    let throttled = throttles.get(request).copied().unwrap_or(false);
                    let jitter = jitters.get(request % jitters.len().max(1)).copied();
                    request += 1;
                    if throttled {
                        let at = pacer.throttled(now, jitter.unwrap_or(0.5));
                        assert!(at > now);
                        continue;
                    }
                    pacer.started(bytes, now);
                    started.push((now, bytes));
                    finishing.push(now + Duration::from_secs(1800));
                    break;
                }
            }
        }
        if let Some(cap) = limits.jobs_in_flight {
            finishing.retain(|done| *done > now);
            assert!(finishing.len() as u32 <= cap.max(1));
        }
    }
    if let Some(cap) = limits.bytes_per_hour {
        for (at, _) in &started {
            let in_hour: u64 = started
                .iter()
                .filter(|(other, _)| *other <= *at && *other + HOUR > *at)
                .map(|(_, bytes)| bytes)
                .sum();
            assert!(
                in_hour <= cap,
                "{in_hour} bytes in the hour to {at}, cap {cap}"
            );
        }
    }
}

proptest! {
    #[test]
    fn a_schedule_never_exceeds_its_limits_and_always_moves_on(
        sizes in prop::collection::vec(1u64..=2_000, 1..40),
        cap in prop::option::of(500u64..=5_000),
        in_flight in prop::option::of(0u32..=4),
        rate in 0.5f64..=20.0,
        throttles in prop::collection::vec(prop::bool::weighted(0.3), 0..60),
        jitters in prop::collection::vec(0.0f64..1.0, 1..8),
    ) {
        let limits = PaceLimits {
            requests_per_second: rate,
            bytes_per_hour: cap,
            jobs_in_flight: in_flight,
        };
        simulate(limits, &sizes, &throttles, &jitters);
    }
}

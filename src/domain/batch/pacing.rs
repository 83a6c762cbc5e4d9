//! When the next retrieval job of a batch may be started: a bounded request
//! rate, a cap on the bytes started in any hour (the vault's BytesPerHour policy
//! or the user's own), a cap on jobs in flight, and exponential back-off with
//! jitter after Glacier throttles a request.
//!
//! Pure: the clock and the jitter are arguments, so a schedule can be replayed
//! and checked (see the property tests).

use std::collections::VecDeque;
use std::time::Duration;

use time::OffsetDateTime;

/// The window a bytes-per-hour cap counts over.
pub const HOUR: Duration = Duration::from_secs(3600);

/// Requests per second when nothing else is said: well under the rate at which
/// Glacier starts refusing InitiateJob, so throttling stays the exception.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 5.0;

/// The first wait after a throttled request; each throttle in a row doubles it.
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);

/// The longest wait after a throttled request.
pub const BACKOFF_CAP: Duration = Duration::from_secs(120);

/// What bounds the pace of starting jobs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaceLimits {
    /// InitiateJob requests per second, above zero.
    pub requests_per_second: f64,
    /// Bytes of jobs started in any hour; `None` for no cap.
    pub bytes_per_hour: Option<u64>,
    /// Jobs started and not yet downloaded; `None` for no cap.
    pub jobs_in_flight: Option<u32>,
}

impl Default for PaceLimits {
    fn default() -> Self {
        PaceLimits {
            requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
            bytes_per_hour: None,
            jobs_in_flight: None,
        }
    }
}

impl PaceLimits {
    /// The tighter of the vault's cap and the user's, when either is set.
    pub fn with_bytes_per_hour(mut self, policy: Option<u64>, user: Option<u64>) -> PaceLimits {
        self.bytes_per_hour = match (policy, user) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (one, other) => one.or(other),
        };
        self
    }

    /// Whether a job of `bytes` can ever start under these limits.
    pub fn admits(&self, bytes: u64) -> bool {
        self.bytes_per_hour.is_none_or(|cap| bytes <= cap)
    }
}

/// What the pacer says about starting the next job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaceDecision {
    /// Start it now.
    Now,
    /// Not before this moment.
    At(OffsetDateTime),
    /// Not until a job in flight is downloaded (or fails).
    WhenOneFinishes,
    /// Never: the job alone is more than the bytes-per-hour cap.
    TooLarge,
}

/// The pace of one batch's starts: what it started in the last hour, and how
/// many throttles in a row it has met.
#[derive(Debug, Clone)]
pub struct Pacer {
    limits: PaceLimits,
    /// Starts of the last hour, oldest first: when, and how many bytes.
    recent: VecDeque<(OffsetDateTime, u64)>,
    /// No request before this (the request rate, or a back-off).
    not_before: Option<OffsetDateTime>,
    throttles_in_a_row: u32,
}

impl Pacer {
    pub fn new(limits: PaceLimits) -> Pacer {
        Pacer {
            limits,
            recent: VecDeque::new(),
            not_before: None,
            throttles_in_a_row: 0,
        }
    }

    pub fn limits(&self) -> &PaceLimits {
        &self.limits
    }

    /// When a job of `bytes` may start, with `in_flight` jobs not yet done.
    pub fn next_start(&self, bytes: u64, in_flight: u32, now: OffsetDateTime) -> PaceDecision {
        if !self.limits.admits(bytes) {
            return PaceDecision::TooLarge;
        }
        if self
            .limits
            .jobs_in_flight
            .is_some_and(|cap| in_flight >= cap.max(1))
        {
            return PaceDecision::WhenOneFinishes;
        }
        let earliest = self
            .not_before
            .into_iter()
            .chain(self.hour_frees_room(bytes, now))
            .max();
        match earliest {
            Some(at) if at > now => PaceDecision::At(at),
            _ => PaceDecision::Now,
        }
    }

    /// When enough of the last hour's starts have left the window for `bytes`
    /// more to fit under the cap; `None` when they fit now.
    fn hour_frees_room(&self, bytes: u64, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let cap = self.limits.bytes_per_hour?;
        let mut counted: u64 = self.counted(now).map(|(_, b)| b).sum();
        if counted.saturating_add(bytes) <= cap {
            return None;
        }
        for (at, started) in self.counted(now) {
            counted -= started;
            if counted.saturating_add(bytes) <= cap {
                return Some(*at + HOUR);
            }
        }
        // Unreachable while `admits(bytes)`: an empty window always has room.
        Some(now + HOUR)
    }

    /// The starts still inside the hour ending at `now`.
    fn counted(&self, now: OffsetDateTime) -> impl Iterator<Item = &(OffsetDateTime, u64)> {
        self.recent.iter().filter(move |(at, _)| *at + HOUR > now)
    }

    /// Notes a job of `bytes` started at `now`.
    pub fn started(&mut self, bytes: u64, now: OffsetDateTime) {
        while self.recent.front().is_some_and(|(at, _)| *at + HOUR <= now) {
            self.recent.pop_front();
        }
        self.recent.push_back((now, bytes));
        self.throttles_in_a_row = 0;
        self.not_before = Some(now + self.request_gap());
    }

    /// Notes that Glacier throttled a request at `now`; returns when to try
    /// again. `jitter` in `[0, 1)` spreads retries ("full jitter": anywhere up to
    /// the doubled wait, never below the request gap).
    pub fn throttled(&mut self, now: OffsetDateTime, jitter: f64) -> OffsetDateTime {
        let wait = backoff(self.throttles_in_a_row, jitter).max(self.request_gap());
        self.throttles_in_a_row = self.throttles_in_a_row.saturating_add(1);
        let at = now + wait;
        self.not_before = Some(at);
        at
    }

    /// Throttles met in a row since the last start.
    pub fn throttles_in_a_row(&self) -> u32 {
        self.throttles_in_a_row
    }

    fn request_gap(&self) -> Duration {
        let rate = self.limits.requests_per_second;
        if rate.is_finite() && rate > 0.0 {
            Duration::from_secs_f64((1.0 / rate).min(BACKOFF_CAP.as_secs_f64()))
        } else {
            Duration::from_secs(1)
        }
    }
}

/// The wait after `throttles` throttles in a row: up to `BACKOFF_BASE * 2^n`,
/// capped, scaled by `jitter`.
pub fn backoff(throttles: u32, jitter: f64) -> Duration {
    let ceiling = BACKOFF_BASE
        .checked_mul(1u32.checked_shl(throttles.min(16)).unwrap_or(u32::MAX))
        .unwrap_or(BACKOFF_CAP)
        .min(BACKOFF_CAP);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        1.0
    };
    ceiling.mul_f64(jitter)
}

/// How long starting `bytes` in jobs takes at best under a bytes-per-hour cap:
/// whole hours, since each hour's starts may fill the cap. `None` without a cap.
pub fn hours_under_cap(bytes: u64, cap: Option<u64>) -> Option<u64> {
    let cap = cap.filter(|cap| *cap > 0)?;
    Some(bytes.div_ceil(cap).saturating_sub(1))
}

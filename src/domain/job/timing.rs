//! Every duration the job model rests on, in one table, with the reason for each.
//!
//! Glacier's figures are from the developer guide (see GLACIER.md): Expedited 1–5
//! minutes, Standard 3–5 hours, Bulk 5–12 hours, output kept for at least 24 hours.
//! Inventory jobs take no tier and "take hours"; they run at Standard speed, about 4
//! hours (the sandbox uses the same figure).

use std::time::Duration;

use super::TrackedJob;
use crate::domain::job_params::{JobKind, Tier};

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;

/// How long after completion a job's output can be downloaded. Glacier promises at
/// least this long; defrost counts the window as closed at exactly this point, so it
/// never starts a download it cannot finish on the strength of "at least".
pub const OUTPUT_WINDOW: Duration = Duration::from_secs(24 * HOUR);

/// No job is polled more often than this, whatever the table says: DescribeJob is
/// throttled per account, and several jobs share that budget.
pub const POLL_FLOOR: Duration = Duration::from_secs(10);

/// The first poll waits this share of the earliest expected completion. Jobs
/// sometimes finish sooner than "typical", so the first look comes early, but
/// polling in the first hours of a 3–5 hour job only spends requests.
const FIRST_POLL_NUMERATOR: u32 = 3;
const FIRST_POLL_DENOMINATOR: u32 = 4;

/// How fast Glacier prepares a job's output: the job's tier, or inventory speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pace {
    Expedited,
    Standard,
    Bulk,
    Inventory,
}

impl Pace {
    pub const ALL: [Pace; 4] = [Pace::Expedited, Pace::Standard, Pace::Bulk, Pace::Inventory];

    /// An archive job without a tier runs at Glacier's default, Standard. An
    /// inventory job takes no tier, so any tier stored on one is ignored.
    pub fn of(job: &TrackedJob) -> Self {
        match (job.kind, job.tier) {
            (JobKind::InventoryRetrieval, _) => Pace::Inventory,
            (JobKind::ArchiveRetrieval, None | Some(Tier::Standard)) => Pace::Standard,
            (JobKind::ArchiveRetrieval, Some(Tier::Expedited)) => Pace::Expedited,
            (JobKind::ArchiveRetrieval, Some(Tier::Bulk)) => Pace::Bulk,
        }
    }

    /// The polling schedule for this pace:
    ///
    /// | pace      | expected  | first poll | back-off from | cap    |
    /// |-----------|-----------|------------|---------------|--------|
    /// | Expedited | 1–5 min   | 45 s       | 15 s          | 30 s   |
    /// | Standard  | 3–5 h     | 2 h 15 min | 1 min         | 15 min |
    /// | Bulk      | 5–12 h    | 3 h 45 min | 2 min         | 30 min |
    /// | Inventory | 3–5 h     | 2 h 15 min | 1 min         | 15 min |
    ///
    /// The first poll comes at three quarters of the earliest expected completion.
    /// Each poll that finds no change doubles the wait, from the back-off start up to
    /// the cap, so polls are densest just before the job can be expected to finish
    /// and settle at the cap while it may. Once a poll finds the job still running
    /// past the latest expected completion, every further wait is the cap. No wait is
    /// ever shorter than [`POLL_FLOOR`].
    pub fn policy(self) -> PacePolicy {
        match self {
            // A minute is a long wait at a terminal; 30 s at worst keeps the
            // answer prompt, and an Expedited job is over in a few polls.
            Pace::Expedited => PacePolicy {
                earliest: Duration::from_secs(MINUTE),
                latest: Duration::from_secs(5 * MINUTE),
                backoff_start: Duration::from_secs(15),
                cap: Duration::from_secs(30),
            },
            // Finishing up to 15 minutes late is small against 3–5 hours.
            Pace::Standard => PacePolicy {
                earliest: Duration::from_secs(3 * HOUR),
                latest: Duration::from_secs(5 * HOUR),
                backoff_start: Duration::from_secs(MINUTE),
                cap: Duration::from_secs(15 * MINUTE),
            },
            // Bulk is chosen to save money, not time: half an hour late is fine.
            Pace::Bulk => PacePolicy {
                earliest: Duration::from_secs(5 * HOUR),
                latest: Duration::from_secs(12 * HOUR),
                backoff_start: Duration::from_secs(2 * MINUTE),
                cap: Duration::from_secs(30 * MINUTE),
            },
            // Inventories run at Standard speed, about 4 hours.
            Pace::Inventory => PacePolicy {
                earliest: Duration::from_secs(3 * HOUR),
                latest: Duration::from_secs(5 * HOUR),
                backoff_start: Duration::from_secs(MINUTE),
                cap: Duration::from_secs(15 * MINUTE),
            },
        }
    }
}

/// One row of the polling table; see [`Pace::policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacePolicy {
    /// Typical completion, earliest and latest, counted from the start.
    pub earliest: Duration,
    pub latest: Duration,
    /// The wait after the first poll that found no change; doubles from there.
    pub backoff_start: Duration,
    /// The longest wait between two polls.
    pub cap: Duration,
}

impl PacePolicy {
    /// How long after the start the first poll is worth making.
    pub fn first_poll(&self) -> Duration {
        self.earliest * FIRST_POLL_NUMERATOR / FIRST_POLL_DENOMINATOR
    }
}

//! Every duration the job model rests on, in one table, with the reason for each.
//!
//! Glacier's figures are from the developer guide (see GLACIER.md): Expedited 1–5
//! minutes, Standard 3–5 hours, Bulk 5–12 hours, output kept for at least 24 hours.
//! Inventory jobs take no tier and "take hours"; they run at Standard speed, about 4
//! hours (the sandbox uses the same figure).

use std::time::Duration;

use serde::{Deserialize, Serialize};

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

/// A service whose clock runs fast (a sandbox) is still polled no more than once a
/// second: that is as often as a person watching can notice a change.
const SCALED_POLL_FLOOR: Duration = Duration::from_secs(1);

/// How many times faster than Glacier's the clock of the service running a job
/// goes: 1 on AWS, the speedup of a sandbox (whose jobs finish in seconds and
/// whose output windows close in minutes). Every duration in this table is divided
/// by it, so a job is polled and counted down at the pace of the service that has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServiceSpeed(u32);

impl ServiceSpeed {
    /// Amazon Glacier itself.
    pub const GLACIER: ServiceSpeed = ServiceSpeed(1);

    /// `None` for 0, which would stop time.
    pub fn new(factor: u32) -> Option<Self> {
        (factor >= 1).then_some(Self(factor))
    }

    pub fn factor(self) -> u32 {
        self.0
    }

    pub fn is_glacier(self) -> bool {
        self.0 == 1
    }

    /// A Glacier duration as this service takes it.
    pub fn scale(self, glacier_duration: Duration) -> Duration {
        glacier_duration / self.0
    }

    /// The shortest wait between two polls of one job on this service.
    pub fn poll_floor(self) -> Duration {
        if self.is_glacier() {
            POLL_FLOOR
        } else {
            self.scale(POLL_FLOOR).max(SCALED_POLL_FLOOR)
        }
    }
}

impl Default for ServiceSpeed {
    fn default() -> Self {
        Self::GLACIER
    }
}

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
    /// This row as a service running at `speed` takes it.
    pub fn at(self, speed: ServiceSpeed) -> PacePolicy {
        PacePolicy {
            earliest: speed.scale(self.earliest),
            latest: speed.scale(self.latest),
            backoff_start: speed.scale(self.backoff_start),
            cap: speed.scale(self.cap),
        }
    }

    /// How long after the start the first poll is worth making.
    pub fn first_poll(&self) -> Duration {
        self.earliest * FIRST_POLL_NUMERATOR / FIRST_POLL_DENOMINATOR
    }
}

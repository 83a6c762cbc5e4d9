//! Sandbox time: real wall-clock instants, Glacier's durations divided by a speedup.
//!
//! Timestamps stay real so that a client's "created 2 minutes ago" is true; only
//! the waits (job completion, inventory schedule, output window) are shortened.

use std::time::Duration;

use time::{OffsetDateTime, format_description::FormatItem, macros::format_description};

/// Glacier's own durations, before scaling.
pub mod glacier {
    use std::time::Duration;

    pub const EXPEDITED_JOB: Duration = Duration::from_secs(3 * 60);
    pub const STANDARD_JOB: Duration = Duration::from_secs(4 * 3600);
    pub const BULK_JOB: Duration = Duration::from_secs(8 * 3600);
    pub const INVENTORY_JOB: Duration = Duration::from_secs(4 * 3600);
    /// Vault inventories are rebuilt about once a day.
    pub const INVENTORY_INTERVAL: Duration = Duration::from_secs(24 * 3600);
    /// Job output stays downloadable for 24 hours after completion.
    pub const OUTPUT_WINDOW: Duration = Duration::from_secs(24 * 3600);
}

/// The default speedup suits a live demo: a Standard job finishes in 40 seconds.
pub const DEFAULT_SPEEDUP: f64 = 360.0;

/// How much faster than Glacier the sandbox runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speedup(f64);

impl Speedup {
    /// `factor` must be finite and at least 1; callers validate user input first.
    pub fn new(factor: f64) -> Option<Self> {
        (factor.is_finite() && factor >= 1.0).then_some(Self(factor))
    }

    pub fn factor(self) -> f64 {
        self.0
    }

    /// A Glacier duration as the sandbox waits it.
    pub fn scale(self, glacier_duration: Duration) -> Duration {
        glacier_duration.div_f64(self.0)
    }
}

impl Default for Speedup {
    fn default() -> Self {
        Self(DEFAULT_SPEEDUP)
    }
}

const GLACIER_DATE: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// ISO 8601 in UTC with milliseconds, as Glacier writes `CreationDate`.
pub fn glacier_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(GLACIER_DATE)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn four_hour_job_takes_about_0_15_s_at_speedup_100000() {
        let scaled = Speedup::new(100_000.0)
            .unwrap()
            .scale(glacier::STANDARD_JOB);
        assert_eq!(scaled, Duration::from_millis(144));
    }

    #[test]
    fn speedup_below_one_or_not_finite_is_refused() {
        assert!(Speedup::new(0.5).is_none());
        assert!(Speedup::new(f64::NAN).is_none());
        assert!(Speedup::new(f64::INFINITY).is_none());
    }

    #[test]
    fn dates_have_milliseconds_and_z() {
        assert_eq!(
            glacier_date(datetime!(2026-11-29 03:04:05.678 UTC)),
            "2026-11-29T03:04:05.678Z"
        );
    }
}

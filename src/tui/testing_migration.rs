//! Fixed migrations for the screen's tests: a vault's newest migration part
//! way through, at the fixed `NOW`.

use super::testing::NOW;
use crate::domain::job_params::Tier;
use crate::domain::range::MIB;
use crate::store::{BatchId, MigrationProgress};

/// Migration B4 of ten archives of 48 MiB into `demo-migrated`, Bulk: three
/// copied, two running (the newer started an hour ago), one ready, four
/// without a job yet.
pub fn migration_progress() -> MigrationProgress {
    MigrationProgress {
        batch: BatchId(4),
        bucket: "demo-migrated".into(),
        prefix: "family-photos/".into(),
        tier: Tier::Bulk,
        max_bytes_per_hour: None,
        archives: 10,
        bytes: 480 * MIB,
        copied: 3,
        copied_bytes: 144 * MIB,
        to_start: 4,
        to_start_bytes: 192 * MIB,
        running: 2,
        ready: 1,
        failed: 0,
        newest_start: Some(NOW - time::Duration::hours(1)),
    }
}

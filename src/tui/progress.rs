//! What comes next for a vault's migration, as the vaults pane words it: done,
//! when it should end, or what it waits for. The end is the later of the
//! newest running job's typical latest completion and, for archives still
//! without a job, the time starting them takes at the batch's pace plus the
//! tier's typical latest completion; copying each output takes seconds to
//! minutes against hours of waiting, so it is left out.

use std::time::Duration;

use time::OffsetDateTime;

use crate::domain::batch::hours_under_cap;
use crate::domain::batch::pacing::DEFAULT_REQUESTS_PER_SECOND;
use crate::domain::job::{Pace, ServiceSpeed};
use crate::domain::job_params::Tier;
use crate::store::MigrationProgress;

/// Where a migration goes from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationNext {
    /// Every archive is copied.
    Done,
    /// Jobs run (or start): typically over by then.
    EndsBy(OffsetDateTime),
    /// Outputs are ready and being copied.
    Copying,
    /// Nothing works on it: this many archives wait for a job.
    ToStart(u64),
    /// Nothing works on it: this many outputs wait to be copied.
    Ready(u64),
    /// Only failed archives are left.
    Failed(u64),
}

/// What comes next for `progress` at `now`, on a service at `speed`; `working`
/// when the screen carries the migration on now.
pub fn migration_next(
    progress: &MigrationProgress,
    speed: ServiceSpeed,
    working: bool,
    now: OffsetDateTime,
) -> MigrationNext {
    if progress.copied >= progress.archives {
        return MigrationNext::Done;
    }
    // Archives without a job start only while something carries the
    // migration on: without it, no end can be promised.
    if progress.to_start > 0 && !working {
        return MigrationNext::ToStart(progress.to_start);
    }
    if progress.running > 0 || progress.to_start > 0 {
        let latest = pace_of(progress.tier).policy().at(speed).latest;
        let running = progress.newest_start.map(|start| start + latest);
        let starting = (progress.to_start > 0).then(|| now + starting_time(progress) + latest);
        if let Some(end) = [running, starting].into_iter().flatten().max() {
            return MigrationNext::EndsBy(end);
        }
    }
    match (working, progress.ready) {
        (_, 0) => MigrationNext::Failed(progress.failed),
        (true, _) => MigrationNext::Copying,
        (false, ready) => MigrationNext::Ready(ready),
    }
}

/// How long starting the archives without a job takes: the request rate, or
/// the hours the batch's bytes-per-hour cap spreads them over.
fn starting_time(progress: &MigrationProgress) -> Duration {
    let requests = Duration::from_secs_f64(progress.to_start as f64 / DEFAULT_REQUESTS_PER_SECOND);
    let hours = hours_under_cap(progress.to_start_bytes, progress.max_bytes_per_hour)
        .map_or(Duration::ZERO, |hours| Duration::from_secs(hours * 3600));
    requests.max(hours)
}

/// How fast Glacier prepares an archive job of `tier`.
fn pace_of(tier: Tier) -> Pace {
    match tier {
        Tier::Expedited => Pace::Expedited,
        Tier::Standard => Pace::Standard,
        Tier::Bulk => Pace::Bulk,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::store::BatchId;

    const NOW: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

    fn progress(copied: u64, to_start: u64, running: u64, ready: u64) -> MigrationProgress {
        MigrationProgress {
            batch: BatchId(4),
            bucket: "copies".into(),
            prefix: String::new(),
            tier: Tier::Standard,
            max_bytes_per_hour: None,
            archives: copied + to_start + running + ready + 1,
            bytes: 0,
            copied,
            copied_bytes: 0,
            to_start,
            to_start_bytes: to_start << 30,
            running,
            ready,
            failed: 1,
            newest_start: (running > 0).then(|| NOW - time::Duration::hours(1)),
        }
    }

    #[test]
    fn a_migration_with_everything_copied_is_done() {
        let mut done = progress(3, 0, 0, 0);
        done.copied = done.archives;
        let next = migration_next(&done, ServiceSpeed::GLACIER, false, NOW);
        assert_eq!(next, MigrationNext::Done);
    }

    #[test]
    fn running_jobs_end_by_the_newest_ones_latest_typical_completion() {
        let running = progress(1, 0, 2, 0);
        let next = migration_next(&running, ServiceSpeed::GLACIER, false, NOW);
        // Standard takes 3 to 5 hours; the newest started an hour ago.
        assert_eq!(next, MigrationNext::EndsBy(NOW + time::Duration::hours(4)));
        // On a sandbox 360 times faster, 5 hours are 50 seconds.
        let fast = ServiceSpeed::new(360).unwrap();
        let next = migration_next(&running, fast, false, NOW);
        assert_eq!(
            next,
            MigrationNext::EndsBy(NOW - time::Duration::hours(1) + time::Duration::seconds(50))
        );
    }

    #[test]
    fn archives_still_to_start_add_the_pace_of_starting_them() {
        let mut waiting = progress(0, 36_000, 1, 0);
        let next = migration_next(&waiting, ServiceSpeed::GLACIER, true, NOW);
        // 36,000 starts at 5 a second take two hours, then 5 hours of Standard.
        assert_eq!(next, MigrationNext::EndsBy(NOW + time::Duration::hours(7)));
        // A cap of 1 TiB an hour spreads 36,000 GiB over 35 hours.
        waiting.max_bytes_per_hour = Some(1 << 40);
        let next = migration_next(&waiting, ServiceSpeed::GLACIER, true, NOW);
        assert_eq!(next, MigrationNext::EndsBy(NOW + time::Duration::hours(40)));
    }

    #[test]
    fn a_migration_nothing_works_on_says_what_it_waits_for() {
        let stopped = progress(1, 5, 0, 2);
        let next = migration_next(&stopped, ServiceSpeed::GLACIER, false, NOW);
        assert_eq!(next, MigrationNext::ToStart(5));
        let ready = progress(1, 0, 0, 2);
        let next = migration_next(&ready, ServiceSpeed::GLACIER, false, NOW);
        assert_eq!(next, MigrationNext::Ready(2));
        let next = migration_next(&ready, ServiceSpeed::GLACIER, true, NOW);
        assert_eq!(next, MigrationNext::Copying);
        let failed = progress(1, 0, 0, 0);
        let next = migration_next(&failed, ServiceSpeed::GLACIER, true, NOW);
        assert_eq!(next, MigrationNext::Failed(1));
    }
}

//! What a batch would do, said before anything is spent: how many archives and
//! bytes, how many are already restored or have a job to reuse (not paid again),
//! what each tier costs and when the last job is expected ready under the pace,
//! and which decoded names more than one archive shares.

use std::collections::HashMap;
use std::time::Duration;

use super::pacing::{PaceLimits, hours_under_cap};
use crate::domain::cost::{PriceTable, estimate};
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::Tier;

/// One archive of the selection, as the summary needs it.
#[derive(Debug, Clone, Copy)]
pub struct SelectedArchive<'a> {
    /// The path it restores to (the safe decoded name), to find shared names.
    pub path: &'a str,
    pub size: u64,
    /// Its file is already in the target folder, finished by an earlier plan.
    pub restored: bool,
    /// A job that retrieves it is running or ready: it is reused, not paid again.
    pub reusable: bool,
}

/// A count of archives and their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub archives: u64,
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, size: u64) {
        self.archives += 1;
        self.bytes = self.bytes.saturating_add(size);
    }
}

/// What starting the batch's new jobs at one tier costs, and when they are ready.
#[derive(Debug, Clone, PartialEq)]
pub struct TierCost {
    pub tier: Tier,
    pub cost: f64,
    /// From the first start until the last job is typically ready: the pace of
    /// starting them, then the tier's latest typical completion.
    pub last_ready_after: Duration,
}

/// Names more than one archive of the selection restores to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedNames {
    /// Names shared.
    pub names: u64,
    /// Archives beyond the first under each shared name: these get their id in
    /// their file name.
    pub renamed: u64,
    /// The most shared name and how many archives share it.
    pub example: Option<(String, u64)>,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSummary {
    pub selected: Tally,
    pub restored: Tally,
    pub reusable: Tally,
    /// New jobs to start and pay for.
    pub to_start: Tally,
    /// Archives too large to start whole under the bytes-per-hour cap.
    pub too_large: Tally,
    /// At least this many hours pass between the first and last start under a
    /// bytes-per-hour cap; `None` without one.
    pub hours_of_starting: Option<u64>,
    pub tiers: Vec<TierCost>,
    pub shared_names: SharedNames,
}

impl BatchSummary {
    /// The cost line for `tier`.
    pub fn tier(&self, tier: Tier) -> Option<&TierCost> {
        self.tiers.iter().find(|cost| cost.tier == tier)
    }
}

/// Sums up `archives` for a batch paced by `limits`, priced by `prices`, on a
/// service running at `speed`.
pub fn summarize<'a>(
    archives: impl IntoIterator<Item = SelectedArchive<'a>>,
    prices: &PriceTable,
    limits: &PaceLimits,
    speed: ServiceSpeed,
) -> BatchSummary {
    let mut summary = BatchSummary {
        selected: Tally::default(),
        restored: Tally::default(),
        reusable: Tally::default(),
        to_start: Tally::default(),
        too_large: Tally::default(),
        hours_of_starting: None,
        tiers: Vec::new(),
        shared_names: SharedNames::default(),
    };
    let mut names: HashMap<&str, u64> = HashMap::new();
    for archive in archives {
        summary.selected.add(archive.size);
        *names.entry(archive.path).or_default() += 1;
        if archive.restored {
            summary.restored.add(archive.size);
        } else if archive.reusable {
            summary.reusable.add(archive.size);
        } else if !limits.admits(archive.size) {
            summary.too_large.add(archive.size);
        } else {
            summary.to_start.add(archive.size);
        }
    }
    summary.shared_names = shared_names(names);
    summary.hours_of_starting = hours_under_cap(summary.to_start.bytes, limits.bytes_per_hour);
    let starting = starting_time(&summary, limits);
    summary.tiers = Tier::ALL
        .into_iter()
        .map(|tier| {
            let guess = estimate(
                prices,
                tier,
                summary.to_start.bytes,
                summary.to_start.archives as usize,
                speed,
            );
            TierCost {
                tier,
                cost: guess.cost,
                last_ready_after: starting + guess.latest,
            }
        })
        .collect();
    summary
}

/// How long starting the new jobs takes: the request rate, or the hours the
/// bytes-per-hour cap spreads them over, whichever is longer.
fn starting_time(summary: &BatchSummary, limits: &PaceLimits) -> Duration {
    let rate = limits.requests_per_second;
    let requests = if rate.is_finite() && rate > 0.0 {
        Duration::from_secs_f64(summary.to_start.archives as f64 / rate)
    } else {
        Duration::ZERO
    };
    let hours = summary
        .hours_of_starting
        .map_or(Duration::ZERO, |hours| Duration::from_secs(hours * 3600));
    requests.max(hours)
}

fn shared_names(names: HashMap<&str, u64>) -> SharedNames {
    let mut shared = SharedNames::default();
    for (name, count) in names {
        if count < 2 {
            continue;
        }
        shared.names += 1;
        shared.renamed += count - 1;
        let better = match &shared.example {
            Some((example, most)) => count > *most || (count == *most && name < example.as_str()),
            None => true,
        };
        if better {
            shared.example = Some((name.to_owned(), count));
        }
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn archive(path: &str, size: u64) -> SelectedArchive<'_> {
        SelectedArchive {
            path,
            size,
            restored: false,
            reusable: false,
        }
    }

    #[test]
    fn restored_and_reusable_archives_are_not_paid_again() {
        let prices = PriceTable::published().unwrap();
        let archives = [
            archive("a", GIB),
            SelectedArchive {
                restored: true,
                ..archive("b", 2 * GIB)
            },
            SelectedArchive {
                reusable: true,
                ..archive("c", 3 * GIB)
            },
            archive("d", 4 * GIB),
        ];
        let summary = summarize(
            archives,
            &prices,
            &PaceLimits::default(),
            ServiceSpeed::GLACIER,
        );
        assert_eq!(
            summary.selected,
            Tally {
                archives: 4,
                bytes: 10 * GIB
            }
        );
        assert_eq!(
            summary.restored,
            Tally {
                archives: 1,
                bytes: 2 * GIB
            }
        );
        assert_eq!(
            summary.reusable,
            Tally {
                archives: 1,
                bytes: 3 * GIB
            }
        );
        assert_eq!(
            summary.to_start,
            Tally {
                archives: 2,
                bytes: 5 * GIB
            }
        );
        let bulk = summary.tier(Tier::Bulk).unwrap();
        // 5 GB at $0.0025 and 2 requests at $0.025 per 1,000.
        assert!((bulk.cost - (5.0 * 0.0025 + 2.0 * 0.025 / 1000.0)).abs() < 1e-12);
        let expedited = summary.tier(Tier::Expedited).unwrap();
        assert!(expedited.last_ready_after < bulk.last_ready_after);
        assert_eq!(summary.hours_of_starting, None);
    }

    #[test]
    fn a_bytes_per_hour_cap_spreads_the_starts_and_refuses_what_never_fits() {
        let prices = PriceTable::published().unwrap();
        let limits = PaceLimits::default().with_bytes_per_hour(Some(10 * GIB), None);
        let archives = [
            archive("a", 8 * GIB),
            archive("b", 8 * GIB),
            archive("c", 8 * GIB),
            archive("huge", 11 * GIB),
        ];
        let summary = summarize(archives, &prices, &limits, ServiceSpeed::GLACIER);
        assert_eq!(
            summary.too_large,
            Tally {
                archives: 1,
                bytes: 11 * GIB
            }
        );
        assert_eq!(summary.to_start.archives, 3);
        assert_eq!(summary.hours_of_starting, Some(2));
        let standard = summary.tier(Tier::Standard).unwrap();
        assert!(standard.last_ready_after >= Duration::from_secs(2 * 3600));
    }

    #[test]
    fn shared_names_are_counted_with_the_most_shared_as_example() {
        let prices = PriceTable::published().unwrap();
        let archives = [
            archive("x/a.txt", 1),
            archive("x/a.txt", 1),
            archive("x/a.txt", 1),
            archive("b", 1),
            archive("b", 1),
            archive("c", 1),
        ];
        let summary = summarize(
            archives,
            &prices,
            &PaceLimits::default(),
            ServiceSpeed::GLACIER,
        );
        assert_eq!(
            summary.shared_names,
            SharedNames {
                names: 2,
                renamed: 3,
                example: Some(("x/a.txt".to_owned(), 3)),
            }
        );
    }

    #[test]
    fn an_empty_selection_costs_nothing() {
        let prices = PriceTable::published().unwrap();
        let summary = summarize([], &prices, &PaceLimits::default(), ServiceSpeed::GLACIER);
        assert_eq!(summary.selected, Tally::default());
        assert!(summary.tiers.iter().all(|tier| tier.cost == 0.0));
        assert_eq!(summary.shared_names, SharedNames::default());
    }
}

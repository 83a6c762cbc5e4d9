//! Emptying a vault, as pure rules: which archives a drain may delete (only
//! those with proof, unless the user asked for everything), what it sums up to
//! before anything is deleted, and the fee Glacier charges for an archive
//! deleted before its minimum storage time. Time is a parameter.

use time::{Duration, OffsetDateTime};

use super::cost::StoragePrice;

/// One GB as Glacier bills it.
const GB: f64 = (1u64 << 30) as f64;

/// Glacier's minimum storage time when the price table does not say.
pub const MINIMUM_STORAGE_DAYS: u32 = 90;

/// Which archives a drain deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrainScope {
    /// Those copied to S3 and verified, or downloaded and verified.
    Proven,
    OnlyCopied,
    OnlyDownloaded,
    /// Every archive the inventory lists, proof or not.
    All,
}

/// Why an archive may be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofKind {
    Copied,
    Downloaded,
}

/// One archive of the inventory, as the drain sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrainArchive {
    pub size: u64,
    pub created: Option<OffsetDateTime>,
    /// The best proof the journal holds, a copy before a download.
    pub proof: Option<ProofKind>,
    /// Glacier answered its deletion already.
    pub deleted: bool,
}

/// What happens to an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrainStep {
    Delete(Option<ProofKind>),
    /// Deleted by an earlier run.
    DeletedBefore,
    /// Kept: no proof of the kind the scope asks for.
    Kept,
}

/// The step for `archive` under `scope`.
pub fn drain_step(scope: DrainScope, archive: &DrainArchive) -> DrainStep {
    if archive.deleted {
        return DrainStep::DeletedBefore;
    }
    let proven = match (scope, archive.proof) {
        (DrainScope::All, proof) => return DrainStep::Delete(proof),
        (DrainScope::Proven, Some(_)) => true,
        (DrainScope::OnlyCopied, Some(ProofKind::Copied)) => true,
        (DrainScope::OnlyDownloaded, Some(ProofKind::Downloaded)) => true,
        _ => false,
    };
    if proven {
        DrainStep::Delete(archive.proof)
    } else {
        DrainStep::Kept
    }
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

/// What a drain would do, before anything is deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DrainSummary {
    pub listed: Tally,
    pub to_delete: Tally,
    /// Of those to delete, by their proof.
    pub copied: Tally,
    pub downloaded: Tally,
    pub unproven: Tally,
    pub deleted_before: Tally,
    pub kept: Tally,
    /// Of those to delete, younger than the minimum storage time.
    pub early: Tally,
    /// Their fee, when the price table gives the storage price.
    pub early_fee: Option<f64>,
}

/// Sums up a drain of `archives` under `scope` at `now`.
pub fn summarize<'a>(
    scope: DrainScope,
    archives: impl IntoIterator<Item = &'a DrainArchive>,
    storage: Option<&StoragePrice>,
    now: OffsetDateTime,
) -> DrainSummary {
    let mut summary = DrainSummary {
        early_fee: storage.map(|_| 0.0),
        ..DrainSummary::default()
    };
    let minimum = storage.map_or(MINIMUM_STORAGE_DAYS, |price| price.minimum_days);
    for archive in archives {
        summary.listed.add(archive.size);
        match drain_step(scope, archive) {
            DrainStep::DeletedBefore => summary.deleted_before.add(archive.size),
            DrainStep::Kept => summary.kept.add(archive.size),
            DrainStep::Delete(proof) => {
                summary.to_delete.add(archive.size);
                match proof {
                    Some(ProofKind::Copied) => summary.copied.add(archive.size),
                    Some(ProofKind::Downloaded) => summary.downloaded.add(archive.size),
                    None => summary.unproven.add(archive.size),
                }
                let left = days_left(archive.created, minimum, now);
                if left > 0 {
                    summary.early.add(archive.size);
                    if let (Some(fee), Some(price)) = (summary.early_fee.as_mut(), storage) {
                        *fee += early_fee(archive.size, left, price);
                    }
                }
            }
        }
    }
    summary
}

/// Days of the minimum storage time an archive created at `created` still has
/// at `now` (0 once served, or when its creation is not known).
pub fn days_left(created: Option<OffsetDateTime>, minimum_days: u32, now: OffsetDateTime) -> u32 {
    let Some(created) = created else {
        return 0;
    };
    let served = now - created;
    let minimum = Duration::days(i64::from(minimum_days));
    if served >= minimum {
        return 0;
    }
    // A part of a day left is charged as a day.
    let left = minimum - served.max(Duration::ZERO);
    u32::try_from(
        left.whole_seconds().div_euclid(86_400) + i64::from(left.whole_seconds() % 86_400 != 0),
    )
    .unwrap_or(minimum_days)
}

/// The prorated fee for deleting `size` bytes with `days_left` of the minimum
/// storage time to go: the storage those days would have cost.
pub fn early_fee(size: u64, days_left: u32, price: &StoragePrice) -> f64 {
    size as f64 / GB * price.per_gb_month * f64::from(days_left) / 30.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-01 00:00 UTC);
    const PRICE: StoragePrice = StoragePrice {
        per_gb_month: 0.004,
        minimum_days: 90,
    };

    fn archive(proof: Option<ProofKind>, deleted: bool) -> DrainArchive {
        DrainArchive {
            size: 1 << 30,
            created: Some(NOW - Duration::days(400)),
            proof,
            deleted,
        }
    }

    #[test]
    fn only_the_proof_the_scope_asks_for_deletes_and_all_deletes_everything() {
        let copied = archive(Some(ProofKind::Copied), false);
        let downloaded = archive(Some(ProofKind::Downloaded), false);
        let none = archive(None, false);
        use DrainScope::*;
        use DrainStep::*;
        let cases = [
            (Proven, copied, Delete(Some(ProofKind::Copied))),
            (Proven, downloaded, Delete(Some(ProofKind::Downloaded))),
            (Proven, none, Kept),
            (OnlyCopied, downloaded, Kept),
            (OnlyCopied, copied, Delete(Some(ProofKind::Copied))),
            (OnlyDownloaded, copied, Kept),
            (
                OnlyDownloaded,
                downloaded,
                Delete(Some(ProofKind::Downloaded)),
            ),
            (All, none, Delete(None)),
            (All, archive(None, true), DeletedBefore),
        ];
        for (scope, archive, step) in cases {
            assert_eq!(drain_step(scope, &archive), step, "{scope:?} {archive:?}");
        }
    }

    #[test]
    fn an_archive_younger_than_ninety_days_is_charged_the_days_it_has_left() {
        let young = DrainArchive {
            created: Some(NOW - Duration::days(30)),
            ..archive(Some(ProofKind::Downloaded), false)
        };
        assert_eq!(days_left(young.created, 90, NOW), 60);
        assert_eq!(days_left(Some(NOW - Duration::hours(36)), 90, NOW), 89);
        assert_eq!(days_left(Some(NOW - Duration::days(90)), 90, NOW), 0);
        assert_eq!(days_left(None, 90, NOW), 0);
        let summary = summarize(
            DrainScope::Proven,
            &[young, archive(None, false)],
            Some(&PRICE),
            NOW,
        );
        assert_eq!(summary.to_delete.archives, 1);
        assert_eq!(summary.kept.archives, 1);
        assert_eq!(summary.early.archives, 1);
        // 1 GB for 60 days at $0.004 a month: 0.008.
        let fee = summary.early_fee.unwrap();
        assert!((fee - 0.008).abs() < 1e-9, "{fee}");
        let unpriced = summarize(DrainScope::Proven, &[young], None, NOW);
        assert_eq!((unpriced.early.archives, unpriced.early_fee), (1, None));
    }

    proptest! {
        #[test]
        fn every_archive_is_counted_once_and_nothing_unproven_is_deleted_unless_all(
            archives in prop::collection::vec(
                (0u64..1 << 40, 0i64..400, prop::option::of(prop::bool::ANY), prop::bool::ANY),
                0..50,
            ),
            scope in prop::sample::select(vec![
                DrainScope::Proven, DrainScope::OnlyCopied, DrainScope::OnlyDownloaded, DrainScope::All,
            ]),
        ) {
            let archives: Vec<DrainArchive> = archives
                .into_iter()
                .map(|(size, age, proof, deleted)| DrainArchive {
                    size,
                    created: Some(NOW - Duration::days(age)),
                    proof: proof.map(|copied| if copied { ProofKind::Copied } else { ProofKind::Downloaded }),
                    deleted,
                })
                .collect();
            let s = summarize(scope, &archives, Some(&PRICE), NOW);
            prop_assert_eq!(s.listed.archives, archives.len() as u64);
            prop_assert_eq!(s.to_delete.archives + s.kept.archives + s.deleted_before.archives, s.listed.archives);
            prop_assert_eq!(s.copied.archives + s.downloaded.archives + s.unproven.archives, s.to_delete.archives);
            prop_assert!(s.early.archives <= s.to_delete.archives);
            if scope != DrainScope::All {
                prop_assert_eq!(s.unproven.archives, 0);
            }
            prop_assert!(s.early_fee.unwrap() >= 0.0);
        }
    }
}

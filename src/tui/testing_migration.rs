//! Fixed migrations and drains for the screen's tests: a vault's newest
//! migration part way through, at the fixed `NOW`, and a migration and a
//! drain prepared as the effects would answer.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::migration::Migrating;
use super::testing::NOW;
use crate::domain::job_params::Tier;
use crate::domain::migrate::{MigrationCost, StoragePriceTable};
use crate::domain::range::MIB;
use crate::store::{BatchId, BucketTarget, MigrationProgress};
use crate::tracking::migrate::{InBucket, PreparedMigration};

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

/// A prepared migration of `count` archives of 48 MiB (as `testing_batch`'s
/// `prepared` makes them, the first already copied) into
/// `s3://demo-migrated/family-photos/` at DEEP_ARCHIVE; the keys of the
/// archives at `conflicts` (from 0) hold another archive's object.
pub fn migrating(count: u32, conflicts: &[usize]) -> Migrating {
    let batch = (*super::testing_batch::prepared(count, None).0).clone();
    let keys: Vec<String> = (1..=count)
        .map(|n| format!("family-photos/scans/page-{n}.tif"))
        .collect();
    let in_bucket = (0..count as usize)
        .map(|index| match index {
            0 => InBucket::Same {
                etag: Some("\"etag\"".into()),
                checksum: None,
            },
            index if conflicts.contains(&index) => InBucket::Other,
            _ => InBucket::Nothing,
        })
        .collect();
    let storage_prices = StoragePriceTable::published().expect("the published S3 prices parse");
    Migrating {
        prepared: Arc::new(PreparedMigration {
            batch,
            target: BucketTarget {
                bucket: "demo-migrated".into(),
                prefix: "family-photos/".into(),
                storage_class: "DEEP_ARCHIVE".into(),
                region: "us-east-1".into(),
            },
            metadata: vec![BTreeMap::new(); keys.len()],
            keys,
            in_bucket,
            cost: MigrationCost {
                monthly: 0.02,
                minimum: 0.11,
                requests: 0.0,
            },
            overwrite: false,
            notices: crate::tracking::migrate::Notices::Off,
        }),
        storage_prices: Arc::new(storage_prices),
    }
}

/// A drain of `family-photos`'s copied archives, as the effect would answer:
/// `copied` of its ten 48 MiB archives to delete (two of them younger than
/// 90 days), the rest kept.
pub fn draining(copied: u64) -> crate::tui::drain::Draining {
    use crate::domain::drain::{DrainScope, DrainSummary, Tally};
    use crate::store::DeletionProof;
    use crate::tracking::drain::{DrainItem, DrainRequest, PreparedDrain};
    let tally = |archives: u64| Tally {
        archives,
        bytes: archives * 48 * MIB,
    };
    let items = (1..=copied)
        .map(|n| DrainItem {
            archive_id: format!("archive-{n}"),
            name: format!("photos/IMG_{n:04}.jpg"),
            size: 48 * MIB,
            created: "2019-08-20T08:01:55.000Z".into(),
            proof: DeletionProof::Copied {
                object: format!("s3://demo-migrated/family-photos/photos/IMG_{n:04}.jpg"),
            },
        })
        .collect();
    let summary = DrainSummary {
        listed: tally(10),
        to_delete: tally(copied),
        copied: tally(copied),
        kept: tally(10 - copied),
        early: tally(copied.min(2)),
        early_fee: Some(0.0012),
        ..DrainSummary::default()
    };
    crate::tui::drain::Draining(Arc::new(PreparedDrain {
        request: DrainRequest {
            vault: super::testing::vault_key(),
            scope: DrainScope::OnlyCopied,
            made_by: "defrost".into(),
        },
        items,
        summary,
        lost_proofs: Vec::new(),
    }))
}

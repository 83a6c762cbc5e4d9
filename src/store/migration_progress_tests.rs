//! A vault's newest migration counted from the journal: archives and bytes
//! copied, those still without a job, running, ready or failed, and when the
//! newest running job started; a restore batch is no migration, and a newer
//! migration of the vault is the one counted.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use crate::domain::job::{JobStatus, TrackedJob};
use crate::domain::job_params::{JobKind, Tier};
use crate::store::{
    BatchId, BatchIntent, BatchLimits, BatchSelection, BucketTarget, JobIntent, PlanArchive,
    PlanId, PlanSlot, Store, VaultKey,
};

const BY: &str = "defrost (alice@host)";
const PARAMS: &str = r#"{"Type":"archive-retrieval","ArchiveId":"A","Tier":"Bulk"}"#;

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

/// Archive `n` of `n` MiB.
fn archive(n: u64) -> PlanArchive {
    PlanArchive {
        archive_id: format!("ARCHIVE-{n}"),
        size: Some(n << 20),
        tree_hash: Some(format!("{n:0>64x}")),
        name: Some(format!("photos/{n}.jpg")),
    }
}

/// A batch of archives 1 to `count` into `to`; a migration when `bucket`.
fn batch(store: &mut Store, count: u64, bucket: Option<&str>) -> (BatchId, Vec<PlanId>) {
    let archives: Vec<PlanArchive> = (1..=count).map(archive).collect();
    let selection = BatchSelection::All;
    let to = bucket.map_or("/restore".to_owned(), |b| format!("s3://{b}/photos/"));
    let (id, plans) = store
        .record_batch(&BatchIntent {
            vault: &vault(),
            selection: &selection,
            tier: Tier::Standard,
            to: &to,
            limits: BatchLimits {
                max_bytes_per_hour: Some(1 << 40),
                max_jobs_in_flight: None,
            },
            made_by: BY,
            at: at(0),
            archives: &archives,
        })
        .unwrap();
    if let Some(bucket) = bucket {
        let target = BucketTarget {
            bucket: bucket.into(),
            prefix: "photos/".into(),
            storage_class: "DEEP_ARCHIVE".into(),
            region: "us-east-1".into(),
        };
        store.record_batch_bucket(id, &target).unwrap();
    }
    (id, plans)
}

/// Starts a job for `plan` at `seconds`, left in `status`.
fn job(store: &mut Store, plan: PlanId, seconds: i64, status: JobStatus) {
    let id = store
        .record_job_intent(&JobIntent {
            vault: &vault(),
            params_json: PARAMS,
            plan_json: None,
            plan: Some(PlanSlot { plan, position: 0 }),
            started_by: BY,
            at: at(seconds),
        })
        .unwrap();
    let mut job = TrackedJob::started(
        format!("JOB-{}-{seconds}", plan.0),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Standard),
        at(seconds),
    );
    store.record_job_started(id, &job).unwrap();
    if status != JobStatus::InProgress {
        job.status = status;
        job.completed_at = Some(at(seconds + 1));
        store.record_job_state(&job, at(seconds + 1)).unwrap();
    }
}

fn copy(store: &mut Store, plan: PlanId, key: &str) {
    let upload = store
        .record_upload_planned(plan, "copies", key, &BTreeMap::new(), at(50))
        .unwrap();
    store
        .record_upload_completed(upload, "\"etag\"", "c2hh-1", at(60))
        .unwrap();
}

#[test]
fn a_migration_is_counted_by_where_each_archive_stands() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(
        store.migration_progress("us-east-1", "photos").unwrap(),
        None
    );
    // A restore is not a migration.
    batch(&mut store, 2, None);
    assert_eq!(
        store.migration_progress("us-east-1", "photos").unwrap(),
        None
    );

    let (id, plans) = batch(&mut store, 6, Some("copies"));
    // 1 and 2 copied (2 found in the bucket, with no job), 3 ready, 4 and 5
    // running (5 started last), 6 failed.
    job(&mut store, plans[0], 10, JobStatus::Succeeded);
    copy(&mut store, plans[0], "photos/1.jpg");
    copy(&mut store, plans[1], "photos/2.jpg");
    job(&mut store, plans[2], 20, JobStatus::Succeeded);
    job(&mut store, plans[3], 30, JobStatus::InProgress);
    job(&mut store, plans[4], 40, JobStatus::InProgress);
    job(&mut store, plans[5], 15, JobStatus::Failed);

    let progress = store
        .migration_progress("us-east-1", "photos")
        .unwrap()
        .unwrap();
    let mib = 1u64 << 20;
    assert_eq!(
        progress,
        crate::store::MigrationProgress {
            batch: id,
            bucket: "copies".into(),
            prefix: "photos/".into(),
            tier: Tier::Standard,
            max_bytes_per_hour: Some(1 << 40),
            archives: 6,
            bytes: 21 * mib,
            copied: 2,
            copied_bytes: 3 * mib,
            to_start: 0,
            to_start_bytes: 0,
            running: 2,
            ready: 1,
            failed: 1,
            newest_start: Some(at(40)),
        }
    );
    // Another region's vault of the same name has none.
    assert_eq!(
        store.migration_progress("eu-west-1", "photos").unwrap(),
        None
    );
}

#[test]
fn the_newest_migration_of_the_vault_is_the_one_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let (_, older) = batch(&mut store, 2, Some("old-copies"));
    copy(&mut store, older[0], "photos/1.jpg");
    let (newer, _) = batch(&mut store, 3, Some("copies"));
    let progress = store
        .migration_progress("us-east-1", "photos")
        .unwrap()
        .unwrap();
    assert_eq!(
        (progress.batch, progress.bucket.as_str()),
        (newer, "copies")
    );
    assert_eq!((progress.archives, progress.copied), (3, 0));
    assert_eq!((progress.to_start, progress.to_start_bytes), (3, 6 << 20));
    assert_eq!((progress.running, progress.newest_start), (0, None));
}

/// Counting a migration of a hundred thousand archives takes a fraction of
/// reading them (in a debug build, about 0.26 s against 0.84 s): the vaults
/// pane asks after every copy, on the cache's own thread.
#[test]
#[ignore = "a measurement: run it with --ignored --nocapture, in a release build for the figure"]
fn a_hundred_thousand_archives_are_counted_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let (_, plans) = batch(&mut store, 100_000, Some("copies"));
    for plan in plans.iter().take(100) {
        copy(&mut store, *plan, &format!("photos/{}.jpg", plan.0));
    }
    let began = std::time::Instant::now();
    let progress = store
        .migration_progress("us-east-1", "photos")
        .unwrap()
        .unwrap();
    let counted = began.elapsed();
    assert_eq!((progress.archives, progress.copied), (100_000, 100));
    let began = std::time::Instant::now();
    let items = store.batch_items(progress.batch).unwrap();
    let read = began.elapsed();
    assert_eq!(items.len(), 100_000);
    println!("counted in {counted:?}; read archive by archive in {read:?}");
}

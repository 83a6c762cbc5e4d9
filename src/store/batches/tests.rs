//! Batches in the journal: recorded whole with a plan per archive, read back as
//! they were written, followed item by item as their jobs are asked for,
//! started, renewed, reused and finished; damaged rows refused; a read-only
//! cache reads them and records none.

mod items;
mod uploads;
mod volume;

use std::path::Path;

use time::OffsetDateTime;

use super::*;
use crate::domain::job::PlanShape;
use crate::store::catalog::{Access, Catalog};
use crate::store::{PlanIntent, Store};

pub(super) fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

pub(super) fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

/// Archive `n`, named and hashed as an inventory has it.
pub(super) fn archive(n: usize) -> PlanArchive {
    PlanArchive {
        archive_id: format!("ARCHIVE-{n:0>130}"),
        size: Some(1_000_000 + n as u64),
        tree_hash: Some(format!("{n:0>64x}")),
        name: Some(format!("photos/2019/IMG_{n:05}.jpg")),
    }
}

pub(super) fn archives(count: usize) -> Vec<PlanArchive> {
    (0..count).map(archive).collect()
}

pub(super) const BY: &str = "defrost (alice@host)";

pub(super) fn intent<'a>(
    vault: &'a VaultKey,
    selection: &'a BatchSelection,
    archives: &'a [PlanArchive],
) -> BatchIntent<'a> {
    BatchIntent {
        vault,
        selection,
        tier: Tier::Bulk,
        to: "/restores/photos",
        limits: BatchLimits {
            max_bytes_per_hour: Some(50_000_000_000),
            max_jobs_in_flight: Some(200),
        },
        made_by: BY,
        at: at(0),
        archives,
    }
}

pub(super) fn store_with_batch(dir: &Path, count: usize) -> (Store, BatchId, Vec<PlanId>) {
    let mut store = Store::open(dir).unwrap();
    let selection = BatchSelection::Under("photos/2019/".into());
    let (batch, plans) = store
        .record_batch(&intent(&vault(), &selection, &archives(count)))
        .unwrap();
    (store, batch, plans)
}

#[test]
fn batch_ids_read_as_users_type_them() {
    assert_eq!("B3".parse(), Ok(BatchId(3)));
    assert_eq!("b12".parse(), Ok(BatchId(12)));
    assert_eq!(BatchId(3).to_string(), "B3");
    for wrong in [
        "3",
        "B",
        "B-1",
        "B+1",
        "P3",
        "B3x",
        " B3",
        "B99999999999999999999",
    ] {
        let err = wrong.parse::<BatchId>().unwrap_err();
        assert_eq!(err.input, wrong);
        assert!(err.to_string().contains("is not a batch id"), "{err}");
    }
    let json = serde_json::to_string(&BatchId(7)).unwrap();
    assert_eq!(json, r#""B7""#);
    assert_eq!(serde_json::from_str::<BatchId>(&json).unwrap(), BatchId(7));
    assert!(serde_json::from_str::<BatchId>("7").is_err());
}

#[test]
fn selections_read_naturally_and_are_stored_as_kind_and_text() {
    let ids = BatchSelection::Ids {
        source: "ids.txt".into(),
        count: 1_200,
    };
    let one = BatchSelection::Ids {
        source: "one id.txt".into(),
        count: 1,
    };
    let cases = [
        (
            BatchSelection::Under("photos/2019/".into()),
            "the folder photos/2019/",
            "under",
        ),
        (
            BatchSelection::Filter("tax".into()),
            "archives matching 'tax'",
            "filter",
        ),
        (ids, "1,200 archive ids from ids.txt", "ids"),
        (one, "1 archive id from one id.txt", "ids"),
        (BatchSelection::All, "every archive", "all"),
    ];
    for (selection, shown, kind) in cases {
        assert_eq!(selection.to_string(), shown);
        assert_eq!(selection.kind(), kind);
        let text = selection.text().map(|text| text.into_owned());
        assert_eq!(BatchSelection::from_stored(kind, text), Some(selection));
    }
    assert_eq!(grouped(1_234_567), "1,234,567");
    assert_eq!(grouped(999), "999");
    for (kind, text) in [
        ("ids", Some("many ids from x")),
        ("ids", Some("12 archives from x")),
        ("ids", Some("-3 ids from x")),
        ("ids", None),
        ("under", None),
        ("all", Some("x")),
        ("everything", None),
    ] {
        let stored = BatchSelection::from_stored(kind, text.map(str::to_owned));
        assert_eq!(stored, None, "{kind} {text:?}");
    }
}

#[test]
fn a_batch_is_recorded_with_a_whole_plan_per_archive_in_its_order() {
    let dir = tempfile::tempdir().unwrap();
    let (store, batch, plans) = store_with_batch(dir.path(), 3);
    assert_eq!(plans.len(), 3);

    let recorded = store.plans(Some(&vault())).unwrap();
    let ids: Vec<PlanId> = recorded.iter().map(|plan| plan.id).collect();
    assert_eq!(ids, plans);
    for (n, plan) in recorded.iter().enumerate() {
        assert_eq!(plan.archive, Some(archive(n)));
        assert_eq!((plan.shape, plan.want), (PlanShape::Whole, None));
        assert_eq!(plan.made_by, BY);
        assert_eq!(plan.made_at, "2027-01-15T08:00:00Z");
        assert!(plan.jobs.is_empty() && plan.finished.is_none());
        assert_eq!(store.batch_of_plan(plan.id).unwrap(), Some(batch));
    }

    let entry = store.batch(batch).unwrap().unwrap();
    let expected = BatchEntry {
        id: batch,
        vault: vault(),
        selection: BatchSelection::Under("photos/2019/".into()),
        tier: Tier::Bulk,
        to: "/restores/photos".into(),
        limits: BatchLimits {
            max_bytes_per_hour: Some(50_000_000_000),
            max_jobs_in_flight: Some(200),
        },
        made_by: BY.into(),
        made_at: "2027-01-15T08:00:00Z".into(),
        given_up_at: None,
        archives: 3,
    };
    assert_eq!(entry, expected);
    assert_eq!(
        store.batches(None).unwrap(),
        std::slice::from_ref(&expected)
    );
    assert_eq!(store.batches(Some(&vault())).unwrap(), [expected]);
    let other = VaultKey {
        name: "music".into(),
        ..vault()
    };
    assert!(store.batches(Some(&other)).unwrap().is_empty());
    assert_eq!(store.batch(BatchId(99)).unwrap(), None);
}

#[test]
fn batches_are_listed_oldest_first_and_plans_outside_them_have_none() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, first, _) = store_with_batch(dir.path(), 2);
    let ids = BatchSelection::Ids {
        source: "ids.txt".into(),
        count: 4,
    };
    let (photos, more) = (vault(), archives(4));
    let mut second = intent(&photos, &ids, &[]);
    second.archives = &more[2..];
    second.tier = Tier::Expedited;
    second.limits = BatchLimits::default();
    let (second, _) = store.record_batch(&second).unwrap();

    let listed = store.batches(None).unwrap();
    let summary: Vec<_> = listed
        .iter()
        .map(|b| (b.id, b.tier, b.limits, b.archives))
        .collect();
    let paced = intent(&vault(), &ids, &[]).limits;
    assert_eq!(
        summary,
        [
            (first, Tier::Bulk, paced, 2),
            (second, Tier::Expedited, BatchLimits::default(), 2),
        ]
    );
    assert_eq!(listed[1].selection, ids);
    let alone = store
        .record_plan(&PlanIntent {
            vault: &vault(),
            archive: Some(archive(9)),
            want: None,
            shape: PlanShape::Whole,
            made_by: BY,
            at: at(5),
        })
        .unwrap();
    assert_eq!(store.batch_of_plan(alone).unwrap(), None);
}

#[test]
fn a_batch_with_no_archive_or_an_archive_twice_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let selection = BatchSelection::Filter("tax".into());
    let err = store
        .record_batch(&intent(&vault(), &selection, &[]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("archives matching 'tax' holds no archive"),
        "{err}"
    );
    let twice = [archive(1), archive(2), archive(1)];
    let err = store
        .record_batch(&intent(&vault(), &selection, &twice))
        .unwrap_err();
    assert!(err.to_string().contains("is listed twice"), "{err}");
    assert!(store.batches(None).unwrap().is_empty());
    assert!(store.plans(None).unwrap().is_empty());
}

#[test]
fn a_batch_given_up_keeps_the_first_moment_and_its_plans() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 2);
    assert_eq!(store.batch_given_up_at(batch).unwrap(), None);
    store.record_batch_given_up(batch, at(60)).unwrap();
    store.record_batch_given_up(batch, at(120)).unwrap();
    assert_eq!(
        store.batch_given_up_at(batch).unwrap().as_deref(),
        Some("2027-01-15T08:01:00Z")
    );
    let entry = store.batch(batch).unwrap().unwrap();
    assert_eq!(entry.given_up_at.as_deref(), Some("2027-01-15T08:01:00Z"));
    assert_eq!(entry.archives, 2);
    assert_eq!(store.plans(None).unwrap().len(), plans.len());
    let err = store.record_batch_given_up(BatchId(99), at(0)).unwrap_err();
    assert!(err.to_string().contains("no batch B99"), "{err}");
}

#[test]
fn a_damaged_batch_row_is_refused_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, _) = store_with_batch(dir.path(), 2);
    for damage in [
        "UPDATE batch SET tier = 'Turbo'",
        "UPDATE batch SET tier = 'bulk'",
        "UPDATE batch SET selection = 'some'",
        "UPDATE batch SET selection = 'ids', selection_text = 'many'",
        "UPDATE batch SET selection_text = NULL",
        "UPDATE batch SET max_bytes_per_hour = -1",
        "UPDATE batch SET max_jobs_in_flight = 5000000000",
    ] {
        // Seen by the store's own connection, and undone after.
        let conn = store.catalog.connection();
        conn.execute_batch(&format!("SAVEPOINT damage; {damage};"))
            .unwrap();
        for err in [
            store.batches(None).unwrap_err(),
            store.batch(batch).unwrap_err(),
        ] {
            assert!(
                err.to_string()
                    .contains(&format!("record of batch {batch} is damaged")),
                "{damage}: {err}"
            );
        }
        let conn = store.catalog.connection();
        conn.execute_batch("ROLLBACK TO damage; RELEASE damage;")
            .unwrap();
    }
    assert_eq!(store.batches(None).unwrap().len(), 1);
}

/// The store as `Store::open_for_reading` opens a cache it cannot write.
fn read_only(dir: &Path) -> Store {
    let snapshots_dir = dir.join("snapshots");
    let catalog = Catalog::open(
        &dir.join("catalog.sqlite"),
        &snapshots_dir,
        Access::ReadOnly,
    )
    .unwrap();
    Store {
        data_dir: dir.to_path_buf(),
        snapshots_dir,
        catalog,
        read_only: true,
    }
}

#[test]
fn a_read_only_cache_reads_its_batches_and_records_none() {
    let dir = tempfile::tempdir().unwrap();
    let (store, batch, plans) = store_with_batch(dir.path(), 2);
    drop(store);

    let mut reader = read_only(dir.path());
    assert_eq!(reader.batch(batch).unwrap().unwrap().archives, 2);
    assert_eq!(reader.batch_items(batch).unwrap().len(), 2);
    assert_eq!(reader.batch_of_plan(plans[1]).unwrap(), Some(batch));
    let selection = BatchSelection::All;
    let more = archives(1);
    assert!(
        reader
            .record_batch(&intent(&vault(), &selection, &more))
            .is_err()
    );
    assert!(reader.record_batch_given_up(batch, at(1)).is_err());
    assert_eq!(reader.batches(None).unwrap().len(), 1);
}

#[test]
fn a_read_only_cache_of_schema_four_reads_its_plans_and_no_batches() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _, plans) = store_with_batch(dir.path(), 2);
    drop(store);
    let file = dir.path().join("catalog.sqlite");
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute_batch("DROP TABLE batch_plan; DROP TABLE batch; PRAGMA user_version = 4;")
        .unwrap();
    drop(conn);
    let before = std::fs::read(&file).unwrap();

    let reader = read_only(dir.path());
    let read: Vec<PlanId> = reader.plans(None).unwrap().iter().map(|p| p.id).collect();
    assert_eq!(read, plans);
    assert!(reader.batches(None).unwrap().is_empty());
    assert_eq!(reader.batch_of_plan(plans[0]).unwrap(), None);
    drop(reader);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is untouched"
    );
}

//! A cache opened only to read still reads its plans, also one whose catalog an
//! older defrost wrote (read from an upgraded copy in memory, the file left as it
//! is), and refuses to record any.

use std::path::Path;

use time::OffsetDateTime;

use crate::domain::job::PlanShape;
use crate::domain::range::ByteRange;
use crate::store::catalog::{Access, Catalog};
use crate::store::{JobIntent, PlanArchive, PlanIntent, Store, VaultKey};

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

fn at() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()
}

/// The store as `Store::open_for_reading` opens a cache it cannot write (which
/// a test running as the superuser cannot make).
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

fn intent(vault: &VaultKey) -> PlanIntent<'_> {
    PlanIntent {
        vault,
        archive: Some(PlanArchive {
            archive_id: "A".into(),
            ..PlanArchive::default()
        }),
        want: None,
        shape: PlanShape::Whole,
        made_by: "defrost",
        at: at(),
    }
}

/// A catalog whose two jobs were journaled by one launch, as schema 3 did.
fn journal_of_one_launch(dir: &Path) {
    let mut store = Store::open(dir).unwrap();
    let plan = r#"{"archive_id":"A","archive_size":3145728,"want":"0-3145727","plan":{"plan":"split","jobs":[{"start":0,"end":2097151},{"start":2097152,"end":3145727}],"bytes":3145728,"extra_bytes":0,"checksum":true}}"#;
    for range in ["2097152-3145727", "0-2097151"] {
        let params = format!(
            r#"{{"Type":"archive-retrieval","ArchiveId":"A","RetrievalByteRange":"{range}"}}"#
        );
        store
            .record_job_intent(&JobIntent {
                vault: &vault(),
                params_json: &params,
                plan_json: Some(plan),
                plan: None,
                started_by: "defrost",
                at: at(),
            })
            .unwrap();
    }
    drop(store);
    let conn = rusqlite::Connection::open(dir.join("catalog.sqlite")).unwrap();
    conn.execute_batch("DROP TABLE plan_job; DROP TABLE plan; PRAGMA user_version = 3;")
        .unwrap();
}

#[test]
fn a_read_only_cache_reads_its_plans_and_records_none() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let plan = store.record_plan(&intent(&vault())).unwrap();
    drop(store);

    let mut reader = read_only(dir.path());
    let plans = reader.plans(None).unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].id, plan);
    assert!(reader.record_plan(&intent(&vault())).is_err());
    assert!(reader.record_plan_finished(plan, "x", true, at()).is_err());
    assert_eq!(reader.plans(None).unwrap(), plans);
}

#[test]
fn a_read_only_cache_of_schema_three_shows_its_plans_and_stays_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    journal_of_one_launch(dir.path());
    let file = dir.path().join("catalog.sqlite");
    let before = std::fs::read(&file).unwrap();

    let mut reader = read_only(dir.path());
    let plans = reader.plans(None).unwrap();
    assert_eq!(plans.len(), 1, "{plans:?}");
    assert_eq!(plans[0].shape, PlanShape::Split);
    assert_eq!(plans[0].want, Some(ByteRange::new(0, 3_145_727).unwrap()));
    let positions: Vec<(u32, i64)> = plans[0]
        .jobs
        .iter()
        .map(|job| (job.position, job.entry.id.0))
        .collect();
    assert_eq!(positions, [(0, 2), (1, 1)]);
    assert_eq!(reader.journal(None).unwrap().len(), 2);
    assert!(reader.record_plan(&intent(&vault())).is_err());
    drop(reader);

    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is untouched"
    );
    let version: i64 = rusqlite::Connection::open(&file)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
}

#[test]
fn a_job_glacier_never_answered_still_says_the_tier_it_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let params = r#"{"Type":"archive-retrieval","ArchiveId":"A","Tier":"Expedited"}"#;
    store
        .record_job_intent(&JobIntent {
            vault: &vault(),
            params_json: params,
            plan_json: None,
            plan: None,
            started_by: "defrost",
            at: at(),
        })
        .unwrap();
    let plans = store.plans(None).unwrap();
    let job = &plans[0].jobs[0];
    assert_eq!(job.entry.job_id, None, "Glacier never answered");
    assert_eq!(
        job.asked_tier,
        Some(crate::domain::job_params::Tier::Expedited)
    );

    let unreadable = JobIntent {
        vault: &vault(),
        params_json: r#"{"Type":"archive-retrieval","ArchiveId":"B","Tier":"Soon"}"#,
        plan_json: None,
        plan: None,
        started_by: "defrost",
        at: at(),
    };
    store.record_job_intent(&unreadable).unwrap();
    let plans = store.plans(None).unwrap();
    assert_eq!(
        plans[1].jobs[0].asked_tier, None,
        "a tier it cannot read says nothing"
    );
}

//! Plans in the journal: a plan is written before its jobs and lists them in
//! order, a reused job stays its own plan's, every other job is a plan of one,
//! and a finished plan names its file.

use defrost::domain::job::{PlanShape, TrackedJob};
use defrost::domain::job_params::{JobKind, Tier};
use defrost::domain::range::{ByteRange, MIB};
use defrost::store::{
    JobIntent, JournalId, PlanArchive, PlanId, PlanIntent, PlanSlot, Store, VaultKey,
};
use time::OffsetDateTime;

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

fn vault(name: &str) -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: name.into(),
    }
}

fn range(start: u64, end: u64) -> ByteRange {
    ByteRange::new(start, end).unwrap()
}

fn archive() -> PlanArchive {
    PlanArchive {
        archive_id: "ARCHIVE".into(),
        size: Some(32 * MIB),
        tree_hash: Some("ab".repeat(32)),
        name: Some("photos/2019/x.bin".into()),
    }
}

fn split_intent(vault: &VaultKey) -> PlanIntent<'_> {
    PlanIntent {
        vault,
        archive: Some(archive()),
        want: Some(range(7 * MIB + 10, 12 * MIB + 5)),
        shape: PlanShape::Split,
        made_by: "defrost (alice@host)",
        at: at(0),
    }
}

fn params(range: Option<ByteRange>) -> String {
    match range {
        Some(range) => format!(
            r#"{{"Type":"archive-retrieval","ArchiveId":"ARCHIVE","RetrievalByteRange":"{range}"}}"#
        ),
        None => r#"{"Type":"archive-retrieval","ArchiveId":"ARCHIVE"}"#.into(),
    }
}

/// Journals a job retrieving `range` in `slot` (or as a plan of its own).
fn intent(
    store: &mut Store,
    vault: &VaultKey,
    range: Option<ByteRange>,
    slot: Option<PlanSlot>,
) -> JournalId {
    store
        .record_job_intent(&JobIntent {
            vault,
            params_json: &params(range),
            plan_json: None,
            plan: slot,
            started_by: "defrost (alice@host)",
            at: at(1),
        })
        .unwrap()
}

fn started(id: &str, range: Option<ByteRange>) -> TrackedJob {
    let mut job = TrackedJob::started(
        id.into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Bulk),
        at(2),
    );
    job.archive_id = Some("ARCHIVE".into());
    job.range = range;
    job
}

/// The split plan of 7 MiB + 10 to 12 MiB + 5 of a 32 MiB archive.
const SPLIT: [(u64, u64); 3] = [(7, 8), (8, 12), (12, 13)];

fn split_job(index: usize) -> ByteRange {
    let (first, end) = SPLIT[index];
    range(first * MIB, end * MIB - 1)
}

#[test]
fn a_split_plan_of_three_jobs_reads_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let photos = vault("photos");
    let plan = store.record_plan(&split_intent(&photos)).unwrap();
    // Journaled out of order: the plan's order is its positions.
    let mut ids = Vec::new();
    for position in [2, 0, 1] {
        let slot = PlanSlot { plan, position };
        ids.push(intent(
            &mut store,
            &photos,
            Some(split_job(position as usize)),
            Some(slot),
        ));
    }
    store
        .record_job_started(ids[1], &started("JOB-A", Some(split_job(0))))
        .unwrap();

    let read = store.plan(plan).unwrap().unwrap();
    assert_eq!(read.id, plan);
    assert_eq!(read.vault, photos);
    assert_eq!(read.archive, Some(archive()));
    assert_eq!(read.want, Some(range(7 * MIB + 10, 12 * MIB + 5)));
    assert_eq!(read.shape, PlanShape::Split);
    assert_eq!(read.made_by, "defrost (alice@host)");
    assert_eq!(read.made_at, "2027-01-15T08:00:00Z");
    assert_eq!(read.finished, None);
    let positions: Vec<u32> = read.jobs.iter().map(|job| job.position).collect();
    assert_eq!(positions, [0, 1, 2]);
    let ranges: Vec<Option<ByteRange>> = read.jobs.iter().map(|job| job.range).collect();
    assert_eq!(
        ranges,
        (0..3).map(|i| Some(split_job(i))).collect::<Vec<_>>()
    );
    let journal_ids: Vec<JournalId> = read.jobs.iter().map(|job| job.entry.id).collect();
    assert_eq!(journal_ids, [ids[1], ids[2], ids[0]]);
    assert!(read.jobs.iter().all(|job| job.entry.plan == Some(plan)));
    assert_eq!(read.jobs[0].entry.job_id.as_deref(), Some("JOB-A"));
    assert!(read.jobs[0].entry.state.is_some());

    // The journal names every job's plan; the list of plans holds just this one.
    assert!(
        store
            .journal(None)
            .unwrap()
            .iter()
            .all(|e| e.plan == Some(plan))
    );
    assert_eq!(store.plans(None).unwrap(), std::slice::from_ref(&read));
    assert_eq!(
        store.plans(Some(&photos)).unwrap(),
        std::slice::from_ref(&read)
    );
    assert!(store.plans(Some(&vault("other"))).unwrap().is_empty());
    assert_eq!(store.plan_of_job("JOB-A").unwrap(), Some(read));
    assert_eq!(store.plan_of_job("NEVER-SEEN").unwrap(), None);
    assert_eq!(store.plan(PlanId(plan.0 + 100)).unwrap(), None);
}

#[test]
fn a_reused_job_is_listed_by_the_later_plan_and_stays_its_own_plans() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let photos = vault("photos");
    let first = store.record_plan(&split_intent(&photos)).unwrap();
    let slot = PlanSlot {
        plan: first,
        position: 0,
    };
    let job = intent(&mut store, &photos, Some(split_job(0)), Some(slot));
    store
        .record_job_started(job, &started("JOB-1", Some(split_job(0))))
        .unwrap();

    let second = store.record_plan(&split_intent(&photos)).unwrap();
    assert_ne!(first, second);
    store.add_job_to_plan(second, 0, job).unwrap();
    // Listing it again changes nothing.
    store.add_job_to_plan(second, 0, job).unwrap();
    let slot = PlanSlot {
        plan: second,
        position: 1,
    };
    let own = intent(&mut store, &photos, Some(split_job(1)), Some(slot));

    let later = store.plan(second).unwrap().unwrap();
    let listed: Vec<(u32, JournalId, Option<PlanId>)> = later
        .jobs
        .iter()
        .map(|job| (job.position, job.entry.id, job.entry.plan))
        .collect();
    assert_eq!(listed, [(0, job, Some(first)), (1, own, Some(second))]);
    let earlier = store.plan(first).unwrap().unwrap();
    assert_eq!(earlier.jobs.len(), 1);
    assert_eq!(
        store.plan_of_job("JOB-1").unwrap().map(|p| p.id),
        Some(first)
    );
    let entry = store.journal(None).unwrap().remove(0);
    assert_eq!(entry.plan, Some(first));

    // Unknown plans and jobs are refused.
    let missing = PlanId(999);
    let err = store.add_job_to_plan(missing, 0, job).unwrap_err();
    assert!(err.to_string().contains("no plan P999"), "{err}");
    assert!(store.add_job_to_plan(second, 2, JournalId(999)).is_err());
}

#[test]
fn jobs_without_a_plan_and_adopted_jobs_are_plans_of_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let photos = vault("photos");
    let whole = intent(&mut store, &photos, None, None);
    // Chunks 4..8 are one node of the tree; chunks 1..3 are not.
    let node = intent(&mut store, &photos, Some(range(4 * MIB, 8 * MIB - 1)), None);
    let not_node = intent(&mut store, &photos, Some(range(MIB, 3 * MIB - 1)), None);
    let mut adopted = started("ELSEWHERE", Some(range(0, MIB - 1)));
    adopted.adopted = true;
    assert!(store.adopt_job(&photos, &adopted, "{}", at(5)).unwrap());
    let mut inventory = TrackedJob::started(
        "INVENTORY".into(),
        "photos".into(),
        JobKind::InventoryRetrieval,
        None,
        at(3),
    );
    inventory.adopted = true;
    assert!(store.adopt_job(&photos, &inventory, "{}", at(5)).unwrap());
    store
        .record_job_intent(&JobIntent {
            vault: &photos,
            params_json: r#"{"Type":"inventory-retrieval","Format":"JSON"}"#,
            plan_json: Some(r#"{"inventory_fetch":{"page":1,"previous_job":null}}"#),
            plan: None,
            started_by: "defrost",
            at: at(6),
        })
        .unwrap();

    let plans = store.plans(None).unwrap();
    let shapes: Vec<(PlanShape, Option<ByteRange>, &str)> = plans
        .iter()
        .map(|plan| (plan.shape, plan.want, plan.made_by.as_str()))
        .collect();
    assert_eq!(
        shapes,
        [
            (PlanShape::Whole, None, "defrost (alice@host)"),
            (
                PlanShape::Tree,
                Some(range(4 * MIB, 8 * MIB - 1)),
                "defrost (alice@host)"
            ),
            (
                PlanShape::Mib,
                Some(range(MIB, 3 * MIB - 1)),
                "defrost (alice@host)"
            ),
            (PlanShape::Tree, Some(range(0, MIB - 1)), "adopted"),
            (PlanShape::Inventory, None, "adopted"),
            (PlanShape::Inventory, None, "defrost"),
        ]
    );
    for plan in &plans {
        assert_eq!(plan.jobs.len(), 1, "{plan:?}");
        assert_eq!(plan.jobs[0].position, 0);
        assert_eq!(plan.jobs[0].entry.plan, Some(plan.id));
    }
    let ids: Vec<JournalId> = plans[..3].iter().map(|p| p.jobs[0].entry.id).collect();
    assert_eq!(ids, [whole, node, not_node]);
    // What the journal knows of the archive: its id, not its size.
    let known = PlanArchive {
        archive_id: "ARCHIVE".into(),
        ..PlanArchive::default()
    };
    assert_eq!(plans[0].archive.as_ref(), Some(&known));
    assert_eq!(plans[3].archive.as_ref(), Some(&known));
    assert_eq!(plans[3].made_at, "2027-01-15T08:00:02Z");
    assert_eq!(plans[4].archive, None);
    let adopted_plan = store.plan_of_job("ELSEWHERE").unwrap().unwrap();
    assert_eq!(adopted_plan.id, plans[3].id);
}

#[test]
fn a_finished_plan_names_its_file_and_its_last_job_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let photos = vault("photos");
    let plan = store.record_plan(&split_intent(&photos)).unwrap();
    let mut ids = Vec::new();
    for position in 0..2 {
        let slot = PlanSlot { plan, position };
        ids.push(intent(
            &mut store,
            &photos,
            Some(split_job(position as usize)),
            Some(slot),
        ));
    }
    store
        .record_plan_finished(
            plan,
            "photos/2019/x.bin.bytes-7340042-12582917",
            false,
            at(60),
        )
        .unwrap();
    let finished = store.plan(plan).unwrap().unwrap().finished.unwrap();
    assert_eq!(finished.path, "photos/2019/x.bin.bytes-7340042-12582917");
    assert!(!finished.verified);
    assert_eq!(finished.at, "2027-01-15T08:01:00Z");
    let last = store.job_events(ids[1]).unwrap().pop().unwrap();
    assert_eq!(last.what, "finished");
    assert_eq!(
        last.message.as_deref(),
        Some("photos/2019/x.bin.bytes-7340042-12582917 (not verified)")
    );
    assert_eq!(
        store.job_events(ids[0]).unwrap().last().unwrap().what,
        "requested"
    );

    // Finished again, verified this time: the newer file is the plan's.
    store
        .record_plan_finished(plan, "elsewhere/x.bin", true, at(90))
        .unwrap();
    let finished = store.plan(plan).unwrap().unwrap().finished.unwrap();
    assert_eq!(
        (finished.path.as_str(), finished.verified),
        ("elsewhere/x.bin", true)
    );
    let last = store.job_events(ids[1]).unwrap().pop().unwrap();
    assert_eq!(last.message.as_deref(), Some("elsewhere/x.bin"));

    let err = store
        .record_plan_finished(PlanId(77), "x", true, at(90))
        .unwrap_err();
    assert!(err.to_string().contains("no plan P77"), "{err}");
}

#[test]
fn refused_plans_and_slots_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let photos = vault("photos");
    let mut no_archive = split_intent(&photos);
    no_archive.archive = None;
    assert!(store.record_plan(&no_archive).is_err());
    let mut inventory_of_archive = split_intent(&photos);
    inventory_of_archive.shape = PlanShape::Inventory;
    assert!(store.record_plan(&inventory_of_archive).is_err());

    let unknown = PlanSlot {
        plan: PlanId(5),
        position: 0,
    };
    let err = store
        .record_job_intent(&JobIntent {
            vault: &photos,
            params_json: &params(None),
            plan_json: None,
            plan: Some(unknown),
            started_by: "defrost",
            at: at(0),
        })
        .unwrap_err();
    assert!(err.to_string().contains("no plan P5"), "{err}");
    // A plan of another vault is no place for the job either.
    let videos = vault("videos");
    let plan = store.record_plan(&split_intent(&videos)).unwrap();
    let elsewhere = PlanSlot { plan, position: 0 };
    let err = store
        .record_job_intent(&JobIntent {
            vault: &photos,
            params_json: &params(None),
            plan_json: None,
            plan: Some(elsewhere),
            started_by: "defrost",
            at: at(0),
        })
        .unwrap_err();
    assert!(err.to_string().contains("another vault"), "{err}");
    assert!(store.journal(None).unwrap().is_empty());
    assert_eq!(store.plans(None).unwrap().len(), 1);
}

#[test]
fn plan_ids_are_p_and_a_number() {
    for (text, id) in [("P12", 12), ("p12", 12), ("P1", 1), ("P007", 7)] {
        assert_eq!(text.parse::<PlanId>(), Ok(PlanId(id)), "{text}");
    }
    assert_eq!(PlanId(12).to_string(), "P12");
    assert_eq!(PlanId(12).to_string().parse::<PlanId>(), Ok(PlanId(12)));
    for text in [
        "12",
        "P",
        "Px",
        "P-1",
        "P+1",
        "P 1",
        " P1",
        "P1 ",
        "Q1",
        "",
        "P99999999999999999999",
    ] {
        let err = text.parse::<PlanId>().unwrap_err();
        assert!(err.to_string().contains("not a plan id"), "{text}: {err}");
    }
    assert_eq!(serde_json::to_string(&PlanId(3)).unwrap(), r#""P3""#);
    assert_eq!(
        serde_json::from_str::<PlanId>(r#""p3""#).unwrap(),
        PlanId(3)
    );
}

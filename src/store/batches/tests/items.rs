//! A batch followed item by item: the current job of each plan as its jobs are
//! asked for, started, renewed in place and reused, its finished file, and the
//! same answer as the plan's own reading.

use super::{BY, archive, at, store_with_batch, vault};
use crate::domain::job::{PlanShape, TrackedJob};
use crate::domain::job_params::{JobKind, Tier};
use crate::store::{BatchId, BatchItem, JobIntent, JournalId, PlanId, PlanIntent, PlanSlot, Store};

const PARAMS: &str = r#"{"Type":"archive-retrieval","ArchiveId":"A","Tier":"Bulk"}"#;

/// Journals a job in `plan` at `position`.
fn ask(store: &mut Store, plan: PlanId, position: u32, seconds: i64) -> JournalId {
    store
        .record_job_intent(&JobIntent {
            vault: &vault(),
            params_json: PARAMS,
            plan_json: None,
            plan: Some(PlanSlot { plan, position }),
            started_by: BY,
            at: at(seconds),
        })
        .unwrap()
}

fn started(job_id: &str, seconds: i64) -> TrackedJob {
    TrackedJob::started(
        job_id.into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Bulk),
        at(seconds),
    )
}

/// The item of `plan`, read both ways, which must agree.
fn item(store: &Store, batch: BatchId, plan: PlanId) -> BatchItem {
    let items = store.batch_items(batch).unwrap();
    let found = items.into_iter().find(|item| item.plan == plan).unwrap();
    assert_eq!(
        store.batch_item(batch, plan).unwrap().as_ref(),
        Some(&found)
    );
    found
}

#[test]
fn a_batch_holds_exactly_the_archives_it_was_made_of() {
    let dir = tempfile::tempdir().unwrap();
    let (store, batch, _) = store_with_batch(dir.path(), 3);
    let ids: Vec<String> = (0..4).map(|n| archive(n).archive_id).collect();
    let wanted = |count: usize| ids[..count].iter().map(String::as_str).collect();
    assert!(store.batch_holds_exactly(batch, &wanted(3)).unwrap());
    assert!(!store.batch_holds_exactly(batch, &wanted(2)).unwrap());
    assert!(!store.batch_holds_exactly(batch, &wanted(4)).unwrap());
    let other = [ids[0].as_str(), ids[1].as_str(), ids[3].as_str()].into();
    assert!(!store.batch_holds_exactly(batch, &other).unwrap());
    assert!(!store.batch_holds_exactly(BatchId(99), &wanted(3)).unwrap());
}

/// The plan's own idea of its current job: the last of its current jobs.
fn plan_current(store: &Store, plan: PlanId) -> Option<JournalId> {
    let entry = store.plan(plan).unwrap().unwrap();
    entry.current_jobs().last().map(|job| job.entry.id)
}

#[test]
fn items_come_in_the_batch_order_with_their_archives() {
    let dir = tempfile::tempdir().unwrap();
    let (store, batch, plans) = store_with_batch(dir.path(), 3);
    let items = store.batch_items(batch).unwrap();
    assert_eq!(items.len(), 3);
    for (n, item) in items.iter().enumerate() {
        let archive = archive(n);
        assert_eq!(item.plan, plans[n]);
        assert_eq!(item.ord as usize, n);
        assert_eq!(item.archive_id, archive.archive_id);
        assert_eq!((&item.name, item.size), (&archive.name, archive.size));
        assert_eq!(item.tree_hash, archive.tree_hash);
        assert_eq!(
            (item.jobs, &item.current, &item.finished),
            (0, &None, &None)
        );
    }
    assert!(store.batch_items(BatchId(99)).unwrap().is_empty());
    assert_eq!(store.batch_item(BatchId(99), plans[0]).unwrap(), None);
}

#[test]
fn the_current_job_is_asked_for_then_started_then_renewed_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 2);
    let plan = plans[1];

    let first = ask(&mut store, plan, 0, 10);
    let asked = item(&store, batch, plan);
    let current = asked.current.unwrap();
    // Asked for, not started: not a job yet.
    assert_eq!((asked.jobs, current.journal_id), (0, first));
    assert_eq!(
        (
            current.job_id,
            current.state,
            current.owned,
            current.refused
        ),
        (None, None, true, false)
    );
    // A refusal is said as such.
    let refused = ask(&mut store, plans[0], 0, 10);
    store
        .record_job_start_failed(refused, "no such archive", at(11))
        .unwrap();
    let refused_item = item(&store, batch, plans[0]);
    assert_eq!(refused_item.jobs, 0);
    assert!(refused_item.current.unwrap().refused);

    store
        .record_job_started(first, &started("JOB-1", 11))
        .unwrap();
    let current = item(&store, batch, plan).current.unwrap();
    assert_eq!(current.job_id.as_deref(), Some("JOB-1"));
    assert_eq!(current.state.as_deref(), Some(&started("JOB-1", 11)));

    // Its window closed: a renewal takes the same place, and counts from now.
    let renewal = ask(&mut store, plan, 0, 100);
    store
        .record_job_started(renewal, &started("JOB-2", 101))
        .unwrap();
    let renewed = item(&store, batch, plan);
    assert_eq!(renewed.jobs, 2);
    let current = renewed.current.unwrap();
    assert_eq!(
        (current.journal_id, current.job_id.as_deref()),
        (renewal, Some("JOB-2"))
    );
    assert_eq!(plan_current(&store, plan), Some(renewal));

    // The other archive's item has seen none of it.
    assert_eq!(item(&store, batch, plans[0]).jobs, 0);
}

#[test]
fn the_newest_job_at_the_highest_place_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 1);
    let plan = plans[0];
    let later_place = ask(&mut store, plan, 1, 10);
    let earlier_place = ask(&mut store, plan, 0, 20);
    let current = item(&store, batch, plan).current.unwrap();
    assert_eq!(current.journal_id, later_place);
    assert_ne!(current.journal_id, earlier_place);
    assert_eq!(plan_current(&store, plan), Some(later_place));
}

#[test]
fn failed_jobs_are_counted_whatever_came_between() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 1);
    let plan = plans[0];
    let failed = |job_id: &str, seconds: i64| TrackedJob {
        status: crate::domain::job::JobStatus::Failed,
        ..started(job_id, seconds)
    };
    let first = ask(&mut store, plan, 0, 10);
    store
        .record_job_started(first, &started("JOB-1", 11))
        .unwrap();
    store
        .record_job_state(&failed("JOB-1", 11), at(12))
        .unwrap();
    let renewal = ask(&mut store, plan, 0, 20);
    store
        .record_job_started(renewal, &started("JOB-2", 21))
        .unwrap();
    let once = item(&store, batch, plan);
    assert_eq!((once.jobs, once.failures), (2, 1));
    store
        .record_job_state(&failed("JOB-2", 21), at(22))
        .unwrap();
    let twice = item(&store, batch, plan);
    assert_eq!((twice.jobs, twice.failures), (2, 2));
}

#[test]
fn a_reused_job_is_current_but_not_owned() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 2);
    let earlier = store
        .record_plan(&PlanIntent {
            vault: &vault(),
            archive: Some(archive(0)),
            want: None,
            shape: PlanShape::Whole,
            made_by: BY,
            at: at(1),
        })
        .unwrap();
    let job = ask(&mut store, earlier, 0, 2);
    store.record_job_started(job, &started("JOB-R", 3)).unwrap();
    store.add_job_to_plan(plans[0], 0, job).unwrap();

    let reused = item(&store, batch, plans[0]);
    let current = reused.current.unwrap();
    assert_eq!((reused.jobs, current.journal_id), (1, job));
    assert_eq!(
        (current.owned, current.job_id.as_deref()),
        (false, Some("JOB-R"))
    );
    assert_eq!(store.batch_of_plan(earlier).unwrap(), None);
}

#[test]
fn a_finished_plan_shows_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 2);
    let job = ask(&mut store, plans[0], 0, 10);
    store
        .record_job_started(job, &started("JOB-F", 11))
        .unwrap();
    let file = "/restores/photos/photos/2019/IMG_00000.jpg";
    let before = item(&store, batch, plans[0]);
    assert!(before.current.as_ref().unwrap().state.is_some());
    store
        .record_plan_finished(plans[0], file, true, at(500))
        .unwrap();

    let items = store.batch_items(batch).unwrap();
    assert_eq!(items[0].finished.as_deref(), Some(file));
    let current = items[0].current.as_ref().unwrap();
    assert_eq!(current.journal_id, job);
    assert_eq!(current.job_id.as_deref(), Some("JOB-F"));
    // Once the file is finished its job's state is not read: no one needs it.
    assert_eq!(current.state, None);
    assert_eq!(item(&store, batch, plans[0]), items[0]);
    assert_eq!(items[1].finished, None);
}

#[test]
fn a_damaged_item_is_refused_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 2);
    let job = ask(&mut store, plans[1], 0, 10);
    let plan = plans[1].0;
    for (damage, says) in [
        (
            format!("UPDATE plan SET archive_size = 'big' WHERE id = {plan}"),
            "plan",
        ),
        (
            format!("UPDATE plan SET archive_id = NULL WHERE id = {plan}"),
            "plan",
        ),
        (
            format!("UPDATE job SET state = '{{' WHERE id = {}", job.0),
            "job",
        ),
    ] {
        // Seen by the store's own connection, and undone after.
        let conn = store.catalog.connection();
        conn.execute_batch(&format!("SAVEPOINT damage; {damage};"))
            .unwrap();
        let err = store.batch_items(batch).unwrap_err().to_string();
        assert!(
            err.contains(&format!("record of {says}")),
            "{damage}: {err}"
        );
        assert!(err.contains("damaged"), "{err}");
        assert!(store.batch_item(batch, plans[1]).is_err());
        assert!(store.batch_item(batch, plans[0]).unwrap().is_some());
        let conn = store.catalog.connection();
        conn.execute_batch("ROLLBACK TO damage; RELEASE damage;")
            .unwrap();
    }
    assert_eq!(store.batch_items(batch).unwrap().len(), 2);
}

#[test]
fn the_jobs_of_one_archive_are_found_without_the_rest_of_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, plans) = store_with_batch(dir.path(), 3);
    let with_archive = |job_id: &str, n: usize| {
        let mut job = started(job_id, 11);
        job.archive_id = Some(archive(n).archive_id);
        job
    };
    let (first, second) = (
        ask(&mut store, plans[0], 0, 10),
        ask(&mut store, plans[1], 0, 10),
    );
    ask(&mut store, plans[2], 0, 10);
    store
        .record_job_started(first, &with_archive("JOB-0", 0))
        .unwrap();
    store
        .record_job_started(second, &with_archive("JOB-1", 1))
        .unwrap();
    // An id that holds another as its start is another archive.
    let mut longer = with_archive("JOB-LONGER", 0);
    longer.archive_id = Some(format!("{}X", archive(0).archive_id));
    store.adopt_job(&vault(), &longer, PARAMS, at(12)).unwrap();

    let found = store
        .jobs_of_archive(&vault(), &archive(0).archive_id)
        .unwrap();
    let ids: Vec<Option<&str>> = found.iter().map(|entry| entry.job_id.as_deref()).collect();
    assert_eq!(ids, vec![Some("JOB-0")]);
    assert_eq!(found[0].plan, Some(plans[0]));
    // The same entry as the whole journal holds.
    let whole = store.journal(Some(&vault())).unwrap();
    assert!(whole.contains(&found[0]));

    let other_vault = crate::store::VaultKey {
        name: "other".into(),
        ..vault()
    };
    assert!(
        store
            .jobs_of_archive(&other_vault, &archive(0).archive_id)
            .unwrap()
            .is_empty()
    );
    // A request not answered has no state that names an archive.
    assert!(
        store
            .jobs_of_archive(&vault(), &archive(2).archive_id)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_look_at_list_jobs_reads_the_listed_and_the_ready_jobs_only() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _, plans) = store_with_batch(dir.path(), 4);
    for (n, status) in [
        crate::domain::job::JobStatus::InProgress,
        crate::domain::job::JobStatus::Succeeded,
        crate::domain::job::JobStatus::Failed,
    ]
    .into_iter()
    .enumerate()
    {
        let id = ask(&mut store, plans[n], 0, 10);
        let mut job = started(&format!("JOB-{n}"), 11);
        store.record_job_started(id, &job).unwrap();
        job.status = status;
        store.record_job_state(&job, at(12)).unwrap();
    }
    // An intent never answered is neither listed nor ready.
    ask(&mut store, plans[3], 0, 10);

    let read = |listed: &[&str]| -> Vec<String> {
        let listed: Vec<String> = listed.iter().map(|id| id.to_string()).collect();
        store
            .journal_to_list(&vault(), &listed)
            .unwrap()
            .into_iter()
            .filter_map(|entry| entry.job_id)
            .collect()
    };
    assert_eq!(read(&["JOB-0"]), vec!["JOB-0", "JOB-1"]);
    assert_eq!(read(&[]), vec!["JOB-1"]);
    assert_eq!(read(&["JOB-2", "NOT-JOURNALED"]), vec!["JOB-1", "JOB-2"]);
    // The entries are the journal's own.
    let whole = store.journal(Some(&vault())).unwrap();
    let listed = store.journal_to_list(&vault(), &["JOB-0".into()]).unwrap();
    assert!(listed.iter().all(|entry| whole.contains(entry)));
}

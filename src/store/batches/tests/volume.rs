//! A batch of a hundred thousand archives is recorded whole, in one
//! transaction, and read back item by item. The figure that matters, the time
//! in a release build (well under two seconds to record), comes from the
//! ignored test below:
//!
//! ```text
//! cargo test --release --lib store::batches::tests::volume -- --ignored --nocapture
//! ```

use std::time::Instant;

use super::{archives, intent, vault};
use crate::domain::job::TrackedJob;
use crate::domain::job_params::JobKind;
use crate::store::{BatchSelection, Store};

const ARCHIVES: usize = 100_000;

#[test]
fn a_hundred_thousand_archives_are_recorded_whole_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let selection = BatchSelection::All;
    let archives = archives(ARCHIVES);
    let (batch, plans) = store
        .record_batch(&intent(&vault(), &selection, &archives))
        .unwrap();
    assert_eq!(plans.len(), ARCHIVES);
    assert!(plans.windows(2).all(|pair| pair[0] < pair[1]));
    assert_eq!(
        store.batch(batch).unwrap().unwrap().archives,
        ARCHIVES as u64
    );

    let items = store.batch_items(batch).unwrap();
    assert_eq!(items.len(), ARCHIVES);
    let in_order = items
        .iter()
        .zip(&plans)
        .enumerate()
        .all(|(n, (item, plan))| {
            item.ord as usize == n
                && item.plan == *plan
                && item.archive_id == archives[n].archive_id
        });
    assert!(in_order);
    assert_eq!(
        store.batch_of_plan(plans[ARCHIVES - 1]).unwrap(),
        Some(batch)
    );
}

/// Records, reads and reports the time and the peak memory of the process.
#[test]
#[ignore = "a measurement: run it in a release build, see the header"]
fn recording_and_reading_a_hundred_thousand_archives_is_quick() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let selection = BatchSelection::All;
    let archives = archives(ARCHIVES);
    let started = Instant::now();
    let (batch, plans) = store
        .record_batch(&intent(&vault(), &selection, &archives))
        .unwrap();
    let recorded = started.elapsed();
    assert_eq!(plans.len(), archives.len());
    drop(archives);
    start_every_plan(dir.path());
    let (before, started) = (memory("VmRSS"), Instant::now());
    let items = store.batch_items(batch).unwrap();
    let read = started.elapsed();
    let after = memory("VmRSS");
    assert!(items.iter().all(|item| item.current.is_some()));
    eprintln!(
        "{ARCHIVES} archives: recorded in {recorded:?}, items read in {read:?}; \
         resident {before} kB before reading, {after} kB after, peak {} kB",
        memory("VmHWM")
    );
    // Unoptimised code, SQLite's included, says nothing about the release.
    if !cfg!(debug_assertions) {
        assert!(recorded.as_secs_f64() < 2.0, "recorded in {recorded:?}");
    }
}

/// Gives every plan of the catalog in `dir` a started job, as a batch in full
/// flight has them: straight into the tables, since a transaction per job
/// would time the disk rather than the reading.
fn start_every_plan(dir: &std::path::Path) {
    let mut state = TrackedJob::started(
        format!("JOB-{:0>88}", 0),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        None,
        super::at(2),
    );
    state.archive_id = Some(super::archive(0).archive_id);
    let state = serde_json::to_string(&state).unwrap();
    let mut conn = rusqlite::Connection::open(dir.join("catalog.sqlite")).unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute(
        "INSERT INTO job (id, vault_id, job_id, params, started_by, adopted, requested_at, state)
         SELECT bp.plan, 1, printf('JOB-%088d', bp.plan), '{}', 'defrost', 0,
                '2027-01-15T08:00:01Z', ?1
         FROM batch_plan bp",
        [state],
    )
    .unwrap();
    tx.execute_batch(
        "INSERT INTO plan_job (plan, job, position, owner) SELECT plan, plan, 0, 1 FROM batch_plan",
    )
    .unwrap();
    tx.commit().unwrap();
}

/// One of the process's memory figures (`VmRSS`, `VmHWM`) in kB, as Linux
/// reports them; 0 elsewhere.
fn memory(figure: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(figure)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

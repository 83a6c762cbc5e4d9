//! A journal written by the release before plans (catalog schema 3) opens under
//! schema 4 with a plan for every job: the jobs of one launch as one plan, in
//! the order the launch planned them, every other job a plan of its own. Nothing
//! of the journal is lost or changed, and opening it again changes nothing.

use defrost::domain::job::{JobStatus, PlanShape, TrackedJob};
use defrost::domain::job_params::{JobKind, Tier};
use defrost::domain::range::{ByteRange, MIB};
use defrost::store::{CATALOG_SCHEMA, JournalId, PlanEntry, Store};
use rusqlite::{Connection, params};
use time::macros::datetime;

/// The schema release 3 wrote, verbatim: the catalog, journal and claims tables.
const V3_DDL: &str = "
CREATE TABLE vault (
    id      INTEGER PRIMARY KEY,
    -- '-' when unknown: Glacier's own word for the account of the credentials
    account TEXT NOT NULL,
    region  TEXT NOT NULL,
    name    TEXT NOT NULL,
    UNIQUE (account, region, name)
);
CREATE TABLE snapshot (
    id             INTEGER PRIMARY KEY,
    vault_id       INTEGER NOT NULL REFERENCES vault(id),
    -- InventoryDate exactly as Glacier wrote it, and as Unix seconds for sorting
    inventory_date TEXT NOT NULL,
    inventory_unix INTEGER NOT NULL,
    -- when and how defrost obtained it
    obtained_at    TEXT NOT NULL,
    source         TEXT NOT NULL,
    format         TEXT NOT NULL,
    archive_count  INTEGER NOT NULL,
    -- decimal text: ten million archives of up to 40 TiB can pass a 64-bit integer
    total_size     TEXT NOT NULL,
    -- the snapshot's own database, relative to the snapshots folder
    file           TEXT NOT NULL UNIQUE,
    UNIQUE (vault_id, inventory_unix)
);

CREATE TABLE job (
    id           INTEGER PRIMARY KEY,
    vault_id     INTEGER NOT NULL REFERENCES vault(id),
    -- Glacier's JobId; NULL while InitiateJob has not answered (or failed)
    job_id       TEXT UNIQUE,
    -- the InitiateJob request body as sent, or as DescribeJob showed an adopted job
    params       TEXT NOT NULL,
    -- the retrieval plan this job is part of (JSON), when there is one
    plan         TEXT,
    -- who asked: defrost with the user and host, or the tool that did (adopted)
    started_by   TEXT NOT NULL,
    adopted      INTEGER NOT NULL,
    requested_at TEXT NOT NULL,
    -- the job as tracked (JSON of domain::job::TrackedJob); NULL until started
    state        TEXT
);
CREATE TABLE job_event (
    id      INTEGER PRIMARY KEY,
    job     INTEGER NOT NULL REFERENCES job(id),
    at      TEXT NOT NULL,
    -- requested, started, adopted, start failed, the new status, or what became
    -- of the output: downloaded (message: the file), imported (message: the snapshot)
    what    TEXT NOT NULL,
    message TEXT
);

CREATE TABLE restore_claim (
    id         INTEGER PRIMARY KEY,
    -- the target folder, as an absolute path with links resolved
    folder     TEXT NOT NULL,
    -- the path inside it, components joined by '/', as written
    path       TEXT NOT NULL,
    -- the same, lower-cased: what file systems that ignore case compare
    path_key   TEXT NOT NULL,
    -- what was restored there: 'archive ID', or 'inventory job ID'
    owner      TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    UNIQUE (folder, path_key),
    UNIQUE (folder, owner)
);
PRAGMA application_id = 1684435555;
PRAGMA user_version = 3;
";

/// A 3 MiB + 12345 byte archive.
const ARCHIVE: &str = "ARCHIVE-1";
const SIZE: u64 = 3 * MIB + 12_345;
const LAUNCHED: &str = "2026-03-01T12:00:00Z";
const BY: &str = "defrost (alice@host)";

/// What the launcher wrote on each job of `--range 1MiB- --plan split`.
fn split_plan_json() -> String {
    format!(
        r#"{{"archive_id":"{ARCHIVE}","archive_size":{SIZE},"want":"1048576-{end}","plan":{{"plan":"split","jobs":[{{"start":1048576,"end":2097151}},{{"start":2097152,"end":{end}}}],"bytes":{bytes},"extra_bytes":0,"checksum":true}}}}"#,
        end = SIZE - 1,
        bytes = SIZE - MIB,
    )
}

/// What it wrote for a whole archive.
fn whole_plan_json() -> String {
    format!(r#"{{"archive_id":"{ARCHIVE}","archive_size":{SIZE},"want":null,"plan":null}}"#)
}

fn params(range: Option<(u64, u64)>, tier: &str) -> String {
    match range {
        Some((start, end)) => format!(
            r#"{{"Type":"archive-retrieval","ArchiveId":"{ARCHIVE}","RetrievalByteRange":"{start}-{end}","Tier":"{tier}"}}"#
        ),
        None => {
            format!(r#"{{"Type":"archive-retrieval","ArchiveId":"{ARCHIVE}","Tier":"{tier}"}}"#)
        }
    }
}

fn state(job_id: &str, range: Option<(u64, u64)>, adopted: bool) -> String {
    let mut job = TrackedJob::started(
        job_id.into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Expedited),
        datetime!(2026-03-01 12:00 UTC),
    );
    job.archive_id = Some(ARCHIVE.into());
    job.range = range.map(|(start, end)| ByteRange::new(start, end).unwrap());
    job.adopted = adopted;
    serde_json::to_string(&job).unwrap()
}

/// One job row and its events, as release 3 wrote them.
struct Row<'a> {
    job_id: Option<&'a str>,
    params: String,
    plan: Option<String>,
    started_by: &'a str,
    adopted: bool,
    requested_at: &'a str,
    state: Option<String>,
    events: &'a [(&'a str, Option<&'a str>)],
}

fn insert(conn: &Connection, row: &Row<'_>) -> i64 {
    conn.execute(
        "INSERT INTO job (vault_id, job_id, params, plan, started_by, adopted, requested_at, state)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            row.job_id,
            row.params,
            row.plan,
            row.started_by,
            row.adopted,
            row.requested_at,
            row.state
        ],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    for (what, message) in row.events {
        conn.execute(
            "INSERT INTO job_event (job, at, what, message) VALUES (?1, ?2, ?3, ?4)",
            params![id, row.requested_at, what, message],
        )
        .unwrap();
    }
    id
}

/// A catalog as release 3 left it, holding a split plan of two jobs (the first
/// downloaded), a whole-archive job, an adopted job and an inventory job.
fn v3_catalog(dir: &std::path::Path) -> [i64; 5] {
    let conn = Connection::open(dir.join("catalog.sqlite")).unwrap();
    conn.execute_batch(V3_DDL).unwrap();
    conn.execute(
        "INSERT INTO vault (account, region, name) VALUES ('-', 'us-east-1', 'photos')",
        [],
    )
    .unwrap();
    let started = [("requested", None), ("started", None)];
    let first = (MIB, 2 * MIB - 1);
    let second = (2 * MIB, SIZE - 1);
    let downloaded = [
        ("requested", None),
        ("started", None),
        ("Succeeded", None),
        ("downloaded", Some("/restores/photos/2019/beach.jpg")),
    ];
    let split = |job_id, range, events| Row {
        job_id: Some(job_id),
        params: params(Some(range), "Expedited"),
        plan: Some(split_plan_json()),
        started_by: BY,
        adopted: false,
        requested_at: LAUNCHED,
        state: Some(state(job_id, Some(range), false)),
        events,
    };
    let split_first = insert(&conn, &split("JOB-S1", first, &downloaded));
    let split_second = insert(&conn, &split("JOB-S2", second, &started));
    let whole = insert(
        &conn,
        &Row {
            job_id: Some("JOB-W"),
            params: params(None, "Bulk"),
            plan: Some(whole_plan_json()),
            started_by: BY,
            adopted: false,
            requested_at: "2026-03-01T13:00:00Z",
            state: Some(state("JOB-W", None, false)),
            events: &started,
        },
    );
    let adopted = insert(
        &conn,
        &Row {
            job_id: Some("JOB-A"),
            params: params(Some((0, MIB - 1)), "Standard"),
            plan: None,
            started_by: "adopted",
            adopted: true,
            requested_at: "2026-02-28T09:00:00Z",
            state: Some(state("JOB-A", Some((0, MIB - 1)), true)),
            events: &[("adopted", None)],
        },
    );
    let inventory = insert(
        &conn,
        &Row {
            job_id: None,
            params: r#"{"Type":"inventory-retrieval","Format":"JSON"}"#.into(),
            plan: Some(r#"{"inventory_fetch":{"page":1,"previous_job":null}}"#.into()),
            started_by: BY,
            adopted: false,
            requested_at: "2026-03-01T14:00:00Z",
            state: None,
            events: &[("requested", None), ("start failed", Some("throttled"))],
        },
    );
    [split_first, split_second, whole, adopted, inventory]
}

/// Every row of `table`, as text, in rowid order.
fn dump(path: &std::path::Path, table: &str) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let mut statement = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
        .unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            let values: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            Ok(values.join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn jobs_of(plan: &PlanEntry) -> Vec<(u32, JournalId, Option<i64>)> {
    plan.jobs
        .iter()
        .map(|job| (job.position, job.entry.id, job.entry.plan.map(|p| p.0)))
        .collect()
}

#[test]
fn a_journal_of_schema_three_becomes_plans_and_keeps_every_job_and_event() {
    let dir = tempfile::tempdir().unwrap();
    let [split_first, split_second, whole, adopted, inventory] = v3_catalog(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    let (jobs, events) = (dump(&catalog, "job"), dump(&catalog, "job_event"));

    let store = Store::open(dir.path()).unwrap();
    let plans = store.plans(None).unwrap();
    assert_eq!(plans.len(), 4, "{plans:#?}");
    let summary: Vec<(PlanShape, Option<ByteRange>, &str)> = plans
        .iter()
        .map(|plan| (plan.shape, plan.want, plan.made_by.as_str()))
        .collect();
    let want = ByteRange::new(MIB, SIZE - 1).unwrap();
    assert_eq!(
        summary,
        [
            (PlanShape::Split, Some(want), BY),
            (PlanShape::Whole, None, BY),
            (
                PlanShape::Tree,
                Some(ByteRange::new(0, MIB - 1).unwrap()),
                "adopted"
            ),
            (PlanShape::Inventory, None, BY),
        ]
    );
    let id = |n: usize| Some(plans[n].id.0);
    assert_eq!(
        jobs_of(&plans[0]),
        [
            (0, JournalId(split_first), id(0)),
            (1, JournalId(split_second), id(0))
        ]
    );
    assert_eq!(jobs_of(&plans[1]), [(0, JournalId(whole), id(1))]);
    assert_eq!(jobs_of(&plans[2]), [(0, JournalId(adopted), id(2))]);
    assert_eq!(jobs_of(&plans[3]), [(0, JournalId(inventory), id(3))]);
    let split = &plans[0];
    let archive = split.archive.as_ref().unwrap();
    assert_eq!(
        (archive.archive_id.as_str(), archive.size),
        (ARCHIVE, Some(SIZE))
    );
    assert_eq!(split.made_at, LAUNCHED);
    assert_eq!(plans[1].archive.as_ref().unwrap().size, Some(SIZE));
    assert_eq!(plans[2].made_at, "2026-02-28T09:00:00Z");
    assert_eq!(plans[3].archive, None);
    assert!(plans.iter().all(|plan| plan.finished.is_none()));
    assert_eq!(
        split.jobs[0].entry.state.as_ref().map(|s| s.status),
        Some(JobStatus::InProgress)
    );

    // The downloaded event is still there, and so is everything else.
    let downloaded = store
        .jobs_whose_output_was(defrost::store::OutputUse::Downloaded)
        .unwrap();
    assert_eq!(
        downloaded.into_iter().collect::<Vec<_>>(),
        [JournalId(split_first)]
    );
    assert_eq!(dump(&catalog, "job"), jobs);
    assert_eq!(dump(&catalog, "job_event"), events);
    let version: i64 = Connection::open(&catalog)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, CATALOG_SCHEMA);
    drop(store);

    // Opening it again changes nothing.
    let (plan_rows, members) = (dump(&catalog, "plan"), dump(&catalog, "plan_job"));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.plans(None).unwrap(), plans);
    drop(store);
    assert_eq!(dump(&catalog, "plan"), plan_rows);
    assert_eq!(dump(&catalog, "plan_job"), members);
    assert_eq!(dump(&catalog, "job_event"), events);
}

#[test]
fn reused_jobs_and_launches_alike_to_the_second_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("catalog.sqlite")).unwrap();
    conn.execute_batch(V3_DDL).unwrap();
    conn.execute(
        "INSERT INTO vault (account, region, name) VALUES ('-', 'us-east-1', 'photos')",
        [],
    )
    .unwrap();
    let first = (MIB, 2 * MIB - 1);
    let second = (2 * MIB, SIZE - 1);
    let started = [("requested", None), ("started", None)];
    let row = |job_id, range, requested_at| Row {
        job_id: Some(job_id),
        params: params(range, "Bulk"),
        plan: Some(match range {
            Some(_) => split_plan_json(),
            None => whole_plan_json(),
        }),
        started_by: BY,
        adopted: false,
        requested_at,
        state: Some(state(job_id, range, false)),
        events: &started,
    };
    // A first split launch started only its first job (the second was refused,
    // and left no job); a later one reused that job and started the second.
    let reused = insert(&conn, &row("JOB-1", Some(first), "2026-03-01T10:00:00Z"));
    let later = insert(&conn, &row("JOB-2", Some(second), "2026-03-01T11:00:00Z"));
    // Two whole-archive launches in one second: two plans.
    let whole_a = insert(&conn, &row("JOB-3", None, "2026-03-01T12:00:00Z"));
    let whole_b = insert(&conn, &row("JOB-4", None, "2026-03-01T12:00:00Z"));
    drop(conn);

    let store = Store::open(dir.path()).unwrap();
    let plans = store.plans(None).unwrap();
    assert_eq!(plans.len(), 4, "{plans:#?}");
    let id = |n: usize| Some(plans[n].id.0);
    assert_eq!(jobs_of(&plans[0]), [(0, JournalId(reused), id(0))]);
    assert_eq!(
        jobs_of(&plans[1]),
        [(0, JournalId(reused), id(0)), (1, JournalId(later), id(1))]
    );
    assert_eq!(jobs_of(&plans[2]), [(0, JournalId(whole_a), id(2))]);
    assert_eq!(jobs_of(&plans[3]), [(0, JournalId(whole_b), id(3))]);
    assert_eq!(
        store.plan_of_job("JOB-1").unwrap().map(|p| p.id),
        Some(plans[0].id)
    );
}

#[test]
fn a_catalog_that_cannot_be_upgraded_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    v3_catalog(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    // A table in the way of the upgrade: `plan` as something else entirely.
    let conn = Connection::open(&catalog).unwrap();
    conn.execute_batch("CREATE VIEW plan_job AS SELECT 1 AS x;")
        .unwrap();
    drop(conn);
    let before = (dump(&catalog, "job"), dump(&catalog, "job_event"));

    assert!(Store::open(dir.path()).is_err());
    assert_eq!((dump(&catalog, "job"), dump(&catalog, "job_event")), before);
    let conn = Connection::open(&catalog).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'plan'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the upgrade was rolled back whole");
}

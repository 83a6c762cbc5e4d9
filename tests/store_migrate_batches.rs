//! A journal written by the release before batches (catalog schema 4) opens
//! under schema 5 with the batch tables added and nothing else changed: its
//! vaults, jobs, their events, plans and the plans' jobs are exactly as they
//! were, and opening it again changes nothing. A catalog that cannot be
//! upgraded is left as it was, and a read-only one is read through an upgraded
//! copy, the file untouched.
//!
//! The read-only test runs itself again in a child process over a data
//! directory without write permission. A superuser writes whatever the mode
//! bits say, so when the tests run as root, the child runs through `setpriv`
//! without the capabilities that override file permissions.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use defrost::domain::job::PlanShape;
use defrost::domain::job_params::Tier;
use defrost::store::{
    BatchIntent, BatchLimits, BatchSelection, CATALOG_SCHEMA, JournalId, PlanArchive, PlanEntry,
    PlanId, Store, VaultKey,
};
use rusqlite::Connection;

/// The schema release 4 wrote, verbatim: the catalog, journal, claims and plan
/// tables.
const V4_DDL: &str = "
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
    -- what the launcher knew of the plan (JSON), when there is one; the plan
    -- itself is in the plan tables (schema 4)
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
    -- of the output: downloaded (message: the file), imported (message: the snapshot),
    -- finished (on a plan's last job; message: the plan's file)
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
CREATE TABLE IF NOT EXISTS plan (
    id                INTEGER PRIMARY KEY,
    vault_id          INTEGER NOT NULL REFERENCES vault(id),
    -- the archive as the inventory had it; archive_id is NULL for an inventory
    archive_id        TEXT,
    -- decimal bytes, as the catalog writes sizes; NULL when not known
    archive_size      TEXT,
    tree_hash         TEXT,
    -- the decoded name
    name              TEXT,
    -- the wanted bytes 'START-END' as the user gave them; NULL for the whole
    -- archive or an inventory
    want              TEXT,
    -- whole, mib, tree, split or inventory
    shape             TEXT NOT NULL,
    made_by           TEXT NOT NULL,
    made_at           TEXT NOT NULL,
    -- the finished file, once the plan's bytes are in it
    finished_path     TEXT,
    finished_verified INTEGER,
    finished_at       TEXT
);
CREATE INDEX IF NOT EXISTS plan_by_vault ON plan (vault_id);
CREATE TABLE IF NOT EXISTS plan_job (
    plan     INTEGER NOT NULL REFERENCES plan(id),
    job      INTEGER NOT NULL REFERENCES job(id),
    -- the job's place in the plan, from 0; a renewed job may share its place
    -- with the expired one it replaces
    position INTEGER NOT NULL,
    -- 1 in the plan the job belongs to, 0 in a later plan that reuses it
    owner    INTEGER NOT NULL,
    PRIMARY KEY (plan, job)
);
CREATE UNIQUE INDEX IF NOT EXISTS plan_job_owner ON plan_job (job) WHERE owner = 1;
CREATE INDEX IF NOT EXISTS plan_job_by_job ON plan_job (job);
PRAGMA application_id = 1684435555;
PRAGMA user_version = 4;
";

/// What release 4 journaled: a whole-archive plan finished from its one job, a
/// split plan of two jobs whose first the whole plan's later twin reuses, and
/// an inventory plan whose job never answered.
const V4_ROWS: &str = r#"
INSERT INTO vault (id, account, region, name) VALUES (1, '-', 'us-east-1', 'photos');
INSERT INTO job (id, vault_id, job_id, params, plan, started_by, adopted, requested_at, state)
VALUES
 (1, 1, 'JOB-W', '{"Type":"archive-retrieval","ArchiveId":"A"}', NULL,
  'defrost (alice@host)', 0, '2026-03-01T12:00:00Z', NULL),
 (2, 1, 'JOB-S1', '{"Type":"archive-retrieval","ArchiveId":"B","RetrievalByteRange":"0-1048575"}',
  NULL, 'defrost (alice@host)', 0, '2026-03-01T13:00:00Z', NULL),
 (3, 1, 'JOB-S2', '{"Type":"archive-retrieval","ArchiveId":"B","RetrievalByteRange":"1048576-2097151"}',
  NULL, 'defrost (alice@host)', 0, '2026-03-01T13:00:00Z', NULL),
 (4, 1, NULL, '{"Type":"inventory-retrieval","Format":"JSON"}', NULL,
  'defrost (alice@host)', 0, '2026-03-01T14:00:00Z', NULL);
INSERT INTO job_event (job, at, what, message) VALUES
 (1, '2026-03-01T12:00:00Z', 'requested', NULL),
 (1, '2026-03-01T12:00:01Z', 'started', NULL),
 (1, '2026-03-01T18:00:00Z', 'finished', '/restores/a.bin'),
 (2, '2026-03-01T13:00:00Z', 'requested', NULL),
 (3, '2026-03-01T13:00:00Z', 'requested', NULL),
 (4, '2026-03-01T14:00:00Z', 'requested', NULL);
INSERT INTO plan (id, vault_id, archive_id, archive_size, tree_hash, name, want, shape,
                  made_by, made_at, finished_path, finished_verified, finished_at)
VALUES
 (1, 1, 'A', '5000', NULL, 'a.bin', NULL, 'whole', 'defrost (alice@host)',
  '2026-03-01T12:00:00Z', '/restores/a.bin', 1, '2026-03-01T18:00:00Z'),
 (2, 1, 'B', '2097152', NULL, NULL, NULL, 'split', 'defrost (alice@host)',
  '2026-03-01T13:00:00Z', NULL, NULL, NULL),
 (3, 1, 'B', '2097152', NULL, NULL, '0-1048575', 'tree', 'defrost (alice@host)',
  '2026-03-01T13:30:00Z', NULL, NULL, NULL),
 (4, 1, NULL, NULL, NULL, NULL, NULL, 'inventory', 'defrost (alice@host)',
  '2026-03-01T14:00:00Z', NULL, NULL, NULL);
INSERT INTO plan_job (plan, job, position, owner) VALUES
 (1, 1, 0, 1), (2, 2, 0, 1), (2, 3, 1, 1), (3, 2, 0, 0), (4, 4, 0, 1);
"#;

/// Makes the catalog of a release 4 data directory in `dir`.
fn v4_catalog(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("catalog.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(V4_DDL).unwrap();
    conn.execute_batch(V4_ROWS).unwrap();
    path
}

/// Every row of `table`, as text, in rowid order.
fn dump(path: &Path, table: &str) -> Vec<String> {
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

const V4_TABLES: [&str; 7] = [
    "vault",
    "snapshot",
    "job",
    "job_event",
    "restore_claim",
    "plan",
    "plan_job",
];

fn dump_all(path: &Path, tables: &[&str]) -> Vec<Vec<String>> {
    tables.iter().map(|table| dump(path, table)).collect()
}

fn version(path: &Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// A plan's jobs: each one's place, journal key and owning plan.
type Members = Vec<(u32, JournalId, Option<i64>)>;

/// The plans release 4 journaled, as the store reads them: each with its jobs
/// and owners.
fn check_v4_plans(plans: &[PlanEntry]) {
    let summary: Vec<(PlanId, PlanShape, Members)> = plans
        .iter()
        .map(|plan| {
            let jobs = plan
                .jobs
                .iter()
                .map(|job| (job.position, job.entry.id, job.entry.plan.map(|p| p.0)))
                .collect();
            (plan.id, plan.shape, jobs)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                PlanId(1),
                PlanShape::Whole,
                vec![(0, JournalId(1), Some(1))]
            ),
            (
                PlanId(2),
                PlanShape::Split,
                vec![(0, JournalId(2), Some(2)), (1, JournalId(3), Some(2))]
            ),
            (PlanId(3), PlanShape::Tree, vec![(0, JournalId(2), Some(2))]),
            (
                PlanId(4),
                PlanShape::Inventory,
                vec![(0, JournalId(4), Some(4))]
            ),
        ]
    );
    let finished = plans[0].finished.as_ref().unwrap();
    assert_eq!(
        (finished.path.as_str(), finished.verified),
        ("/restores/a.bin", true)
    );
}

fn photos() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

#[test]
fn a_journal_of_schema_four_gains_batches_and_keeps_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = v4_catalog(dir.path());
    let before = dump_all(&catalog, &V4_TABLES);

    let mut store = Store::open(dir.path()).unwrap();
    // Brought up to the newest schema, whatever batches were added in.
    assert_eq!(version(&catalog), CATALOG_SCHEMA);
    assert_eq!(dump_all(&catalog, &V4_TABLES), before);
    let plans = store.plans(None).unwrap();
    check_v4_plans(&plans);
    assert!(store.batches(None).unwrap().is_empty());
    assert_eq!(store.batch_of_plan(PlanId(1)).unwrap(), None);

    // The new tables work: a batch of two archives after the old plans.
    let selection = BatchSelection::Under("b/".into());
    let archives = ["C", "D"].map(|id| PlanArchive {
        archive_id: id.into(),
        ..PlanArchive::default()
    });
    let (batch, batch_plans) = store
        .record_batch(&BatchIntent {
            vault: &photos(),
            selection: &selection,
            tier: Tier::Standard,
            to: "/restores",
            limits: BatchLimits::default(),
            made_by: "defrost (alice@host)",
            at: time::macros::datetime!(2026-04-01 10:00 UTC),
            archives: &archives,
        })
        .unwrap();
    assert_eq!(batch_plans, [PlanId(5), PlanId(6)]);
    assert_eq!(store.batch_items(batch).unwrap().len(), 2);
    drop(store);

    // Opening it again changes nothing.
    let tables = [V4_TABLES.as_slice(), &["batch", "batch_plan"]].concat();
    let upgraded = dump_all(&catalog, &tables);
    let store = Store::open(dir.path()).unwrap();
    check_v4_plans(&store.plans(None).unwrap()[..4]);
    assert_eq!(store.batch(batch).unwrap().unwrap().archives, 2);
    drop(store);
    assert_eq!(dump_all(&catalog, &tables), upgraded);
}

#[test]
fn a_catalog_that_cannot_gain_batches_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = v4_catalog(dir.path());
    // A view in the way of the upgrade: `batch_plan` as something else.
    Connection::open(&catalog)
        .unwrap()
        .execute_batch("CREATE VIEW batch_plan AS SELECT 1 AS x;")
        .unwrap();
    let before = dump_all(&catalog, &V4_TABLES);

    assert!(Store::open(dir.path()).is_err());
    assert_eq!(dump_all(&catalog, &V4_TABLES), before);
    assert_eq!(version(&catalog), 4);
    let tables: i64 = Connection::open(&catalog)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'batch'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "the upgrade was rolled back whole");
}

/// Where the child process finds the read-only data directory.
const READ_ONLY_DIR: &str = "DEFROST_TEST_READ_ONLY_DATA_DIR";
/// What the child prints once it has read everything.
const CHILD_DONE: &str = "read-only catalog of schema 4 read";
/// Capabilities that let a process write files whatever their permissions.
const OVERRIDING_CAPABILITIES: &str =
    "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable";

#[test]
fn a_read_only_catalog_of_schema_four_is_read_and_left_as_it_was() {
    if let Some(dir) = std::env::var_os(READ_ONLY_DIR) {
        return read_as_the_child(Path::new(&dir));
    }
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let catalog = v4_catalog(&data);
    let before = contents(&data);

    set_writable(&data, false);
    let privileged = can_create_in(&data);
    let mut command = if privileged {
        let mut setpriv = Command::new("setpriv");
        setpriv.args([OVERRIDING_CAPABILITIES, "--"]);
        setpriv.arg(std::env::current_exe().unwrap());
        setpriv
    } else {
        Command::new(std::env::current_exe().unwrap())
    };
    let output = command
        .args([
            "a_read_only_catalog_of_schema_four_is_read_and_left_as_it_was",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(READ_ONLY_DIR, &data)
        .output()
        .unwrap();
    set_writable(&data, true);

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(CHILD_DONE), "{stdout}\n{stderr}");
    assert_eq!(contents(&data), before, "nothing was written");
    assert_eq!(version(&catalog), 4);
}

/// The child: the cache opens read-only, shows the plans as a writable one
/// would, and holds no batch.
fn read_as_the_child(dir: &Path) {
    assert!(
        !can_create_in(dir),
        "the data directory is still writable for this process"
    );
    let store = Store::open_for_reading(dir).unwrap();
    assert!(store.is_read_only());
    check_v4_plans(&store.plans(None).unwrap());
    assert_eq!(store.journal(None).unwrap().len(), 4);
    assert!(store.batches(None).unwrap().is_empty());
    assert!(
        store
            .batch_items(defrost::store::BatchId(1))
            .unwrap()
            .is_empty()
    );
    println!("{CHILD_DONE}");
}

fn set_writable(path: &Path, writable: bool) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            set_writable(&entry.unwrap().path(), writable);
        }
    }
    let mode = meta.permissions().mode();
    let mode = if writable {
        mode | 0o200
    } else {
        mode & !0o222
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether this process can create a file in `dir`.
fn can_create_in(dir: &Path) -> bool {
    tempfile::tempfile_in(dir).is_ok()
}

/// Every file under `dir`, with its bytes.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(contents(&path));
        } else {
            found.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    found
}

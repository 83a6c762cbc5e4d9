//! Rows for the writer's tests, the files they make of them, and what they read
//! back through SQL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};

use super::columns::{
    ARCHIVE_COLUMNS, ARCHIVE_ROWID, ARCHIVE_TABLE, SEARCH_COLUMNS, SEARCH_ROWID, SEARCH_TABLE,
};
use super::row_batch::{DecodedRow, RowBatch};
use super::writer::{FileOptions, SnapshotWriter};
use crate::domain::inventory::{InventoryArchive, Timestamp};
use crate::domain::names::Format;
use crate::domain::treehash::TreeHash;

/// One archive as a test hands it to the writer, names already decoded.
#[derive(Debug, Clone)]
pub struct TestRow {
    pub archive_id: String,
    pub description: String,
    pub name: String,
    pub format: Format,
    pub is_folder: bool,
    pub modified: Option<i64>,
    pub size: u64,
    pub created_ms: i64,
    pub hash: [u8; 32],
}

/// What a test writes: archives from `first_position` on in batches of the
/// given sizes, and search-text rows, each stored after the batch of its index
/// (as an import interleaves them), the rest at the end.
#[derive(Debug, Clone)]
pub struct TestSnapshot {
    pub first_position: u32,
    pub rows: Vec<TestRow>,
    pub batch_sizes: Vec<usize>,
    pub search: Vec<(u32, Vec<u8>)>,
}

/// `len` bytes or a little more of text that mixes ASCII, multi-byte UTF-8 and
/// control characters, different for each `seed`.
pub fn text(len: usize, seed: u64) -> String {
    const PIECES: [&str; 8] = ["a", "é", "\u{0}", "𝄞", "\n", "Z", "/", "日本"];
    let mut out = String::with_capacity(len + 8);
    let mut state = seed | 1;
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push_str(PIECES[(state % 8) as usize]);
    }
    out
}

pub fn timestamp(ms: i64) -> Timestamp {
    let moment = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).unwrap();
    Timestamp::parse(&format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        moment.year(),
        u8::from(moment.month()),
        moment.day(),
        moment.hour(),
        moment.minute(),
        moment.second(),
        ms.rem_euclid(1000)
    ))
    .unwrap()
}

/// Mostly short texts, some longer than a small page, now and then one longer
/// than a 64 KiB page.
fn text_strategy() -> impl Strategy<Value = String> {
    let len = prop_oneof![8 => 0usize..60, 3 => 0usize..3000, 1 => 60_000usize..140_000];
    (len, any::<u64>()).prop_map(|(len, seed)| text(len, seed))
}

/// One format of each kind a badge is written for.
pub const SAMPLE_FORMATS: [Format; 9] = [
    Format::Mt2,
    Format::Mt1,
    Format::MtInventoryJob,
    Format::FastGlacier(1),
    Format::FastGlacier(4),
    Format::CloudBerry,
    Format::Qnap,
    Format::Raw,
    Format::Empty,
];

/// A JSON inventory of vault `v` with `count` archives: archive `n` has size
/// `n`, lies in `folder{n % 17}` and is named by `file_name(n)`.
pub fn inventory_json(count: usize, file_name: impl Fn(usize) -> String) -> String {
    let archives: Vec<String> = (0..count)
        .map(|n| {
            format!(
                r#"{{"ArchiveId":"id{n:0>136}","ArchiveDescription":"folder{}/{}","CreationDate":"2012-03-20T17:03:43.221Z","Size":{n},"SHA256TreeHash":"{}"}}"#,
                n % 17,
                file_name(n),
                "0".repeat(64)
            )
        })
        .collect();
    format!(
        r#"{{"VaultARN":"arn:aws:glacier:us-east-1:123456789012:vaults/v","InventoryDate":"2026-11-01T00:00:00Z","ArchiveList":[{}]}}"#,
        archives.join(",")
    )
}

/// `json` (an [`inventory_json`]) imported into a fresh cache, and its
/// snapshot opened; the folder holds the cache.
pub fn imported(json: &str) -> (tempfile::TempDir, crate::store::Snapshot) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = crate::store::Store::open(dir.path()).unwrap();
    let info = store
        .import(json.as_bytes(), json_import_request(), |_| {})
        .unwrap();
    let snapshot = store.open_snapshot(&info).unwrap();
    (dir, snapshot)
}

/// The request that imports [`inventory_json`] as it is.
pub fn json_import_request() -> crate::store::ImportRequest {
    crate::store::ImportRequest {
        format: crate::domain::inventory::InventoryFormat::Json,
        vault_name: "v".into(),
        account: None,
        region: None,
        default_region: None,
        inventory_date: None,
        source: "test".into(),
        obtained_at: time::OffsetDateTime::UNIX_EPOCH,
    }
}

pub fn row_strategy() -> impl Strategy<Value = TestRow> {
    let format = prop::sample::select(SAMPLE_FORMATS.to_vec());
    let modified = prop_oneof![
        Just(None),
        Just(Some(0)),
        Just(Some(1)),
        any::<Option<i64>>()
    ];
    let size = prop_oneof![Just(0u64), Just(1), 0u64..300, 0u64..=(40 << 40)];
    (
        (text_strategy(), text_strategy(), format, any::<bool>()),
        (
            modified,
            size,
            -30_000_000_000_000i64..250_000_000_000_000,
            any::<[u8; 32]>(),
        ),
    )
        .prop_map(
            |((description, name, format, is_folder), (modified, size, created_ms, hash))| {
                TestRow {
                    archive_id: String::new(),
                    description,
                    name,
                    format,
                    is_folder,
                    modified,
                    size,
                    created_ms,
                    hash,
                }
            },
        )
}

pub fn snapshot_strategy(max_rows: usize) -> impl Strategy<Value = TestSnapshot> {
    let search = prop::collection::vec((1u32..5000, 0usize..3, any::<u64>()), 0..12);
    (
        prop_oneof![Just(1u32), 1u32..(u32::MAX - 100_000)],
        prop::collection::vec(row_strategy(), 0..max_rows),
        prop::collection::vec(1usize..120, 1..8),
        search,
    )
        .prop_map(|(first_position, mut rows, batch_sizes, search)| {
            for (index, row) in rows.iter_mut().enumerate() {
                row.archive_id = format!("id{index}-{}", text(20, index as u64));
            }
            let mut next = 0u32;
            let search = search
                .into_iter()
                .map(|(gap, class, seed)| {
                    next += gap;
                    let len = [10, 2_000, 70_000][class] + (seed % 100) as usize;
                    (next, text(len, seed).into_bytes())
                })
                .collect();
            TestSnapshot {
                first_position,
                rows,
                batch_sizes,
                search,
            }
        })
}

/// The rows in batches as the import hands them to the writer.
fn batches(snapshot: &TestSnapshot) -> Vec<RowBatch> {
    let mut batches = Vec::new();
    let mut start = 0;
    for &size in snapshot.batch_sizes.iter().cycle() {
        if start >= snapshot.rows.len() {
            break;
        }
        let end = (start + size).min(snapshot.rows.len());
        let first_position = snapshot.first_position + start as u32;
        batches.push(row_batch(first_position, &snapshot.rows[start..end]));
        start = end;
    }
    batches
}

/// `rows` as one batch, the first at `first_position`.
pub fn row_batch(first_position: u32, rows: &[TestRow]) -> RowBatch {
    let decoded: HashMap<&str, &TestRow> = rows
        .iter()
        .map(|row| (row.archive_id.as_str(), row))
        .collect();
    let mut batch = RowBatch::with_capacity(rows.len());
    for (position, row) in (first_position..).zip(rows) {
        let archive = InventoryArchive {
            archive_id: row.archive_id.clone(),
            description: row.description.clone(),
            creation_date: timestamp(row.created_ms),
            size: row.size,
            sha256_tree_hash: TreeHash(row.hash),
        };
        batch.push(position, &archive);
    }
    batch.decode_names(|id, _| {
        let row = decoded[id];
        DecodedRow {
            name: row.name.clone(),
            named: !row.name.is_empty(),
            format: row.format,
            is_folder: row.is_folder,
            modified: row.modified,
        }
    });
    batch
}

/// Writes `snapshot` into a new file at `path` made as `options` say; returns
/// whether the rows went page by page.
pub fn write_snapshot(path: &Path, options: &FileOptions<'_>, snapshot: &TestSnapshot) -> bool {
    let mut writer = SnapshotWriter::create_with(path, options).unwrap();
    let by_pages = writer.writes_pages();
    let mut search = snapshot.search.iter();
    for batch in batches(snapshot) {
        writer.add_rows(&batch).unwrap();
        if let Some((first, text)) = search.next() {
            writer.add_search_chunk(*first, text).unwrap();
        }
    }
    for (first, text) in search {
        writer.add_search_chunk(*first, text).unwrap();
    }
    writer.finish_rows().unwrap().finish(&[]).unwrap();
    by_pages
}

/// Writes `snapshot` through SQL into `dir/name`, the oracle the page writer is
/// compared with.
pub fn write_oracle(dir: &Path, name: &str, page_size: u32, snapshot: &TestSnapshot) -> PathBuf {
    let path = dir.join(name);
    let options = FileOptions {
        page_size,
        plain_sql: true,
        ..FileOptions::default()
    };
    assert!(!write_snapshot(&path, &options, snapshot));
    path
}

/// Every defined column of `table`'s rows with a positive key, in key order,
/// as SQLite reads them: values and their types. (A test may have put a row at
/// key 0 before the writer's own.)
pub fn select_defined(path: &Path, table: &str) -> Vec<Vec<SqlValue>> {
    let (names, key): (Vec<&str>, &str) = match table {
        ARCHIVE_TABLE => (
            ARCHIVE_COLUMNS.iter().map(|c| c.name).collect(),
            ARCHIVE_COLUMNS[ARCHIVE_ROWID].name,
        ),
        SEARCH_TABLE => (
            SEARCH_COLUMNS.iter().map(|c| c.name).collect(),
            SEARCH_COLUMNS[SEARCH_ROWID].name,
        ),
        other => panic!("no such table {other}"),
    };
    select(
        path,
        &format!(
            "SELECT {} FROM {table} WHERE {key} > 0 ORDER BY {key}",
            names.join(", ")
        ),
    )
}

/// `SELECT * FROM table ORDER BY rowid`.
pub fn select_all(path: &Path, table: &str) -> Vec<Vec<SqlValue>> {
    select(path, &format!("SELECT * FROM {table} ORDER BY rowid"))
}

/// The rows `sql` selects, as SQLite reads them.
pub fn select(path: &Path, sql: &str) -> Vec<Vec<SqlValue>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut statement = conn.prepare(sql).unwrap();
    let width = statement.column_count();
    statement
        .query_map([], |row| (0..width).map(|i| row.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// SQLite's own check of the whole file must say `ok`.
pub fn assert_sound(path: &Path, pragma: &str) {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let found: Vec<String> = conn
        .prepare(&format!("PRAGMA {pragma}"))
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(found, ["ok"], "{}", path.display());
}

//! Tables written page by page must be files SQLite reads as its own: checked by
//! `PRAGMA integrity_check` and by reading every row back through SQL. Small
//! pages make deep trees and overflow chains from few rows.

use proptest::prelude::*;
use rusqlite::Connection;

use super::*;
use crate::store::snapshot::record::{RecordBuilder, Value};

/// A row of the test table `t (id INTEGER PRIMARY KEY, n, s, b)`.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: i64,
    number: Option<i64>,
    text: String,
    blob: Vec<u8>,
}

/// Creates the database with SQLite, writes `rows` into `t` page by page, then
/// lets SQLite add a row to another table after them.
fn write_table(dir: &std::path::Path, page_size: usize, rows: &[Row]) -> std::path::PathBuf {
    let path = dir.join("t.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA page_size = {page_size};
         CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT NOT NULL, b BLOB);
         CREATE TABLE later (x TEXT PRIMARY KEY);"
    ))
    .unwrap();
    let root: u32 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 't'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let pages: u32 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    conn.close().unwrap();

    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let mut file = PageFile::new(file, page_size, pages);
    let mut table = TableBuilder::new(root, &file);
    let mut record = RecordBuilder::default();
    for row in rows {
        let values = [
            Value::Null,
            row.number.map_or(Value::Null, Value::Integer),
            Value::Text(row.text.as_bytes()),
            Value::Blob(&row.blob),
        ];
        match row.id % 3 {
            0 => table
                .insert(&mut file, row.id, &record.build(&values))
                .unwrap(),
            1 => {
                // In pieces, as the search text goes in.
                let bytes = record.build(&values);
                let (head, tail) = bytes.split_at(bytes.len() / 2);
                table
                    .insert_parts(&mut file, row.id, &[head, tail])
                    .unwrap();
            }
            _ => {
                // Written in place, as archive rows go in.
                let len = record.prepare(&values);
                table
                    .insert_with(&mut file, row.id, len, |out| {
                        record.write_prepared(&values, out)
                    })
                    .unwrap();
            }
        }
    }
    table.finish(&mut file).unwrap();
    file.write_header_page_count().unwrap();
    drop(file);

    let conn = Connection::open(&path).unwrap();
    conn.execute("INSERT INTO later (x) VALUES ('after the bulk rows')", [])
        .unwrap();
    path
}

fn read_back(path: &std::path::Path) -> Vec<Row> {
    let conn = Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let later: String = conn
        .query_row("SELECT x FROM later", [], |r| r.get(0))
        .unwrap();
    assert_eq!(later, "after the bulk rows");
    let mut select = conn
        .prepare("SELECT id, n, s, b FROM t ORDER BY id")
        .unwrap();
    select
        .query_map([], |r| {
            Ok(Row {
                id: r.get(0)?,
                number: r.get(1)?,
                text: r.get(2)?,
                blob: r.get::<_, Option<Vec<u8>>>(3)?.unwrap_or_default(),
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn row(id: i64, text_len: usize, blob_len: usize) -> Row {
    Row {
        id,
        number: (id % 7 != 0)
            .then_some(id.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64) >> (id % 64)),
        text: "é".repeat(text_len / 2),
        blob: (0..blob_len)
            .map(|i| (i as u64 * 31 + id as u64) as u8)
            .collect(),
    }
}

#[test]
fn thousands_of_rows_make_a_deep_tree_sqlite_reads_whole() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = (1..=6000)
        .map(|id| row(id * 3, (id % 40) as usize, (id % 13) as usize))
        .collect();
    let path = write_table(dir.path(), 512, &rows);
    assert_eq!(read_back(&path), rows);
    // Found by rowid through the interior pages, not only by a scan.
    let conn = Connection::open(&path).unwrap();
    let text: String = conn
        .query_row("SELECT s FROM t WHERE id = ?1", [4500 * 3], |r| r.get(0))
        .unwrap();
    assert_eq!(text, rows[4499].text);
    let above: i64 = conn
        .query_row("SELECT count(*) FROM t WHERE id > 9000", [], |r| r.get(0))
        .unwrap();
    assert_eq!(above, 3000);
    // Three levels: the root and its right-most child are both interior pages.
    let root: u32 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = 't'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let page = |number: u32| &bytes[(number as usize - 1) * 512..number as usize * 512];
    assert_eq!(page(root)[0], INTERIOR);
    let right_most = u32::from_be_bytes(page(root)[8..12].try_into().unwrap());
    assert_eq!(page(right_most)[0], INTERIOR);
}

#[test]
fn records_larger_than_a_page_go_to_overflow_chains() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<Row> = [
        0usize, 400, 470, 471, 480, 508, 509, 1000, 1020, 1021, 5000, 20_000,
    ]
    .iter()
    .enumerate()
    .map(|(index, &len)| row(index as i64 + 1, len, len))
    .collect();
    let path = write_table(dir.path(), 512, &rows);
    assert_eq!(read_back(&path), rows);
}

#[test]
fn full_size_pages_hold_the_snapshot_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows: Vec<Row> = (1..=3000).map(|id| row(id, 150, 32)).collect();
    rows.push(row(5000, 70_000, 200_000));
    let path = write_table(dir.path(), 65536, &rows);
    assert_eq!(read_back(&path), rows);
}

#[test]
fn an_empty_table_and_a_single_row_are_whole_files() {
    for rows in [vec![], vec![row(1, 10, 10)]] {
        let dir = tempfile::tempdir().unwrap();
        let path = write_table(dir.path(), 1024, &rows);
        assert_eq!(read_back(&path), rows);
    }
}

#[test]
fn rows_out_of_order_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = tempfile::tempfile_in(dir.path()).unwrap();
    let mut file = PageFile::new(file, 512, 2);
    let mut table = TableBuilder::new(2, &file);
    table.insert(&mut file, 5, &[2, 0]).unwrap();
    let err = table.insert(&mut file, 5, &[2, 0]).unwrap_err();
    assert!(err.to_string().contains("out of order"), "{err}");
}

#[test]
fn the_lock_byte_page_is_never_allocated() {
    let file = tempfile::tempfile().unwrap();
    // 16,384 pages of 64 KiB end at 1 GiB; the next page holds the lock byte.
    let mut pages = PageFile::new(file, 65536, 16_384);
    assert_eq!(pages.allocate().unwrap(), 16_386);
    assert_eq!(pages.page_count(), 16_386);
    let file = tempfile::tempfile().unwrap();
    let mut pages = PageFile::new(file, 512, 7);
    assert_eq!(pages.allocate().unwrap(), 8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_rows_in_rising_order_read_back_intact(
        shapes in proptest::collection::vec((1i64..1000, 0usize..1500, 0usize..700, any::<Option<i64>>()), 0..400),
        page_size in prop::sample::select(vec![512usize, 1024, 4096, 65536]),
    ) {
        let mut id = 0i64;
        let rows: Vec<Row> = shapes
            .into_iter()
            .map(|(gap, text_len, blob_len, number)| {
                id += gap;
                Row { number, ..row(id, text_len, blob_len) }
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = write_table(dir.path(), page_size, &rows);
        prop_assert_eq!(read_back(&path), rows);
    }
}

#[test]
fn an_interior_level_never_ends_in_a_page_of_one_child() {
    // A 512-byte interior page holds 55 children with these rowids (9 bytes
    // each); 56 would leave one for a second page, which must take one more.
    for children in [56usize, 57, 58, 112, 113] {
        let level: Vec<(u32, i64)> = (0..children)
            .map(|i| (i as u32 + 3, i as i64 * 1000 + 20_000))
            .collect();
        let groups = interior_groups(&level, 512);
        assert!(
            groups.iter().all(|group| group.len() >= 2),
            "{children}: {groups:?}"
        );
        assert_eq!(
            groups.iter().map(|group| group.len()).sum::<usize>(),
            children
        );
    }
}

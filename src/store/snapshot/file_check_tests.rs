//! Each check fires on a file that differs in what it checks, and such a file
//! still becomes a whole snapshot, its rows written through SQL.

use rusqlite::config::DbConfig;
use rusqlite::{Connection, FileControl, MAIN_DB};

use super::*;
use crate::store::snapshot::test_rows::{
    TestSnapshot, assert_sound, row_strategy, select_defined, text, write_oracle, write_snapshot,
};
use crate::store::snapshot::writer::{FileOptions, make_file};

type Alter = fn(&Connection) -> rusqlite::Result<()>;

/// A file SQLite makes otherwise than the page writer assumes, and what the
/// check says of it.
struct Case {
    before_tables: Option<Alter>,
    after_tables: Option<Alter>,
    expected: &'static str,
}

fn before(alter: Alter, expected: &'static str) -> Case {
    Case {
        before_tables: Some(alter),
        after_tables: None,
        expected,
    }
}

fn after(alter: Alter, expected: &'static str) -> Case {
    Case {
        before_tables: None,
        after_tables: Some(alter),
        expected,
    }
}

fn cases() -> Vec<Case> {
    vec![
        before(
            |conn| conn.file_control(Some(MAIN_DB), FileControl::ReserveBytes(&mut 8)),
            "8 reserved bytes",
        ),
        before(
            |conn| conn.execute_batch("PRAGMA encoding = 'UTF-16le'"),
            "text encoding 2",
        ),
        before(
            |conn| {
                conn.set_db_config(DbConfig::SQLITE_DBCONFIG_LEGACY_FILE_FORMAT, true)
                    .map(drop)
            },
            "schema format 1",
        ),
        before(
            |conn| conn.execute_batch("PRAGMA auto_vacuum = FULL"),
            "auto-vacuum",
        ),
        before(
            |conn| conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL"),
            "auto-vacuum",
        ),
        before(
            |conn| conn.execute_batch("PRAGMA journal_mode = WAL"),
            "versions 2 and 2",
        ),
        after(
            |conn| conn.execute_batch("ALTER TABLE archive ADD COLUMN note TEXT"),
            "table archive has the columns",
        ),
        after(
            |conn| {
                conn.execute_batch(
                    "DROP TABLE search_text;
                     CREATE TABLE search_text (first_position INTEGER PRIMARY KEY, text TEXT NOT NULL)",
                )
            },
            "(first_position INTEGER PRIMARY KEY, text TEXT NOT NULL)",
        ),
        after(
            |conn| {
                conn.execute_batch(
                    "DROP TABLE search_text;
                     CREATE TABLE search_text (text BLOB NOT NULL, first_position INTEGER PRIMARY KEY)",
                )
            },
            "table search_text has the columns (text BLOB NOT NULL, first_position",
        ),
        after(
            |conn| conn.execute_batch("CREATE INDEX archive_by_name ON archive (name)"),
            "table archive has the index archive_by_name",
        ),
        after(
            |conn| {
                conn.execute_batch(
                    "CREATE TABLE added (position INTEGER);
                     CREATE TRIGGER count_rows AFTER INSERT ON archive
                     BEGIN INSERT INTO added VALUES (new.position); END",
                )
            },
            "table archive has the trigger count_rows",
        ),
        after(
            |conn| {
                conn.execute_batch(
                    "DROP TABLE search_text;
                     CREATE TABLE search_text (first_position INTEGER PRIMARY KEY, text BLOB NOT NULL)
                     WITHOUT ROWID",
                )
            },
            "sqlite_autoindex_search_text_1",
        ),
        after(
            |conn| conn.execute_batch("INSERT INTO search_text VALUES (0, x'00')"),
            "is not an empty table leaf",
        ),
    ]
}

fn options(case: &Case, page_size: u32) -> FileOptions<'_> {
    FileOptions {
        page_size,
        plain_sql: false,
        before_tables: case.before_tables.as_ref().map(|f| f as _),
        after_tables: case.after_tables.as_ref().map(|f| f as _),
    }
}

fn check_made(
    path: &std::path::Path,
    options: &FileOptions<'_>,
) -> Result<PageLayout, Vec<Difference>> {
    let schema = make_file(path, options).unwrap();
    check(&schema, &std::fs::File::open(path).unwrap()).unwrap()
}

#[test]
fn a_fresh_file_passes_every_check() {
    for page_size in [512, 1024, 4096, 65536] {
        let dir = tempfile::tempdir().unwrap();
        let options = FileOptions {
            page_size,
            ..FileOptions::default()
        };
        let layout = check_made(&dir.path().join("fresh.sqlite"), &options).unwrap();
        assert_eq!(layout.page_size, page_size);
        // Page 1 holds the schema; every table has a root page of its own.
        let roots = [layout.archive_root, layout.search_root];
        assert!(roots[0] > 1 && roots[1] > roots[0], "{layout:?}");
        assert!(layout.page_count >= roots[1], "{layout:?}");
    }
}

#[test]
fn every_header_field_the_page_writer_relies_on_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.sqlite");
    check_made(&path, &FileOptions::default()).unwrap();
    let mut fresh = [0u8; 100];
    fresh.copy_from_slice(&std::fs::read(&path).unwrap()[..100]);
    assert_eq!(header_differences(&fresh, 65536), []);
    let cases: [(usize, &[u8], Difference); 11] = [
        (0, b"X", Difference::NotSqlite),
        (
            16,
            &[2, 0],
            Difference::PageSize {
                header: 512,
                pragma: 65536,
            },
        ),
        (
            16,
            &[3, 0],
            Difference::PageSize {
                header: 768,
                pragma: 65536,
            },
        ),
        (18, &[2], Difference::Versions { write: 2, read: 1 }),
        (19, &[2], Difference::Versions { write: 1, read: 2 }),
        (20, &[8], Difference::ReservedBytes(8)),
        (21, &[65], Difference::PayloadFractions([65, 32, 32])),
        (44, &[0, 0, 0, 1], Difference::SchemaFormat(1)),
        (52, &[0, 0, 0, 3], Difference::AutoVacuum),
        (64, &[0, 0, 0, 1], Difference::AutoVacuum),
        (56, &[0, 0, 0, 3], Difference::Encoding(3)),
    ];
    for (at, bytes, expected) in cases {
        let mut header = fresh;
        header[at..at + bytes.len()].copy_from_slice(bytes);
        assert_eq!(
            header_differences(&header, 65536),
            std::slice::from_ref(&expected),
            "{expected}"
        );
    }
    assert_eq!(
        header_differences(&fresh, 4096),
        [Difference::PageSize {
            header: 65536,
            pragma: 4096
        }]
    );
}

#[test]
fn files_sqlite_made_otherwise_are_found() {
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let found = check_made(&dir.path().join("made.sqlite"), &options(&case, 4096))
            .expect_err(case.expected);
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|line| line.contains(case.expected)),
            "{}: {shown:?}",
            case.expected
        );
    }
    // A view has no root page of its own.
    let dir = tempfile::tempdir().unwrap();
    let view: Alter = |conn| {
        conn.execute_batch(
            "DROP TABLE search_text;
             CREATE VIEW search_text AS SELECT 1 AS first_position, x'00' AS text",
        )
    };
    let options = FileOptions {
        after_tables: Some(&view),
        ..FileOptions::default()
    };
    let found = check_made(&dir.path().join("view.sqlite"), &options).unwrap_err();
    assert!(
        found.contains(&Difference::MissingTable("search_text")),
        "{found:?}"
    );
}

#[test]
fn a_file_longer_than_its_pages_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.sqlite");
    let schema = make_file(&path, &FileOptions::default()).unwrap();
    let schema_pages = (std::fs::metadata(&path).unwrap().len() / 65536) as u32;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open(&path)
        .unwrap();
    std::io::Write::write_all(&mut &file, &[0; 100]).unwrap();
    let found = check(&schema, &file).unwrap().unwrap_err();
    assert_eq!(
        found,
        [Difference::Length {
            bytes: u64::from(schema_pages) * 65536 + 100,
            pages: schema_pages,
            page_size: 65536
        }]
    );
}

/// Rows of every shape the writer meets, some longer than a page.
fn sample() -> TestSnapshot {
    use proptest::strategy::{Strategy, ValueTree};
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut rows: Vec<_> = (0..150)
        .map(|_| row_strategy().new_tree(&mut runner).unwrap().current())
        .collect();
    for (index, row) in rows.iter_mut().enumerate() {
        row.archive_id = format!("id{index}");
    }
    TestSnapshot {
        first_position: 1,
        rows,
        batch_sizes: vec![7, 64],
        search: (1..6)
            .map(|n| (n * 30, text(n as usize * 9_000, n.into()).into_bytes()))
            .collect(),
    }
}

#[test]
fn the_rows_of_a_file_that_differs_go_through_sql_and_read_back_whole() {
    let snapshot = sample();
    let dir = tempfile::tempdir().unwrap();
    let oracle = write_oracle(dir.path(), "oracle.sqlite", 4096, &snapshot);
    let expected = [
        select_defined(&oracle, "archive"),
        select_defined(&oracle, "search_text"),
    ];
    assert_eq!(expected[0].len(), 150);
    for (index, case) in cases().iter().enumerate() {
        let path = dir.path().join(format!("case-{index}.sqlite"));
        let by_pages = write_snapshot(&path, &options(case, 4096), &snapshot);
        assert!(!by_pages, "{}: written page by page", case.expected);
        assert_sound(&path, "quick_check");
        assert_sound(&path, "integrity_check");
        let found = [
            select_defined(&path, "archive"),
            select_defined(&path, "search_text"),
        ];
        assert!(found == expected, "{}: the rows differ", case.expected);
        let opened = crate::store::snapshot::Snapshot::open(&path).unwrap();
        let row = opened.archive(150).unwrap().unwrap();
        assert_eq!(row.archive_id, "id149", "{}", case.expected);
    }
}

/// What the check of attached indexes prevents: rows written page by page
/// under an index would be missing from it, and SQLite would find the file
/// damaged.
#[test]
fn rows_written_page_by_page_under_an_index_would_be_missing_from_it() {
    use crate::store::snapshot::columns::{ArchiveSource, archive_values};
    use crate::store::snapshot::rows::PageRows;
    use crate::store::snapshot::test_rows::row_batch;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("indexed.sqlite");
    let schema = make_file(&path, &FileOptions::default()).unwrap();
    let mut layout = check(&schema, &std::fs::File::open(&path).unwrap())
        .unwrap()
        .unwrap();
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE INDEX by_name ON archive (name)")
        .unwrap();
    layout.page_count = conn
        .query_row("PRAGMA page_count", [], |row| row.get(0))
        .unwrap();
    drop(conn);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let mut rows = PageRows::new(file, &layout);
    for row in row_batch(1, &sample().rows[..20]).iter() {
        let source = ArchiveSource {
            row: &row,
            badge: "raw",
        };
        rows.add_archive(archive_values(&source)).unwrap();
    }
    rows.finish().unwrap();
    let conn = Connection::open(&path).unwrap();
    let found: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert!(found.contains("by_name"), "{found}");
}

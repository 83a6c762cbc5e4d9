//! The page writer against the plain-SQL one: the same rows written both ways
//! must read back the same through SQL, at every page size, and past the 1 GiB
//! lock-byte page SQLite never uses.

use proptest::prelude::*;

use super::*;
use crate::domain::names::Format;
use crate::store::snapshot::Snapshot;
use crate::store::snapshot::test_rows::{
    TestRow, assert_sound, row_batch, select_all, snapshot_strategy, text, write_oracle,
    write_snapshot,
};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn rows_written_page_by_page_read_back_as_rows_inserted_through_sql(
        snapshot in snapshot_strategy(300),
        page_size in prop::sample::select(vec![512u32, 1024, 4096, 65536]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let pages = dir.path().join("pages.sqlite");
        let options = FileOptions { page_size, ..FileOptions::default() };
        prop_assert!(write_snapshot(&pages, &options, &snapshot), "a fresh file failed its check");
        let oracle = write_oracle(dir.path(), "sql.sqlite", page_size, &snapshot);
        for path in [&pages, &oracle] {
            assert_sound(path, "integrity_check");
        }
        for table in ["archive", "search_text"] {
            let written = select_all(&pages, table);
            prop_assert_eq!(&written, &select_all(&oracle, table), "{}", table);
        }
        let archives = select_all(&pages, "archive");
        prop_assert_eq!(archives.len(), snapshot.rows.len());
        let opened = Snapshot::open(&pages).unwrap();
        if let Some(first) = snapshot.rows.first() {
            // The count is the last position (an import's start at 1).
            let last = u64::from(snapshot.first_position) - 1 + snapshot.rows.len() as u64;
            prop_assert_eq!(opened.archive_count(), last);
            let row = opened.archive(snapshot.first_position).unwrap().unwrap();
            prop_assert_eq!(&row.description, &first.description);
            prop_assert_eq!(row.modified, first.modified);
        }
    }
}

/// The description of archive `index` of the large file: about 1 MiB, each its
/// own, cut from `base` (ASCII) so that making 1 GiB of them is cheap.
fn large_description(base: &str, index: usize) -> String {
    let len = (1 << 20) - 4_096 + index % 8_192;
    let start = index * 7_919 % (base.len() - len);
    format!("{index:06}:{}", &base[start..start + len])
}

fn large_row(base: &str, index: usize) -> TestRow {
    TestRow {
        archive_id: format!("archive-{index:06}"),
        description: large_description(base, index),
        name: format!("big/{index}"),
        format: Format::Raw,
        is_folder: false,
        modified: Some(index as i64),
        size: index as u64,
        created_ms: 1_600_000_000_000 + index as i64,
        hash: [index as u8; 32],
    }
}

/// A file past 1 GiB, where SQLite keeps the page holding byte 0x40000000 for
/// its locks: written page by page, it must pass SQLite's integrity check (which
/// counts any use of that page as an error) and give every row back. About
/// 1.1 GB on disk; `tests/run` runs it.
#[test]
#[ignore = "writes a file past 1 GiB"]
fn a_file_past_the_lock_byte_page_is_whole() {
    const LOCK_BYTE: u64 = 0x4000_0000;
    const ARCHIVES: usize = 1_100;
    const BATCH: usize = 16;
    const LETTERS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let base: String = (0u64..3 << 20)
        .map(|i| LETTERS[(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize] as char)
        .collect();
    // Search text before, around and after the lock-byte page.
    let search: Vec<(u32, Vec<u8>)> = (0..40u32)
        .map(|n| (n * 27 + 1, text(70_000, n.into()).into_bytes()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.sqlite");
    let mut writer = SnapshotWriter::create_with(&path, &FileOptions::default()).unwrap();
    assert!(writer.writes_pages());
    let mut chunks = search.iter();
    for start in (0..ARCHIVES).step_by(BATCH) {
        let rows: Vec<TestRow> = (start..ARCHIVES.min(start + BATCH))
            .map(|index| large_row(&base, index))
            .collect();
        writer
            .add_rows(&row_batch(start as u32 + 1, &rows))
            .unwrap();
        if start % (2 * BATCH) == 0
            && let Some((first, text)) = chunks.next()
        {
            writer.add_search_chunk(*first, text).unwrap();
        }
    }
    for (first, text) in chunks {
        writer.add_search_chunk(*first, text).unwrap();
    }
    writer.finish_rows().unwrap().finish(&[]).unwrap();
    let bytes = std::fs::metadata(&path).unwrap().len();
    assert!(bytes > LOCK_BYTE + (64 << 20), "{bytes}");
    // Never written: the page holding the lock byte is a hole of zeros.
    let mut lock_page = vec![1u8; 65536];
    std::os::unix::fs::FileExt::read_exact_at(
        &std::fs::File::open(&path).unwrap(),
        &mut lock_page,
        LOCK_BYTE,
    )
    .unwrap();
    assert!(lock_page.iter().all(|&byte| byte == 0));
    assert_sound(&path, "integrity_check");
    check_large_file(&path, &base, ARCHIVES, &search);
}

/// Reads every row of the large file back and compares it with what was written.
fn check_large_file(
    path: &std::path::Path,
    base: &str,
    archives: usize,
    search: &[(u32, Vec<u8>)],
) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut select = conn
        .prepare("SELECT position, archive_id, description FROM archive ORDER BY position")
        .unwrap();
    let mut read = 0;
    let mut rows = select.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        assert_eq!(row.get::<_, i64>(0).unwrap(), read as i64 + 1);
        assert_eq!(
            row.get::<_, String>(1).unwrap(),
            format!("archive-{read:06}")
        );
        let description = row.get_ref(2).unwrap().as_str().unwrap();
        assert!(
            description == large_description(base, read),
            "archive {}",
            read + 1
        );
        read += 1;
    }
    assert_eq!(read, archives);
    let texts: Vec<(u32, Vec<u8>)> = conn
        .prepare("SELECT first_position, text FROM search_text ORDER BY first_position")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(texts == search, "the search text differs");
}

/// A link put where the import made its snapshot file is refused by SQLite and by
/// the page writer alike, and what it points to is left alone.
#[cfg(unix)]
#[test]
fn a_link_in_place_of_the_snapshot_file_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim");
    std::fs::write(&victim, b"precious").unwrap();
    let path = dir.path().join("snapshot-1.partial");
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    assert!(SnapshotWriter::create_with(&path, &FileOptions::default()).is_err());
    assert!(open_staged(&path).is_err());
    assert!(open_staged_file(&path).is_err());
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");

    // A dangling link: following it would make a database out there.
    let nowhere = elsewhere.path().join("made-by-following");
    let dangling = dir.path().join("snapshot-2.partial");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    assert!(SnapshotWriter::create_with(&dangling, &FileOptions::default()).is_err());
    assert!(!nowhere.exists());
}

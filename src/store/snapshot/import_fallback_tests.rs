//! A whole import into a snapshot file the page writer must not write into:
//! it says so in a warning, writes the rows through SQL, and the snapshot holds
//! what an import written page by page holds.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, FileControl, MAIN_DB};

use super::test_rows::{assert_sound, inventory_json, json_import_request, select};
use super::writer::FileOptions;
use super::{ArchiveQuery, SortKey};
use crate::store::{SnapshotInfo, Store};

/// What the import logs, as text.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn inventory(count: usize) -> String {
    inventory_json(count, |n| format!("File {n}.jpg"))
}

/// Imports `text` into a new cache in `dir` with the snapshot file made as
/// `options` say; returns the snapshot and what was logged.
fn import(dir: &std::path::Path, text: &str, options: &FileOptions<'_>) -> (SnapshotInfo, String) {
    let mut store = Store::open(dir).unwrap();
    let request = json_import_request();
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_ansi(false)
        .finish();
    let info = tracing::subscriber::with_default(subscriber, || {
        store.import_pages_with(vec![text.as_bytes()], request, |_| {}, options)
    })
    .unwrap();
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    (info, logged)
}

fn snapshot_path(dir: &std::path::Path, info: &SnapshotInfo) -> std::path::PathBuf {
    let store = Store::open(dir).unwrap();
    let path = store.open_snapshot(info).unwrap().path().to_path_buf();
    assert_sound(&path, "quick_check");
    path
}

#[test]
fn an_import_into_a_file_that_differs_warns_and_still_holds_every_archive() {
    // Enough archives for several search-text rows and order chunks.
    let text = inventory(9_000);
    let plain = tempfile::tempdir().unwrap();
    let (info, logged) = import(plain.path(), &text, &FileOptions::default());
    assert!(!logged.contains("WARN"), "{logged}");
    let expected = snapshot_path(plain.path(), &info);

    let reserve =
        |conn: &Connection| conn.file_control(Some(MAIN_DB), FileControl::ReserveBytes(&mut 8));
    let index = |conn: &Connection| conn.execute_batch("CREATE INDEX by_size ON archive (size)");
    let reserved = FileOptions {
        before_tables: Some(&reserve),
        ..FileOptions::default()
    };
    let indexed = FileOptions {
        after_tables: Some(&index),
        ..FileOptions::default()
    };
    for (options, difference) in [
        (&reserved, "8 reserved bytes at the end of every page"),
        (&indexed, "table archive has the index by_size"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (info, logged) = import(dir.path(), &text, options);
        assert!(
            logged.contains("WARN")
                && logged.contains(difference)
                && logged.contains("through SQL"),
            "{logged}"
        );
        assert_eq!(info.archive_count, 9_000);
        let path = snapshot_path(dir.path(), &info);
        for table in ["archive", "search_text", "name_order", "key_order", "meta"] {
            // Every table's key is its first column or two.
            let sql = format!("SELECT * FROM {table} ORDER BY 1, 2");
            assert!(
                select(&path, &sql) == select(&expected, &sql),
                "{difference}: {table}"
            );
        }
        let store = Store::open(dir.path()).unwrap();
        let snapshot = store.open_snapshot(&info).unwrap();
        let query = ArchiveQuery {
            filter: Some("FOLDER3/file 1".into()),
            sort: SortKey::Size,
            descending: true,
            limit: 3,
            ..Default::default()
        };
        let page = snapshot.page(&query).unwrap();
        let sizes: Vec<u64> = page.archives.iter().map(|a| a.size).collect();
        let mut matching: Vec<u64> = (0..9_000u64)
            .filter(|n| n % 17 == 3 && n.to_string().starts_with('1'))
            .collect();
        assert_eq!(page.total, matching.len() as u64, "{difference}");
        matching.reverse();
        assert_eq!(sizes, matching[..3], "{difference}");
    }
}

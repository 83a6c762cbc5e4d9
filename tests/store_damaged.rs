//! Caches defrost must refuse rather than repair: a catalog that exists but is
//! not a usable catalog (empty, garbage, another application's database, one cut
//! short) and snapshot files whose catalog is gone. Each is refused with the file
//! named and the fix, and left byte for byte as it was: the catalog holds the job
//! journal, jobs that were paid for. Only a catalog that does not exist yet is
//! created, and processes creating one at the same moment agree on it.

mod one_line_error;
mod store_support;

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use defrost::store::{CatalogDamage, JobIntent, Store, StoreError, VaultKey};
use one_line_error::assert_one_line_error;
use store_support::{TestArchive, archive_id, import_json, inventory_json};
use time::OffsetDateTime;

fn archives(count: u64) -> Vec<TestArchive> {
    (0..count)
        .map(|n| TestArchive {
            id: archive_id(n),
            description: format!("photos/{n}.jpg"),
            size: n * 1000,
            created_ms: 1_500_000_000_000 + n as i64,
        })
        .collect()
}

/// A cache with one snapshot of vault `photos` and one job in its journal.
fn cache_with_a_paid_job(dir: &Path) {
    let mut store = Store::open(dir).unwrap();
    import_json(
        &mut store,
        "photos",
        &inventory_json("photos", "2026-11-01T00:00:00Z", &archives(3)),
    )
    .unwrap();
    store
        .record_job_intent(&JobIntent {
            vault: &VaultKey {
                account: "-".into(),
                region: "us-east-1".into(),
                name: "photos".into(),
            },
            params_json: r#"{"Type":"archive-retrieval"}"#,
            plan_json: None,
            plan: None,
            started_by: "defrost",
            at: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
        })
        .unwrap();
}

/// Every file under `dir` (two levels), with its bytes; folders as `None`.
fn contents(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            found.insert(format!("{name}/"), None);
            for inner in std::fs::read_dir(entry.path()).unwrap() {
                let inner = inner.unwrap();
                let bytes = std::fs::read(inner.path()).ok();
                found.insert(
                    format!("{name}/{}", inner.file_name().to_string_lossy()),
                    bytes,
                );
            }
        } else {
            found.insert(name, Some(std::fs::read(entry.path()).unwrap()));
        }
    }
    found
}

/// Opens the cache in `dir`, which must be refused without a byte changing.
fn refused_untouched(dir: &Path) -> StoreError {
    let before = contents(dir);
    let Err(err) = Store::open(dir) else {
        panic!("the cache in {} was opened", dir.display())
    };
    assert_eq!(contents(dir), before, "{err}");
    err
}

fn assert_damaged(err: &StoreError, catalog: &Path, expected: &CatalogDamage) {
    match err {
        StoreError::DamagedCatalog { path, damage } => {
            assert_eq!(path, catalog, "{err}");
            assert_eq!(damage, expected, "{err}");
        }
        other => panic!("expected a damaged catalog, got: {other}"),
    }
    let message = err.to_string();
    for mention in [
        catalog.to_str().unwrap(),
        "move it aside",
        "restore it from a backup",
    ] {
        assert!(message.contains(mention), "{message} lacks {mention}");
    }
    assert!(err.is_bad_input(), "{err}");
}

#[test]
fn an_emptied_catalog_is_refused_and_the_cache_survives_it() {
    let dir = tempfile::tempdir().unwrap();
    cache_with_a_paid_job(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    let saved = std::fs::read(&catalog).unwrap();
    std::fs::write(&catalog, b"").unwrap();

    for _ in 0..2 {
        let err = refused_untouched(dir.path());
        assert_damaged(&err, &catalog, &CatalogDamage::Empty);
    }

    // Restored from the backup, the cache is whole: its snapshot, its journal.
    std::fs::write(&catalog, saved).unwrap();
    let store = Store::open(dir.path()).unwrap();
    let snapshots = store.snapshots(None).unwrap();
    assert_eq!(snapshots.len(), 1);
    assert_eq!(snapshots[0].id, 1);
    assert_eq!(
        store.open_snapshot(&snapshots[0]).unwrap().archive_count(),
        3
    );
    assert_eq!(store.journal(None).unwrap().len(), 1);
}

/// An SQLite database with a table of its own, as another program leaves one.
fn foreign_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
}

/// A valid SQLite database with no table at all.
fn schemaless_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
}

/// Bytes that are no database at all.
fn noise(path: &Path) {
    let bytes: Vec<u8> = (0..8192u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(path, bytes).unwrap();
}

/// A file in the catalog's place, how to make it, and what is wrong with it.
struct NotACatalog {
    case: &'static str,
    make: fn(&Path),
    damage: CatalogDamage,
}

#[test]
fn catalogs_that_are_not_ours_are_refused_byte_for_byte() {
    let cases = [
        NotACatalog {
            case: "noise",
            make: noise,
            damage: CatalogDamage::NotSqlite,
        },
        NotACatalog {
            case: "text",
            make: |path| std::fs::write(path, "vault,archive\n").unwrap(),
            damage: CatalogDamage::NotSqlite,
        },
        NotACatalog {
            case: "another application's",
            make: foreign_database,
            damage: CatalogDamage::Foreign,
        },
        NotACatalog {
            case: "no tables",
            make: schemaless_database,
            damage: CatalogDamage::NoSchema,
        },
        NotACatalog {
            case: "a folder",
            make: |path| std::fs::create_dir(path).unwrap(),
            damage: CatalogDamage::NotAFile,
        },
    ];
    for NotACatalog { case, make, damage } in cases {
        let dir = tempfile::tempdir().unwrap();
        let catalog = dir.path().join("catalog.sqlite");
        make(&catalog);
        let err = refused_untouched(dir.path());
        assert_damaged(&err, &catalog, &damage);
        eprintln!("{case}: {err}");
    }
}

#[test]
fn a_catalog_cut_short_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    cache_with_a_paid_job(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    // Enough vaults that the catalog spans many pages.
    let conn = rusqlite::Connection::open(&catalog).unwrap();
    for n in 0..3000 {
        conn.execute(
            "INSERT INTO vault (account, region, name) VALUES ('-', 'us-east-1', ?1)",
            [format!("vault-with-a-long-name-{n:05}")],
        )
        .unwrap();
    }
    drop(conn);
    let whole = std::fs::read(&catalog).unwrap();
    assert!(whole.len() > 64 * 1024, "{}", whole.len());
    for cut in [whole.len() / 2, 4096, 50] {
        std::fs::write(&catalog, &whole[..cut]).unwrap();
        let err = refused_untouched(dir.path());
        assert!(
            matches!(
                &err,
                StoreError::DamagedCatalog {
                    damage: CatalogDamage::Corrupt(_),
                    ..
                }
            ),
            "cut at {cut}: {err}"
        );
        assert_damaged(&err, &catalog, &damage_of(&err));
    }
}

fn damage_of(err: &StoreError) -> CatalogDamage {
    match err {
        StoreError::DamagedCatalog { damage, .. } => damage.clone(),
        _ => unreachable!(),
    }
}

#[test]
fn snapshot_files_whose_catalog_is_gone_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    cache_with_a_paid_job(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    std::fs::remove_file(&catalog).unwrap();
    let err = refused_untouched(dir.path());
    assert!(
        matches!(err, StoreError::MissingCatalog { files: 1, .. }),
        "{err}"
    );
    let message = err.to_string();
    for mention in [catalog.to_str().unwrap(), "restore", "backup", "aside"] {
        assert!(message.contains(mention), "{message} lacks {mention}");
    }
    assert!(!catalog.exists());
}

#[test]
fn processes_creating_one_new_cache_at_once_agree_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let start = std::sync::Barrier::new(6);
    std::thread::scope(|scope| {
        for n in 0..6 {
            let (data_dir, start) = (&data_dir, &start);
            scope.spawn(move || {
                start.wait();
                let mut store = Store::open(data_dir).unwrap();
                let vault = format!("vault-{n}");
                import_json(
                    &mut store,
                    &vault,
                    &inventory_json(&vault, "2026-11-01T00:00:00Z", &archives(2)),
                )
                .unwrap();
            });
        }
    });
    let store = Store::open(&data_dir).unwrap();
    assert_eq!(store.vaults().unwrap().len(), 6);
    // Nothing is left of how the catalog was made.
    drop(store);
    let mut left: Vec<String> = contents(&data_dir)
        .into_keys()
        .filter(|name| !name.starts_with("snapshots/snapshot-"))
        .collect();
    left.sort();
    assert_eq!(left, ["catalog.sqlite", "snapshots/"]);
}

#[test]
fn the_command_line_refuses_an_emptied_catalog_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    cache_with_a_paid_job(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    std::fs::write(&catalog, b"").unwrap();
    for args in [
        &["inventory", "list"][..],
        &["archives", "--vault", "photos"][..],
    ] {
        let output = Command::cargo_bin("defrost")
            .unwrap()
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove("DEFROST_DATA_DIR")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_one_line_error(
            args,
            &output.stdout,
            &stderr,
            &[catalog.to_str().unwrap(), "empty", "move it aside"],
        );
    }
    assert_eq!(std::fs::read(&catalog).unwrap(), b"");
}

/// Copies the catalog and its write-ahead log, as a kill would leave them.
fn copy_cache(from: &Path, to: &Path, with_log: bool) {
    for name in ["catalog.sqlite", "catalog.sqlite-wal"] {
        if name.ends_with("-wal") && !with_log {
            continue;
        }
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
}

#[test]
fn a_catalog_whose_last_pages_are_still_in_its_log_opens_whole() {
    let dir = tempfile::tempdir().unwrap();
    cache_with_a_paid_job(dir.path());
    let catalog = dir.path().join("catalog.sqlite");
    // Pages written to the log and not yet copied into the file, as a
    // checkpoint stopped halfway leaves them: the file's header already counts
    // them, the file does not hold them yet.
    let conn = rusqlite::Connection::open(&catalog).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    for n in 0..3000 {
        conn.execute(
            "INSERT INTO vault (account, region, name) VALUES ('-', 'us-east-1', ?1)",
            [format!("vault-with-a-long-name-{n:05}")],
        )
        .unwrap();
    }
    let pages: u32 = conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let killed = tempfile::tempdir().unwrap();
    copy_cache(dir.path(), killed.path(), true);
    let without_log = tempfile::tempdir().unwrap();
    copy_cache(dir.path(), without_log.path(), false);
    drop(conn);
    for copy in [killed.path(), without_log.path()] {
        let file = copy.join("catalog.sqlite");
        let mut bytes = std::fs::read(&file).unwrap();
        assert!((bytes.len() as u64) < u64::from(pages) * 4096);
        bytes[28..32].copy_from_slice(&pages.to_be_bytes());
        let counter: [u8; 4] = bytes[24..28].try_into().unwrap();
        bytes[92..96].copy_from_slice(&counter);
        std::fs::write(&file, bytes).unwrap();
    }

    let store = Store::open(killed.path()).unwrap();
    let vaults = store.vaults().unwrap();
    assert!(vaults.len() > 3000, "{}", vaults.len());
    assert_eq!(store.journal(None).unwrap().len(), 1);

    // Without its log the same file is short of what its header counts.
    let err = refused_untouched(without_log.path());
    assert!(
        matches!(
            &err,
            StoreError::DamagedCatalog {
                damage: CatalogDamage::Corrupt(_),
                ..
            }
        ),
        "{err}"
    );
}

//! Importing into the cache: larger inventories that span many chunks, every
//! refusal leaving nothing behind, concurrent imports, and caches this build
//! must not touch.

mod store_support;

use defrost::domain::inventory::{InventoryFormat, Timestamp};
use defrost::store::{ArchiveQuery, CatalogDamage, SortKey, Store, StoreError, VaultRefusal};
use store_support::model::{model, timestamp};
use store_support::{
    TestArchive, archive_id, import_from, import_json, import_pages, inventory_json, json_request,
    snapshot_files, unsound_snapshots,
};

/// `count` archives with names spread over nested folders, sizes and dates with
/// many ties, in an order unrelated to any of them.
fn spread(count: u64) -> Vec<TestArchive> {
    (0..count)
        .map(|n| {
            let mixed = n.wrapping_mul(2_654_435_761) % 1_000_003;
            TestArchive {
                id: archive_id(n),
                description: match n % 7 {
                    0 => String::new(),
                    _ => format!("d{}/s{}/f{mixed}.jpg", mixed % 13, mixed % 5),
                },
                size: mixed % 977,
                created_ms: 1_500_000_000_000 + (mixed % 3001) as i64,
            }
        })
        .collect()
}

#[test]
fn pages_across_many_chunks_match_the_model() {
    let archives = spread(9_500);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let info = import_json(
        &mut store,
        "big",
        &inventory_json("big", "2026-11-01T00:00:00Z", &archives),
    )
    .unwrap();
    let snapshot = store.open_snapshot(&info).unwrap();
    let mut queries = Vec::new();
    for sort in [SortKey::Name, SortKey::Size, SortKey::Created] {
        for descending in [false, true] {
            for offset in [0, 4_090, 4_096, 8_190, 9_499, 9_500] {
                queries.push(ArchiveQuery {
                    sort,
                    descending,
                    offset,
                    limit: 13,
                    ..Default::default()
                });
            }
            queries.push(ArchiveQuery {
                sort,
                descending,
                filter: Some("S3/F".into()),
                offset: 40,
                limit: 50,
                ..Default::default()
            });
            queries.push(ArchiveQuery {
                sort,
                descending,
                under: Some("d4/".into()),
                offset: 100,
                limit: 20,
                ..Default::default()
            });
            queries.push(ArchiveQuery {
                sort,
                descending,
                min_size: Some(100),
                max_size: Some(120),
                created_from: Some(timestamp(1_500_000_001_000)),
                limit: 30,
                ..Default::default()
            });
        }
    }
    for query in &queries {
        let page = snapshot.page(query).unwrap();
        let positions: Vec<u32> = page.archives.iter().map(|a| a.position).collect();
        let (expected, total) = model(&archives, query);
        assert_eq!(positions, expected, "{query:?}");
        assert_eq!(page.total, total, "{query:?}");
    }
    let top = snapshot.folder("").unwrap();
    assert_eq!(top.iter().filter(|e| e.name.starts_with('d')).count(), 13);
}

/// The rows are written into the file's pages directly, not through SQL: the
/// file must still be one SQLite itself finds whole and answers plain SQL on,
/// including a row too large for one page.
#[test]
fn a_snapshot_is_a_sound_sqlite_file_anyone_can_query() {
    let mut archives = spread(9_500);
    archives[4_321].description = format!("big/{}.bin", "x".repeat(150_000));
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    import_json(
        &mut store,
        "sql",
        &inventory_json("sql", "2026-11-01T00:00:00Z", &archives),
    )
    .unwrap();
    let [file] = snapshot_files(&store).try_into().unwrap();
    let conn = rusqlite::Connection::open(store.snapshots_dir().join(file)).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let (count, total): (i64, i64) = conn
        .query_row("SELECT count(*), sum(size) FROM archive", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert_eq!(count, 9_500);
    assert_eq!(total as u64, archives.iter().map(|a| a.size).sum::<u64>());
    for position in [1u32, 4_322, 9_500] {
        let (id, description, size): (String, String, i64) = conn
            .query_row(
                "SELECT archive_id, description, size FROM archive WHERE position = ?1",
                [position],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .unwrap();
        let expected = &archives[position as usize - 1];
        assert_eq!(
            (id, description, size as u64),
            (
                expected.id.clone(),
                expected.description.clone(),
                expected.size
            )
        );
    }
    let lines: i64 = conn
        .query_row("SELECT count(*) FROM search_text", [], |row| row.get(0))
        .unwrap();
    assert!(lines > 1, "the search text spans several rows: {lines}");
}

/// The check every test import ends with finds a snapshot whose pages are
/// damaged.
#[test]
fn the_check_after_each_import_finds_a_damaged_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let info = import_json(
        &mut store,
        "v",
        &inventory_json("v", "2026-11-01T00:00:00Z", &spread(50)),
    )
    .unwrap();
    assert!(unsound_snapshots(&store).is_empty());
    let path = store.open_snapshot(&info).unwrap().path().to_path_buf();
    // Page 2 is the root of `archive` (the first table made), a table leaf;
    // 2 is no b-tree page type.
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&file, &[2], 65536).unwrap();
    drop(file);
    let unsound = unsound_snapshots(&store);
    assert_eq!(unsound.len(), 1, "{unsound:?}");
    // SQLite says so in its check's rows, or refuses to run it at all.
    assert_eq!(unsound[0].0, path);
    assert_ne!(unsound[0].1, ["ok"]);
}

#[test]
fn a_reopened_cache_still_holds_its_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let archives = spread(50);
    {
        let mut store = Store::open(dir.path()).unwrap();
        import_json(
            &mut store,
            "v",
            &inventory_json("v", "2026-11-01T00:00:00Z", &archives),
        )
        .unwrap();
    }
    let store = Store::open(dir.path()).unwrap();
    let vault = store.find_vault("v", None, Some("us-east-1")).unwrap();
    assert_eq!(vault.key.account, "111122223333");
    let info = store.snapshot_of(&vault, None).unwrap();
    assert_eq!(info.archive_count, 50);
    assert_eq!(
        info.inventory_date,
        Timestamp::parse("2026-11-01T00:00:00Z").unwrap()
    );
    let first = store
        .open_snapshot(&info)
        .unwrap()
        .archive(1)
        .unwrap()
        .unwrap();
    assert_eq!(first.archive_id, archives[0].id);
}

/// Imports `text` and expects a refusal that is the user's to fix, after which
/// the cache is exactly as before.
fn refused(store: &mut Store, vault: &str, text: &str) -> String {
    let files_before = snapshot_files(store);
    let snapshots_before = store.snapshots(None).unwrap();
    let err = import_json(store, vault, text).unwrap_err();
    assert!(err.is_bad_input(), "{err}");
    assert_eq!(snapshot_files(store), files_before, "{err}");
    assert_eq!(store.snapshots(None).unwrap(), snapshots_before, "{err}");
    err.to_string()
}

#[test]
fn refused_imports_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let good = inventory_json("v", "2026-11-01T00:00:00Z", &spread(30));
    import_json(&mut store, "v", &good).unwrap();

    let truncated = &good[..good.len() / 2];
    let message = refused(&mut store, "v", truncated);
    assert!(message.contains("cut short"), "{message}");

    let mut twice = spread(9);
    twice[7].id = twice[2].id.clone();
    let message = refused(
        &mut store,
        "v",
        &inventory_json("v", "2026-11-02T00:00:00Z", &twice),
    );
    assert!(message.contains("archives 3 and 8"), "{message}");

    let message = refused(
        &mut store,
        "other",
        &inventory_json("v", "2026-11-03T00:00:00Z", &spread(3)),
    );
    assert!(message.contains("import it as vault 'v'"), "{message}");

    let mut huge = spread(3);
    huge[1].size = (40 << 40) + 1;
    let message = refused(
        &mut store,
        "v",
        &inventory_json("v", "2026-11-04T00:00:00Z", &huge),
    );
    assert!(message.contains("40 TiB"), "{message}");

    let message = refused(&mut store, "v", &good);
    assert!(message.contains("already holds"), "{message}");

    let not_an_arn = good.replace(
        "arn:aws:glacier:us-east-1:111122223333:vaults/v",
        "somewhere",
    );
    let message = refused(
        &mut store,
        "v",
        &not_an_arn.replace("2026-11-01", "2026-11-05"),
    );
    assert!(message.contains("VaultARN"), "{message}");

    let message = refused(&mut store, "bad/name", &good);
    assert!(message.contains("not a vault name"), "{message}");

    assert_eq!(store.snapshots(None).unwrap().len(), 1);
}

#[test]
fn csv_needs_a_region_and_takes_the_date_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let csv = format!(
        "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n{},\"a, b\",2012-03-20T17:03:43.221Z,10,{}\n",
        archive_id(1),
        "0".repeat(64)
    );
    let mut request = json_request("v");
    request.format = InventoryFormat::Csv;
    let err = import_from(&mut store, csv.as_bytes(), request).unwrap_err();
    assert!(
        matches!(err, StoreError::Vault(VaultRefusal::NoRegion)),
        "{err}"
    );
    assert!(err.to_string().contains("choose the region"), "{err}");

    let mut request = json_request("v");
    request.format = InventoryFormat::Csv;
    request.default_region = Some("eu-west-1".into());
    request.inventory_date = Some(Timestamp::parse("2026-01-02T00:00:00Z").unwrap());
    let info = import_from(&mut store, csv.as_bytes(), request).unwrap();
    assert_eq!(info.vault.key.region, "eu-west-1");
    assert_eq!(info.vault.key.account, "-");
    assert_eq!(info.inventory_date.to_string(), "2026-01-02T00:00:00Z");
    let row = store
        .open_snapshot(&info)
        .unwrap()
        .archive(1)
        .unwrap()
        .unwrap();
    assert_eq!(row.description, "a, b");
}

#[test]
fn concurrent_imports_into_one_cache_both_land() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = ["one", "two", "three"]
            .into_iter()
            .map(|vault| {
                let path = dir.path();
                scope.spawn(move || {
                    let mut store = Store::open(path).unwrap();
                    import_json(
                        &mut store,
                        vault,
                        &inventory_json(vault, "2026-11-01T00:00:00Z", &spread(3_000)),
                    )
                    .unwrap()
                })
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap().archive_count, 3_000);
        }
    });
    let store = Store::open(dir.path()).unwrap();
    let names: Vec<String> = store
        .vaults()
        .unwrap()
        .into_iter()
        .map(|v| v.key.name)
        .collect();
    assert_eq!(names, ["one", "three", "two"]);
    assert_eq!(snapshot_files(&store).len(), 3);
}

#[test]
fn caches_this_build_cannot_read_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    Store::open(dir.path()).unwrap();
    let catalog = dir.path().join("catalog.sqlite");
    rusqlite::Connection::open(&catalog)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let Err(err) = Store::open(dir.path()) else {
        panic!("a newer catalog was opened")
    };
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade defrost"), "{err}");

    let other = tempfile::tempdir().unwrap();
    let foreign = rusqlite::Connection::open(other.path().join("catalog.sqlite")).unwrap();
    foreign
        .execute_batch("CREATE TABLE notes (text TEXT)")
        .unwrap();
    drop(foreign);
    let Err(err) = Store::open(other.path()) else {
        panic!("a foreign database was opened")
    };
    assert!(
        matches!(
            err,
            StoreError::DamagedCatalog {
                damage: CatalogDamage::Foreign,
                ..
            }
        ),
        "{err}"
    );
}

/// What a killed import leaves goes at the next open, however fresh; a file
/// whose writer is alive (holding its lock) stays, however old.
#[test]
fn files_no_process_is_writing_are_swept_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    import_json(
        &mut store,
        "v",
        &inventory_json("v", "2026-11-01T00:00:00Z", &spread(5)),
    )
    .unwrap();
    let kept = snapshot_files(&store);
    let snapshots = dir.path().join("snapshots");
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 24 * 3600);
    let mut writers = Vec::new();
    for (name, age, writing) in [
        ("snapshot-killed.partial", None, false),
        ("snapshot-unrecorded.sqlite", None, false),
        ("snapshot-old.partial", Some(long_ago), false),
        ("snapshot-live.partial", Some(long_ago), true),
        ("snapshot-live-unrecorded.sqlite", None, true),
        ("notes.txt", Some(long_ago), false),
    ] {
        let file = std::fs::File::create(snapshots.join(name)).unwrap();
        if let Some(age) = age {
            file.set_modified(age).unwrap();
        }
        if writing {
            file.try_lock().unwrap();
            writers.push(file);
        }
    }
    std::fs::File::create(dir.path().join(".catalog-killed.partial")).unwrap();
    // The recorded snapshot is old too, and must stay.
    std::fs::File::options()
        .write(true)
        .open(snapshots.join(&kept[0]))
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    let mut expected = vec![
        "notes.txt".to_owned(),
        "snapshot-live-unrecorded.sqlite".to_owned(),
        "snapshot-live.partial".to_owned(),
        kept[0].clone(),
    ];
    expected.sort();
    assert_eq!(snapshot_files(&store), expected);
    assert!(!dir.path().join(".catalog-killed.partial").exists());
    let info = store.snapshots(None).unwrap().remove(0);
    assert_eq!(store.open_snapshot(&info).unwrap().archive_count(), 5);

    // Once their writers are gone, so are their files.
    drop(writers);
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(
        snapshot_files(&store),
        ["notes.txt".to_owned(), kept[0].clone()]
    );
}

/// The pages of a paged inventory, imported as one snapshot, hold every archive
/// once, in the same orders as one whole inventory would; the oldest page's date
/// stands for the whole.
#[test]
fn the_pages_of_one_inventory_become_one_snapshot() {
    let archives = spread(2_500);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let pages = [
        inventory_json("paged", "2026-11-02T00:00:00Z", &archives[..1000]),
        inventory_json("paged", "2026-11-01T00:00:00Z", &archives[1000..2400]),
        inventory_json("paged", "2026-11-02T00:00:00Z", &archives[2400..]),
    ];
    let info = import_pages(&mut store, &pages, json_request("paged")).unwrap();
    assert_eq!(info.archive_count, 2_500);
    assert_eq!(info.inventory_date.to_string(), "2026-11-01T00:00:00Z");
    let snapshot = store.open_snapshot(&info).unwrap();
    for sort in [SortKey::Name, SortKey::Size, SortKey::Created] {
        let query = ArchiveQuery {
            sort,
            offset: 990,
            limit: 30,
            ..Default::default()
        };
        let page = snapshot.page(&query).unwrap();
        let positions: Vec<u32> = page.archives.iter().map(|a| a.position).collect();
        let (expected, total) = model(&archives, &query);
        assert_eq!(positions, expected, "{query:?}");
        assert_eq!(page.total, total, "{query:?}");
    }
}

#[test]
fn an_archive_on_two_pages_or_pages_of_two_vaults_are_refused_leaving_nothing() {
    let archives = spread(10);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let date = "2026-11-01T00:00:00Z";
    let overlapping = [
        inventory_json("paged", date, &archives[..6]),
        inventory_json("paged", date, &archives[5..]),
    ];
    let err = import_pages(&mut store, &overlapping, json_request("paged")).unwrap_err();
    assert!(
        matches!(&err, StoreError::DuplicateArchiveId { id, .. } if *id == archives[5].id),
        "{err}"
    );
    let mixed = [
        inventory_json("paged", date, &archives[..5]),
        inventory_json("other", date, &archives[5..]),
    ];
    let err = import_pages(&mut store, &mixed, json_request("paged")).unwrap_err();
    assert!(err.to_string().contains("two vaults"), "{err}");
    assert!(store.snapshots(None).unwrap().is_empty());
    assert!(
        snapshot_files(&store).is_empty(),
        "{:?}",
        snapshot_files(&store)
    );
}

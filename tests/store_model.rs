//! The cache against a model: random inventories are imported, then random
//! queries (filters, size and date ranges, folders, any order, any page) must
//! give exactly what sorting and filtering the archives by hand gives.

mod store_support;

use defrost::store::{ArchiveQuery, FolderEntryKind, SortKey, Store, diff};
use proptest::prelude::*;
use store_support::model::{model, timestamp};
use store_support::{TestArchive, archive_id, import_json, inventory_json};

/// Names from a small alphabet, so that folders, shared prefixes and equal names
/// are common; some descriptions are empty (nameless) or in mt2 form.
fn description() -> impl Strategy<Value = String> {
    let segment = prop::sample::select(vec!["a", "b", "ab", "a.b", "a-b", "B", "x y", "é", "a0"]);
    let path = prop::collection::vec(segment, 1..4).prop_map(|parts| parts.join("/"));
    prop_oneof![
        6 => path.clone(),
        1 => Just(String::new()),
        1 => path.prop_map(|p| {
            use base64::Engine as _;
            let json = format!(r#"{{"filename":"{p}","mtime":"20190101T000000Z"}}"#);
            format!("mt2 {}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
        }),
        1 => Just("Esc\u{1b}[31m/red".to_owned()),
    ]
}

fn archives() -> impl Strategy<Value = Vec<TestArchive>> {
    let one = (
        description(),
        prop_oneof![Just(0u64), 0u64..5, 0u64..(1 << 40)],
        1_300_000_000_000i64..1_300_000_000_500,
    );
    prop::collection::vec(one, 0..120).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(n, (description, size, created_ms))| TestArchive {
                id: archive_id(n as u64),
                description,
                size,
                created_ms,
            })
            .collect()
    })
}

fn query() -> impl Strategy<Value = ArchiveQuery> {
    let filter = prop::option::of(prop::sample::select(vec![
        "a",
        "A/B",
        "b/a",
        "id00000000000",
        "mt2",
        "x y",
        "zz",
        "é",
        "\u{1b}",
    ]));
    let size = prop::option::of(prop_oneof![Just(0u64), 0u64..5, 0u64..(1 << 40)]);
    let created = prop::option::of(1_300_000_000_000i64..1_300_000_000_500);
    let under = prop::option::of(prop::sample::select(vec![
        "a/", "ab/", "a/b/", "B/", "nothing/",
    ]));
    let sort = prop::sample::select(vec![SortKey::Name, SortKey::Size, SortKey::Created]);
    (
        (filter, size.clone(), size, created.clone(), created, under),
        (sort, any::<bool>(), 0u64..130, 0usize..40),
    )
        .prop_map(
            |(
                (filter, min_size, max_size, from, before, under),
                (sort, descending, offset, limit),
            )| ArchiveQuery {
                filter: filter.map(str::to_owned),
                min_size,
                max_size,
                created_from: from.map(timestamp),
                created_before: before.map(timestamp),
                under: under.map(str::to_owned),
                sort,
                descending,
                offset,
                limit,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn pages_match_the_model(archives in archives(), queries in prop::collection::vec(query(), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let info = import_json(&mut store, "v", &inventory_json("v", "2026-11-01T04:10:22Z", &archives)).unwrap();
        prop_assert_eq!(info.archive_count, archives.len() as u64);
        prop_assert_eq!(info.total_size, archives.iter().map(|a| u128::from(a.size)).sum::<u128>());
        let snapshot = store.open_snapshot(&info).unwrap();
        for query in &queries {
            let page = snapshot.page(query).unwrap();
            let positions: Vec<u32> = page.archives.iter().map(|a| a.position).collect();
            let (expected, total) = model(&archives, query);
            prop_assert_eq!(&positions, &expected, "{:?}", query);
            prop_assert_eq!(page.total, total, "{:?}", query);
            for row in &page.archives {
                let archive = &archives[row.position as usize - 1];
                prop_assert_eq!(&row.archive_id, &archive.id);
                prop_assert_eq!(&row.description, &archive.description);
                prop_assert_eq!(&row.name, &archive.name());
                prop_assert_eq!(row.size, archive.size);
                prop_assert_eq!(&row.created, &archive.created_text());
                prop_assert!(!row.name.chars().any(char::is_control), "{:?}", row.name);
            }
        }
    }

    #[test]
    fn folders_match_the_model(archives in archives(), folder in prop::sample::select(vec!["", "a", "a/", "ab/", "a/b", "B", "none"])) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let info = import_json(&mut store, "v", &inventory_json("v", "2026-11-01T04:10:22Z", &archives)).unwrap();
        let listing = store.open_snapshot(&info).unwrap().folder(folder).unwrap();

        let prefix = if folder.is_empty() || folder.ends_with('/') { folder.to_owned() } else { format!("{folder}/") };
        let mut folders: std::collections::BTreeMap<Vec<u8>, (u64, u128)> = Default::default();
        let mut files: Vec<(Vec<u8>, u32)> = Vec::new();
        for (i, archive) in archives.iter().enumerate() {
            let name = archive.name();
            let Some(rest) = name.strip_prefix(&prefix) else { continue };
            match rest.split_once('/') {
                Some((segment, _)) => {
                    let entry = folders.entry(segment.as_bytes().to_vec()).or_default();
                    entry.0 += 1;
                    entry.1 += u128::from(archive.size);
                }
                None if !rest.is_empty() => files.push((rest.as_bytes().to_vec(), i as u32 + 1)),
                None => {}
            }
        }
        let mut listed_folders = std::collections::BTreeMap::new();
        let mut listed_files = Vec::new();
        for entry in listing {
            match entry.kind {
                FolderEntryKind::Folder { archives, total_size } => {
                    prop_assert!(listed_folders.insert(entry.name.into_bytes(), (archives, total_size)).is_none());
                }
                FolderEntryKind::Archive { position, .. } => listed_files.push((entry.name.into_bytes(), position)),
            }
        }
        files.sort();
        listed_files.sort();
        prop_assert_eq!(listed_folders, folders);
        prop_assert_eq!(listed_files, files);
    }

    #[test]
    fn diffs_match_the_model(old in archives(), keep in prop::collection::vec(any::<bool>(), 120), extra in 0usize..20) {
        let new: Vec<TestArchive> = old
            .iter()
            .zip(&keep)
            .filter(|(_, keep)| **keep)
            .map(|(a, _)| a.clone())
            .chain((0..extra).map(|n| TestArchive {
                id: archive_id(10_000 + n as u64),
                description: format!("new/{n}"),
                size: n as u64,
                created_ms: 1_400_000_000_000,
            }))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let first = import_json(&mut store, "v", &inventory_json("v", "2026-10-01T00:00:00Z", &old)).unwrap();
        let second = import_json(&mut store, "v", &inventory_json("v", "2026-11-01T00:00:00Z", &new)).unwrap();
        let changes = diff(&store.open_snapshot(&first).unwrap(), &store.open_snapshot(&second).unwrap()).unwrap();
        let ids = |rows: &[defrost::store::ArchiveRow]| rows.iter().map(|r| r.archive_id.clone()).collect::<Vec<_>>();
        let removed: Vec<String> = old.iter().zip(&keep).filter(|(_, keep)| !**keep).map(|(a, _)| a.id.clone()).collect();
        let added: Vec<String> = new.iter().filter(|a| a.id.starts_with("id00000001")).map(|a| a.id.clone()).collect();
        prop_assert_eq!(ids(&changes.removed), removed);
        prop_assert_eq!(ids(&changes.added), added);
    }
}

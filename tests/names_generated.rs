//! Names in generated inventories: every description format the generator writes
//! (mt2, FastGlacier v4, CloudBerry, raw text, empty) decodes to its path.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fs::File;

use defrost::domain::inventory::{InventoryArchive, InventoryFormat, ReadOptions, read_inventory};
use defrost::domain::names::{Format, decode, disambiguate};

fn archives(name: &str, format: InventoryFormat) -> Vec<InventoryArchive> {
    let path = format!("{}/tests/data/inventory/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut archives = Vec::new();
    read_inventory(
        format,
        File::open(path).unwrap(),
        ReadOptions::default(),
        |archive| {
            archives.push(archive);
            Ok::<(), Infallible>(())
        },
    )
    .unwrap();
    archives
}

/// The generator's paths: one to six lowercase words (some with digits) joined by
/// `/`, and an extension.
fn looks_generated(path: &str) -> bool {
    let Some((folders_and_stem, extension)) = path.split_once('.') else {
        return false;
    };
    let words_ok = folders_and_stem.split('/').all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    words_ok
        && [
            "tar.gz", "jpg", "png", "tar", "zip", "mp4", "mov", "pdf", "sql", "7z", "dng",
        ]
        .contains(&extension)
}

fn check(archives: &[InventoryArchive]) -> BTreeMap<String, usize> {
    let mut formats = BTreeMap::new();
    for archive in archives {
        let decoded = decode(&archive.description);
        *formats.entry(decoded.format.to_string()).or_insert(0) += 1;
        match decoded.format {
            Format::Empty => {
                assert_eq!(decoded.name, None);
                assert_eq!(
                    decoded.safe_path(&archive.archive_id).as_str(),
                    archive.archive_id
                );
            }
            Format::Mt2 | Format::FastGlacier(4) | Format::CloudBerry | Format::Raw => {
                let name = decoded.name.clone().unwrap();
                assert!(
                    looks_generated(&name),
                    "{:?} from {}",
                    name,
                    archive.description
                );
                assert_eq!(decoded.display_name(&archive.archive_id), name);
                assert_eq!(decoded.safe_path(&archive.archive_id).as_str(), name);
                let has_time = decoded.format != Format::Raw;
                assert_eq!(
                    decoded.modified.is_some(),
                    has_time,
                    "{}",
                    archive.description
                );
            }
            other => panic!("the generator writes no {other} description"),
        }
    }
    formats
}

#[test]
fn every_generated_json_description_decodes() {
    let formats = check(&archives("generated-40.json", InventoryFormat::Json));
    let found: Vec<&str> = formats.keys().map(String::as_str).collect();
    assert_eq!(
        found,
        ["CloudBerry", "FastGlacier v4", "empty", "mt2", "raw"]
    );
}

#[test]
fn every_generated_csv_description_decodes() {
    let formats = check(&archives("generated-40.csv", InventoryFormat::Csv));
    assert!(formats.contains_key("CloudBerry"), "{formats:?}");
    assert!(formats.contains_key("mt2"), "{formats:?}");
}

#[test]
fn restore_paths_of_a_whole_inventory_are_distinct() {
    let archives = archives("generated-40.json", InventoryFormat::Json);
    let paths: Vec<_> = archives
        .iter()
        .map(|a| decode(&a.description).safe_path(&a.archive_id))
        .collect();
    let distinct = disambiguate(&paths);
    let mut keys: Vec<String> = distinct.iter().map(|p| p.as_str().to_lowercase()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), paths.len());
}

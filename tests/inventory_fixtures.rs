//! The readers on whole files: generated inventories and Glacier-style layouts.

use std::convert::Infallible;
use std::fs::File;

use defrost::domain::inventory::{
    InventoryArchive, InventoryFormat, InventorySummary, ReadOptions, read_inventory,
};

fn read(name: &str) -> (InventorySummary, Vec<InventoryArchive>) {
    let path = format!("{}/tests/data/inventory/{name}", env!("CARGO_MANIFEST_DIR"));
    let format = if name.ends_with(".csv") {
        InventoryFormat::Csv
    } else {
        InventoryFormat::Json
    };
    let file = File::open(&path).unwrap();
    let mut archives = Vec::new();
    let summary = read_inventory(format, file, ReadOptions::default(), |archive| {
        archives.push(archive);
        Ok::<(), Infallible>(())
    })
    .unwrap();
    (summary, archives)
}

#[test]
fn generated_json_reads_whole() {
    let (summary, archives) = read("generated-40.json");
    let header = summary.header.unwrap();
    assert_eq!(
        header.vault_arn,
        "arn:aws:glacier:us-east-1:111122223333:vaults/photos"
    );
    assert_eq!(header.inventory_date.to_string(), "2026-11-01T04:10:22Z");
    assert_eq!(summary.archive_count, 40);
    assert_eq!(archives.len(), 40);
    let total: u128 = archives.iter().map(|a| u128::from(a.size)).sum();
    assert_eq!(summary.total_size, total);
    assert!(archives.iter().all(|a| a.archive_id.len() == 138));
    // The generator writes creation dates with milliseconds; they print back so.
    assert!(
        archives
            .iter()
            .all(|a| a.creation_date.to_string().len() == "2012-03-20T17:03:43.221Z".len())
    );
}

#[test]
fn generated_csv_reads_whole() {
    let (summary, archives) = read("generated-40.csv");
    assert_eq!(summary.header, None);
    assert_eq!(summary.archive_count, 40);
    assert!(
        archives
            .iter()
            .any(|a| a.description.starts_with("{\"Path\""))
    );
    assert!(archives.iter().any(|a| a.description.is_empty()));
}

#[test]
fn both_formats_of_one_vault_agree() {
    let (json_summary, from_json) = read("aws-style.json");
    let (csv_summary, from_csv) = read("aws-style.csv");
    assert_eq!(from_json, from_csv);
    assert_eq!(json_summary.archive_count, 7);
    assert_eq!(json_summary.total_size, csv_summary.total_size);
    let descriptions: Vec<&str> = from_csv.iter().map(|a| a.description.as_str()).collect();
    assert_eq!(
        descriptions,
        [
            "my archive1",
            "",
            r"C:\Users\me\My Documents, 2019\\",
            r#"say "hi", then leave"#,
            r#"ends with a quote""#,
            r#"back\slash\"quote"#,
            r"trailing\\",
        ]
    );
    assert_eq!(from_json[3].size, u64::MAX);
    assert_eq!(
        json_summary.header.unwrap().inventory_date.to_string(),
        "2011-12-12T14:19:01Z"
    );
}

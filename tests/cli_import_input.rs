//! What `inventory import` accepts and refuses at its door: inventories that
//! start with a UTF-8 byte-order mark (as some editors and tools save them), and
//! archive ids, regions and accounts that later commands could not use, checked
//! by the rules job parameters are checked by.

mod one_line_error;
#[path = "cli_inventory/support.rs"]
#[allow(dead_code)]
mod support;

use support::{ACCOUNT, Archive, Cache, REGION, archive_id, inventory};

const BOM: &str = "\u{feff}";

fn two_archives() -> Vec<Archive> {
    vec![Archive::new(1, "a.txt", 10), Archive::new(2, "b.txt", 20)]
}

fn csv(rows: &[(&str, &str)]) -> String {
    let mut text =
        String::from("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\r\n");
    for (n, (id, description)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{id},{description},2012-03-20T17:03:43Z,{},{:064x}\r\n",
            n + 1,
            n + 1
        ));
    }
    text
}

#[test]
fn a_json_inventory_with_a_byte_order_mark_is_read_as_json() {
    let cache = Cache::new();
    let text = format!(
        "{BOM}{}",
        inventory("photos", "2026-01-01T00:00:00Z", &two_archives())
    );
    let file = cache.write("bom.json", text);
    let line = cache.import(&file, "photos", &[]);
    assert!(line.starts_with("imported 2 archives"), "{line}");
    // Only a JSON inventory names its account (in VaultARN).
    let snapshots = cache.snapshots();
    assert_eq!(snapshots[0]["account"], ACCOUNT, "{snapshots:?}");
}

#[test]
fn a_json_inventory_with_a_byte_order_mark_and_format_json_is_accepted() {
    let cache = Cache::new();
    let text = format!(
        "{BOM}\n  {}",
        inventory("photos", "2026-01-01T00:00:00Z", &two_archives())
    );
    let file = cache.write("bom.json", text);
    let line = cache.import(&file, "photos", &["--format", "json"]);
    assert!(line.starts_with("imported 2 archives"), "{line}");
}

#[test]
fn a_csv_inventory_with_a_byte_order_mark_is_read_as_csv() {
    let cache = Cache::new();
    let ids = [archive_id(1), archive_id(2)];
    let text = format!("{BOM}{}", csv(&[(&ids[0], "a.txt"), (&ids[1], "b.txt")]));
    let file = cache.write("bom.csv", text);
    let line = cache.import(&file, "photos", &["--region", REGION]);
    assert!(line.starts_with("imported 2 archives"), "{line}");
    let archives = cache.archives("photos", &[]);
    let mut listed = support::ids(&archives);
    listed.sort();
    assert_eq!(listed, ids);
}

/// A JSON inventory whose second archive has `id`, written as JSON text.
fn json_with_second_id(id_json: &str) -> String {
    let good = archive_id(1);
    format!(
        r#"{{"VaultARN":"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/photos","InventoryDate":"2026-01-01T00:00:00Z","ArchiveList":[
{{"ArchiveId":"{good}","ArchiveDescription":"a","CreationDate":"2012-03-20T17:03:43Z","Size":1,"SHA256TreeHash":"{:064x}"}},
{{"ArchiveId":{id_json},"ArchiveDescription":"b","CreationDate":"2012-03-20T17:03:43Z","Size":2,"SHA256TreeHash":"{:064x}"}}]}}"#,
        1, 2
    )
}

#[test]
fn json_archive_ids_with_spaces_or_control_characters_are_refused_with_their_place() {
    for (id_json, named) in [
        (r#""abc def""#, "a space (U+0020) at character 4"),
        (
            r#""abc\u0007def""#,
            "a control character (U+0007) at character 4",
        ),
        (
            r#""abc\u0000""#,
            "a control character (U+0000) at character 4",
        ),
        (r#""abc\tdef""#, "a tab (U+0009) at character 4"),
        (r#""abcé""#, "U+00E9) at character 4"),
    ] {
        let cache = Cache::new();
        let file = cache.write("bad-id.json", json_with_second_id(id_json));
        let line = cache.assert_refused(
            &[
                "inventory",
                "import",
                file.to_str().unwrap(),
                "--vault",
                "photos",
            ],
            &[
                "line 3",
                "(archive 2)",
                "ArchiveId",
                named,
                "download the inventory",
            ],
        );
        assert!(!line.contains('\u{7}'), "{line:?}");
        assert!(cache.snapshots().is_empty());
    }
}

#[test]
fn a_csv_archive_id_with_a_space_is_refused_with_its_row() {
    let cache = Cache::new();
    let good = archive_id(1);
    let file = cache.write("bad-id.csv", csv(&[(&good, "a"), ("abc def", "b")]));
    cache.assert_refused(
        &[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "photos",
            "--region",
            REGION,
        ],
        &["row 3", "ArchiveId", "a space (U+0020) at character 4"],
    );
    assert!(cache.snapshots().is_empty());
}

#[test]
fn a_region_that_is_not_a_region_is_refused() {
    for region in ["us-east-1/../../x", "us east 1", "US-EAST-1", ""] {
        let cache = Cache::new();
        let file = cache.write("inventory.csv", csv(&[(&archive_id(1), "a")]));
        cache.assert_refused(
            &[
                "inventory",
                "import",
                file.to_str().unwrap(),
                "--vault",
                "photos",
                "--region",
                region,
            ],
            &["--region", "does not look like a region such as us-east-1"],
        );
    }
}

#[test]
fn a_region_from_the_environment_is_checked_too() {
    let cache = Cache::new();
    let file = cache.write("inventory.csv", csv(&[(&archive_id(1), "a")]));
    let output = cache
        .defrost(&[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "photos",
        ])
        .env("AWS_REGION", "eu-west-1/../../x")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    one_line_error::assert_one_line_error(
        &[],
        &output.stdout,
        &stderr,
        &["AWS_REGION", "eu-west-1/../../x"],
    );
    assert!(cache.snapshots().is_empty());
}

#[test]
fn an_account_that_is_not_an_account_id_is_refused() {
    for account in ["../x", "12345678901", "1234567890123", "12345678901a"] {
        let cache = Cache::new();
        let file = cache.write("inventory.csv", csv(&[(&archive_id(1), "a")]));
        cache.assert_refused(
            &[
                "inventory",
                "import",
                file.to_str().unwrap(),
                "--vault",
                "photos",
                "--region",
                REGION,
                "--account",
                account,
            ],
            &["--account", "12 digits"],
        );
    }
    // Twelve digits, and the credentials' own account, are accepted.
    let cache = Cache::new();
    let file = cache.write("inventory.csv", csv(&[(&archive_id(1), "a")]));
    cache.import(
        &file,
        "photos",
        &["--region", REGION, "--account", "123456789012"],
    );
    let file = cache.write(
        "other.json",
        inventory("photos", "2026-01-01T00:00:00Z", &two_archives()),
    );
    cache.import(&file, "photos", &["--account", ACCOUNT]);
}

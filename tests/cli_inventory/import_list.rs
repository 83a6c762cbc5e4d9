//! Importing the fixtures, from files and from standard input, and listing the
//! snapshots they make.

use predicates::prelude::*;

use super::support::{ACCOUNT, Cache, REGION, VAULT, fixture, fixture_json};

/// The total size of a JSON fixture's archives, added up here.
fn json_total(name: &str) -> u128 {
    fixture_json(name)["ArchiveList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| u128::from(a["Size"].as_u64().unwrap()))
        .sum()
}

/// The number of archives and their total size in a CSV fixture whose last two
/// columns (Size, SHA256TreeHash) are never quoted.
fn csv_totals(name: &str) -> (u64, u128) {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().map(|h| h.trim_end_matches('\r')),
        Some("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash")
    );
    let sizes: Vec<u128> = lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let size = line.trim_end_matches('\r').rsplit(',').nth(1).unwrap();
            size.parse().unwrap()
        })
        .collect();
    (sizes.len() as u64, sizes.iter().sum())
}

#[test]
fn json_and_csv_imports_are_listed_with_their_counts_and_sizes() {
    let cache = Cache::new();
    let json_line = cache.import(&fixture("generated-40.json"), VAULT, &[]);
    assert!(
        json_line.starts_with("imported 40 archives ("),
        "{json_line}"
    );
    assert!(
        json_line.trim_end().ends_with(&format!(
            "of vault {VAULT} ({REGION}, account {ACCOUNT}): snapshot 1, inventory of 2026-11-01T04:10:22Z"
        )),
        "{json_line}"
    );
    assert_eq!(json_line.lines().count(), 1);

    let csv_line = cache.import(
        &fixture("generated-40.csv"),
        VAULT,
        &[
            "--region",
            REGION,
            "--account",
            ACCOUNT,
            "--inventory-date",
            "2026-11-08",
        ],
    );
    let (csv_count, csv_size) = csv_totals("generated-40.csv");
    assert_eq!(csv_count, 40);
    assert!(csv_line.starts_with("imported 40 archives ("), "{csv_line}");
    assert!(
        csv_line
            .trim_end()
            .ends_with("snapshot 2, inventory of 2026-11-08T00:00:00Z"),
        "{csv_line}"
    );

    let snapshots = cache.snapshots();
    assert_eq!(snapshots.len(), 2, "{snapshots:?}");
    let expected = [
        (
            1,
            "2026-11-01T04:10:22Z",
            json_total("generated-40.json"),
            "file generated-40.json",
        ),
        (2, "2026-11-08T00:00:00Z", csv_size, "file generated-40.csv"),
    ];
    for (snapshot, (id, date, total, source)) in snapshots.iter().zip(expected) {
        let keys: Vec<&str> = snapshot
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "snapshot",
                "vault",
                "region",
                "account",
                "inventory_date",
                "age_seconds",
                "archive_count",
                "total_size",
                "obtained_at",
                "source"
            ]
        );
        assert_eq!(snapshot["snapshot"], id);
        assert_eq!(snapshot["vault"], VAULT);
        assert_eq!(snapshot["region"], REGION);
        assert_eq!(snapshot["account"], ACCOUNT);
        assert_eq!(snapshot["inventory_date"], date);
        assert_eq!(snapshot["archive_count"], 40);
        assert_eq!(snapshot["total_size"], total.to_string());
        assert_eq!(snapshot["source"], source);
        assert!(snapshot["age_seconds"].is_i64(), "{snapshot}");
        assert!(snapshot["obtained_at"].as_str().unwrap().starts_with("20"));
    }

    // The table: a header and one row per snapshot, each with its count.
    let table = cache.stdout_of(&["inventory", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("VAULT"), "{table}");
    for (row, date) in lines[1..]
        .iter()
        .zip(["2026-11-01T04:10:22Z", "2026-11-08T00:00:00Z"])
    {
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells[..3], [VAULT, REGION, ACCOUNT], "{row}");
        assert!(cells.contains(&date), "{row}");
        assert!(cells.contains(&"40"), "{row}");
    }

    // --vault narrows the list; another vault's name finds nothing.
    let narrowed = cache.json_lines(&["inventory", "list", "--json", "--vault", VAULT]);
    assert_eq!(narrowed.len(), 2);
    let other = cache.json_lines(&["inventory", "list", "--json", "--vault", "other"]);
    assert!(other.is_empty(), "{other:?}");
}

#[test]
fn an_empty_cache_lists_nothing() {
    let cache = Cache::new();
    assert!(cache.snapshots().is_empty());
    cache
        .defrost(&["inventory", "list"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::starts_with("no inventories are cached yet"));
}

#[test]
fn stdin_imports_json_and_csv() {
    let cache = Cache::new();
    let json = std::fs::read(fixture("generated-40.json")).unwrap();
    let output = cache
        .defrost(&["inventory", "import", "-", "--vault", VAULT])
        .write_stdin(json)
        .assert()
        .success()
        .get_output()
        .clone();
    let line = String::from_utf8(output.stdout).unwrap();
    assert!(line.starts_with("imported 40 archives ("), "{line}");

    let csv = std::fs::read(fixture("generated-40.csv")).unwrap();
    cache
        .defrost(&[
            "inventory",
            "import",
            "-",
            "--vault",
            "scans",
            "--region",
            "us-west-2",
            "--inventory-date",
            "2011-12-12T14:19:01Z",
        ])
        .write_stdin(csv)
        .assert()
        .success();

    let snapshots = cache.snapshots();
    assert_eq!(snapshots.len(), 2, "{snapshots:?}");
    assert_eq!(snapshots[0]["archive_count"], 40);
    assert_eq!(snapshots[0]["source"], "stdin");
    assert_eq!(
        snapshots[0]["total_size"],
        json_total("generated-40.json").to_string()
    );
    assert_eq!(snapshots[1]["vault"], "scans");
    assert_eq!(snapshots[1]["region"], "us-west-2");
    assert_eq!(snapshots[1]["account"], "-");
    assert_eq!(snapshots[1]["inventory_date"], "2011-12-12T14:19:01Z");
    assert_eq!(snapshots[1]["archive_count"], 40);
    assert_eq!(snapshots[1]["source"], "stdin");
    assert_eq!(
        snapshots[1]["total_size"],
        csv_totals("generated-40.csv").1.to_string()
    );
    // The archives read from standard input are all there.
    assert_eq!(cache.archives(VAULT, &[]).len(), 40);
    assert_eq!(cache.archives("scans", &[]).len(), 40);
}

#[test]
fn csv_region_comes_from_the_environment() {
    let csv = fixture("generated-40.csv");
    let csv = csv.to_str().unwrap();
    let import = ["inventory", "import", csv, "--vault", VAULT];
    for (env, expected) in [
        (vec![("AWS_DEFAULT_REGION", "eu-west-1")], "eu-west-1"),
        (
            vec![
                ("AWS_REGION", "ap-south-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1"),
            ],
            "ap-south-1",
        ),
    ] {
        let cache = Cache::new();
        let mut command = cache.defrost(&import);
        for (name, value) in &env {
            command.env(name, value);
        }
        command.assert().success();
        let snapshots = cache.snapshots();
        assert_eq!(snapshots.len(), 1);
        assert_eq!(snapshots[0]["region"], expected, "{env:?}");
    }
    // --region wins over the environment.
    let cache = Cache::new();
    cache
        .defrost(&[&import[..], &["--region", "sa-east-1"]].concat())
        .env("AWS_REGION", "ap-south-1")
        .assert()
        .success();
    assert_eq!(cache.snapshots()[0]["region"], "sa-east-1");
}

#[test]
fn csv_and_json_of_the_same_archives_agree() {
    // The Glacier-style fixtures' fourth archive claims 2^64 - 1 bytes, which the
    // cache refuses; the other six have the hard descriptions.
    let huge = 18_446_744_073_709_551_615_u64;
    let csv: String = std::fs::read_to_string(fixture("aws-style.csv"))
        .unwrap()
        .split_inclusive('\n')
        .filter(|line| !line.contains(&huge.to_string()))
        .collect();
    assert!(csv.contains("\r\n"), "the CSV keeps Glacier's line ends");
    let mut json = fixture_json("aws-style.json");
    let list = json["ArchiveList"].as_array_mut().unwrap();
    list.retain(|archive| archive["Size"] != huge);
    assert_eq!(list.len(), 6);

    let cache = Cache::new();
    let json_file = cache.write("six.json", json.to_string());
    let csv_file = cache.write("six.csv", &csv);
    cache.import(&json_file, "examplevault", &[]);
    cache.import(
        &csv_file,
        "examplevault",
        &[
            "--region",
            "us-west-2",
            "--account",
            "012345678901",
            "--inventory-date",
            "2011-12-13",
        ],
    );
    let from_json = cache.archives("examplevault", &["--snapshot", "1"]);
    let from_csv = cache.archives("examplevault", &["--snapshot", "2"]);
    assert_eq!(from_json.len(), 6);
    assert_eq!(from_json, from_csv);
    for expected in json["ArchiveList"].as_array().unwrap() {
        let listed = from_csv
            .iter()
            .find(|a| a["archive_id"] == expected["ArchiveId"])
            .unwrap();
        assert_eq!(listed["description"], expected["ArchiveDescription"]);
        assert_eq!(listed["size"], expected["Size"]);
    }
    // Both snapshots list the same ids, so nothing changed between them.
    let diff = cache.json_lines(&["inventory", "diff", "--vault", "examplevault", "--json"]);
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0]["added"], serde_json::json!([]));
    assert_eq!(diff[0]["removed"], serde_json::json!([]));
}

/// A CSV inventory names no account, so it is filed under '-'. When the same
/// vault is cached under a real account, the import says how to file the two
/// together, and doing so puts both snapshots under one vault.
#[test]
fn a_csv_of_a_vault_cached_under_an_account_names_the_option_that_joins_them() {
    let cache = Cache::with_generated_40();
    let csv = fixture("generated-40.csv");
    let csv = csv.to_str().unwrap();
    let dated = ["--region", REGION, "--inventory-date", "2026-11-08"];
    let import = [&["inventory", "import", csv, "--vault", VAULT][..], &dated].concat();
    let output = cache.run_ok(&import);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "note: vault photos (us-east-1) is also cached under account 111122223333"
        ) && stderr.contains("--account 111122223333"),
        "{stderr}"
    );
    let accounts: Vec<String> = cache
        .snapshots()
        .iter()
        .map(|s| s["account"].as_str().unwrap().to_owned())
        .collect();
    // Listed by vault: '-' sorts first.
    assert_eq!(accounts, ["-", "111122223333"]);

    // Following the advice: a new cache, the same two imports, one vault.
    let joined = Cache::with_generated_40();
    let with_account = [&import[..], &["--account", ACCOUNT]].concat();
    assert!(joined.run_ok(&with_account).stderr.is_empty());
    let accounts: Vec<String> = joined
        .snapshots()
        .iter()
        .map(|s| s["account"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(accounts, [ACCOUNT, ACCOUNT]);
}

//! Every kind of bad input: exit code 2, one line on stderr naming the problem
//! and its fix, no panic, and nothing recorded in the cache.

use super::support::{
    ACCOUNT, Archive, Cache, REGION, VAULT, fixture, inventory, inventory_with_arn,
};

const REFETCH: &str = "download the inventory job's output again";

fn archives<'a>(more: &[&'a str]) -> Vec<&'a str> {
    [&["archives", "--vault", VAULT][..], more].concat()
}

fn import_args<'a>(file: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    [&["inventory", "import", file][..], more].concat()
}

/// Refuses an import of `contents` (written to a file) as vault `vault`.
fn assert_import_refused(contents: &str, vault: &str, more: &[&str], mentions: &[&str]) {
    let cache = Cache::new();
    let file = cache.write("inventory", contents);
    let file = file.to_str().unwrap();
    cache.assert_refused(
        &import_args(file, &[&["--vault", vault][..], more].concat()),
        mentions,
    );
    assert!(cache.snapshots().is_empty());
}

#[test]
fn a_missing_file() {
    let cache = Cache::new();
    let missing = cache.data_dir().join("no-such-inventory.json");
    cache.assert_refused(
        &import_args(missing.to_str().unwrap(), &["--vault", VAULT]),
        &[
            "cannot read the inventory",
            "no-such-inventory.json",
            "check the path",
        ],
    );
    assert!(cache.snapshots().is_empty());
}

#[test]
fn a_truncated_json_inventory_names_the_line() {
    // The generated fixture is one line; the Glacier-style one is indented.
    let whole = std::fs::read_to_string(fixture("generated-40.json")).unwrap();
    let half = &whole[..whole.len() / 2];
    assert_import_refused(half, VAULT, &[], &["line 1,", "cut short", REFETCH]);

    let whole = std::fs::read_to_string(fixture("aws-style.json")).unwrap();
    let mut cut = whole.len() / 2;
    while whole.as_bytes()[cut - 1].is_ascii_whitespace() {
        cut += 1;
    }
    let half = &whole[..cut];
    // The cut falls inside an archive; the message points at where that
    // unfinished archive starts.
    let start = half.rfind('{').unwrap();
    let line = half[..start].matches('\n').count() + 1;
    let column = start - half[..start].rfind('\n').unwrap();
    let archive = half.matches("\"ArchiveId\"").count();
    assert!(line > 5 && archive > 1, "the cut is well into the file");
    assert_import_refused(
        half,
        "examplevault",
        &[],
        &[
            &format!("at line {line}, column {column} (archive {archive})"),
            "cut short",
            REFETCH,
        ],
    );
}

#[test]
fn a_duplicate_archive_id() {
    let mut archives = vec![
        Archive::new(1, "one", 1),
        Archive::new(2, "two", 2),
        Archive::new(3, "three", 3),
    ];
    archives[2].id = archives[0].id.clone();
    let text = inventory(VAULT, "2026-01-01T00:00:00Z", &archives);
    assert_import_refused(
        &text,
        VAULT,
        &[],
        &[&archives[0].id, "twice", "unique", REFETCH],
    );
}

#[test]
fn a_vault_that_does_not_match_the_vault_arn() {
    let file = fixture("generated-40.json");
    let file = file.to_str().unwrap();
    let cache = Cache::new();
    cache.assert_refused(
        &import_args(file, &["--vault", "videos"]),
        &["vault 'photos'", "not 'videos'", "--vault photos"],
    );
    cache.assert_refused(
        &import_args(file, &["--vault", VAULT, "--region", "eu-west-1"]),
        &["--region says 'eu-west-1'", REGION, "leave out --region"],
    );
    cache.assert_refused(
        &import_args(file, &["--vault", VAULT, "--account", "999999999999"]),
        &[
            "--account says '999999999999'",
            ACCOUNT,
            "leave out --account",
        ],
    );
    cache.assert_refused(
        &import_args(file, &["--vault", VAULT, "--inventory-date", "2026-01-01"]),
        &["2026-11-01T04:10:22Z", "leave out --inventory-date"],
    );
    let bad_arn = inventory_with_arn("arn:aws:s3:::bucket", "2026-01-01T00:00:00Z", &[]);
    assert_import_refused(
        &bad_arn,
        VAULT,
        &[],
        &["arn:aws:s3:::bucket", "not a Glacier vault ARN"],
    );
    assert!(cache.snapshots().is_empty());
}

#[test]
fn csv_without_any_region() {
    let cache = Cache::new();
    let file = fixture("generated-40.csv");
    cache.assert_refused(
        &import_args(file.to_str().unwrap(), &["--vault", VAULT]),
        &["does not say which region", "give --region"],
    );
    // An empty AWS_REGION is no region either.
    let before = cache.contents();
    let output = cache
        .defrost(&import_args(file.to_str().unwrap(), &["--vault", VAULT]))
        .env("AWS_REGION", "")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(cache.contents(), before);
}

#[test]
fn a_json_file_read_as_csv_and_the_reverse() {
    let json = fixture("generated-40.json");
    let cache = Cache::new();
    cache.assert_refused(
        &import_args(
            json.to_str().unwrap(),
            &["--vault", VAULT, "--format", "csv", "--region", REGION],
        ),
        &["so it is JSON, but --format csv was given", "--format json"],
    );
    let csv = fixture("generated-40.csv");
    cache.assert_refused(
        &import_args(
            csv.to_str().unwrap(),
            &["--vault", VAULT, "--format", "json", "--region", REGION],
        ),
        &[
            "so it is not JSON, but --format json was given",
            "--format csv",
        ],
    );
}

#[test]
fn an_empty_file() {
    for contents in ["", " \n\n"] {
        assert_import_refused(contents, VAULT, &[], &["the inventory is empty", REFETCH]);
    }
}

#[test]
fn the_same_inventory_twice() {
    let cache = Cache::with_generated_40();
    let before = cache.snapshots();
    assert_eq!(before.len(), 1);
    let file = fixture("generated-40.json");
    cache.assert_refused(
        &import_args(file.to_str().unwrap(), &["--vault", VAULT]),
        &[
            "already holds the inventory of 2026-11-01T04:10:22Z",
            "snapshot 1",
            "nothing was imported",
        ],
    );
    // From standard input too.
    let output = cache
        .defrost(&["inventory", "import", "-", "--vault", VAULT])
        .write_stdin(std::fs::read(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    // The first snapshot stays, whole.
    let after = cache.snapshots();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["snapshot"], before[0]["snapshot"]);
    assert_eq!(after[0]["archive_count"], 40);
    assert_eq!(cache.archives(VAULT, &[]).len(), 40);
}

#[test]
fn archives_of_an_unknown_vault() {
    let cache = Cache::with_generated_40();
    cache.assert_refused(
        &["archives", "--vault", "videos"],
        &[
            "no inventory of vault 'videos' is cached",
            "defrost inventory import",
        ],
    );
    cache.assert_refused(
        &["archives", "--vault", VAULT, "--region", "eu-west-1"],
        &["region eu-west-1", "import one"],
    );
    cache.assert_refused(
        &["archives", "--vault", VAULT, "--snapshot", "7"],
        &["no snapshot 7", "defrost inventory list"],
    );
    cache.assert_refused(
        &["inventory", "tree", "--vault", "videos"],
        &["no inventory of vault 'videos' is cached"],
    );
    Cache::new().assert_refused(
        &["archives", "--vault", VAULT],
        &["no inventory of vault 'photos'"],
    );
}

#[test]
fn bad_archive_queries() {
    let cache = Cache::with_generated_40();
    cache.assert_refused(
        &archives(&["--min-size", "2GiB", "--max-size", "1GiB"]),
        &[
            "--min-size (2147483648 bytes) is larger than --max-size (1073741824 bytes)",
            "swap them",
        ],
    );
    cache.assert_refused(&archives(&["--min-size", "lots"]), &["--min-size", "lots"]);
    for (option, date) in [
        ("--since", "yesterday"),
        ("--until", "2019-13-01"),
        ("--since", "2019/01/01"),
    ] {
        cache.assert_refused(
            &archives(&[option, date]),
            &[
                &format!("{option} '{date}'"),
                "write it as 2026-11-01 or 2026-11-01T04:10:22Z",
            ],
        );
    }
    cache.assert_refused(
        &import_args("-", &["--vault", VAULT, "--inventory-date", "last week"]),
        &["--inventory-date 'last week'", "write it as"],
    );
}

#[test]
fn diff_with_one_snapshot() {
    let cache = Cache::with_generated_40();
    cache.assert_refused(
        &["inventory", "diff", "--vault", VAULT],
        &[
            "has 1 cached snapshot,",
            "needs two",
            "import a newer inventory",
        ],
    );
    cache.assert_refused(
        &["inventory", "diff", "--vault", VAULT, "1", "2"],
        &["no snapshot 2"],
    );
}

#[test]
fn a_size_of_more_than_40_tib() {
    const TIB: u64 = 1 << 40;
    let text = inventory(
        VAULT,
        "2026-01-01T00:00:00Z",
        &[
            Archive::new(1, "fine", 10),
            Archive::new(2, "huge", 40 * TIB + 1),
        ],
    );
    assert_import_refused(
        &text,
        VAULT,
        &[],
        &[
            "archive 2 has a Size of 43980465111041 bytes",
            "40 TiB",
            REFETCH,
        ],
    );
    // Glacier-style fixture: its fourth archive claims 2^64 - 1 bytes.
    assert_import_refused(
        &std::fs::read_to_string(fixture("aws-style.json")).unwrap(),
        "examplevault",
        &[],
        &[
            "archive 4 has a Size of 18446744073709551615 bytes",
            "40 TiB",
        ],
    );
    // 40 TiB itself is allowed.
    let cache = Cache::new();
    let file = cache.write(
        "largest.json",
        inventory(
            VAULT,
            "2026-01-01T00:00:00Z",
            &[Archive::new(1, "largest", 40 * TIB)],
        ),
    );
    cache.import(&file, VAULT, &[]);
    assert_eq!(cache.snapshots()[0]["total_size"], (40 * TIB).to_string());
}

#[test]
fn a_vault_name_cached_for_two_accounts() {
    let cache = Cache::with_generated_40();
    let csv = fixture("generated-40.csv");
    // No --account: the CSV's vault is of account "-", so a second "photos"
    // (the import notes which --account would have joined the two).
    let csv = csv.to_str().unwrap();
    let imported = cache.run_ok(&[
        "inventory",
        "import",
        csv,
        "--vault",
        VAULT,
        "--region",
        REGION,
    ]);
    let note = String::from_utf8(imported.stderr).unwrap();
    assert!(note.contains(&format!("--account {ACCOUNT}")), "{note}");
    cache.assert_refused(
        &archives(&[]),
        &[
            "there are 2 cached vaults named 'photos'",
            "add --region or --account",
        ],
    );
    let json = cache.archives(VAULT, &["--account", ACCOUNT]);
    let csv = cache.archives(VAULT, &["--account", "-"]);
    assert_eq!((json.len(), csv.len()), (40, 40));
    assert_ne!(json, csv);
}

//! `inventory diff` between inventories written here, and `inventory tree` over
//! names with folders.

use serde_json::Value;

use super::support::{Archive, Cache, archive_id, ids, inventory};

/// Archives numbered `numbers`, named after their number.
fn archives(numbers: &[u64]) -> Vec<Archive> {
    numbers
        .iter()
        .map(|&n| Archive::new(n, &format!("file-{n}.bin"), 1000 + n))
        .collect()
}

/// Imports an inventory of vault `diffs` with these archives, dated `date`.
fn import(cache: &Cache, date: &str, numbers: &[u64]) {
    let file = cache.write(
        &format!("{date}.json"),
        inventory("diffs", date, &archives(numbers)),
    );
    cache.import(&file, "diffs", &[]);
}

/// The snapshot number of the inventory dated `date`.
fn snapshot_dated(cache: &Cache, date: &str) -> i64 {
    let snapshots = cache.snapshots();
    let found: Vec<&Value> = snapshots
        .iter()
        .filter(|s| s["inventory_date"] == date)
        .collect();
    assert_eq!(found.len(), 1, "{snapshots:?}");
    found[0]["snapshot"].as_i64().unwrap()
}

fn expected_ids(numbers: &[u64]) -> Vec<String> {
    numbers.iter().map(|&n| archive_id(n)).collect()
}

/// The diff's ids, sorted, and its snapshot numbers.
fn diff_of(cache: &Cache, more: &[&str]) -> (i64, i64, Vec<String>, Vec<String>) {
    let args = [
        &["inventory", "diff", "--vault", "diffs", "--json"][..],
        more,
    ]
    .concat();
    let lines = cache.json_lines(&args);
    assert_eq!(lines.len(), 1, "one JSON object: {lines:?}");
    let diff = &lines[0];
    let sorted_ids = |key: &str| {
        let mut found = ids(diff[key].as_array().unwrap());
        found.sort();
        found
    };
    (
        diff["old_snapshot"].as_i64().unwrap(),
        diff["new_snapshot"].as_i64().unwrap(),
        sorted_ids("added"),
        sorted_ids("removed"),
    )
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[test]
fn diff_lists_exactly_the_added_and_removed_archives() {
    let cache = Cache::new();
    // Imported out of date order: the default must go by inventory date.
    import(&cache, "2026-03-01T00:00:00Z", &[3, 4, 8]);
    import(&cache, "2026-01-01T00:00:00Z", &[1, 2, 3, 4, 5]);
    import(&cache, "2026-02-01T00:00:00Z", &[3, 4, 5, 6, 7]);
    let january = snapshot_dated(&cache, "2026-01-01T00:00:00Z");
    let february = snapshot_dated(&cache, "2026-02-01T00:00:00Z");
    let march = snapshot_dated(&cache, "2026-03-01T00:00:00Z");

    // By default, the newest two: February to March.
    let (old, new, added, removed) = diff_of(&cache, &[]);
    assert_eq!((old, new), (february, march));
    assert_eq!(added, expected_ids(&[8]));
    assert_eq!(removed, sorted(expected_ids(&[5, 6, 7])));

    let jan = january.to_string();
    let feb = february.to_string();
    let (old, new, added, removed) = diff_of(&cache, &[&jan, &feb]);
    assert_eq!((old, new), (january, february));
    assert_eq!(added, sorted(expected_ids(&[6, 7])));
    assert_eq!(removed, sorted(expected_ids(&[1, 2])));

    // Backwards swaps the lists.
    let (_, _, added, removed) = diff_of(&cache, &[&feb, &jan]);
    assert_eq!(added, sorted(expected_ids(&[1, 2])));
    assert_eq!(removed, sorted(expected_ids(&[6, 7])));

    // The archives in the lists carry their fields.
    let lines = cache.json_lines(&["inventory", "diff", "--vault", "diffs", "--json"]);
    let added = &lines[0]["added"][0];
    assert_eq!(added["name"], "file-8.bin");
    assert_eq!(added["size"], 1008);

    // The text form: a summary line, then + and - lines.
    let text = cache.stdout_of(&["inventory", "diff", "--vault", "diffs", &jan, &feb]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(
        lines[0].starts_with(&format!(
            "snapshot {january} (2026-01-01T00:00:00Z) -> snapshot {february} (2026-02-01T00:00:00Z): 2 added"
        )),
        "{text}"
    );
    assert!(lines[0].contains("2 removed"), "{text}");
    assert!(
        lines[1].starts_with("+ ") && lines[1].ends_with("file-6.bin"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("+ ") && lines[2].ends_with("file-7.bin"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("- ") && lines[3].ends_with("file-1.bin"),
        "{text}"
    );
    assert!(
        lines[4].starts_with("- ") && lines[4].ends_with("file-2.bin"),
        "{text}"
    );
}

#[test]
fn diff_of_a_snapshot_with_itself_is_empty() {
    let cache = Cache::new();
    import(&cache, "2026-01-01T00:00:00Z", &[1, 2]);
    import(&cache, "2026-02-01T00:00:00Z", &[1, 2]);
    let (_, _, added, removed) = diff_of(&cache, &[]);
    assert!(added.is_empty() && removed.is_empty());
}

/// An inventory of vault `tree` with these names (raw-text descriptions) and sizes.
fn import_names(cache: &Cache, names: &[(&str, u64)]) {
    let archives: Vec<Archive> = names
        .iter()
        .enumerate()
        .map(|(i, (name, size))| Archive::new(i as u64, name, *size))
        .collect();
    let file = cache.write(
        "tree.json",
        inventory("tree", "2026-05-01T00:00:00Z", &archives),
    );
    cache.import(&file, "tree", &[]);
}

/// `inventory tree --vault tree [FOLDER]`, one entry a line, with its columns
/// split at whitespace.
fn tree(cache: &Cache, folder: &[&str]) -> Vec<Vec<String>> {
    let args = [&["inventory", "tree", "--vault", "tree"][..], folder].concat();
    let output = cache.run_ok(&args);
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn tree_lists_folders_with_their_totals_then_archives() {
    let cache = Cache::new();
    import_names(
        &cache,
        &[
            ("top.txt", 5),
            ("photos/2019/b.jpg", 2048),
            ("photos/c.jpg", 4096),
            ("photos/2019/a.jpg", 1024),
        ],
    );
    // The top: photos/ holds 3 archives of 7 KiB; top.txt is 5 bytes.
    let top = tree(&cache, &[]);
    assert_eq!(
        top,
        [
            vec!["7", "KiB", "3", "archives", "photos/"],
            vec!["5", "B", "top.txt"],
        ],
        "{top:?}"
    );
    let photos = tree(&cache, &["photos"]);
    assert_eq!(
        photos,
        [
            vec!["3", "KiB", "2", "archives", "2019/"],
            vec!["4", "KiB", "c.jpg"],
        ],
        "{photos:?}"
    );
    // A trailing slash is the same folder.
    assert_eq!(tree(&cache, &["photos/"]), photos);
    let year = tree(&cache, &["photos/2019"]);
    assert_eq!(
        year,
        [vec!["1", "KiB", "a.jpg"], vec!["2", "KiB", "b.jpg"]],
        "{year:?}"
    );

    // A folder that is not there: nothing listed, and a note on stderr.
    let output = cache.run_ok(&["inventory", "tree", "--vault", "tree", "videos"]);
    assert!(output.stdout.is_empty());
    let note = String::from_utf8(output.stderr).unwrap();
    assert!(note.contains("nothing is under 'videos'"), "{note}");

    // `archives --under` agrees with the tree.
    let under = cache.archives("tree", &["--under", "photos"]);
    let names: Vec<&str> = under.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["photos/2019/a.jpg", "photos/2019/b.jpg", "photos/c.jpg"]
    );
}

#[test]
fn tree_reads_an_older_snapshot_when_asked() {
    let cache = Cache::new();
    import_names(&cache, &[("old/a.txt", 1)]);
    let newer = cache.write(
        "newer.json",
        inventory(
            "tree",
            "2026-06-01T00:00:00Z",
            &[Archive::new(9, "new/b.txt", 2)],
        ),
    );
    cache.import(&newer, "tree", &[]);
    assert_eq!(tree(&cache, &[])[0].last().unwrap(), "new/");
    let old = tree(&cache, &["--snapshot", "1"]);
    assert_eq!(old, [vec!["1", "B", "1", "archives", "old/"]]);
}

//! Descriptions and ARNs are untrusted text: what is printed for people holds no
//! control characters, and JSON still carries the text exactly.

use super::support::{Archive, Cache, REGION, inventory_with_arn};

const HOSTILE: [&str; 7] = [
    "\u{1b}[31mred\u{1b}[0m alert.txt",
    "bell\u{7} tab\t cr\r lf\n nul\u{0} end",
    "del\u{7f} csi\u{9b}31m nel\u{85} st\u{9c}.doc",
    "\u{1b}]0;pwned\u{7}title.txt",
    "../../etc/passwd",
    "\u{1b}[2J",
    "right\u{202e}gpj.exe",
];

/// The bytes contain nothing a terminal would act on: no C0 control but the
/// newline, no DEL, no C1 control.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{what} is UTF-8"));
    for (at, c) in text.char_indices() {
        let c0 = c < ' ' && c != '\n';
        let c1 = ('\u{80}'..='\u{9f}').contains(&c);
        assert!(
            !c0 && c != '\u{7f}' && !c1,
            "{what}: {:?} at byte {at} in {text:?}",
            c
        );
    }
}

/// A cache holding one snapshot of `HOSTILE` descriptions in vault `evil`, and an
/// empty later snapshot.
fn hostile_cache() -> Cache {
    let arn = format!("arn:aws:glacier:{REGION}:123456789012:vaults/evil");
    let archives: Vec<Archive> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, description)| Archive::new(i as u64, description, 100 + i as u64))
        .collect();
    let cache = Cache::new();
    let first = cache.write(
        "hostile.json",
        inventory_with_arn(&arn, "2026-01-01T00:00:00Z", &archives),
    );
    let line = cache.import(&first, "evil", &[]);
    assert_terminal_safe(line.as_bytes(), "the import line");
    let later = cache.write(
        "empty.json",
        inventory_with_arn(&arn, "2026-02-01T00:00:00Z", &[]),
    );
    cache.import(&later, "evil", &[]);
    cache
}

#[test]
fn tables_show_no_control_characters() {
    let cache = hostile_cache();
    let outputs = [
        (
            "archives",
            vec!["archives", "--vault", "evil", "--snapshot", "1"],
        ),
        (
            "archives by size",
            vec![
                "archives",
                "--vault",
                "evil",
                "--snapshot",
                "1",
                "--sort",
                "size",
            ],
        ),
        ("inventory list", vec!["inventory", "list"]),
        (
            "inventory tree",
            vec!["inventory", "tree", "--vault", "evil", "--snapshot", "1"],
        ),
        (
            "inventory tree ..",
            vec![
                "inventory",
                "tree",
                "--vault",
                "evil",
                "--snapshot",
                "1",
                "..",
            ],
        ),
        (
            "inventory diff",
            vec!["inventory", "diff", "--vault", "evil"],
        ),
    ];
    for (what, args) in outputs {
        let output = cache.run_ok(&args);
        assert!(!output.stdout.is_empty(), "{what} printed something");
        assert_terminal_safe(&output.stdout, what);
        assert_terminal_safe(&output.stderr, what);
    }
    // Every archive is a line of its own in the table and the diff.
    let table = cache.run_ok(&["archives", "--vault", "evil", "--snapshot", "1"]);
    assert_eq!(
        table.stdout.iter().filter(|&&b| b == b'\n').count(),
        HOSTILE.len()
    );
    let diff = cache.run_ok(&["inventory", "diff", "--vault", "evil"]);
    let diff_lines = String::from_utf8(diff.stdout).unwrap();
    assert_eq!(
        diff_lines.lines().count(),
        1 + HOSTILE.len(),
        "{diff_lines}"
    );
    // The path-like name is shown as it is: it is only text here.
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table
            .lines()
            .any(|line| line.ends_with("  ../../etc/passwd")),
        "{table}"
    );
}

#[test]
fn json_carries_the_text_exactly_one_object_a_line() {
    let cache = hostile_cache();
    let output = cache.run_ok(&["archives", "--vault", "evil", "--snapshot", "1", "--json"]);
    // Every control character (C0, DEL, C1) and bidirectional override is
    // escaped, so the lines are the archives and nothing reaches a terminal raw.
    assert!(
        !output.stdout.iter().any(|&b| b < b' ' && b != b'\n'),
        "{output:?}"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{text}"
    );
    let archives: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(archives.len(), HOSTILE.len());
    let mut descriptions: Vec<&str> = archives
        .iter()
        .map(|a| a["description"].as_str().unwrap())
        .collect();
    descriptions.sort();
    let mut expected = HOSTILE.to_vec();
    expected.sort();
    assert_eq!(descriptions, expected);
    for archive in &archives {
        let name = archive["name"].as_str().unwrap();
        assert!(!name.is_empty(), "{archive}");
        assert!(!name.chars().any(char::is_control), "{archive}");
        assert!(!name.contains('\u{202e}'), "{archive}");
    }
    let passwd = archives
        .iter()
        .find(|a| a["description"] == "../../etc/passwd")
        .unwrap();
    assert_eq!(passwd["name"], "../../etc/passwd");
    // A description that is nothing but an escape sequence leaves no name: the id.
    let blank = archives
        .iter()
        .find(|a| a["description"] == "\u{1b}[2J")
        .unwrap();
    assert_eq!(blank["name"], blank["archive_id"]);

    // The account, as the VaultARN gave it, in `inventory list --json`.
    let snapshots = cache.snapshots();
    assert_eq!(snapshots[0]["account"], "123456789012");
}

#[test]
fn a_vault_arn_whose_region_or_account_is_not_one_is_refused_at_import() {
    let cache = Cache::new();
    let archives = [Archive::new(1, "a.txt", 10)];
    for arn in [
        format!("arn:aws:glacier:{REGION}:12\u{1b}]0;x\u{7}34:vaults/evil"),
        "arn:aws:glacier:us-east-1/../../x:123456789012:vaults/evil".to_owned(),
    ] {
        let file = cache.write(
            "bad-home.json",
            inventory_with_arn(&arn, "2026-01-01T00:00:00Z", &archives),
        );
        let line = cache.assert_refused(
            &[
                "inventory",
                "import",
                file.to_str().unwrap(),
                "--vault",
                "evil",
            ],
            &["VaultARN", "Glacier inventory"],
        );
        assert_terminal_safe(line.as_bytes(), "the refusal");
    }
}

#[test]
fn a_filter_with_control_characters_is_harmless() {
    let cache = hostile_cache();
    let found = cache.archives("evil", &["--snapshot", "1", "--filter", "\u{1b}[31mRED"]);
    // Control characters are searched as spaces, in the term as in the text, so
    // the one description that holds ESC [31mred matches.
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["description"], HOSTILE[0]);
    let output = cache.run_ok(&[
        "archives",
        "--vault",
        "evil",
        "--snapshot",
        "1",
        "--filter",
        "\u{1b}[31m",
    ]);
    assert_terminal_safe(&output.stdout, "filtered table");
    assert_terminal_safe(&output.stderr, "filtered footer");
}

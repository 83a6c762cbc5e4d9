//! `defrost range` as users and tools run it: the JSON contract, the forms of sizes
//! and ranges, the table for people, and one clear line for every bad input.

use assert_cmd::Command;
use serde_json::{Value, json};

fn defrost_range(args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("defrost").expect("the defrost binary is built");
    command.arg("range").args(args);
    command
}

/// Runs `defrost range ARGS --json`, expecting success, and returns the parsed output.
fn json_of(args: &[&str]) -> Value {
    let output = defrost_range(args).arg("--json").output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

/// The wanted range a JSON report resolved, as `[start, end]`.
fn want_of(args: &[&str]) -> [u64; 2] {
    let report = json_of(args);
    let want = &report["want"];
    [
        want["start"].as_u64().unwrap(),
        want["end"].as_u64().unwrap(),
    ]
}

#[test]
fn json_for_the_glacier_md_example_chunks_7_and_8_of_32_mib() {
    let report = json_of(&["--size", "32MiB", "--want", "7MiB-9MiB"]);
    let expected = json!({
        "size": 33554432,
        "want": {"start": 7340032, "end": 9437183},
        "plans": [
            {
                "plan": "mib",
                "jobs": [{"start": 7340032, "end": 9437183}],
                "bytes": 2097152,
                "extra_bytes": 0,
                "checksum": false
            },
            {
                "plan": "tree",
                "jobs": [{"start": 0, "end": 16777215}],
                "bytes": 16777216,
                "extra_bytes": 14680064,
                "checksum": true
            },
            {
                "plan": "split",
                "jobs": [
                    {"start": 7340032, "end": 8388607},
                    {"start": 8388608, "end": 9437183}
                ],
                "bytes": 2097152,
                "extra_bytes": 0,
                "checksum": true
            }
        ]
    });
    assert_eq!(report, expected);
    // Field order too, for readers that scan rather than parse.
    let keys = |value: &Value| {
        value
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&report), ["size", "want", "plans"]);
    assert_eq!(keys(&report["want"]), ["start", "end"]);
    assert_eq!(
        keys(&report["plans"][0]),
        ["plan", "jobs", "bytes", "extra_bytes", "checksum"]
    );
}

#[test]
fn json_is_one_line() {
    let output = defrost_range(&["--size", "1MiB", "--want", "0-9", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
}

#[test]
fn plan_option_selects_one_plan() {
    let args = ["--size", "33554432", "--want", "7340032-9437183"];
    for kind in ["mib", "tree", "split"] {
        let report = json_of(&[&args[..], &["--plan", kind]].concat());
        let plans = report["plans"].as_array().unwrap();
        assert_eq!(plans.len(), 1, "{kind}");
        assert_eq!(plans[0]["plan"], kind);
    }
    let report = json_of(&[&args[..], &["--plan", "all"]].concat());
    let kinds: Vec<&Value> = report["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|plan| &plan["plan"])
        .collect();
    assert_eq!(kinds, ["mib", "tree", "split"]);
}

#[test]
fn sizes_and_ranges_in_every_form() {
    const MIB: u64 = 1 << 20;
    let cases: [(&[&str], [u64; 2]); 9] = [
        (&["--size", "1GiB", "--want", "0-1048575"], [0, MIB - 1]),
        (
            &["--size", "1GiB", "--want", "4MiB-8MiB"],
            [4 * MIB, 8 * MIB - 1],
        ),
        (&["--size", "1GiB", "--want", "512KiB"], [0, 512 * 1024 - 1]),
        (&["--size", "1GiB", "--want", "100"], [0, 99]),
        (
            &["--size", "1GiB", "--want", "4MiB+100MiB"],
            [4 * MIB, 104 * MIB - 1],
        ),
        (
            &["--size", "1.5 GiB", "--want", "1GiB-"],
            [1 << 30, 1536 * MIB - 1],
        ),
        (&["--size", "2_000_000", "--want", " 10 - 20 "], [10, 20]),
        (&["--size", "5mb", "--want", "1MB-"], [1_000_000, 4_999_999]),
        (&["--size", "3", "--want", "0-"], [0, 2]),
    ];
    for (args, expected) in cases {
        assert_eq!(want_of(args), expected, "{args:?}");
    }
}

#[test]
fn the_largest_sizes_are_planned_without_overflow() {
    let report = json_of(&["--size", "18446744073709551615", "--want", "0-"]);
    assert_eq!(
        report["plans"][1]["jobs"][0]["end"],
        18446744073709551614u64
    );
    // One byte past 40 TiB: only the node from 32 TiB holds the last two chunks.
    let report = json_of(&["--size", "43980465111041", "--want", "43980465111039+2"]);
    assert_eq!(report["want"]["end"], 43980465111040u64);
    assert_eq!(report["plans"][1]["jobs"][0]["start"], 35184372088832u64);
}

#[test]
fn table_for_people_shows_every_plan_its_jobs_and_what_it_costs() {
    let output = defrost_range(&["--size", "32MiB", "--want", "7MiB-9MiB"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "7340032-9437183",
        "2 MiB (2097152 bytes)",
        "32 MiB (33554432 bytes)",
        "Retrieved",
        "Extra",
        "Checksum",
        "mib: fewest bytes, but Glacier returns no checksum",
        "tree: Glacier returns a checksum, at the cost of 14 MiB extra",
        "split: no extra bytes and a checksum for each job, but one request fee per job",
        "  0-16777215\n",
        "  7340032-8388607\n  8388608-9437183\n",
    ] {
        assert!(table.contains(expected), "missing {expected:?} in\n{table}");
    }
    let rows: Vec<&str> = table
        .lines()
        .filter(|line| {
            ["mib ", "tree ", "split "]
                .iter()
                .any(|p| line.starts_with(p))
        })
        .collect();
    assert_eq!(rows.len(), 3, "{table}");
    assert!(rows[0].ends_with(" no") && rows[1].ends_with(" yes") && rows[2].ends_with(" yes"));
}

#[test]
fn table_escapes_control_characters_in_the_range_as_written() {
    let output = defrost_range(&["--size", "100", "--want", "0\t-\t9"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("(from `0\u{FFFD}-\u{FFFD}9`)"), "{table}");
    assert!(!table.contains('\t'));
}

/// Bad input: exit code 2, nothing on stdout, and one line on stderr that says what
/// is wrong; `mentions` are what that line must name.
fn refused(args: &[&str], mentions: &[&str]) {
    let output = defrost_range(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.starts_with("defrost: "), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    for mention in mentions {
        assert!(
            stderr.contains(mention),
            "{args:?}: {mention:?} not in {stderr}"
        );
    }
}

#[test]
fn bad_sizes() {
    refused(
        &["--size", "12XB", "--want", "0-1"],
        &["--size", "`XB` is not a unit", "MiB"],
    );
    refused(
        &["--size", "-1", "--want", "0-1"],
        &["--size", "such as 4MiB"],
    );
    refused(&["--size", "", "--want", "0-1"], &["--size", "empty"]);
    refused(
        &["--size", "1.3", "--want", "0"],
        &["not a whole number of bytes"],
    );
    refused(
        &["--size", "99999999999999999999", "--want", "0"],
        &["too large"],
    );
    refused(&["--size", "17000000TiB", "--want", "0"], &["too large"]);
}

#[test]
fn bad_ranges() {
    let forms = "START-END";
    refused(
        &["--size", "1MiB", "--want", "abc"],
        &["--want", "`abc`", "4MiB"],
    );
    refused(
        &["--size", "1MiB", "--want", "-"],
        &["--want", "start", forms],
    );
    refused(
        &["--size", "1MiB", "--want", "-5"],
        &["--want", "start", forms],
    );
    refused(
        &["--size", "1MiB", "--want", ""],
        &["--want", "empty", forms],
    );
    refused(&["--size", "1MiB", "--want", "1-2-3"], &["more than one"]);
    refused(&["--size", "1MiB", "--want", "5+"], &["length after `+`"]);
    refused(&["--size", "1MiB", "--want", "0"], &["length is zero"]);
    refused(&["--size", "1MiB", "--want", "4KiB-4KiB"], &["zero bytes"]);
    refused(&["--size", "1MiB", "--want", "1ZiB"], &["not a unit"]);
    // Whatever was typed is echoed without its control characters.
    refused(
        &["--size", "1MiB", "--want", "\u{1b}[2J\n5"],
        &["\u{FFFD}[2J"],
    );
}

#[test]
fn ranges_outside_the_archive() {
    refused(
        &["--size", "100", "--want", "0-100"],
        &["--want", "ends at byte 100", "99"],
    );
    refused(&["--size", "1MiB", "--want", "2MiB"], &["beyond the end"]);
    refused(
        &["--size", "100", "--want", "100-"],
        &["starts at byte 100", "below 100"],
    );
    refused(
        &["--size", "100", "--want", "200-300"],
        &["starts at byte 200"],
    );
    refused(&["--size", "100", "--want", "50+51"], &["ends at byte 100"]);
}

#[test]
fn empty_archive() {
    refused(
        &["--size", "0", "--want", "0-"],
        &["--size", "empty (0 bytes)"],
    );
    refused(&["--size", "0B", "--want", "0-0"], &["empty (0 bytes)"]);
}

#[test]
fn end_before_start() {
    refused(
        &["--size", "100", "--want", "5-3"],
        &["ends at byte 3, before its start at byte 5"],
    );
    refused(
        &["--size", "1GiB", "--want", "8MiB-4MiB"],
        &["before its start"],
    );
}

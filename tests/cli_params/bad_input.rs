//! Every kind of bad input: exit code 2 and one line on stderr naming the field and
//! the fix, never a panic or the argument parser's usage text.

use super::{ARCHIVE_ID, TEN_MIB, defrost};
use crate::one_line_error::assert_one_line_error;

/// Runs a command that must be refused as bad input: exit code 2, one line on stderr
/// that starts with `defrost: ` and mentions each of `mentions`, nothing on stdout.
fn assert_bad_input(args: &[&str], mentions: &[&str]) {
    let output = defrost(args).assert().code(2).get_output().clone();
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert_one_line_error(args, &output.stdout, &stderr, mentions);
}

fn archive<'a>(more: &[&'a str]) -> Vec<&'a str> {
    [&["params", "archive", "--archive-id", ARCHIVE_ID][..], more].concat()
}

fn inventory<'a>(more: &[&'a str]) -> Vec<&'a str> {
    [&["params", "inventory"][..], more].concat()
}

#[test]
fn bad_descriptions() {
    assert_bad_input(
        &archive(&["--description", "café"]),
        &[
            "Description (--description)",
            "U+00E9",
            "character 4",
            "printable ASCII",
        ],
    );
    assert_bad_input(
        &inventory(&["--description", "tab\there"]),
        &[
            "Description (--description)",
            "a tab (U+0009)",
            "character 4",
        ],
    );
    assert_bad_input(
        &archive(&["--description", "red \u{1b}[31m alert"]),
        &["Description (--description)", "U+001B"],
    );
    let long = "x".repeat(1025);
    assert_bad_input(
        &archive(&["--description", &long]),
        &["Description (--description)", "1025 bytes", "at most 1024"],
    );
}

#[test]
fn bad_ranges() {
    assert_bad_input(
        &archive(&["--size", TEN_MIB, "--range", "1500000-2500000"]),
        &[
            "RetrievalByteRange (--range)",
            "not MiB-aligned",
            "--snap mib",
            "--snap tree",
        ],
    );
    assert_bad_input(
        &archive(&["--range", "5-1048575"]),
        &[
            "RetrievalByteRange (--range)",
            "starts at byte 5",
            "--snap mib",
        ],
    );
    assert_bad_input(
        &archive(&["--range", "0-5"]),
        &[
            "RetrievalByteRange (--range)",
            "ends at byte 5",
            "last byte",
            "--size",
        ],
    );
    assert_bad_input(
        &archive(&["--size", "1048576", "--range", "0-2097151"]),
        &["RetrievalByteRange (--range)", "beyond the end"],
    );
    assert_bad_input(&archive(&["--range", "the start"]), &["--range"]);
    assert_bad_input(&archive(&["--size", "lots", "--range", "0-1"]), &["--size"]);
    assert_bad_input(&archive(&["--size", "-5", "--range", "0-1"]), &["--size"]);
}

#[test]
fn bad_snapping() {
    assert_bad_input(
        &archive(&["--range", "1500000-2500000", "--snap", "mib"]),
        &["--snap", "--size"],
    );
    assert_bad_input(
        &archive(&["--size", TEN_MIB, "--snap", "tree"]),
        &["--snap", "--range"],
    );
    assert_bad_input(
        &archive(&["--size", TEN_MIB, "--range", "0-1", "--snap", "split"]),
        &["--snap `split`", "--snap mib", "--snap tree"],
    );
}

#[test]
fn bad_tier() {
    assert_bad_input(
        &archive(&["--tier", "fast"]),
        &["Tier (--tier)", "`fast`", "Standard, Expedited or Bulk"],
    );
}

#[test]
fn bad_dates() {
    assert_bad_input(
        &inventory(&["--start-date", "2024-13-01"]),
        &["StartDate (--start-date)", "month"],
    );
    assert_bad_input(
        &inventory(&["--end-date", "31/01/2024"]),
        &["EndDate (--end-date)", "2024-01-31T00:00:00Z"],
    );
    assert_bad_input(
        &inventory(&["--start-date", "2024-01-31T00:00:00+01:00"]),
        &["StartDate (--start-date)", "UTC", "Z"],
    );
    assert_bad_input(
        &inventory(&["--start-date", "2024-03-01", "--end-date", "2024-02-01"]),
        &[
            "StartDate (--start-date)",
            "EndDate (--end-date)",
            "earlier than the end",
        ],
    );
}

#[test]
fn bad_limits() {
    assert_bad_input(
        &inventory(&["--limit", "0"]),
        &["Limit (--limit)", "1 or more"],
    );
    assert_bad_input(
        &inventory(&["--limit", "ten"]),
        &["Limit (--limit)", "`ten`", "whole number"],
    );
    assert_bad_input(&inventory(&["--limit", "-3"]), &["Limit (--limit)"]);
}

#[test]
fn bad_sns_topics() {
    assert_bad_input(
        &archive(&["--sns-topic", "glacier-jobs"]),
        &[
            "SNSTopic (--sns-topic)",
            "arn:aws:sns:us-east-1:123456789012:topic-name",
        ],
    );
    assert_bad_input(
        &inventory(&["--sns-topic", "arn:aws:sns:us-east-1:1234:t"]),
        &["SNSTopic (--sns-topic)", "account id `1234`"],
    );
}

#[test]
fn bad_archive_ids() {
    assert_bad_input(
        &["params", "archive", "--tier", "Bulk"],
        &["ArchiveId (--archive-id)", "required"],
    );
    assert_bad_input(
        &["params", "archive", "--archive-id", ""],
        &["ArchiveId (--archive-id)", "empty"],
    );
    assert_bad_input(
        &["params", "archive", "--archive-id", "abc\n"],
        &["ArchiveId (--archive-id)", "line break"],
    );
}

#[test]
fn bad_format_marker_and_vault_name() {
    assert_bad_input(
        &inventory(&["--format", "XML"]),
        &["Format (--format)", "JSON or CSV"],
    );
    assert_bad_input(
        &inventory(&["--marker", "two words"]),
        &["Marker (--marker)", "a space"],
    );
    assert_bad_input(
        &inventory(&["--aws-cli", "my vault's"]),
        &["--aws-cli", "vault name", "character 3"],
    );
}

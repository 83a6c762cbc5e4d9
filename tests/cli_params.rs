//! `defrost params`: the printed job parameters, the aws CLI line, and one clear line
//! with exit code 2 for every kind of bad input.

#[path = "cli_params/bad_input.rs"]
mod bad_input;
mod one_line_error;

use assert_cmd::Command;
use serde_json::{Value, json};

const ARCHIVE_ID: &str = "NkbByEejwEggmBz2fTHgJrg0XBoDfjP4q6iu87-TjhqG6eGoOY9Z8i1_AUyUsuhPAdTqLHy8pTl5nfCFJmDl2yEZONi5L26Omw12vcs01MNGntHEQL8MBfGlqrEXAMPLEArchiveId";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:glacier-jobs";
const TEN_MIB: &str = "10485760";

fn defrost(args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("defrost").expect("the defrost binary is built");
    command.args(args).env_remove("DEFROST_DATA_DIR");
    command
}

/// Runs a command that must succeed; returns what it printed.
fn stdout_of(args: &[&str]) -> String {
    let output = defrost(args).assert().success().get_output().clone();
    assert!(output.stderr.is_empty(), "{output:?}");
    String::from_utf8(output.stdout).expect("output is UTF-8")
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).expect("output is JSON")
}

/// The byte offset of each `"key":` in `text`, which must appear in this order.
fn assert_keys_in_order(text: &str, keys: &[&str]) {
    let offsets: Vec<usize> = keys
        .iter()
        .map(|key| {
            text.find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{key} missing from {text}"))
        })
        .collect();
    assert!(
        offsets.windows(2).all(|pair| pair[0] < pair[1]),
        "keys out of order in {text}"
    );
}

#[test]
fn archive_job_without_range() {
    let value = json_of(&["params", "archive", "--archive-id", ARCHIVE_ID]);
    assert_eq!(
        value,
        json!({"Type": "archive-retrieval", "ArchiveId": ARCHIVE_ID})
    );
}

#[test]
fn archive_job_with_every_field_in_order() {
    let text = stdout_of(&[
        "params",
        "archive",
        "--archive-id",
        ARCHIVE_ID,
        "--size",
        TEN_MIB,
        "--range",
        "1048576-3145727",
        "--tier",
        "bulk",
        "--description",
        "restore 2019 photos",
        "--sns-topic",
        TOPIC,
    ]);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        json!({
            "Type": "archive-retrieval",
            "ArchiveId": ARCHIVE_ID,
            "Description": "restore 2019 photos",
            "SNSTopic": TOPIC,
            "RetrievalByteRange": "1048576-3145727",
            "Tier": "Bulk",
        })
    );
    let order = [
        "Type",
        "ArchiveId",
        "Description",
        "SNSTopic",
        "RetrievalByteRange",
        "Tier",
    ];
    assert_keys_in_order(&text, &order);
    assert!(text.lines().count() > 1, "pretty JSON spans lines");
}

#[test]
fn range_may_end_at_the_archives_last_byte() {
    let value = json_of(&[
        "params",
        "archive",
        "--archive-id",
        ARCHIVE_ID,
        "--size",
        "5242890",
        "--range",
        "4194304-5242889",
    ]);
    assert_eq!(value["RetrievalByteRange"], "4194304-5242889");
}

#[test]
fn range_without_size_on_mib_boundaries_is_taken() {
    let value = json_of(&[
        "params",
        "archive",
        "--archive-id",
        ARCHIVE_ID,
        "--range",
        "0-1048575",
    ]);
    assert_eq!(value["RetrievalByteRange"], "0-1048575");
}

#[test]
fn snapped_ranges() {
    let snapped = |snap: &str| {
        json_of(&[
            "params",
            "archive",
            "--archive-id",
            ARCHIVE_ID,
            "--size",
            TEN_MIB,
            "--range",
            "1500000-2500000",
            "--snap",
            snap,
        ])
    };
    // Chunks 1 and 2: MiB snapping keeps just them; tree snapping needs the node
    // over chunks 0 to 3.
    assert_eq!(
        snapped("mib"),
        json!({"Type": "archive-retrieval", "ArchiveId": ARCHIVE_ID, "RetrievalByteRange": "1048576-3145727"})
    );
    assert_eq!(snapped("tree")["RetrievalByteRange"], "0-4194303");
    assert_eq!(snapped("TREE")["RetrievalByteRange"], "0-4194303");
}

#[test]
fn inventory_job_with_every_field_in_order() {
    let text = stdout_of(&[
        "params",
        "inventory",
        "--format",
        "csv",
        "--start-date",
        "2024-01-01",
        "--end-date",
        "2024-02-01T12:00:00Z",
        "--limit",
        "1000",
        "--marker",
        "vyS0t2jHQe5qbcDggIeD50chS1SXwYMrkVKo0KHiTUjEYxBGCqRLKaiySzdN7QXGVVV5XZpNVG67pCZ",
        "--description",
        "monthly audit",
        "--sns-topic",
        TOPIC,
    ]);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value,
        json!({
            "Type": "inventory-retrieval",
            "Description": "monthly audit",
            "SNSTopic": TOPIC,
            "Format": "CSV",
            "InventoryRetrievalParameters": {
                "StartDate": "2024-01-01T00:00:00Z",
                "EndDate": "2024-02-01T12:00:00Z",
                "Limit": "1000",
                "Marker": "vyS0t2jHQe5qbcDggIeD50chS1SXwYMrkVKo0KHiTUjEYxBGCqRLKaiySzdN7QXGVVV5XZpNVG67pCZ",
            },
        })
    );
    let order = [
        "Type",
        "Description",
        "SNSTopic",
        "Format",
        "InventoryRetrievalParameters",
        "StartDate",
        "EndDate",
        "Limit",
        "Marker",
    ];
    assert_keys_in_order(&text, &order);
}

#[test]
fn minimal_inventory_job() {
    assert_eq!(
        json_of(&["params", "inventory"]),
        json!({"Type": "inventory-retrieval"})
    );
}

#[test]
fn compact_output_is_one_line() {
    for job in [
        &[
            "params",
            "archive",
            "--archive-id",
            ARCHIVE_ID,
            "--tier",
            "Expedited",
        ][..],
        &["params", "inventory", "--format", "JSON", "--limit", "5"][..],
    ] {
        let pretty = json_of(job);
        let compact = stdout_of(&[job, &["--compact"]].concat());
        assert_eq!(compact.lines().count(), 1, "{compact}");
        assert_eq!(
            compact.trim_end(),
            serde_json::to_string(&pretty).unwrap(),
            "same content, same order"
        );
    }
}

/// The archive job whose aws CLI line the quoting tests check.
const AWKWARD_DESCRIPTION: &str = r#"Bob's "old" photos: $HOME `id` \ 100%"#;

fn awkward_aws_cli_line() -> String {
    stdout_of(&[
        "--profile",
        "o'brien $prod",
        "params",
        "archive",
        "--archive-id",
        ARCHIVE_ID,
        "--description",
        AWKWARD_DESCRIPTION,
        "--aws-cli",
        "photos-2019",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        "http://127.0.0.1:9000/a b",
    ])
}

fn expected_aws_words() -> Vec<String> {
    let job = json!({
        "Type": "archive-retrieval",
        "ArchiveId": ARCHIVE_ID,
        "Description": AWKWARD_DESCRIPTION,
    });
    [
        "aws",
        "glacier",
        "initiate-job",
        "--account-id",
        "-",
        "--vault-name",
        "photos-2019",
        "--job-parameters",
        &serde_json::to_string(&job).unwrap(),
        "--profile",
        "o'brien $prod",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        "http://127.0.0.1:9000/a b",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn aws_cli_line_splits_back_into_the_intended_arguments() {
    let line = awkward_aws_cli_line();
    assert_eq!(line.lines().count(), 1, "{line}");
    let words = shlex::split(line.trim_end()).expect("the line is valid shell");
    assert_eq!(words, expected_aws_words());
}

#[cfg(unix)]
#[test]
fn aws_cli_line_survives_a_real_shell() {
    let line = awkward_aws_cli_line();
    // A stand-in `aws` that prints its name and each argument it receives on a line
    // of its own.
    let script = format!("aws() {{ printf '%s\\n' aws \"$@\"; }}\n{line}");
    let output = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .expect("sh runs");
    assert!(output.status.success(), "{output:?}");
    let words: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(words, expected_aws_words());
}

#[test]
fn aws_cli_line_leaves_out_global_options_not_given() {
    let line = stdout_of(&["params", "inventory", "--aws-cli", "v"]);
    assert_eq!(
        line,
        "aws glacier initiate-job --account-id - --vault-name v --job-parameters '{\"Type\":\"inventory-retrieval\"}'\n"
    );
}

//! Glacier's ids are base64-like and may begin with `-`; the command line takes
//! them as values, not as options.

use assert_cmd::Command;

#[test]
fn an_archive_id_beginning_with_a_dash_is_a_value() {
    let output = Command::cargo_bin("defrost")
        .unwrap()
        .args(["params", "archive", "--archive-id", "-aZ6thDeHeyMut4dp"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["ArchiveId"], "-aZ6thDeHeyMut4dp");
}

#[test]
fn a_job_id_beginning_with_a_dash_is_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("defrost")
        .unwrap()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .args(["download", "-mJobId", "--vault", "v", "--to"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The id is taken: what fails is reaching Glacier, not the command line.
    assert!(!stderr.contains("unexpected argument"), "{stderr}");
    assert!(stderr.contains("cannot reach Glacier"), "{stderr}");
}

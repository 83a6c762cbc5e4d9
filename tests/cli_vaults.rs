//! `defrost vaults` as a user runs it, against a sandbox served from this test:
//! the table, JSON Lines, and the one-line errors with their exit codes.

mod cli_live;
mod common;
mod jobs_support;

use cli_live::{Live, defrost, live_sandbox};
use jobs_support::{MIB, Spec, seed_vault};

/// Two inventoried vaults and one Glacier has not inventoried yet.
fn with_vaults(live: &Live) {
    let specs = [
        Spec {
            size: 3 * MIB,
            description: "a",
        },
        Spec {
            size: MIB / 2,
            description: "b",
        },
    ];
    seed_vault(&live.sandbox, "photos", &specs);
    seed_vault(&live.sandbox, "empty", &[]);
    let client = common::client_for(&live.sandbox);
    let create = client.create_vault().account_id("-").vault_name("fresh");
    live._runtime.block_on(create.send()).unwrap();
}

fn one_error_line(output: &std::process::Output, code: i32) -> String {
    assert_eq!(output.status.code(), Some(code), "exit code: {output:?}");
    assert!(output.stdout.is_empty(), "{output:?}");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("defrost: "), "{stderr}");
    stderr
}

#[test]
fn vaults_print_as_a_table() {
    let live = live_sandbox();
    with_vaults(&live);
    let home = tempfile::tempdir().unwrap();
    let output = defrost(&home, &live.sandbox.endpoint_url())
        .arg("vaults")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    let header: Vec<&str> = lines[0].split("  ").filter(|c| !c.is_empty()).collect();
    let header: Vec<&str> = header.iter().map(|c| c.trim()).collect();
    assert_eq!(
        header,
        ["NAME", "ARCHIVES", "SIZE", "LAST INVENTORY", "CREATED"]
    );
    assert!(lines[1].starts_with("empty "), "{stdout}");
    assert!(
        lines[2].starts_with("fresh ") && lines[2].contains(" never "),
        "{stdout}"
    );
    assert!(lines[3].starts_with("photos "), "{stdout}");
    assert!(
        lines[3].contains(" 2 ") && lines[3].contains("3.50 MiB"),
        "{stdout}"
    );
    assert!(
        !lines[3].contains("never") && lines[3].contains(" UTC"),
        "{stdout}"
    );
}

#[test]
fn vaults_print_as_json_lines() {
    let live = live_sandbox();
    with_vaults(&live);
    let home = tempfile::tempdir().unwrap();
    let output = defrost(&home, &live.sandbox.endpoint_url())
        .args(["vaults", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["empty", "fresh", "photos"]);
    assert_eq!(rows[1]["last_inventory"], serde_json::Value::Null);
    assert!(rows[0]["last_inventory"].is_string(), "{stdout}");
    assert_eq!(rows[2]["archive_count"], 2);
    assert_eq!(rows[2]["size_bytes"], 3 * MIB + MIB / 2);
    assert!(rows[2]["arn"].as_str().unwrap().ends_with(":vaults/photos"));
}

#[test]
fn an_unknown_profile_is_one_line_and_exit_2() {
    let live = live_sandbox();
    let home = tempfile::tempdir().unwrap();
    let output = defrost(&home, &live.sandbox.endpoint_url())
        .args(["--profile", "nosuch", "vaults"])
        .output()
        .unwrap();
    let line = one_error_line(&output, 2);
    assert!(line.contains("profile 'nosuch'"), "{line}");
}

#[test]
fn a_closed_port_is_one_line_naming_the_endpoint_and_exit_1() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let home = tempfile::tempdir().unwrap();
    let output = defrost(&home, &endpoint).arg("vaults").output().unwrap();
    let line = one_error_line(&output, 1);
    assert!(
        line.contains(&format!("cannot reach Glacier at {endpoint}")),
        "{line}"
    );
}

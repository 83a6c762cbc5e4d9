//! `defrost jobs` against a live sandbox: jobs another client started are adopted
//! into the journal once, followed to completion, and shown with the time left to
//! download them.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use cli_live::{defrost, live_sandbox};
use jobs_support::{
    archive_job, finish_now, inventory_job, start_job, vault_with_one_archive, wait_for,
};

#[test]
fn jobs_started_elsewhere_are_adopted_once_and_followed() {
    let live = cli_live::slow_sandbox();
    let archive_id = vault_with_one_archive(&live.sandbox, 3 << 20);
    let client = common::client_for(&live.sandbox);
    let archive_job_id =
        live._runtime
            .block_on(start_job(&client, "v", archive_job(&archive_id).build()));
    let inventory_job_id = live
        ._runtime
        .block_on(start_job(&client, "v", inventory_job().build()));
    finish_now(&live.sandbox, &archive_job_id);
    finish_now(&live.sandbox, &inventory_job_id);
    live._runtime
        .block_on(wait_for(&client, "v", &archive_job_id));
    live._runtime
        .block_on(wait_for(&client, "v", &inventory_job_id));

    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let output = defrost(&home, &live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };

    let table = run(&["jobs", "--vault", "v"]);
    assert!(table.starts_with("VAULT"), "{table}");
    assert!(
        table.contains(&archive_job_id) && table.contains(&inventory_job_id),
        "{table}"
    );
    assert_eq!(table.matches(" ready ").count(), 2, "{table}");
    assert_eq!(table.matches("adopted").count(), 2, "{table}");
    assert!(table.contains(" left "), "{table}");

    // A second look adopts nothing again.
    let json = run(&["jobs", "--json"]);
    let rows: Vec<serde_json::Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{json}");
    let archive = rows
        .iter()
        .find(|r| r["job_id"] == archive_job_id.as_str())
        .unwrap();
    assert_eq!(archive["kind"], "archive-retrieval");
    assert_eq!(archive["archive_id"], archive_id.as_str());
    assert_eq!(archive["status"], "ready");
    assert_eq!(archive["adopted"], true);
    assert!(
        archive["output_available_until"].as_str().is_some(),
        "{archive}"
    );
    let inventory = rows
        .iter()
        .find(|r| r["job_id"] == inventory_job_id.as_str())
        .unwrap();
    assert_eq!(inventory["kind"], "inventory-retrieval");
    // Each adopted job is a plan of its own, by which it can be downloaded.
    let plans = [&archive["plan"], &inventory["plan"]];
    for plan in plans {
        let id = plan.as_str().unwrap_or_default();
        assert!(
            id.starts_with('P') && id[1..].parse::<u64>().is_ok(),
            "{plan}"
        );
    }
    assert_ne!(plans[0], plans[1]);
}

#[test]
fn an_unknown_vault_is_bad_input() {
    let live = live_sandbox();
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = defrost(&home, &live.sandbox.endpoint_url())
        .arg("--data-dir")
        .arg(data.path())
        .args(["jobs", "--vault", "no-such-vault"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    one_line_error::assert_one_line_error(&["jobs"], &output.stdout, &stderr, &["no-such-vault"]);
}

/// Off a terminal, `jobs --watch` prints the table once, then one line per job
/// that finishes, and exits 0 once nothing is in progress.
#[test]
fn watch_follows_jobs_in_progress_until_they_finish() {
    let live = cli_live::polled_sandbox();
    let archive_id = vault_with_one_archive(&live.sandbox, 3 << 20);
    let client = common::client_for(&live.sandbox);
    // Bulk: about 2.9 s at this speedup, so it is still running when defrost looks.
    let params = archive_job(&archive_id).tier("Bulk").build();
    let job_id = live._runtime.block_on(start_job(&client, "v", params));
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let output = cli_live::polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--watch"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("VAULT"), "{stdout}");
    assert!(lines[1].contains("in progress"), "{stdout}");
    assert_eq!(lines[2], "watching 1 job in progress", "{stdout}");
    assert_eq!(
        lines[3],
        format!(
            "job {job_id} (archive retrieval in vault v) is ready: download it with 'defrost download {job_id} --vault v --to DIR'"
        )
    );
    assert_eq!(lines[4], "no job is in progress any more", "{stdout}");
    assert_eq!(lines.len(), 5, "{stdout}");

    // The journal took the new state in: a plain listing shows the job ready.
    let table = cli_live::polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--json"])
        .output()
        .unwrap();
    let row: serde_json::Value = serde_json::from_slice(&table.stdout).unwrap();
    assert_eq!(row["status"], "ready", "{row}");

    // With nothing in progress, watching ends at once.
    let idle = cli_live::polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--watch"])
        .output()
        .unwrap();
    assert!(idle.status.success(), "{idle:?}");
    let stderr = String::from_utf8(idle.stderr).unwrap();
    assert!(stderr.contains("nothing to watch"), "{stderr}");
}

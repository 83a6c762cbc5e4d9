//! `defrost jobs` against a live sandbox: jobs another client started are adopted
//! into the journal once, each a plan of one, followed to completion, and shown
//! with the time left to download them.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use cli_live::{defrost, live_sandbox};
use jobs_support::{
    archive_job, finish_now, inventory_job, start_job, vault_with_one_archive, wait_for,
};
use serde_json::{Value, json};

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
    assert_each_job_is_a_ready_plan_of_one(&table, &[&archive_job_id, &inventory_job_id]);

    // A second look adopts nothing again.
    let json = run(&["jobs", "--json"]);
    let lines: Vec<Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let rows: Vec<&Value> = lines.iter().filter(|r| r["record"] == "job").collect();
    assert_eq!(rows.len(), 2, "{json}");
    assert_eq!(lines.len(), 2 * 2, "a plan line before each job's: {json}");
    let job = |id: &str| *rows.iter().find(|r| r["job_id"] == id).unwrap();
    let archive = job(&archive_job_id);
    assert_eq!(archive["kind"], "archive-retrieval");
    assert_eq!(archive["archive_id"], archive_id.as_str());
    assert_eq!(archive["status"], "ready");
    assert_eq!(archive["adopted"], true);
    assert!(
        archive["output_available_until"].as_str().is_some(),
        "{archive}"
    );
    let inventory = job(&inventory_job_id);
    assert_eq!(inventory["kind"], "inventory-retrieval");
    assert_each_job_follows_its_plan(&lines, [(archive, "whole"), (inventory, "inventory")]);
}

/// The table of two adopted jobs, each ready: each is a plan of one, a plan row
/// then the job's row beneath it, named by the start of its id (the JSON has it
/// whole).
fn assert_each_job_is_a_ready_plan_of_one(table: &str, job_ids: &[&str]) {
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("PLAN "), "{table}");
    assert!(lines[1].starts_with("  └ JOB "), "{table}");
    assert_eq!(lines.len(), 2 + 2 * job_ids.len(), "{table}");
    for job_id in job_ids {
        let shown = format!("  └ {}…  ", &job_id[..10]);
        let row = lines.iter().position(|line| line.starts_with(&shown));
        let row = row.unwrap_or_else(|| panic!("no row of {job_id}: {table}"));
        assert!(lines[row - 1].starts_with('P'), "{table}");
        assert!(lines[row - 1].contains(" ready "), "{table}");
        assert!(lines[row].contains(" ready "), "{table}");
        assert!(lines[row].contains(" left "), "{table}");
        assert!(lines[row].ends_with("adopted"), "{table}");
    }
    assert_eq!(
        table.matches(" ready ").count(),
        2 * job_ids.len(),
        "{table}"
    );
    assert_eq!(table.matches("adopted").count(), job_ids.len(), "{table}");
}

/// Each adopted job is a plan of its own, by which it can be downloaded: the
/// plan's line comes just before the job's, and says it is ready.
fn assert_each_job_follows_its_plan(lines: &[Value], jobs: [(&Value, &str); 2]) {
    let plans = jobs.map(|(job, _)| &job["plan"]);
    for plan in plans {
        let id = plan.as_str().unwrap_or_default();
        assert!(
            id.starts_with('P') && id[1..].parse::<u64>().is_ok(),
            "{plan}"
        );
    }
    assert_ne!(plans[0], plans[1]);
    for (job, shape) in jobs {
        let at = lines.iter().position(|line| line == job).unwrap();
        let plan = &lines[at - 1];
        assert_eq!(plan["record"], "plan", "{lines:?}");
        assert_eq!(plan["plan"], job["plan"], "{lines:?}");
        assert_eq!(plan["kind"], shape, "{plan}");
        assert_eq!(plan["state"], "ready", "{plan}");
        assert_eq!(plan["jobs"], 1, "{plan}");
        assert_eq!(plan["jobs_ready"], 1, "{plan}");
        assert_eq!(plan["job_ids"], json!([job["job_id"]]), "{plan}");
    }
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
    assert!(lines[0].starts_with("PLAN "), "{stdout}");
    assert!(lines[1].starts_with("  └ JOB "), "{stdout}");
    assert!(lines[2].starts_with("P1 "), "{stdout}");
    assert!(lines[2].contains(" started "), "{stdout}");
    assert!(lines[3].starts_with("  └ "), "{stdout}");
    assert!(lines[3].contains("in progress"), "{stdout}");
    assert_eq!(lines[4], "watching 1 job in progress", "{stdout}");
    assert_eq!(
        lines[5],
        format!(
            "job {job_id} (archive retrieval in vault v) is ready: download it with 'defrost download {job_id} --vault v --to DIR'"
        )
    );
    assert_eq!(lines[6], "no job is in progress any more", "{stdout}");
    assert_eq!(lines.len(), 7, "{stdout}");

    // The journal took the new state in: a plain listing shows the job ready,
    // and so its plan.
    let table = cli_live::polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--json"])
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert_eq!(rows[0]["record"], "plan", "{text}");
    assert_eq!(rows[0]["state"], "ready", "{text}");
    assert_eq!(rows[1]["record"], "job", "{text}");
    assert_eq!(rows[1]["job_id"], job_id.as_str(), "{text}");
    assert_eq!(rows[1]["status"], "ready", "{text}");

    // With nothing in progress, watching ends at once.
    let idle = cli_live::polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--watch"])
        .output()
        .unwrap();
    assert!(idle.status.success(), "{idle:?}");
    let stderr = String::from_utf8(idle.stderr).unwrap();
    assert!(stderr.contains("nothing to watch"), "{stderr}");
}

//! `defrost jobs` lists plans, each with its jobs beneath, against a live sandbox
//! through the real binary: a split plan is one plan row over its two jobs, its
//! state follows its jobs as they become ready and ends `finished` with the file's
//! path once downloaded, and a job another tool started is a plan of one.

mod cli_live;
mod common;
mod jobs_support;
mod plan_support;

use jobs_support::{archive_job, start_job};
use plan_support::{Setup, job_id, json_lines, stdout};
use serde_json::{Value, json};

/// In the middle of the archive, across leaves 7 and 8: a split plan of two jobs.
const RANGE: &str = "7340042-9437174";

/// `defrost jobs --vault v`, its lines.
fn table(setup: &Setup) -> Vec<String> {
    let output = setup.run(&["jobs", "--vault", "v"]);
    assert!(output.status.success(), "{output:?}");
    stdout(&output).lines().map(str::to_owned).collect()
}

/// `defrost jobs --vault v --json`, its lines.
fn json(setup: &Setup) -> Vec<Value> {
    let output = setup.run(&["jobs", "--vault", "v", "--json"]);
    assert!(output.status.success(), "{output:?}");
    json_lines(&output)
}

/// The plan rows of a table: the lines that are not headers nor jobs.
fn plan_rows(lines: &[String]) -> Vec<&String> {
    lines
        .iter()
        .skip(2)
        .filter(|line| !line.starts_with("  └ "))
        .collect()
}

/// The line of plan `id`, which must be there once.
fn plan_line<'a>(lines: &'a [Value], id: &str) -> &'a Value {
    let found: Vec<&Value> = lines
        .iter()
        .filter(|line| line["record"] == "plan" && line["plan"] == id)
        .collect();
    assert_eq!(found.len(), 1, "{lines:?}");
    found[0]
}

#[test]
fn a_split_plan_is_one_row_over_its_jobs_and_its_state_follows_them() {
    let setup = Setup::new();
    let jobs = setup.retrieve(&["--range", RANGE, "--plan", "split", "--tier", "Expedited"]);
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert_one_row_over_two_jobs(&table(&setup), &jobs);
    assert_started_plan_line(&setup, &jobs);

    // The second job first: jobs become ready in any order.
    setup.finish(&jobs[1]);
    let lines = json(&setup);
    let plan = plan_line(&lines, "P1");
    assert_eq!(
        (&plan["state"], &plan["jobs_ready"]),
        (&json!("partly ready"), &json!(1))
    );
    let statuses: Vec<&Value> = lines[1..].iter().map(|job| &job["status"]).collect();
    assert_eq!(
        statuses,
        [&json!("in progress"), &json!("ready")],
        "{lines:?}"
    );
    let rows = table(&setup);
    assert!(rows[2].contains(" partly ready  1/2 "), "{rows:#?}");
    assert!(
        rows[3].contains(" in progress ") && rows[4].contains(" ready "),
        "{rows:#?}"
    );

    setup.finish(&jobs[0]);
    let plan = plan_line(&json(&setup), "P1").clone();
    assert_eq!(
        (&plan["state"], &plan["jobs_ready"]),
        (&json!("ready"), &json!(2))
    );
    assert!(table(&setup)[2].contains(" ready  2/2 "));

    let to = tempfile::tempdir().unwrap();
    let output = setup.download("P1", to.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_finished_with_its_file(&setup);
}

/// Just started: one plan row, `P1`, with the plan's two jobs beneath it.
fn assert_one_row_over_two_jobs(lines: &[String], jobs: &[Value]) {
    assert!(lines[0].starts_with("PLAN "), "{lines:#?}");
    assert!(lines[1].starts_with("  └ JOB "), "{lines:#?}");
    assert_eq!(lines.len(), 2 + 1 + 2, "{lines:#?}");
    let plan: Vec<&str> = lines[2].split_whitespace().collect();
    let name = "photos/2019/x.bin";
    let expected = [
        "P1", "v", name, "bytes", RANGE, "split", "started", "0/2", "2", "MiB",
    ];
    assert_eq!(plan, expected, "{lines:#?}");
    let ranges = ["7340032-8388607", "8388608-9437183"];
    for (row, (job, range)) in lines[3..].iter().zip(jobs.iter().zip(ranges)) {
        let shown = format!("{}…", &job_id(job)[..10]);
        let cells: Vec<&str> = row.split_whitespace().collect();
        let expected = ["└", &shown, range, "Expedited", "in", "progress"];
        assert_eq!(cells[..6], expected, "{lines:#?}");
        assert!(row.starts_with("  └ "), "{lines:#?}");
        assert!(row.ends_with("defrost"), "{lines:#?}");
    }
}

/// The plan's JSON line, every field, while no job is ready.
fn assert_started_plan_line(setup: &Setup, jobs: &[Value]) {
    let plan = plan_line(&json(setup), "P1").clone();
    let ids: Vec<&str> = jobs.iter().map(job_id).collect();
    assert_eq!(
        plan,
        json!({
            "record": "plan",
            "plan": "P1",
            "vault": "v",
            "region": "us-east-1",
            "archive_id": setup.archive_id,
            "name": "photos/2019/x.bin",
            "archive_size": plan_support::SIZE,
            "wanted": RANGE,
            "kind": "split",
            "state": "started",
            "jobs": 2,
            "jobs_ready": 0,
            "retrieved_bytes": 2 << 20,
            "finished": null,
            "verified": null,
            "made_at": plan["made_at"],
            "job_ids": ids,
        })
    );
    assert!(
        plan["made_at"].as_str().is_some_and(|at| at.ends_with('Z')),
        "{plan}"
    );
}

/// Downloaded: the plan is finished, and names its file, verified.
fn assert_finished_with_its_file(setup: &Setup) {
    let plan = plan_line(&json(setup), "P1").clone();
    assert_eq!(plan["state"], "finished", "{plan}");
    assert_eq!(plan["verified"], true, "{plan}");
    let path = plan["finished"].as_str().unwrap_or_default().to_owned();
    let name = "photos/2019/x.bin.bytes-7340042-9437174";
    assert!(path.ends_with(name), "{plan}");
    assert!(std::path::Path::new(&path).is_file(), "{plan}");
    let lines = table(setup);
    assert_eq!(plan_rows(&lines).len(), 1, "{lines:#?}");
    assert!(lines[2].contains(" finished "), "{lines:#?}");
    assert!(lines[2].ends_with(&format!("  {path}")), "{lines:#?}");
}

#[test]
fn a_job_started_by_another_tool_is_a_plan_of_one() {
    let setup = Setup::new();
    let jobs = setup.retrieve(&["--range", RANGE, "--plan", "split", "--tier", "Expedited"]);
    let client = common::client_for(&setup.live.sandbox);
    let params = archive_job(&setup.archive_id)
        .retrieval_byte_range("0-1048575")
        .tier("Bulk")
        .build();
    let other = setup
        .live
        ._runtime
        .block_on(start_job(&client, "v", params));

    assert_adopted_rows(&table(&setup), &setup.archive_id, &other);

    let json = json(&setup);
    let records: Vec<String> = json
        .iter()
        .map(|line| format!("{} {}", line["record"], line["plan"]))
        .collect();
    let expected = [
        r#""plan" "P1""#,
        r#""job" "P1""#,
        r#""job" "P1""#,
        r#""plan" "P2""#,
        r#""job" "P2""#,
    ];
    assert_eq!(records, expected, "{json:?}");
    assert_eq!(json[4]["job_id"], other.as_str());
    assert_eq!(json[4]["adopted"], true);
    let plan = &json[3];
    assert_eq!(plan["job_ids"], json!([other]), "{plan}");
    assert_eq!(
        (&plan["jobs"], &plan["kind"]),
        (&json!(1), &json!("tree")),
        "{plan}"
    );
    assert_eq!(plan["wanted"], "0-1048575", "{plan}");
    assert_eq!(json[1]["job_id"], job_id(&jobs[0]));
}

/// P2, the adopted job's plan of one, below P1 and its two jobs: Glacier names
/// the archive by its id only.
fn assert_adopted_rows(lines: &[String], archive_id: &str, adopted_job: &str) {
    let plans = plan_rows(lines);
    assert_eq!(plans.len(), 2, "{lines:#?}");
    assert_eq!(lines.len(), 2 + 2 + 3, "{lines:#?}");
    let adopted: Vec<&str> = lines[5].split_whitespace().collect();
    let archive = format!("{}…", &archive_id[..10]);
    assert_eq!(
        adopted,
        [
            "P2",
            "v",
            "id",
            &archive,
            "bytes",
            "0-1048575",
            "tree",
            "started",
            "0/1",
            "1",
            "MiB"
        ],
        "{lines:#?}"
    );
    let job = &lines[6];
    let shown = format!("{}…", &adopted_job[..10]);
    let cells: Vec<&str> = job.split_whitespace().collect();
    assert_eq!(cells[..4], ["└", &shown, "0-1048575", "Bulk"], "{lines:#?}");
    assert!(job.ends_with("adopted"), "{lines:#?}");
}

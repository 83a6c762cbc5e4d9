//! Renewing a plan whose job's output window closed before it was downloaded:
//! `defrost retrieve --renew PLAN` starts just that job again, in its place, after
//! saying what it costs; what was downloaded stays, and the plan's file is
//! finished from both. End to end against a live sandbox through the binary.

mod cli_live;
mod common;
mod jobs_support;
mod plan_support;

use std::time::Duration;

use cli_live::SLOW_SPEEDUP;
use jobs_support::MIB;
use plan_support::{Setup, job_id, json_lines, only_the_file, range_file, stdout, walk};
use serde_json::{Value, json};
use time::OffsetDateTime;

const M: u64 = MIB;

/// Closes the job's output window in the sandbox now: Glacier forgets it.
fn expire_now(setup: &Setup, job: &Value) {
    let window = Duration::from_secs(24 * 3600) / SLOW_SPEEDUP;
    let completed = OffsetDateTime::now_utc() - window - Duration::from_secs(60);
    let job_id = job_id(job).to_owned();
    let found = setup
        .live
        .sandbox
        .shared
        .change(OffsetDateTime::now_utc(), |state| {
            let job = state
                .vaults
                .values_mut()
                .find_map(|vault| vault.jobs.get_mut(&job_id));
            Ok(job.map(|job| job.completes_at = completed).is_some())
        })
        .expect("the sandbox takes the change");
    assert!(found, "no job {job_id} in the sandbox");
}

/// A fault that damages any fetch of the job's output, counted when it fires.
fn tripwire(job: &Value) -> Value {
    json!({"kind": "flip_byte", "job_id": job_id(job), "offset": 0, "persistent": true})
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A two-job split plan (P1) of bytes 7340042-9437174, its first job staged and
/// its second job's window closed before it was downloaded.
fn plan_with_an_expired_job(setup: &Setup, out: &std::path::Path) -> Vec<Value> {
    let range = ["--range", "7340042-9437174", "--plan", "split"];
    let jobs = setup.retrieve(&[&range[..], &["--tier", "Bulk"]].concat());
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    setup.finish(&jobs[0]);
    let first = setup.download("P1", out, &[]);
    assert!(first.status.success(), "{first:?}");
    assert!(stdout(&first).starts_with("plan P1: verified job 1 of 2"));
    setup.finish(&jobs[1]);
    expire_now(setup, &jobs[1]);
    jobs
}

#[test]
fn renewing_starts_only_the_expired_job_and_the_plan_finishes_from_both() {
    let setup = Setup::new();
    let out = tempfile::tempdir().unwrap();
    let jobs = plan_with_an_expired_job(&setup, out.path());

    // The download says the job is lost and how to get it back.
    let lost = setup.download("P1", out.path(), &[]);
    assert_eq!(lost.status.code(), Some(2), "{lost:?}");
    let said = stderr(&lost);
    assert!(said.contains("job 2 of 2"), "{said}");
    assert!(said.contains("--renew P1"), "{said}");

    // The renewal shows what it starts and what it costs, then starts one job.
    let renewed = setup.run(&["retrieve", "--renew", "P1", "--vault", "v", "--yes"]);
    assert!(renewed.status.success(), "{renewed:?}");
    let shown = stderr(&renewed);
    assert!(
        shown.contains("Plan P1 of photos/2019/x.bin: 1 of its 2 job(s) to start again"),
        "{shown}"
    );
    assert!(
        shown.contains("job 2 of 2: bytes 8388608-9437183 (1 MiB), its output window closed before it was downloaded"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("replaces {}", job_id(&jobs[1]))),
        "{shown}"
    );
    assert!(shown.contains("Cost      about $"), "{shown}");
    let started = stdout(&renewed);
    let first_line = started.lines().next().unwrap_or_default();
    assert!(
        first_line.starts_with("started job ")
            && first_line.ends_with(" as job 2 of plan P1 (Bulk)"),
        "{started}"
    );
    let new_job = first_line
        .trim_start_matches("started job ")
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(new_job, job_id(&jobs[1]));

    // Nothing more to renew while the new job runs.
    let again = setup.run(&["retrieve", "--renew", "P1", "--vault", "v", "--yes"]);
    assert!(again.status.success(), "{again:?}");
    assert!(
        stderr(&again).contains("plan P1 needs no renewal"),
        "{again:?}"
    );
    assert!(again.stdout.is_empty(), "{again:?}");

    // The first job's output is not fetched again: it is staged.
    setup.add_fault(tripwire(&jobs[0]));
    setup.finish(&json!({"job_id": new_job}));
    let finished = setup.download("P1", out.path(), &[]);
    assert!(finished.status.success(), "{finished:?}");
    let file = range_file(out.path(), 7_340_042, 9_437_174);
    assert!(std::fs::read(&file).unwrap() == setup.wanted(7_340_042, 9_437_174));
    assert_eq!(
        walk(out.path()),
        only_the_file("x.bin.bytes-7340042-9437174")
    );
    for fault in setup.faults() {
        assert_eq!(fault["fired"], 0, "output was fetched again: {fault}");
    }

    // A finished plan has nothing to renew.
    let done = setup.run(&["retrieve", "--renew", "P1", "--vault", "v", "--yes"]);
    assert_eq!(done.status.code(), Some(2), "{done:?}");
    let refusal = stderr(&done);
    assert_eq!(refusal.lines().count(), 1, "{refusal}");
    assert!(refusal.contains("plan P1 is finished"), "{refusal}");
}

#[test]
fn renewing_in_json_gives_each_job_started_with_the_one_it_replaces() {
    let setup = Setup::new();
    let out = tempfile::tempdir().unwrap();
    let jobs = plan_with_an_expired_job(&setup, out.path());
    let renewed = setup.run(&[
        "retrieve",
        "--renew",
        "p1",
        "--vault",
        "v",
        "--tier",
        "expedited",
        "--yes",
        "--json",
    ]);
    assert!(renewed.status.success(), "{renewed:?}");
    let lines = json_lines(&renewed);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["plan"], "P1");
    assert_eq!(line["position"], 2);
    assert_eq!(line["replaces"], job_id(&jobs[1]));
    assert_eq!(line["range"], format!("{}-{}", 8 * M, 9 * M - 1));
    assert_eq!(line["tier"], "Expedited");
    // The journal lists the new job in the old one's place.
    let listed = setup.run(&["jobs", "--vault", "v", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    let new_job = line["job_id"].as_str().unwrap();
    let jobs_listed = json_lines(&listed);
    let entry = jobs_listed
        .iter()
        .find(|job| job["job_id"] == new_job)
        .unwrap_or_else(|| panic!("{jobs_listed:?}"));
    assert_eq!(entry["plan"], "P1");
}

#[test]
fn a_renewal_asked_wrongly_is_refused_in_one_line_with_exit_code_2() {
    let setup = Setup::new();
    let cases: [(&[&str], &str); 4] = [
        (&["--renew", "12"], "'12' is not a plan id"),
        (&["--renew", "P9"], "no plan P9"),
        (
            &["--renew", "P1", "--archive-id", "x"],
            "cannot be used with",
        ),
        (&["--renew", "P1", "--tier", "Slow"], "Slow"),
    ];
    let jobs = setup.retrieve(&["--range", "0-99"]);
    assert_eq!(jobs.len(), 1);
    for (more, expected) in cases {
        let mut args = vec!["retrieve", "--vault", "v", "--yes"];
        args.extend_from_slice(more);
        let refused = setup.run(&args);
        assert_eq!(refused.status.code(), Some(2), "{more:?}: {refused:?}");
        let said = stderr(&refused);
        assert!(said.contains(expected), "{more:?}: {said}");
        assert!(refused.stdout.is_empty(), "{more:?}: {refused:?}");
    }
    let other_vault = setup.run(&["retrieve", "--renew", "P1", "--vault", "w", "--yes"]);
    assert_eq!(other_vault.status.code(), Some(2), "{other_vault:?}");
    assert!(
        stderr(&other_vault).contains("plan P1 retrieves from vault v, not w; give --vault v"),
        "{other_vault:?}"
    );
}

//! A job's output window closing, end to end against the sandbox: the journal
//! shows the job expired, and its output is refused in one line instead of
//! fetched.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use std::time::Duration;

use cli_live::{POLLED_SPEEDUP, polled_defrost, polled_sandbox};
use jobs_support::{archive_job, start_job, vault_with_one_archive, wait_for};

/// Glacier's 24-hour window at the test speedup, and a margin past it.
fn past_the_window() -> Duration {
    Duration::from_secs(24 * 3600) / POLLED_SPEEDUP + Duration::from_millis(800)
}

fn status_of(stdout: &[u8], job_id: &str) -> String {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("JSON lines"))
        .find(|job| job["job_id"] == job_id)
        .unwrap_or_else(|| panic!("job {job_id} is not listed: {text}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_expired_job_is_shown_as_such_and_its_output_is_refused() {
    let live = polled_sandbox();
    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let archive = vault_with_one_archive(&live.sandbox, 3000);
    let client = common::client_for(&live.sandbox);
    let params = archive_job(&archive).tier("Expedited").build();
    let job_id = live._runtime.block_on(start_job(&client, "v", params));
    live._runtime.block_on(wait_for(&client, "v", &job_id));

    let listed = polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--json"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    assert_eq!(status_of(&listed.stdout, &job_id), "ready");

    std::thread::sleep(past_the_window());
    let listed = polled_defrost(&live, &home, &data)
        .args(["jobs", "--vault", "v", "--json"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    assert_eq!(status_of(&listed.stdout, &job_id), "expired");

    let to = tempfile::tempdir().unwrap();
    let refused = polled_defrost(&live, &home, &data)
        .args(["download", &job_id, "--vault", "v", "--to"])
        .arg(to.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    let args = ["download", &job_id];
    one_line_error::assert_one_line_error(
        &args,
        &refused.stdout,
        &stderr,
        &["window", "start a new job"],
    );
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert_eq!(
        std::fs::read_dir(to.path()).unwrap().count(),
        0,
        "nothing is written"
    );
}

//! `defrost restore` of a whole folder of many archives, with Glacier throttling
//! requests and the process killed twice (once while it starts jobs, once while
//! it downloads): the third run ends with every file whole and verified, and
//! Glacier saw exactly one job per archive.
//!
//! `DEFROST_RESTORE_SCALE` sets how many archives (200 by default, so a test
//! run stays quick); run it at 2000 before changing the batch engine:
//! `DEFROST_RESTORE_SCALE=2000 cargo test --release --test cli_restore_scale`.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use std::time::Duration;

use restore_support::{Restore, outcome};
use serde_json::json;

/// Outputs stay downloadable for 24 hours / 200, over seven minutes: longer
/// than the three runs take at 2,000 archives, so no job is renewed; an
/// Expedited job still takes under two seconds.
const SPEEDUP: u32 = 200;

/// Longest wait for a running `defrost` to reach the moment it is killed at.
const PATIENCE: Duration = Duration::from_secs(120);

fn scale() -> usize {
    std::env::var("DEFROST_RESTORE_SCALE")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(200)
}

#[test]
fn a_large_folder_survives_throttling_and_two_kills_with_one_job_per_archive() {
    let total = scale();
    let names: Vec<String> = (0..total)
        .map(|n| format!("scans/box-{:03}/page-{n:05}.tif", n / 100))
        .collect();
    let archives: Vec<(&str, u64)> = names
        .iter()
        .enumerate()
        .map(|(index, name)| (name.as_str(), 512 + (index as u64 * 37) % 4096))
        .collect();
    let setup = Restore::sized_at(SPEEDUP, &archives);
    // Each throttled request is tried three times by the SDK before defrost
    // hears of it: InitiateJob is pushed back once, the others are absorbed.
    setup.add_fault(json!({"kind": "throttling", "operation": "InitiateJob", "count": 3}));
    for operation in ["ListJobs", "GetJobOutput"] {
        setup.add_fault(json!({"kind": "throttling", "operation": operation, "count": 2}));
    }
    let args = setup.restore_args(&["--under", "scans"], "500");

    let mut starting = setup.spawn(&args);
    starting.wait_until(PATIENCE, |_| setup.jobs_started().len() >= total / 4);
    assert!(
        starting.events("throttled") >= 1,
        "{}",
        starting.stdout_text()
    );
    starting.kill();
    assert!(
        setup.jobs_started().len() < total,
        "the first kill came too late"
    );

    let mut downloading = setup.spawn(&args);
    downloading.wait_until(PATIENCE, |run| run.events("restored") >= total / 10);
    downloading.kill();
    let restored_so_far = restore_support::files(setup.to.path()).len();
    assert!(restored_so_far < total, "the second kill came too late");

    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let last = setup
        .command()
        .timeout(Duration::from_secs(600))
        .args(&args)
        .output()
        .unwrap();
    assert!(last.status.success(), "{last:?}");
    let end = outcome(&last);
    assert_eq!(end["restored"], total, "{end}");
    assert_eq!(end["given_up"], 0, "{end}");
    setup.assert_all_restored_once();
}

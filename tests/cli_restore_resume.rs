//! `defrost restore` stopped the hard way and run again: killed with SIGKILL
//! while it starts jobs or while it downloads, or returned with `--no-wait`
//! and resumed after the outputs' windows closed. Every archive still ends as
//! its file, whole and verified, and Glacier is paid for exactly the jobs the
//! restore needs: one per archive, two when an output expired unread.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use std::time::Duration;

use jobs_support::MIB;
use restore_support::{Restore, files_ending, json_lines, outcome};

/// Slow enough that an output stays downloadable for 86 s, across a killed run
/// and the next on a busy machine, so no job is renewed and each archive is
/// paid for once; an Expedited job still takes well under a second.
const UNHURRIED_SPEEDUP: u32 = 1_000;

/// Longest wait for a running `defrost` to reach the moment it is killed at.
const PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn killed_while_starting_jobs_the_same_command_again_pays_for_each_archive_once() {
    let names: Vec<String> = (0..60).map(|n| format!("batch/file-{n:03}.bin")).collect();
    let archives: Vec<(&str, u64)> = names
        .iter()
        .enumerate()
        .map(|(index, name)| (name.as_str(), 2048 + 131 * index as u64))
        .collect();
    let setup = Restore::sized_at(UNHURRIED_SPEEDUP, &archives);
    // 20 requests a second: three seconds of starting, killed in the middle.
    let args = setup.restore_args(&["--under", "batch"], "20");
    let mut first = setup.spawn(&args);
    first.wait_until(PATIENCE, |_| setup.jobs_started().len() >= 15);
    first.kill();
    let started_before = setup.jobs_started().len();
    assert!(
        started_before < 60,
        "the kill came too late: {started_before}"
    );

    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let again = setup.run(&args);
    assert!(again.status.success(), "{again:?}");
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("going on with batch B1"), "{said}");
    let end = outcome(&again);
    assert_eq!(end["restored"], 60, "{end}");
    assert_eq!(end["given_up"], 0, "{end}");
    setup.assert_all_restored_once();
}

#[test]
fn killed_while_downloading_the_same_command_again_finishes_every_file_verified() {
    let names: Vec<String> = (0..6).map(|n| format!("big/part-{n}.tar")).collect();
    // Large enough that downloading and verifying takes a moment in a debug
    // build, so the kill lands with a file half written.
    let archives: Vec<(&str, u64)> = names
        .iter()
        .enumerate()
        .map(|(index, name)| (name.as_str(), 24 * MIB + 4099 * index as u64))
        .collect();
    let setup = Restore::sized_at(UNHURRIED_SPEEDUP, &archives);
    let args = setup.restore_args(&["--under", "big"], "500");
    let mut first = setup.spawn(&args);
    first.wait_until(PATIENCE, |_| {
        !files_ending(setup.to.path(), ".part").is_empty()
    });
    let restored_before = first.events("restored");
    first.kill();
    assert!(restored_before < 6, "the kill came too late");
    assert_eq!(setup.jobs_started().len(), 6);
    let left = files_ending(setup.to.path(), ".part");
    assert!(!left.is_empty(), "the kill should leave a part file");

    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let again = setup.run(&args);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(outcome(&again)["restored"], 6, "{again:?}");
    // Nothing of the interrupted download is left beside the files.
    for leftover in [".part", ".progress"] {
        assert!(files_ending(setup.to.path(), leftover).is_empty());
    }
    setup.assert_all_restored_once();
}

#[test]
fn outputs_whose_window_closed_before_the_resume_are_renewed_once() {
    let setup = Restore::new(&["docs/a.pdf", "docs/b.pdf", "docs/c.pdf", "other.txt"]);
    let first = setup.restore(&["--under", "docs", "--no-wait"]);
    assert!(first.status.success(), "{first:?}");
    assert_eq!(outcome(&first)["to_start"], 0);
    assert_eq!(setup.jobs_started().len(), 3);

    // At the test pace an output is downloadable for about 8.6 s after its
    // job completes (within a few hundredths of a second of its start).
    std::thread::sleep(Duration::from_secs(11));
    let resumed = setup.run(&["restore", "--resume", "B1", "--json"]);
    assert!(resumed.status.success(), "{resumed:?}");
    let events = json_lines(&resumed);
    let renewed = events
        .iter()
        .filter(|event| event["event"] == "started" && event["why"] == "renewal")
        .count();
    assert_eq!(renewed, 3, "{events:?}");
    assert_eq!(outcome(&resumed)["restored"], 3, "{resumed:?}");
    for name in ["docs/a.pdf", "docs/b.pdf", "docs/c.pdf"] {
        setup.assert_restored(name, name);
    }
    let started = setup.jobs_started();
    assert_eq!(started.len(), 3, "{started:?}");
    assert!(started.values().all(|jobs| *jobs == 2), "{started:?}");
}

//! `defrost download` killed with SIGKILL mid-download and started again: the
//! first run leaves `NAME.part` and its progress file and no final file; the second
//! finishes, verified, without fetching the chunks the first had verified.

mod cli_live;
mod common;
mod jobs_support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use cli_live::{defrost, defrost_process, slow_sandbox};
use common::admin::{add_fault, admin};
use defrost::domain::treehash::TreeHasher;
use jobs_support::{MIB, archive_job, finish_now, start_job, vault_with_one_archive, wait_for};
use serde_json::{Value, json};
use tempfile::TempDir;

/// Large enough that the download is far from done when its first chunk is
/// recorded: 8 chunks of 64 MiB.
const SIZE: u64 = 512 * MIB;

const DEADLINE: Duration = Duration::from_secs(60);

/// The chunk size and the recorded chunk indices of a progress file; nothing when
/// the file is not there yet.
fn recorded_chunks(progress: &Path) -> Option<(u64, Vec<u64>)> {
    let text = std::fs::read_to_string(progress).ok()?;
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next()?).ok()?;
    let chunk_size = header["chunk_size"].as_u64()?;
    // A line torn by the kill does not parse and does not count, as for defrost.
    let chunks = lines
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|record| record["chunk"].as_u64())
        .collect();
    Some((chunk_size, chunks))
}

/// Waits until the running download has recorded at least one verified chunk.
fn wait_for_first_chunk(child: &mut Child, progress: &Path) {
    let started = Instant::now();
    loop {
        if recorded_chunks(progress).is_some_and(|(_, chunks)| !chunks.is_empty()) {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("the download ended ({status}) before any chunk was recorded: {stderr}");
        }
        assert!(
            started.elapsed() < DEADLINE,
            "no chunk recorded in {} within {DEADLINE:?}",
            progress.display()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn tree_hash_of_file(path: &Path) -> String {
    let mut file = std::fs::File::open(path).unwrap();
    let mut hasher = TreeHasher::new();
    let mut buffer = vec![0; MIB as usize];
    loop {
        let read = file.read(&mut buffer).unwrap();
        if read == 0 {
            return hasher.finish().to_string();
        }
        hasher.update(&buffer[..read]);
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[test]
fn a_killed_download_resumes_without_fetching_its_verified_chunks_again() {
    // The output must stay downloadable across two runs of a debug build.
    let live = slow_sandbox();
    let archive_id = vault_with_one_archive(&live.sandbox, SIZE);
    let client = common::client_for(&live.sandbox);
    let job_id = live._runtime.block_on(start_job(
        &client,
        "v",
        archive_job(&archive_id).tier("Expedited").build(),
    ));
    finish_now(&live.sandbox, &job_id);
    let described = live._runtime.block_on(wait_for(&client, "v", &job_id));
    let archive_hash = described.sha256_tree_hash().unwrap().to_owned();

    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let restore: TempDir = tempfile::tempdir().unwrap();
    let args = [
        "download",
        job_id.as_str(),
        "--vault",
        "v",
        "--to",
        restore.path().to_str().unwrap(),
    ];
    // Without a cached inventory the archive lands under its id.
    let destination = restore.path().join(&archive_id);
    let part = with_suffix(&destination, ".part");
    let progress = with_suffix(&part, ".progress");

    let mut first = defrost_process(&home, &live.sandbox.endpoint_url())
        .arg("--data-dir")
        .arg(data.path())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_first_chunk(&mut first, &progress);
    first.kill().unwrap();
    let status = first.wait().unwrap();
    assert!(!status.success(), "the download was killed: {status}");

    // What the killed run left: a part file and its record, no final file.
    assert!(part.is_file(), "{} is missing", part.display());
    assert!(!destination.exists(), "{} exists", destination.display());
    let (chunk_size, verified) = recorded_chunks(&progress).unwrap();
    let total = SIZE.div_ceil(chunk_size);
    assert!(
        !verified.is_empty() && (verified.len() as u64) < total,
        "the kill should land mid-download: {} of {total} chunks recorded",
        verified.len()
    );

    // A fetch of any verified chunk would now meet a flipped byte (and fail its
    // check every time); the sandbox counts each flip it serves.
    for &chunk in &verified {
        let fault = json!({
            "kind": "flip_byte",
            "job_id": job_id,
            "offset": chunk * chunk_size + 12_345,
            "persistent": true,
        });
        live._runtime.block_on(add_fault(&live.sandbox, fault));
    }

    let second = defrost(&home, &live.sandbox.endpoint_url())
        .arg("--data-dir")
        .arg(data.path())
        .args(args)
        .output()
        .unwrap();
    assert!(second.status.success(), "{second:?}");
    let stdout = String::from_utf8(second.stdout).unwrap();
    assert!(stdout.contains(&archive_hash), "{stdout}");
    let resumed = format!("; {} chunks were already verified", verified.len());
    assert!(stdout.contains(&resumed), "{stdout}");

    assert_eq!(tree_hash_of_file(&destination), archive_hash);
    assert_eq!(std::fs::metadata(&destination).unwrap().len(), SIZE);
    assert!(!part.exists() && !progress.exists());
    let (status, faults) =
        live._runtime
            .block_on(admin(&live.sandbox, "GET", "/_sandbox/faults", ""));
    assert_eq!(status, 200, "{faults}");
    let faults = faults["faults"].as_array().cloned().unwrap_or_default();
    assert_eq!(faults.len(), verified.len(), "{faults:?}");
    for fault in &faults {
        assert_eq!(
            fault["fired"], 0,
            "a verified chunk was fetched again: {fault}"
        );
    }
}

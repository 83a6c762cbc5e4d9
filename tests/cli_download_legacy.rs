//! A plan the release before plans (catalog schema 3) half downloaded is
//! finished from what that release had fetched, end to end against a live
//! sandbox through the real binary. That release wrote each range job of a plan
//! into the archive's one sparse `NAME.part`, at the job's offset, listing its
//! verified chunks in `NAME.part.progress-at-OFFSET` (a lock beside it), and
//! never finished the file. Here its journal is rebuilt as it kept it, the first
//! job of a two-job split plan downloaded its way; the new binary migrates the
//! journal, stages that job from the old bytes without fetching them again
//! (even once the job's window has closed), finishes `NAME.bytes-START-END` with
//! exactly the wanted bytes, and leaves nothing else. Bytes the old files do
//! not vouch for are fetched again, and a link at the old name is not followed.

mod cli_live;
mod common;
mod jobs_support;
mod plan_support;

use std::os::unix::fs::FileExt;
use std::path::Path;

use jobs_support::{MIB, tree_hash};
use plan_support::{NAME, Setup, job_id, only_the_file, range_file, stdout, walk};
use rusqlite::{Connection, params};
use serde_json::{Value, json};

const M: u64 = MIB;

/// The wanted bytes; a split plan covers them with two tree-hash nodes.
const WANT: &str = "3000000-8000000";
const START: u64 = 3_000_000;
const END: u64 = 8_000_000;
const FINISHED: &str = "x.bin.bytes-3000000-8000000";

/// The first job's bytes of the archive, inclusive.
const FIRST: (u64, u64) = (2 * M, 4 * M - 1);

/// The chunk size that release chose for the first job's 2 MiB: the smallest
/// 2^k MiB giving each of its four parallel requests a share.
const CHUNK: u64 = M;

/// The old progress file and its lock, below the folder.
const PROGRESS: &str = "photos/2019/x.bin.part.progress-at-2097152";
const LOCK: &str = "photos/2019/x.bin.part.progress-at-2097152.lock";
const PART: &str = "photos/2019/x.bin.part";

const VERIFIED: &str = "wanted, verified against Glacier's tree hashes";

/// When the release before plans wrote its records here.
const THEN: &str = "2026-11-02T10:00:00Z";

/// Starts the split plan at `tier`, then takes the catalog back to schema 3.
fn split_plan(setup: &Setup, tier: &str) -> Vec<Value> {
    let jobs = setup.retrieve(&["--range", WANT, "--plan", "split", "--tier", tier]);
    let ranges: Vec<&str> = jobs
        .iter()
        .map(|job| job["range"].as_str().unwrap())
        .collect();
    assert_eq!(ranges, ["2097152-4194303", "4194304-8388607"]);
    back_to_schema_3(setup.data.path());
    jobs
}

/// The catalog as schema 3 held it: the same vault, snapshot, job, event and
/// claim tables, and no plan tables. The launcher's plan JSON on each job is
/// what that release wrote too (the same function writes it).
fn back_to_schema_3(data: &Path) {
    let conn = Connection::open(data.join("catalog.sqlite")).unwrap();
    conn.execute_batch("DROP TABLE plan_job; DROP TABLE plan; PRAGMA user_version = 3;")
        .unwrap();
    let launched: i64 = conn
        .query_row(
            "SELECT count(*) FROM job WHERE plan LIKE '{\"archive_id\":%\"plan\":\"split\"%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(launched, 2);
}

fn schema(data: &Path) -> i64 {
    let conn = Connection::open(data.join("catalog.sqlite")).unwrap();
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap()
}

/// Each chunk of `bytes` (the first job's output) and its tree hash, as that
/// release recorded them once verified.
fn records_of(bytes: &[u8]) -> Vec<(u64, String)> {
    bytes
        .chunks(CHUNK as usize)
        .enumerate()
        .map(|(index, chunk)| (index as u64, tree_hash(chunk)))
        .collect()
}

/// What `defrost download FIRST_JOB --to TO` of the release before plans left:
/// the archive's restored name claimed in the journal, the job noted as
/// downloaded to it, `written` (the job's output) at the job's place in the
/// sparse `NAME.part`, the progress file recording `recorded`, and its lock.
fn old_download(setup: &Setup, to: &Path, job: &Value, written: &[u8], recorded: &[(u64, String)]) {
    let folder = std::fs::canonicalize(to).unwrap();
    let conn = Connection::open(setup.data.path().join("catalog.sqlite")).unwrap();
    conn.execute(
        "INSERT INTO restore_claim (folder, path, path_key, owner, claimed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            folder.display().to_string(),
            NAME,
            NAME.to_lowercase(),
            format!("archive {}", setup.archive_id),
            THEN
        ],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO job_event (job, at, what, message)
         SELECT id, ?2, 'downloaded', ?3 FROM job WHERE job_id = ?1",
        params![job_id(job), THEN, folder.join(NAME).display().to_string()],
    )
    .unwrap();

    std::fs::create_dir_all(to.join("photos/2019")).unwrap();
    // Opened without truncating, written at the archive offset: a hole before.
    let part = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(to.join(PART))
        .unwrap();
    part.write_all_at(written, FIRST.0).unwrap();
    let mut text = format!(
        r#"{{"job_id":"{}","output_length":{},"chunk_size":{CHUNK},"archive_offset":{}}}"#,
        job_id(job),
        FIRST.1 - FIRST.0 + 1,
        FIRST.0
    );
    text.push('\n');
    for (chunk, hash) in recorded {
        text.push_str(&format!(r#"{{"chunk":{chunk},"tree_hash":"{hash}"}}"#));
        text.push('\n');
    }
    std::fs::write(to.join(PROGRESS), text).unwrap();
    std::fs::write(to.join(LOCK), "").unwrap();
}

/// What the old download leaves listed below its folder, with `more`.
fn old_files(more: &[&str]) -> Vec<String> {
    let mut listed: Vec<String> = ["photos", "photos/2019", PART, PROGRESS, LOCK]
        .into_iter()
        .chain(more.iter().copied())
        .map(str::to_owned)
        .collect();
    listed.sort();
    listed
}

/// A fault that would damage every fetch of the job's output from `offset` on.
fn tripwire(job: &Value, offset: u64) -> Value {
    json!({"kind": "flip_byte", "job_id": job_id(job), "offset": offset, "persistent": true})
}

/// A fault that damages the next fetch of the job's output from `offset` on,
/// once: it is spent only if the bytes there are fetched.
fn counter(job: &Value, offset: u64) -> Value {
    json!({"kind": "flip_byte", "job_id": job_id(job), "offset": offset})
}

/// The faults still listed, by id, with how often each fired.
fn fired(setup: &Setup) -> Vec<(u64, u64)> {
    setup
        .faults()
        .iter()
        .map(|fault| {
            (
                fault["id"].as_u64().unwrap(),
                fault["fired"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn assert_finished(setup: &Setup, to: &Path, output: &std::process::Output) {
    assert!(output.status.success(), "{output:?}");
    let said = stdout(output);
    let file = range_file(to, START, END);
    assert!(
        said.contains(&format!("finished {}: the ", file.display())) && said.contains(VERIFIED),
        "{said}"
    );
    assert!(std::fs::read(&file).unwrap() == setup.wanted(START, END));
}

#[test]
fn a_plan_half_downloaded_by_the_previous_release_is_finished_from_its_bytes() {
    let setup = Setup::new();
    let jobs = split_plan(&setup, "Expedited");
    for job in &jobs {
        setup.finish(job);
    }
    let out = tempfile::tempdir().unwrap();
    let first = setup.wanted(FIRST.0, FIRST.1).to_vec();
    old_download(&setup, out.path(), &jobs[0], &first, &records_of(&first));
    assert_eq!(walk(out.path()), old_files(&[]));
    // From here on, any fetch of the first job's output meets a flipped byte.
    setup.add_fault(tripwire(&jobs[0], 12_345));
    setup.add_fault(tripwire(&jobs[0], M + 12_345));

    let done = setup.download(job_id(&jobs[1]), out.path(), &[]);
    assert_finished(&setup, out.path(), &done);
    let said = stdout(&done);
    assert_eq!(said.lines().next(), Some("plan P1: verified job 1, 2 of 2"));
    assert_eq!(walk(out.path()), only_the_file(FINISHED));
    assert_eq!(fired(&setup), [(1, 0), (2, 0)], "output was fetched again");
    assert_eq!(schema(setup.data.path()), defrost::store::CATALOG_SCHEMA);
}

#[test]
fn a_job_whose_window_has_closed_is_staged_from_what_the_previous_release_fetched() {
    let setup = Setup::new();
    // Bulk jobs stay in progress for minutes at this speedup until finished.
    let jobs = split_plan(&setup, "Bulk");
    setup.finish(&jobs[0]);
    let out = tempfile::tempdir().unwrap();
    let first = setup.wanted(FIRST.0, FIRST.1).to_vec();
    old_download(&setup, out.path(), &jobs[0], &first, &records_of(&first));
    setup.expire(&jobs[0]);

    let early = setup.download("P1", out.path(), &[]);
    assert!(early.status.success(), "{early:?}");
    let said = stdout(&early);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 2, "{said}");
    assert_eq!(lines[0], "plan P1: verified job 1 of 2");
    assert!(
        lines[1].starts_with("plan P1: job 2 of 2 still in progress, ready in about "),
        "{said}"
    );
    // The old files stay until the plan is finished.
    let staged = [
        ".defrost-staging",
        ".defrost-staging/P1",
        ".defrost-staging/P1/job-1",
    ];
    assert_eq!(walk(out.path()), old_files(&staged));
    let staged_output = std::fs::read(out.path().join(".defrost-staging/P1/job-1")).unwrap();
    assert!(staged_output == first);

    setup.finish(&jobs[1]);
    let done = setup.download(job_id(&jobs[1]), out.path(), &[]);
    assert_finished(&setup, out.path(), &done);
    assert_eq!(
        stdout(&done).lines().next(),
        Some("plan P1: verified job 2 of 2")
    );
    assert_eq!(walk(out.path()), only_the_file(FINISHED));
}

#[test]
fn bytes_the_old_progress_file_does_not_vouch_for_are_fetched_again() {
    let setup = Setup::new();
    let jobs = split_plan(&setup, "Expedited");
    for job in &jobs {
        setup.finish(job);
    }
    let first = setup.wanted(FIRST.0, FIRST.1).to_vec();
    let mut damaged = first.clone();
    damaged[M as usize + 7] ^= 0x55;

    // Records made of the damaged bytes themselves, as if they had never been
    // checked: every chunk matches its record, the whole not Glacier's hash,
    // so the job is fetched again, both chunks.
    let unchecked = tempfile::tempdir().unwrap();
    old_download(
        &setup,
        unchecked.path(),
        &jobs[0],
        &damaged,
        &records_of(&damaged),
    );
    let both = [
        setup.add_fault(counter(&jobs[0], 12_345)),
        setup.add_fault(counter(&jobs[0], M + 12_345)),
    ];
    let done = setup.download("P1", unchecked.path(), &[]);
    assert_finished(&setup, unchecked.path(), &done);
    assert_eq!(walk(unchecked.path()), only_the_file(FINISHED));
    let listed = fired(&setup);
    assert!(
        both.iter()
            .all(|id| !listed.iter().any(|(listed, _)| listed == id))
    );

    // The second chunk damaged after it was recorded: the first chunk is
    // handed over, the second fetched again.
    let damaged_out = tempfile::tempdir().unwrap();
    old_download(
        &setup,
        damaged_out.path(),
        &jobs[0],
        &damaged,
        &records_of(&first),
    );
    setup.clear_faults();
    let kept = setup.add_fault(tripwire(&jobs[0], 12_345));
    let refetched = setup.add_fault(counter(&jobs[0], M + 12_345));
    let done = setup.download("P1", damaged_out.path(), &[]);
    assert_finished(&setup, damaged_out.path(), &done);
    assert_eq!(walk(damaged_out.path()), only_the_file(FINISHED));
    let listed = fired(&setup);
    assert_eq!(listed, [(kept, 0)], "the spent fault {refetched} is gone");
}

#[test]
fn a_link_at_the_old_part_name_is_not_followed_and_not_removed() {
    let setup = Setup::new();
    let jobs = split_plan(&setup, "Expedited");
    for job in &jobs {
        setup.finish(job);
    }
    let out = tempfile::tempdir().unwrap();
    let first = setup.wanted(FIRST.0, FIRST.1).to_vec();
    old_download(&setup, out.path(), &jobs[0], &first, &records_of(&first));
    // The part file moved outside the folder, and linked back in its place:
    // the right bytes, listed by the progress file, but not in the folder.
    let outside = tempfile::tempdir().unwrap();
    let moved = outside.path().join("x.bin.part");
    std::fs::rename(out.path().join(PART), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, out.path().join(PART)).unwrap();
    let before = std::fs::read(&moved).unwrap();
    let counted = setup.add_fault(counter(&jobs[0], 12_345));

    let done = setup.download("P1", out.path(), &[]);
    assert_finished(&setup, out.path(), &done);
    assert!(
        !fired(&setup).iter().any(|(id, _)| *id == counted),
        "the first job was not fetched from Glacier"
    );
    assert!(std::fs::read(&moved).unwrap() == before);
    assert_eq!(walk(outside.path()), ["x.bin.part"]);
    let link = std::fs::symlink_metadata(out.path().join(PART)).unwrap();
    assert!(link.file_type().is_symlink());
    let mut left = only_the_file(FINISHED);
    left.push(PART.to_owned());
    left.sort();
    assert_eq!(walk(out.path()), left);
}

#[test]
fn a_part_file_another_download_still_points_into_is_kept() {
    let setup = Setup::new();
    let jobs = split_plan(&setup, "Expedited");
    for job in &jobs {
        setup.finish(job);
    }
    let out = tempfile::tempdir().unwrap();
    let first = setup.wanted(FIRST.0, FIRST.1).to_vec();
    old_download(&setup, out.path(), &jobs[0], &first, &records_of(&first));
    // A whole-archive download of another job into the same `NAME.part`,
    // stopped before it recorded a chunk.
    let other = "photos/2019/x.bin.part.progress";
    let header = format!(
        r#"{{"job_id":"ANOTHER-JOB","output_length":{},"chunk_size":{},"archive_offset":0}}"#,
        plan_support::SIZE,
        4 * M
    );
    std::fs::write(out.path().join(other), header + "\n").unwrap();

    let done = setup.download("P1", out.path(), &[]);
    assert_finished(&setup, out.path(), &done);
    let mut left = only_the_file(FINISHED);
    left.extend([PART.to_owned(), other.to_owned()]);
    left.sort();
    assert_eq!(walk(out.path()), left);
}

//! A retrieval plan ends in the file the user asked for: end to end against a
//! live sandbox through the real binary, with an archive of known bytes (13 MiB
//! and 5 bytes) named `photos/2019/x.bin` by a cached inventory. Every kind of
//! plan and every kind of range ends in `NAME.bytes-START-END` holding exactly
//! the wanted bytes (the whole archive in `NAME`), with nothing else left in the
//! folder; a plan's jobs arrive in any order and across runs, a killed run
//! resumes without fetching again what it had, a finished file is not replaced
//! unasked, and a link in the way is refused.

mod cli_live;
mod common;
mod jobs_support;
mod plan_support;

use std::path::Path;
use std::time::{Duration, Instant};

use jobs_support::MIB;
use plan_support::{
    NAME, SIZE, Setup, job_id, json_lines, only_the_file, range_file, stdout, walk,
};
use serde_json::{Value, json};

/// One wanted range and what each kind of plan makes of it.
struct Case {
    /// As given to `--range`.
    range: &'static str,
    /// The wanted bytes, inclusive.
    start: u64,
    end: u64,
    /// The jobs' ranges a `mib`, `tree` and `split` plan start, inclusive.
    mib: &'static [(u64, u64)],
    tree: &'static [(u64, u64)],
    split: &'static [(u64, u64)],
    /// Whether Glacier sends a tree hash for the `mib` plan's one job.
    mib_verified: bool,
}

const M: u64 = MIB;
const LAST: u64 = SIZE - 1;

const CASES: &[Case] = &[
    // At the start, inside the first leaf.
    Case {
        range: "0-99",
        start: 0,
        end: 99,
        mib: &[(0, M - 1)],
        tree: &[(0, M - 1)],
        split: &[(0, M - 1)],
        mib_verified: true,
    },
    // In the middle, across leaves 7 and 8: only the root covers both.
    Case {
        range: "7340042-9437174",
        start: 7 * M + 10,
        end: 9 * M - 10,
        mib: &[(7 * M, 9 * M - 1)],
        tree: &[(0, LAST)],
        split: &[(7 * M, 8 * M - 1), (8 * M, 9 * M - 1)],
        mib_verified: false,
    },
    // Through the end: the clipped node over leaves 12 and 13.
    Case {
        range: "12MiB-",
        start: 12 * M,
        end: LAST,
        mib: &[(12 * M, LAST)],
        tree: &[(12 * M, LAST)],
        split: &[(12 * M, LAST)],
        mib_verified: true,
    },
    // Exactly the clipped last leaf of 5 bytes.
    Case {
        range: "13631488-13631492",
        start: 13 * M,
        end: LAST,
        mib: &[(13 * M, LAST)],
        tree: &[(13 * M, LAST)],
        split: &[(13 * M, LAST)],
        mib_verified: true,
    },
    // One byte.
    Case {
        range: "5000000-5000000",
        start: 5_000_000,
        end: 5_000_000,
        mib: &[(4 * M, 5 * M - 1)],
        tree: &[(4 * M, 5 * M - 1)],
        split: &[(4 * M, 5 * M - 1)],
        mib_verified: true,
    },
    // Cut at both ends, the cover ending on the clipped last leaf: leaves 2-13
    // are no one node, so `mib` has no checksum, `tree` takes the whole archive
    // and `split` three nodes.
    Case {
        range: "3000000-13631490",
        start: 3_000_000,
        end: LAST - 2,
        mib: &[(2 * M, LAST)],
        tree: &[(0, LAST)],
        split: &[(2 * M, 4 * M - 1), (4 * M, 8 * M - 1), (8 * M, LAST)],
        mib_verified: false,
    },
];

const VERIFIED: &str = "wanted, verified against Glacier's tree hashes";
const NOT_VERIFIED: &str = "wanted; not verified: Glacier sends no checksum for this range";

/// For each case, a plan of `kind`: started, every job made ready, downloaded
/// by one of its job ids into a fresh folder (words) and into another (JSON);
/// each folder then holds exactly the wanted bytes and nothing else.
fn every_range_ends_in_its_wanted_bytes(kind: &str) {
    let setup = Setup::new();
    for (index, case) in CASES.iter().enumerate() {
        let label = format!("--plan {kind} --range {}", case.range);
        let (planned, verified) = match kind {
            "mib" => (case.mib, case.mib_verified),
            "tree" => (case.tree, true),
            _ => (case.split, true),
        };
        let jobs = setup.retrieve(&[
            "--range",
            case.range,
            "--plan",
            kind,
            "--tier",
            "Expedited",
            // A tree plan of the middle range and of the last case both take
            // the whole archive: a job of its own for each plan here.
            "--no-reuse",
        ]);
        assert!(
            jobs.iter().all(|job| job["reused"] == false),
            "{label}: {jobs:?}"
        );
        let ranges: Vec<String> = jobs
            .iter()
            .map(|job| job["range"].as_str().unwrap().to_owned())
            .collect();
        let expected: Vec<String> = planned.iter().map(|(a, b)| format!("{a}-{b}")).collect();
        assert_eq!(ranges, expected, "{label}");
        for job in &jobs {
            setup.finish(job);
        }
        // Any job of the plan names the plan: take the last.
        let id = job_id(jobs.last().unwrap());

        let out = tempfile::tempdir().unwrap();
        let output = setup.download(id, out.path(), &[]);
        assert!(output.status.success(), "{label}: {output:?}");
        let said = stdout(&output);
        let file = range_file(out.path(), case.start, case.end);
        let finished = said
            .lines()
            .find(|line| line.starts_with(&format!("finished {}: the ", file.display())))
            .unwrap_or_else(|| panic!("{label}: no finished line: {said}"));
        let wording = if verified { VERIFIED } else { NOT_VERIFIED };
        assert!(finished.ends_with(wording), "{label}: {finished}");
        if jobs.len() > 1 {
            let all: Vec<String> = (1..=jobs.len()).map(|n| n.to_string()).collect();
            let fetched = format!(": verified job {} of {}", all.join(", "), jobs.len());
            assert!(said.contains(&fetched), "{label}: {said}");
        }
        assert_eq!(
            said.lines().count(),
            1 + usize::from(jobs.len() > 1),
            "{said}"
        );
        assert!(
            std::fs::read(&file).unwrap() == setup.wanted(case.start, case.end),
            "{label}: {} does not hold bytes {}-{}",
            file.display(),
            case.start,
            case.end
        );
        let name = format!("x.bin.bytes-{}-{}", case.start, case.end);
        assert_eq!(walk(out.path()), only_the_file(&name), "{label}");

        // Into another folder, as JSON: the same bytes, the same verdict.
        let other = tempfile::tempdir().unwrap();
        let output = setup.download(id, other.path(), &["--json"]);
        assert!(output.status.success(), "{label}: {output:?}");
        let lines = json_lines(&output);
        assert_eq!(lines.len(), 1, "{label}: {output:?}");
        let report = &lines[0];
        let folder = std::fs::canonicalize(other.path()).unwrap();
        let file = range_file(&folder, case.start, case.end);
        assert_eq!(
            report["plan"],
            format!("P{}", index + 1),
            "{label}: {report}"
        );
        assert_eq!(report["jobs"], jobs.len(), "{label}: {report}");
        let numbers: Vec<usize> = (1..=jobs.len()).collect();
        assert_eq!(report["fetched"], json!(numbers), "{label}: {report}");
        assert_eq!(report["waiting"], json!([]), "{label}: {report}");
        let finished = &report["finished"];
        assert_eq!(finished["path"], file.display().to_string(), "{label}");
        assert_eq!(finished["bytes"], case.end - case.start + 1, "{label}");
        assert_eq!(finished["verified"], verified, "{label}: {report}");
        assert!(
            std::fs::read(&file).unwrap() == setup.wanted(case.start, case.end),
            "{label}: {} does not hold the wanted bytes",
            file.display()
        );
        assert_eq!(walk(other.path()), only_the_file(&name), "{label}");
    }
}

#[test]
fn mib_plans_end_in_the_wanted_bytes_and_say_when_glacier_sent_no_checksum() {
    every_range_ends_in_its_wanted_bytes("mib");
}

#[test]
fn tree_plans_end_in_the_wanted_bytes_verified() {
    every_range_ends_in_its_wanted_bytes("tree");
}

#[test]
fn split_plans_end_in_the_wanted_bytes_verified() {
    every_range_ends_in_its_wanted_bytes("split");
}

#[test]
fn the_whole_archive_lands_under_its_name_verified_against_its_tree_hash() {
    let setup = Setup::new();
    // A plan kind cuts a range into jobs; for the whole archive it is refused
    // in one line, and nothing is started (the plan below is the first, P1).
    for kind in ["mib", "tree", "split"] {
        let refused = setup.retrieve_output(&["--plan", kind, "--tier", "Expedited"]);
        assert_eq!(refused.status.code(), Some(2), "{kind}: {refused:?}");
        assert!(refused.stdout.is_empty(), "{kind}: {refused:?}");
        let stderr = String::from_utf8(refused.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{kind}: {stderr}");
        assert!(stderr.starts_with("defrost: "), "{kind}: {stderr}");
        assert!(stderr.contains("no --range was given"), "{kind}: {stderr}");
    }
    let jobs = setup.retrieve(&["--tier", "Expedited"]);
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0]["range"], Value::Null, "{jobs:?}");
    setup.finish(&jobs[0]);
    let id = job_id(&jobs[0]);

    let out = tempfile::tempdir().unwrap();
    let output = setup.download(id, out.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    let file = out.path().join(NAME);
    let said = stdout(&output);
    assert!(
        said.starts_with("verified ")
            && said.contains(&format!(
                " into {} (tree hash {})",
                file.display(),
                setup.tree_hash
            )),
        "{said}"
    );
    assert!(
        std::fs::read(&file).unwrap() == setup.bytes,
        "{}",
        file.display()
    );
    assert_eq!(walk(out.path()), only_the_file("x.bin"));

    let other = tempfile::tempdir().unwrap();
    let output = setup.download("P1", other.path(), &["--json"]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{output:?}");
    let report = &lines[0];
    let folder = std::fs::canonicalize(other.path()).unwrap();
    assert_eq!(report["plan"], "P1", "{report}");
    assert_eq!(report["jobs"], 1, "{report}");
    assert_eq!(report["fetched"], json!([1]), "{report}");
    let finished = &report["finished"];
    assert_eq!(finished["path"], folder.join(NAME).display().to_string());
    assert_eq!(finished["bytes"], SIZE);
    assert_eq!(finished["verified"], true);
    assert_eq!(finished["tree_hash"], setup.tree_hash.as_str());
    assert!(std::fs::read(other.path().join(NAME)).unwrap() == setup.bytes);
    assert_eq!(walk(other.path()), only_the_file("x.bin"));
}

/// The staging folder of plan P1 below `to`, and the staged files in it.
fn staged(files: &[&str]) -> Vec<String> {
    let mut listed = vec![
        ".defrost-staging".to_owned(),
        ".defrost-staging/P1".to_owned(),
    ];
    listed.extend(
        files
            .iter()
            .map(|file| format!(".defrost-staging/P1/{file}")),
    );
    listed
}

/// A fault that would damage any fetch of the job's output from `offset` on,
/// and that the sandbox counts when it fires.
fn tripwire(job: &Value, offset: u64) -> Value {
    json!({"kind": "flip_byte", "job_id": job_id(job), "offset": offset, "persistent": true})
}

fn assert_no_tripwire_fired(setup: &Setup) {
    let faults = setup.faults();
    assert!(!faults.is_empty());
    for fault in &faults {
        assert_eq!(fault["fired"], 0, "output was fetched again: {fault}");
    }
}

#[test]
fn jobs_ready_last_first_are_staged_across_runs_and_end_in_the_wanted_bytes() {
    let setup = Setup::new();
    // Bulk jobs stay in progress for minutes at this speedup until finished.
    let jobs = setup.retrieve(&[
        "--range",
        "7340042-9437174",
        "--plan",
        "split",
        "--tier",
        "Bulk",
    ]);
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    setup.finish(&jobs[1]);

    let out = tempfile::tempdir().unwrap();
    let first = setup.download("P1", out.path(), &[]);
    assert!(first.status.success(), "{first:?}");
    let said = stdout(&first);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 2, "{said}");
    assert_eq!(lines[0], "plan P1: verified job 2 of 2");
    assert!(
        lines[1].starts_with("plan P1: job 1 of 2 still in progress, ready in about "),
        "{said}"
    );
    // Only the staging folder, holding the second job's verified output.
    assert_eq!(walk(out.path()), staged(&["job-2"]));
    let staged_output = std::fs::read(out.path().join(".defrost-staging/P1/job-2")).unwrap();
    assert!(staged_output == setup.wanted(8 * M, 9 * M - 1));

    // From here on, any fetch of the second job's output trips a fault.
    setup.add_fault(tripwire(&jobs[1], 0));

    // Nothing new is ready: a refusal that says what is awaited.
    let early = setup.download("P1", out.path(), &[]);
    assert_eq!(early.status.code(), Some(2), "{early:?}");
    assert!(early.stdout.is_empty(), "{early:?}");
    let stderr = String::from_utf8(early.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("defrost: plan P1: job 1 of 2 still in progress, ready in about "),
        "{stderr}"
    );
    assert_eq!(walk(out.path()), staged(&["job-2"]));

    setup.finish(&jobs[0]);
    let second = setup.download(job_id(&jobs[0]), out.path(), &[]);
    assert!(second.status.success(), "{second:?}");
    let said = stdout(&second);
    let file = range_file(out.path(), 7_340_042, 9_437_174);
    assert_eq!(
        said.lines().next(),
        Some("plan P1: verified job 1 of 2"),
        "{said}"
    );
    assert!(
        said.contains(&format!("finished {}: the ", file.display())) && said.contains(VERIFIED),
        "{said}"
    );
    assert!(std::fs::read(&file).unwrap() == setup.wanted(7_340_042, 9_437_174));
    assert_eq!(
        walk(out.path()),
        only_the_file("x.bin.bytes-7340042-9437174")
    );
    assert_no_tripwire_fired(&setup);
}

#[test]
fn all_ready_finishes_a_plan_whose_jobs_became_ready_last_first_across_runs() {
    let setup = Setup::new();
    let jobs = setup.retrieve(&[
        "--range",
        "3000000-13631490",
        "--plan",
        "split",
        "--tier",
        "Bulk",
    ]);
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    setup.finish(&jobs[2]);
    let out = tempfile::tempdir().unwrap();
    let all_ready = || {
        setup.run(&[
            "download",
            "--all-ready",
            "--to",
            out.path().to_str().unwrap(),
        ])
    };

    let first = all_ready();
    assert!(first.status.success(), "{first:?}");
    let said = stdout(&first);
    for words in [
        "downloaded plan P1: plan P1: verified job 3 of 3",
        "plan P1: job 1 of 3 still in progress, ready in about ",
        "plan P1: job 2 of 3 still in progress, ready in about ",
        "1 downloaded, 0 failed, 0 skipped",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert_eq!(walk(out.path()), staged(&["job-3"]));
    setup.add_fault(tripwire(&jobs[2], 0));

    setup.finish(&jobs[1]);
    setup.finish(&jobs[0]);
    let second = all_ready();
    assert!(second.status.success(), "{second:?}");
    let said = stdout(&second);
    let file = range_file(out.path(), 3_000_000, LAST - 2);
    for words in [
        "downloaded plan P1: plan P1: verified job 1, 2 of 3",
        &format!("finished {}: the ", file.display()),
        VERIFIED,
        "1 downloaded, 0 failed, 0 skipped",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert!(std::fs::read(&file).unwrap() == setup.wanted(3_000_000, LAST - 2));
    let name = format!("x.bin.bytes-3000000-{}", LAST - 2);
    assert_eq!(walk(out.path()), only_the_file(&name));

    // Once finished, the plan is left alone.
    let third = all_ready();
    assert!(third.status.success(), "{third:?}");
    let said = stdout(&third);
    assert!(
        said.contains("skipped plan P1: already downloaded to "),
        "{said}"
    );
    assert!(said.contains("0 downloaded, 0 failed, 1 skipped"), "{said}");
    assert!(std::fs::read(&file).unwrap() == setup.wanted(3_000_000, LAST - 2));
    assert_eq!(walk(out.path()), only_the_file(&name));
    assert_no_tripwire_fired(&setup);
}

#[test]
fn a_finished_plan_is_downloaded_again_only_elsewhere_or_with_overwrite() {
    let setup = Setup::new();
    let jobs = setup.retrieve(&[
        "--range",
        "7340042-9437174",
        "--plan",
        "split",
        "--tier",
        "Expedited",
    ]);
    for job in &jobs {
        setup.finish(job);
    }
    let out = tempfile::tempdir().unwrap();
    let done = setup.download("P1", out.path(), &[]);
    assert!(done.status.success(), "{done:?}");
    let file = range_file(out.path(), 7_340_042, 9_437_174);
    let wanted = setup.wanted(7_340_042, 9_437_174);
    let name = "x.bin.bytes-7340042-9437174";
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();

    for id in ["P1", job_id(&jobs[0])] {
        let again = setup.download(id, out.path(), &[]);
        assert_eq!(again.status.code(), Some(2), "{again:?}");
        assert!(again.stdout.is_empty(), "{again:?}");
        let stderr = String::from_utf8(again.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("defrost: "), "{stderr}");
        assert!(stderr.contains("--overwrite"), "{stderr}");
        assert!(stderr.contains(&file.display().to_string()), "{stderr}");
        assert!(std::fs::read(&file).unwrap() == wanted);
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            modified
        );
        assert_eq!(walk(out.path()), only_the_file(name));
    }

    let other = tempfile::tempdir().unwrap();
    let elsewhere = setup.download("P1", other.path(), &[]);
    assert!(elsewhere.status.success(), "{elsewhere:?}");
    let copy = range_file(other.path(), 7_340_042, 9_437_174);
    assert!(std::fs::read(&copy).unwrap() == wanted);
    assert_eq!(walk(other.path()), only_the_file(name));

    let replaced = setup.download("P1", out.path(), &["--overwrite"]);
    assert!(replaced.status.success(), "{replaced:?}");
    assert!(std::fs::read(&file).unwrap() == wanted);
    assert_eq!(walk(out.path()), only_the_file(name));
}

#[test]
fn a_link_at_the_staging_folder_is_refused_and_nothing_is_written_through_it() {
    let setup = Setup::new();
    let jobs = setup.retrieve(&[
        "--range",
        "7340042-9437174",
        "--plan",
        "split",
        "--tier",
        "Expedited",
    ]);
    for job in &jobs {
        setup.finish(job);
    }
    let outside = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), out.path().join(".defrost-staging")).unwrap();
    let refused = setup.download("P1", out.path(), &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("defrost: "), "{stderr}");
    assert_eq!(walk(outside.path()), Vec::<String>::new());
    assert_eq!(walk(out.path()), [".defrost-staging"]);

    // A link where the finished file's folder goes.
    let beyond = tempfile::tempdir().unwrap();
    let linked = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(beyond.path(), linked.path().join("photos")).unwrap();
    let refused = setup.download("P1", linked.path(), &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8(refused.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("photos is a symbolic link"), "{stderr}");
    assert_eq!(walk(beyond.path()), Vec::<String>::new());
    // The jobs stay staged inside the folder for the next run.
    let mut kept = staged(&["job-1", "job-2"]);
    kept.push("photos".to_owned());
    assert_eq!(walk(linked.path()), kept);

    // With the link gone, the next run finishes from what is staged.
    std::fs::remove_file(linked.path().join("photos")).unwrap();
    setup.add_fault(tripwire(&jobs[0], 0));
    setup.add_fault(tripwire(&jobs[1], 0));
    let done = setup.download("P1", linked.path(), &[]);
    assert!(done.status.success(), "{done:?}");
    let file = range_file(linked.path(), 7_340_042, 9_437_174);
    assert!(std::fs::read(&file).unwrap() == setup.wanted(7_340_042, 9_437_174));
    assert_eq!(
        walk(linked.path()),
        only_the_file("x.bin.bytes-7340042-9437174")
    );
    assert_no_tripwire_fired(&setup);
}

const DEADLINE: Duration = Duration::from_secs(60);

/// The chunk size and the chunk indices a progress file records; nothing while
/// it is not there yet. A line torn by a kill does not count, as for defrost.
fn recorded_chunks(progress: &Path) -> Option<(u64, Vec<u64>)> {
    let text = std::fs::read_to_string(progress).ok()?;
    let mut lines = text.lines();
    let header: Value = serde_json::from_str(lines.next()?).ok()?;
    let chunk_size = header["chunk_size"].as_u64()?;
    let chunks = lines
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|record| record["chunk"].as_u64())
        .collect();
    Some((chunk_size, chunks))
}

#[test]
fn a_download_killed_mid_job_resumes_without_fetching_again_what_it_had() {
    let setup = Setup::new();
    // Three jobs: 2 MiB, 4 MiB (four chunks of 1 MiB) and the clipped 5 MiB + 5.
    let jobs = setup.retrieve(&[
        "--range",
        "3000000-13631490",
        "--plan",
        "split",
        "--tier",
        "Expedited",
    ]);
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    for job in &jobs {
        setup.finish(job);
    }
    // The first request for the second job's output goes quiet after no byte
    // and stays so for defrost's stall timeout (a minute); its other chunks
    // come, and are verified and recorded, meanwhile.
    setup.add_fault(json!({
        "kind": "stall_output",
        "job_id": job_id(&jobs[1]),
        "after_bytes": 0,
        "count": 1,
    }));

    let out = tempfile::tempdir().unwrap();
    let staging = out.path().join(".defrost-staging/P1");
    let progress = staging.join("job-2.part.progress");
    let mut first = setup.spawn_download("P1", out.path());
    let started = Instant::now();
    let (chunk_size, verified) = loop {
        if let Some((size, chunks)) = recorded_chunks(&progress)
            && chunks.len() == 3
        {
            break (size, chunks);
        }
        if let Some(status) = first.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut first.stderr.take().unwrap(), &mut stderr).unwrap();
            panic!("the download ended ({status}) before the second job was partly in: {stderr}");
        }
        assert!(
            started.elapsed() < DEADLINE,
            "three chunks of the second job not recorded within {DEADLINE:?}: {:?}",
            recorded_chunks(&progress)
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    first.kill().unwrap();
    let status = first.wait().unwrap();
    assert!(!status.success(), "the download was killed: {status}");
    assert_eq!(chunk_size, M);

    // What the killed run left: the first job staged whole, the second in part,
    // the third not begun, no finished file.
    let left = walk(out.path());
    assert!(
        left.iter().all(|path| path.starts_with(".defrost-staging")),
        "{left:?}"
    );
    assert!(
        left.contains(&".defrost-staging/P1/job-2.part".to_owned()),
        "{left:?}"
    );
    assert!(!left.iter().any(|path| path.contains("job-3")), "{left:?}");
    assert!(
        !left.contains(&".defrost-staging/P1/job-2".to_owned()),
        "{left:?}"
    );
    let staged_first = std::fs::read(staging.join("job-1")).unwrap();
    assert!(staged_first == setup.wanted(2 * M, 4 * M - 1));

    // From now on a fetch of the first job, or of a chunk of the second that
    // was verified, would meet a flipped byte; the sandbox counts each one.
    setup.clear_faults();
    setup.add_fault(tripwire(&jobs[0], 12_345));
    setup.add_fault(tripwire(&jobs[0], M + 12_345));
    for chunk in &verified {
        setup.add_fault(tripwire(&jobs[1], chunk * M + 12_345));
    }

    let second = setup.download("P1", out.path(), &[]);
    assert!(second.status.success(), "{second:?}");
    let said = stdout(&second);
    assert_eq!(
        said.lines().next(),
        Some("plan P1: verified job 2, 3 of 3"),
        "{said}"
    );
    let file = range_file(out.path(), 3_000_000, LAST - 2);
    assert!(
        said.contains(&format!("finished {}: the ", file.display())),
        "{said}"
    );
    assert!(said.contains(VERIFIED), "{said}");
    assert!(std::fs::read(&file).unwrap() == setup.wanted(3_000_000, LAST - 2));
    let name = format!("x.bin.bytes-3000000-{}", LAST - 2);
    assert_eq!(walk(out.path()), only_the_file(&name));
    assert_eq!(setup.faults().len(), 2 + verified.len());
    assert_no_tripwire_fired(&setup);
}

/// A refusal names its reason once: the line is read by a person.
fn assert_said_once(output: &std::process::Output, reason: &str) {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches(reason).count(),
        1,
        "said more than once: {stderr}"
    );
}

#[test]
fn a_link_in_the_way_is_named_once_in_the_refusal() {
    let setup = Setup::new();
    let range = setup.retrieve(&["--range", "0-99", "--plan", "split", "--tier", "Expedited"]);
    let whole = setup.retrieve(&["--tier", "Expedited"]);
    setup.finish(&range[0]);
    setup.finish(&whole[0]);
    let outside = tempfile::tempdir().unwrap();

    let out = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), out.path().join(".defrost-staging")).unwrap();
    let staging = setup.download("P1", out.path(), &[]);
    assert_said_once(&staging, ".defrost-staging is a symbolic link");

    let out = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), out.path().join("photos")).unwrap();
    let folder = setup.download("P2", out.path(), &[]);
    assert_said_once(&folder, "photos is a symbolic link");
    assert_eq!(walk(outside.path()), Vec::<String>::new());
}

/// A job of a finished plan that a new plan reuses: `retrieve` names only the
/// job, and says to download it by its id, so that id must lead to the range
/// just asked for, or at least to a refusal that names the new plan.
#[test]
fn a_job_reused_by_a_second_plan_downloads_the_range_just_asked_for() {
    let setup = Setup::new();
    // A tree plan of leaves 7 and 8 takes the whole archive as a range...
    let first = setup.retrieve(&[
        "--range",
        "7340042-9437174",
        "--plan",
        "tree",
        "--tier",
        "Expedited",
    ]);
    assert_eq!(first.len(), 1, "{first:?}");
    setup.finish(&first[0]);
    let out = tempfile::tempdir().unwrap();
    let done = setup.download(job_id(&first[0]), out.path(), &[]);
    assert!(done.status.success(), "{done:?}");
    let first_file = range_file(out.path(), 7_340_042, 9_437_174);
    let first_bytes = setup.wanted(7_340_042, 9_437_174);
    assert!(std::fs::read(&first_file).unwrap() == first_bytes);

    // ... and so does one of leaves 2 to 13, which reuses that job.
    let second = setup.retrieve(&[
        "--range",
        "3000000-13631490",
        "--plan",
        "tree",
        "--tier",
        "Expedited",
    ]);
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(second[0]["reused"], true, "{second:?}");
    assert_eq!(job_id(&second[0]), job_id(&first[0]));

    let again = setup.download(job_id(&second[0]), out.path(), &[]);
    match again.status.code() {
        Some(0) => {
            let second_file = range_file(out.path(), 3_000_000, LAST - 2);
            assert!(
                std::fs::read(&second_file).ok().as_deref()
                    == Some(setup.wanted(3_000_000, LAST - 2)),
                "{} does not hold the range just asked for: {:?}",
                second_file.display(),
                walk(out.path())
            );
        }
        Some(2) => {
            let stderr = String::from_utf8_lossy(&again.stderr);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains("P2"), "the new plan is not named: {stderr}");
        }
        _ => panic!("{again:?}"),
    }
    assert!(std::fs::read(&first_file).unwrap() == first_bytes);
}

/// Sets the tree hash plan `plan` recorded for its archive, as a damaged or
/// hand-edited journal might hold it.
fn set_recorded_tree_hash(setup: &Setup, plan: i64, tree_hash: &str) {
    let catalog = rusqlite::Connection::open(setup.data.path().join("catalog.sqlite")).unwrap();
    let changed = catalog
        .execute(
            "UPDATE plan SET tree_hash = ?1 WHERE id = ?2",
            rusqlite::params![tree_hash, plan],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

#[test]
fn a_whole_archive_keeps_its_name_and_tree_hash_from_the_plan_when_no_inventory_is_cached() {
    let setup = Setup::new();
    let jobs = setup.retrieve(&["--tier", "Expedited"]);
    setup.finish(&jobs[0]);
    // The cached inventory is gone: only the plan knows the archive now.
    let snapshots = setup.data.path().join("snapshots");
    for file in std::fs::read_dir(&snapshots).unwrap() {
        std::fs::remove_file(file.unwrap().path()).unwrap();
    }

    // The plan's tree hash is checked against Glacier's before anything is
    // written: one that disagrees stops the download.
    let wrong = "0".repeat(64);
    set_recorded_tree_hash(&setup, 1, &wrong);
    let out = tempfile::tempdir().unwrap();
    let refused = setup.download("P1", out.path(), &[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains(&wrong) && said.contains(&setup.tree_hash),
        "{said}"
    );
    assert!(walk(out.path()).is_empty(), "{:?}", walk(out.path()));

    set_recorded_tree_hash(&setup, 1, &setup.tree_hash);
    let output = setup.download("P1", out.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(walk(out.path()), only_the_file("x.bin"), "{output:?}");
    assert!(std::fs::read(out.path().join(NAME)).unwrap() == setup.bytes);
    assert_eq!(walk(out.path()), only_the_file("x.bin"));
}

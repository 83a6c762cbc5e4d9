//! `defrost retrieve` against a live sandbox: the jobs it starts are journaled
//! before and after InitiateJob, a split plan's jobs download into one verified
//! file, a job already under way is reused instead of paid for twice, and every
//! refusal is one line.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use aws_sdk_glacier::Client;
use cli_live::{Live, defrost, live_sandbox_with};
use defrost::sandbox::model::RetrievalPolicy;
use defrost::store::{JournalEntry, Store};
use jobs_support::{
    Listed, MIB, Spec, job_ids, list_jobs, seed_vault, set_expedited_capacity, wait_for,
    write_inventory,
};
use one_line_error::assert_one_line_error;
use serde_json::Value;
use tempfile::TempDir;

const SIZE: u64 = (3 << 20) + 12_345;

/// At this speedup an Expedited job takes about 0.1 s, a Standard one about 7 s,
/// and output stays downloadable for about 43 s.
const SPEEDUP: f64 = 2_000.0;

struct Setup {
    live: Live,
    size: u64,
    client: Client,
    archive_id: String,
    tree_hash: String,
    home: TempDir,
    data: TempDir,
}

fn setup() -> Setup {
    setup_with(SIZE)
}

/// Vault `v` holding one archive of `size` bytes.
fn setup_with(size: u64) -> Setup {
    let live = live_sandbox_with(SPEEDUP);
    let spec = Spec {
        size,
        description: "photos/2019/beach.jpg",
    };
    let archive = seed_vault(&live.sandbox, "v", &[spec]).remove(0);
    Setup {
        client: common::client_for(&live.sandbox),
        live,
        size,
        archive_id: archive.id,
        tree_hash: archive.tree_hash,
        home: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    }
}

impl Setup {
    fn run(&self, args: &[&str]) -> std::process::Output {
        defrost(&self.home, &self.live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(self.data.path())
            .args(args)
            .output()
            .unwrap()
    }

    /// `defrost retrieve --vault v --archive-id ID` and `more`.
    fn retrieve(&self, more: &[&str]) -> std::process::Output {
        let mut args = vec!["retrieve", "--vault", "v", "--archive-id", &self.archive_id];
        args.extend_from_slice(more);
        self.run(&args)
    }

    fn cache_inventory(&self) {
        let file = write_inventory(
            self.data.path(),
            &[Listed {
                id: &self.archive_id,
                description: "photos/2019/beach.jpg",
                size: self.size,
                tree_hash: &self.tree_hash,
            }],
        );
        let output = self.run(&[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "v",
        ]);
        assert!(output.status.success(), "{output:?}");
    }

    fn listed_jobs(&self) -> Vec<String> {
        let listed = self
            .live
            ._runtime
            .block_on(list_jobs(&self.client, "v").send())
            .unwrap();
        job_ids(&listed)
    }

    fn journal(&self) -> Vec<JournalEntry> {
        Store::open(self.data.path())
            .unwrap()
            .journal(None)
            .unwrap()
    }

    fn events(&self, entry: &JournalEntry) -> Vec<String> {
        let store = Store::open(self.data.path()).unwrap();
        store
            .job_events(entry.id)
            .unwrap()
            .into_iter()
            .map(|event| event.what)
            .collect()
    }

    fn set_policy(&self, policy: RetrievalPolicy) {
        self.live
            .sandbox
            .shared
            .change(time::OffsetDateTime::now_utc(), |state| {
                state.retrieval_policy = policy;
                Ok(())
            })
            .unwrap();
    }
}

fn json_lines(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_whole_archive_with_yes_starts_one_job_journaled_with_its_parameters() {
    let setup = setup();
    let output = setup.retrieve(&["--yes"]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let listed = setup.listed_jobs();
    assert_eq!(listed.len(), 1, "{listed:?}");
    let params = format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{}"}}"#,
        setup.archive_id
    );
    assert!(stdout.contains("Wanted    the whole archive"), "{stdout}");
    assert!(
        stdout.contains(&params),
        "the exact parameters are shown: {stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "started job {} for the whole archive (Standard)",
            listed[0]
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("defrost download P1 --vault v --to DIR"),
        "{stdout}"
    );

    let journal = setup.journal();
    assert_eq!(journal.len(), 1);
    let entry = &journal[0];
    assert_eq!(entry.job_id.as_deref(), Some(listed[0].as_str()));
    assert_eq!(entry.params_json, params);
    assert!(
        entry.started_by.starts_with("defrost ("),
        "{}",
        entry.started_by
    );
    assert!(!entry.adopted);
    let plan: Value = serde_json::from_str(entry.plan_json.as_deref().unwrap()).unwrap();
    assert_eq!(plan["archive_id"], setup.archive_id.as_str());
    assert_eq!(setup.events(entry), ["requested", "started"]);
    let state = entry.state.as_ref().unwrap();
    assert_eq!(state.archive_id.as_deref(), Some(setup.archive_id.as_str()));
    assert_eq!(state.range, None);

    // `defrost jobs` shows it as defrost's own, not adopted.
    let jobs = setup.run(&["jobs", "--vault", "v", "--json"]);
    assert!(jobs.status.success(), "{jobs:?}");
    let rows: Vec<_> = json_lines(&jobs)
        .into_iter()
        .filter(|row| row["record"] == "job")
        .collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["job_id"], listed[0].as_str());
    assert_eq!(rows[0]["adopted"], false);
}

#[test]
fn a_split_plan_starts_several_jobs_and_each_plan_ends_in_a_file_of_its_wanted_bytes() {
    let setup = setup();
    setup.cache_inventory();
    // Chunks 1-3 split into [1,2) and [2,4); chunk 0 is a plan of its own.
    let split = setup.retrieve(&[
        "--range",
        "1MiB-",
        "--plan",
        "split",
        "--tier",
        "Expedited",
        "--yes",
        "--json",
    ]);
    assert!(split.status.success(), "{split:?}");
    assert!(split.stderr.is_empty(), "{split:?}");
    let shown = setup.retrieve(&[
        "--range",
        "1MiB-",
        "--yes",
        "--no-reuse",
        "--plan",
        "tree",
        "--tier",
        "Bulk",
    ]);
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(
        shown.contains(&format!(
            "photos/2019/beach.jpg, 3.01 MiB ({SIZE} bytes), tree hash {}, from the cached inventory",
            setup.tree_hash
        )),
        "{shown}"
    );
    assert!(
        shown.contains("Plan      tree: 1 job(s), 3.01 MiB"),
        "{shown}"
    );
    assert!(shown.contains("1 MiB extra"), "{shown}");
    let mut lines = json_lines(&split);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["range"], format!("{}-{}", MIB, 2 * MIB - 1));
    assert_eq!(lines[1]["range"], format!("{}-{}", 2 * MIB, SIZE - 1));
    assert_eq!(
        lines[1]["params"]["RetrievalByteRange"],
        format!("{}-{}", 2 * MIB, SIZE - 1)
    );
    assert_eq!(lines[1]["params"]["Tier"], "Expedited");
    assert_eq!(lines[0]["reused"], false);
    let first = setup.retrieve(&[
        "--range",
        "0+1MiB",
        "--tier",
        "Expedited",
        "--yes",
        "--json",
    ]);
    assert!(first.status.success(), "{first:?}");
    lines.extend(json_lines(&first));
    assert_eq!(setup.listed_jobs().len(), 4);

    let dir = tempfile::tempdir().unwrap();
    let download = |job_id: &str| {
        setup.run(&[
            "download",
            job_id,
            "--vault",
            "v",
            "--to",
            dir.path().to_str().unwrap(),
        ])
    };
    for line in &lines {
        let job_id = line["job_id"].as_str().unwrap();
        setup
            .live
            ._runtime
            .block_on(wait_for(&setup.client, "v", job_id));
    }
    // Either job of the split plan downloads both and finishes the plan's file.
    let split_done = download(lines[1]["job_id"].as_str().unwrap());
    assert!(split_done.status.success(), "{split_done:?}");
    let said = String::from_utf8(split_done.stdout).unwrap();
    assert!(said.contains("verified job 1, 2 of 2"), "{said}");
    assert!(
        said.contains("verified against Glacier's tree hashes"),
        "{said}"
    );
    let first_done = download(lines[2]["job_id"].as_str().unwrap());
    assert!(first_done.status.success(), "{first_done:?}");
    // The same plan again: its file is there, and is not replaced unasked.
    let again = download(lines[0]["job_id"].as_str().unwrap());
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    let stderr = String::from_utf8(again.stderr).unwrap();
    assert!(stderr.contains("is finished already"), "{stderr}");
    assert!(stderr.contains("--overwrite"), "{stderr}");

    let folder = dir.path().join("photos/2019");
    let head = std::fs::read(folder.join(format!("beach.jpg.bytes-0-{}", MIB - 1))).unwrap();
    let tail = std::fs::read(folder.join(format!("beach.jpg.bytes-{MIB}-{}", SIZE - 1))).unwrap();
    assert_eq!(head.len() as u64, MIB);
    assert_eq!(tail.len() as u64, SIZE - MIB);
    let whole = [head, tail].concat();
    assert_eq!(common::tree_hash(&whole), setup.tree_hash);
    let mut left: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left.len(), 2, "nothing but the two files is left: {left:?}");
    let top: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(top.len(), 1, "no staging is left behind: {top:?}");
}

#[test]
fn a_second_request_for_the_same_bytes_reuses_the_job_unless_told_not_to() {
    let setup = setup();
    let size = SIZE.to_string();
    let range = [
        "--range",
        "0-1048575",
        "--size",
        size.as_str(),
        "--plan",
        "mib",
        "--yes",
    ];
    let first = setup.retrieve(&range);
    assert!(first.status.success(), "{first:?}");
    let listed = setup.listed_jobs();
    assert_eq!(listed.len(), 1);

    let again = setup.retrieve(&range);
    assert!(again.status.success(), "{again:?}");
    let stdout = String::from_utf8(again.stdout).unwrap();
    assert!(
        stdout.contains(&format!("reused job {} for bytes 0-1048575", listed[0])),
        "{stdout}"
    );
    let stderr = String::from_utf8(again.stderr).unwrap();
    assert!(
        stderr.contains("already retrieves bytes 0-1048575"),
        "{stderr}"
    );
    assert_eq!(setup.listed_jobs(), listed, "no second job was started");
    assert_eq!(setup.journal().len(), 1);

    // Another range of the same archive is not the same job.
    let other = setup.retrieve(&["--range", "1MiB+1MiB", "--size", &size, "--yes", "--json"]);
    assert_eq!(json_lines(&other)[0]["reused"], false, "{other:?}");

    let mut forced = range.to_vec();
    forced.push("--no-reuse");
    let forced = setup.retrieve(&forced);
    assert!(forced.status.success(), "{forced:?}");
    assert!(
        String::from_utf8_lossy(&forced.stdout).contains("started job"),
        "{forced:?}"
    );
    assert_eq!(setup.listed_jobs().len(), 3);
}

/// A refused start: exit 1, one line, the intent journaled as start failed.
fn assert_refused(setup: &Setup, output: &std::process::Output, mentions: &[&str]) {
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_one_line_error(&["retrieve"], &output.stdout, &stderr, mentions);
    assert!(setup.listed_jobs().is_empty());
    let journal = setup.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].job_id, None);
    assert_eq!(setup.events(&journal[0]), ["requested", "start failed"]);
}

#[test]
fn a_policy_refusal_is_one_line_that_names_the_policy_and_is_journaled() {
    // The free tier allows about 341 MiB a day.
    let setup = setup_with(1 << 30);
    setup.set_policy(RetrievalPolicy::FreeTier);
    let output = setup.retrieve(&["--yes", "--json"]);
    assert_refused(
        &setup,
        &output,
        &[
            "data retrieval policy",
            "retrieval policy is: free tier only",
            "no job was started",
        ],
    );
}

#[test]
fn no_expedited_capacity_is_one_line_and_journaled() {
    let setup = setup();
    set_expedited_capacity(&setup.live.sandbox, false);
    let output = setup.retrieve(&["--tier", "Expedited", "--yes", "--json"]);
    assert_refused(&setup, &output, &["Expedited capacity", "Standard tier"]);
}

#[test]
fn a_refusal_midway_keeps_and_names_the_jobs_already_started() {
    let setup = setup();
    setup.cache_inventory();
    // The first job (1 MiB) fits the hourly budget, the second (2 MiB) does not.
    setup.set_policy(RetrievalPolicy::BytesPerHour(MIB + MIB / 2));
    let output = setup.retrieve(&["--range", "1MiB-", "--plan", "split", "--yes"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let listed = setup.listed_jobs();
    assert_eq!(listed.len(), 1);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!("started job {}", listed[0])),
        "{stdout}"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("data retrieval policy") && stderr.contains(&listed[0]),
        "{stderr}"
    );
    let journal = setup.journal();
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[0].job_id.as_deref(), Some(listed[0].as_str()));
    assert_eq!(setup.events(&journal[1]), ["requested", "start failed"]);
}

#[test]
fn bad_input_is_one_line_with_exit_code_two_and_starts_nothing() {
    let setup = setup();
    let size = SIZE.to_string();
    let cases: [(&[&str], &[&str]); 7] = [
        (
            &["--range", "0-1048575", "--yes"],
            &["no cached inventory lists", "--size"],
        ),
        (
            &["--range", "5-2", "--size", &size, "--yes"],
            &["--range", "before its start"],
        ),
        (
            &[
                "--range", "0+1MiB", "--size", &size, "--plan", "fast", "--yes",
            ],
            &["fast"],
        ),
        (&["--size", "lots", "--yes"], &["--size", "lots"]),
        (
            &["--tier", "Fast", "--yes"],
            &["Fast", "Standard, Expedited or Bulk"],
        ),
        (&["--plan", "split", "--yes"], &["--plan", "--range"]),
        (&[], &["not a terminal", "--yes"]),
    ];
    for (args, mentions) in cases {
        let output = setup.retrieve(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_one_line_error(args, &output.stdout, &stderr, mentions);
    }
    // A size that contradicts the cached inventory.
    setup.cache_inventory();
    let args = ["--range", "0-1048575", "--size", "5MiB", "--yes"];
    let output = setup.retrieve(&args);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_one_line_error(&args, &output.stdout, &stderr, &["disagrees", &size]);
    assert!(setup.listed_jobs().is_empty());
    assert!(setup.journal().is_empty());
}

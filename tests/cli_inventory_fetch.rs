//! `defrost inventory fetch` against a live sandbox: an inventory job is started,
//! followed on its schedule, its pages downloaded and imported as one snapshot
//! that lists exactly the vault's archives; a fetch left running is continued,
//! not paid for twice; bad input is refused in one line.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use std::collections::BTreeSet;

use cli_live::{Live, polled_defrost, polled_sandbox};
use jobs_support::{Spec, list_jobs, seed_vault};
use tempfile::TempDir;

struct Setup {
    live: Live,
    archive_ids: BTreeSet<String>,
    home: TempDir,
    data: TempDir,
}

/// A vault `v` of `count` archives, inventoried yesterday.
fn vault_of(count: usize) -> Setup {
    let live = polled_sandbox();
    let descriptions: Vec<String> = (0..count).map(|i| format!("photos/{i:03}.jpg")).collect();
    let specs: Vec<Spec<'_>> = descriptions
        .iter()
        .map(|description| Spec {
            size: 1000,
            description,
        })
        .collect();
    let archive_ids = seed_vault(&live.sandbox, "v", &specs)
        .into_iter()
        .map(|archive| archive.id)
        .collect();
    Setup {
        live,
        archive_ids,
        home: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    }
}

impl Setup {
    fn run(&self, args: &[&str]) -> std::process::Output {
        polled_defrost(&self.live, &self.home, &self.data)
            .args(args)
            .output()
            .unwrap()
    }

    fn run_ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// The archive ids of the cached snapshot, as `defrost archives --json` lists them.
    fn cached_ids(&self) -> BTreeSet<String> {
        self.run_ok(&["archives", "--vault", "v", "--json", "--limit", "1000"])
            .lines()
            .map(|line| {
                let row: serde_json::Value = serde_json::from_str(line).unwrap();
                row["archive_id"].as_str().unwrap().to_owned()
            })
            .collect()
    }

    /// The ids of the inventory jobs Glacier lists for `v`.
    fn inventory_jobs(&self) -> Vec<String> {
        let client = common::client_for(&self.live.sandbox);
        let listed = self
            .live
            ._runtime
            .block_on(list_jobs(&client, "v").send())
            .unwrap();
        listed
            .job_list()
            .iter()
            .filter(|job| job.action().map(|a| a.as_str()) == Some("InventoryRetrieval"))
            .map(|job| job.job_id().unwrap().to_owned())
            .collect()
    }
}

#[test]
fn fetch_with_wait_makes_a_snapshot_of_exactly_the_vaults_archives() {
    let setup = vault_of(4);
    let stdout = setup.run_ok(&["inventory", "fetch", "--vault", "v", "--wait"]);
    let jobs = setup.inventory_jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert!(
        stdout.contains(&format!("started inventory job {}", jobs[0])),
        "{stdout}"
    );
    assert!(stdout.contains("expected ready in"), "{stdout}");
    assert!(stdout.contains("is ready"), "{stdout}");
    assert!(stdout.contains("imported 4 archives"), "{stdout}");
    assert_eq!(setup.cached_ids(), setup.archive_ids);

    // The catalog says how the snapshot was obtained.
    let list = setup.run_ok(&["inventory", "list"]);
    assert!(list.contains("v "), "{list}");
    let source = snapshot_source(&setup.data);
    assert_eq!(source, format!("Glacier inventory job {}", jobs[0]));
}

/// How the catalog says the one cached snapshot was obtained.
fn snapshot_source(data: &TempDir) -> String {
    let store = defrost::store::Store::open(data.path()).unwrap();
    let snapshots = store.snapshots(None).unwrap();
    assert_eq!(snapshots.len(), 1);
    snapshots[0].source.clone()
}

#[test]
fn a_limit_smaller_than_the_vault_pages_through_into_one_complete_snapshot() {
    let setup = vault_of(5);
    let stdout = setup.run_ok(&[
        "inventory",
        "fetch",
        "--vault",
        "v",
        "--limit",
        "2",
        "--format",
        "csv",
        "--wait",
    ]);
    assert!(stdout.contains("for page 2"), "{stdout}");
    assert!(stdout.contains("for page 3"), "{stdout}");
    assert!(!stdout.contains("for page 4"), "{stdout}");
    assert!(stdout.contains("imported 5 archives"), "{stdout}");
    assert_eq!(setup.inventory_jobs().len(), 3);
    assert_eq!(setup.cached_ids(), setup.archive_ids);
    let source = snapshot_source(&setup.data);
    assert!(source.ends_with("(3 pages)"), "{source}");
}

#[test]
fn a_fetch_left_running_is_continued_not_started_again() {
    let setup = vault_of(3);
    let started = setup.run_ok(&["inventory", "fetch", "--vault", "v"]);
    let jobs = setup.inventory_jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert!(started.contains("continue with"), "{started}");
    assert!(!started.contains("imported"), "{started}");

    let continued = setup.run_ok(&["inventory", "fetch", "--vault", "v", "--wait"]);
    assert!(
        continued.contains(&format!("continuing inventory job {}", jobs[0])),
        "{continued}"
    );
    assert!(continued.contains("imported 3 archives"), "{continued}");
    assert_eq!(setup.inventory_jobs(), jobs, "no second job was started");
    assert_eq!(setup.cached_ids(), setup.archive_ids);

    // Imported, the job is used up: the next fetch starts a new one, and Glacier's
    // unchanged inventory is recognised rather than imported twice.
    let again = setup.run_ok(&["inventory", "fetch", "--vault", "v", "--wait"]);
    assert!(again.contains("started inventory job"), "{again}");
    assert!(again.contains("already cached as snapshot 1"), "{again}");
    assert_eq!(setup.inventory_jobs().len(), 2);
}

#[test]
fn bad_input_is_refused_in_one_line_before_any_job_starts() {
    let setup = vault_of(1);
    let cases: [(&[&str], &str); 7] = [
        (&["--limit", "0"], "--limit"),
        (&["--limit", "many"], "--limit"),
        (
            &["--start-date", "2024-02-01", "--end-date", "2024-01-01"],
            "--start-date",
        ),
        (&["--start-date", "yesterday"], "--start-date"),
        (&["--end-date", "2024-13-01"], "--end-date"),
        (&["--format", "xml"], "--format"),
        (&["--vault", "a/b"], "vault name"),
    ];
    for (extra, mention) in cases {
        let mut args = vec!["inventory", "fetch"];
        if !extra.contains(&"--vault") {
            args.extend(["--vault", "v"]);
        }
        args.extend_from_slice(extra);
        let output = setup.run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        one_line_error::assert_one_line_error(&args, &output.stdout, &stderr, &[mention]);
    }
    assert!(setup.inventory_jobs().is_empty(), "no job was started");
}

#[test]
fn an_unknown_vault_and_a_vault_not_inventoried_yet_are_one_line() {
    let setup = vault_of(1);
    let args = ["inventory", "fetch", "--vault", "nosuch", "--wait"];
    let unknown = setup.run(&args);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    let stderr = String::from_utf8(unknown.stderr).unwrap();
    one_line_error::assert_one_line_error(
        &args,
        &unknown.stdout,
        &stderr,
        &["nosuch", "defrost vaults"],
    );

    // A vault created just now has no inventory: Glacier refuses the job. That is
    // no mistake in the command (exit 1), and the message says when to come back.
    let client = common::client_for(&setup.live.sandbox);
    setup
        .live
        ._runtime
        .block_on(
            client
                .create_vault()
                .account_id("-")
                .vault_name("fresh")
                .send(),
        )
        .unwrap();
    let args = ["inventory", "fetch", "--vault", "fresh", "--wait"];
    let fresh = setup.run(&args);
    assert_eq!(fresh.status.code(), Some(1), "{fresh:?}");
    let stdout = String::from_utf8(fresh.stdout).unwrap();
    assert!(stdout.is_empty(), "{stdout}");
    let stderr = String::from_utf8(fresh.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("no inventory of vault 'fresh' yet") && stderr.contains("try again"),
        "{stderr}"
    );
}

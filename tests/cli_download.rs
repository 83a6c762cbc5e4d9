//! `defrost download` against a live sandbox: the output lands, verified, under
//! the archive's decoded name from the cached inventory (kept inside the chosen
//! folder whatever the name says), or under its id; refusals are one line.

mod cli_live;
mod common;
mod jobs_support;
mod one_line_error;

use cli_live::{Live, defrost, slow_sandbox};
use defrost::domain::treehash::TreeHasher;
use jobs_support::{
    Listed, archive_job, finish_now, start_job, vault_with_one_archive, wait_for, write_inventory,
};
use tempfile::TempDir;

const SIZE: u64 = (3 << 20) + 12_345;

struct Setup {
    live: Live,
    archive_id: String,
    job_id: String,
    expected_hash: String,
    home: TempDir,
    data: TempDir,
}

fn finished_archive_job() -> Setup {
    let live = slow_sandbox();
    let archive_id = vault_with_one_archive(&live.sandbox, SIZE);
    let client = common::client_for(&live.sandbox);
    let job_id = live
        ._runtime
        .block_on(start_job(&client, "v", archive_job(&archive_id).build()));
    finish_now(&live.sandbox, &job_id);
    let described = live._runtime.block_on(wait_for(&client, "v", &job_id));
    let expected_hash = described.sha256_tree_hash().unwrap().to_owned();
    Setup {
        live,
        archive_id,
        job_id,
        expected_hash,
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

    fn download_into(&self, dir: &std::path::Path, more: &[&str]) -> std::process::Output {
        let mut args = vec![
            "download",
            self.job_id.as_str(),
            "--vault",
            "v",
            "--to",
            dir.to_str().unwrap(),
        ];
        args.extend_from_slice(more);
        self.run(&args)
    }

    /// Caches an inventory that names the archive with `description`.
    fn cache_inventory(&self, description: &str) {
        self.cache_inventory_with(description, &self.expected_hash.clone());
    }

    /// Caches an inventory that lists the archive with `description` and `hash`.
    fn cache_inventory_with(&self, description: &str, hash: &str) {
        let file = write_inventory(
            self.data.path(),
            &[Listed {
                id: &self.archive_id,
                description,
                size: SIZE,
                tree_hash: hash,
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
}

fn tree_hash_of(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes.len() as u64, SIZE, "{}", path.display());
    let mut hasher = TreeHasher::new();
    hasher.update(&bytes);
    hasher.finish().to_string()
}

#[test]
fn without_an_inventory_the_archive_lands_under_its_id_verified() {
    let setup = finished_archive_job();
    let dir = tempfile::tempdir().unwrap();
    let output = setup.download_into(dir.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("verified ") && stdout.contains(&setup.expected_hash),
        "{stdout}"
    );
    assert_eq!(
        tree_hash_of(&dir.path().join(&setup.archive_id)),
        setup.expected_hash
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only the finished file remains");

    // Again, without --overwrite: refused before anything is fetched.
    let again = setup.download_into(dir.path(), &[]);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    let stderr = String::from_utf8(again.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--overwrite"), "{stderr}");
    let replaced = setup.download_into(dir.path(), &["--overwrite"]);
    assert!(replaced.status.success(), "{replaced:?}");
}

#[test]
fn with_an_inventory_the_archive_lands_under_its_decoded_name_inside_the_folder() {
    let setup = finished_archive_job();
    setup.cache_inventory("photos/2019/beach.jpg");
    let dir = tempfile::tempdir().unwrap();
    let output = setup.download_into(dir.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        tree_hash_of(&dir.path().join("photos/2019/beach.jpg")),
        setup.expected_hash
    );
}

#[test]
fn the_inventory_is_found_when_the_journal_keys_the_vault_under_another_account() {
    let setup = finished_archive_job();
    // 'defrost jobs' records the vault under account '-'; the imported inventory's
    // VaultARN names account 123456789012. Both are the same vault.
    let jobs = setup.run(&["jobs", "--vault", "v"]);
    assert!(jobs.status.success(), "{jobs:?}");
    setup.cache_inventory("photos/2019/beach.jpg");
    let dir = tempfile::tempdir().unwrap();
    let output = setup.download_into(dir.path(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        tree_hash_of(&dir.path().join("photos/2019/beach.jpg")),
        setup.expected_hash
    );
}

#[test]
fn a_name_that_climbs_out_stays_inside_the_folder() {
    let setup = finished_archive_job();
    setup.cache_inventory("../../escaped.txt");
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("restore");
    std::fs::create_dir(&dir).unwrap();
    let output = setup.download_into(&dir, &[]);
    assert!(output.status.success(), "{output:?}");
    assert!(!outer.path().join("escaped.txt").exists());
    let inside: Vec<std::path::PathBuf> = walk(&dir);
    assert_eq!(inside.len(), 1, "{inside:?}");
    assert!(inside[0].starts_with(&dir), "{inside:?}");
    assert_eq!(tree_hash_of(&inside[0]), setup.expected_hash);
}

#[test]
fn refusals_are_one_line_with_exit_code_two() {
    let setup = finished_archive_job();
    let missing = setup.data.path().join("no-such-folder");
    let output = setup.download_into(&missing, &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is not a folder"),
        "{output:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let unknown = setup.run(&[
        "download",
        "NOSUCHJOB",
        "--vault",
        "v",
        "--to",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    let stderr = String::from_utf8(unknown.stderr).unwrap();
    one_line_error::assert_one_line_error(&["download"], &unknown.stdout, &stderr, &[]);
}

#[test]
fn an_inventory_hash_that_disagrees_with_the_job_stops_the_download_before_it_starts() {
    let setup = finished_archive_job();
    setup.cache_inventory_with("photos/a.jpg", &"0".repeat(64));
    let dir = tempfile::tempdir().unwrap();
    let output = setup.download_into(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cached inventory lists") && stderr.contains(&setup.expected_hash),
        "{stderr}"
    );
    assert!(walk(dir.path()).is_empty(), "nothing was written");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// A job still running, or one that failed, has no output: refused in one line,
/// nothing written.
#[test]
fn a_job_in_progress_or_failed_is_refused_and_nothing_is_written() {
    // Slow enough that a Bulk job (8 hours) stays in progress through the test.
    let live = cli_live::live_sandbox_at(100);
    let archive_id = vault_with_one_archive(&live.sandbox, SIZE);
    let client = common::client_for(&live.sandbox);
    let running = live._runtime.block_on(start_job(
        &client,
        "v",
        archive_job(&archive_id).tier("Bulk").build(),
    ));
    live._runtime.block_on(common::admin::add_fault(
        &live.sandbox,
        serde_json::json!({"kind": "fail_job", "vault": "v", "message": "the tape was eaten"}),
    ));
    // It fails when it would have finished: Expedited, about 2 s at this speedup.
    let failed = live._runtime.block_on(start_job(
        &client,
        "v",
        archive_job(&archive_id).tier("Expedited").build(),
    ));
    let described = live._runtime.block_on(wait_for(&client, "v", &failed));
    assert_eq!(described.status_code().map(|s| s.as_str()), Some("Failed"));

    let home = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (job_id, mentions) in [
        (&running, ["still in progress", "defrost jobs"]),
        (
            &failed,
            ["failed (the tape was eaten)", "start the retrieval again"],
        ),
    ] {
        let args = [
            "download",
            job_id.as_str(),
            "--vault",
            "v",
            "--to",
            dir.path().to_str().unwrap(),
        ];
        let output = defrost(&home, &live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        one_line_error::assert_one_line_error(&args, &output.stdout, &stderr, &mentions);
        assert!(walk(dir.path()).is_empty(), "nothing was written");
    }
}

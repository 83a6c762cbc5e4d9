//! Shared set-up for the plan download tests: a live sandbox holding one stored
//! archive of known pseudo-random bytes (13 MiB + 5), named `photos/2019/x.bin`
//! by a cached inventory, and the `defrost` binary run against it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use crate::cli_live::{Live, defrost, defrost_process, slow_sandbox};
use crate::common::admin::{add_fault, admin};
use crate::jobs_support::{
    Listed, MIB, add_stored_archive, finish_now, seed_vault, write_inventory,
};

/// 13 full tree-hash leaves and a clipped 14th of 5 bytes.
pub const SIZE: u64 = 13 * MIB + 5;

/// The archive's name in the cached inventory.
pub const NAME: &str = "photos/2019/x.bin";

/// Bytes no two runs agree on by chance, the same in every run (splitmix64).
pub fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        bytes.extend_from_slice(&z.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

pub struct Setup {
    pub live: Live,
    pub bytes: Vec<u8>,
    pub archive_id: String,
    pub tree_hash: String,
    pub home: TempDir,
    pub data: TempDir,
}

impl Setup {
    /// Vault `v` with the stored archive, and an inventory naming it imported
    /// into a fresh data folder (so the first plan started is `P1`).
    pub fn new() -> Self {
        // Output stays downloadable for about 14 minutes; jobs are made ready
        // with `finish`.
        let live = slow_sandbox();
        seed_vault(&live.sandbox, "v", &[]);
        let bytes = random_bytes(SIZE as usize, 0x00de_f405_7019);
        let archive = add_stored_archive(&live.sandbox, "v", &bytes);
        let setup = Setup {
            live,
            bytes,
            archive_id: archive.id,
            tree_hash: archive.tree_hash,
            home: tempfile::tempdir().unwrap(),
            data: tempfile::tempdir().unwrap(),
        };
        let file = write_inventory(
            setup.data.path(),
            &[Listed {
                id: &setup.archive_id,
                description: NAME,
                size: SIZE,
                tree_hash: &setup.tree_hash,
            }],
        );
        let import = setup.run(&[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "v",
        ]);
        assert!(import.status.success(), "{import:?}");
        setup
    }

    fn command(&self) -> std::process::Command {
        let mut command = defrost_process(&self.home, &self.live.sandbox.endpoint_url());
        command.arg("--data-dir").arg(self.data.path());
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        defrost(&self.home, &self.live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(self.data.path())
            .args(args)
            .output()
            .unwrap()
    }

    /// `defrost retrieve --vault v --archive-id ID MORE --yes --json`, which must
    /// start every job of its plan; one JSON object per job, in the plan's order.
    pub fn retrieve(&self, more: &[&str]) -> Vec<Value> {
        let output = self.retrieve_output(more);
        assert!(output.status.success(), "{more:?}: {output:?}");
        let jobs = json_lines(&output);
        assert!(!jobs.is_empty(), "{more:?}: {output:?}");
        jobs
    }

    pub fn retrieve_output(&self, more: &[&str]) -> Output {
        let mut args = vec!["retrieve", "--vault", "v", "--archive-id", &self.archive_id];
        args.extend_from_slice(more);
        args.extend_from_slice(&["--yes", "--json"]);
        self.run(&args)
    }

    /// Makes the job's output ready now.
    pub fn finish(&self, job: &Value) {
        finish_now(&self.live.sandbox, job_id(job));
    }

    /// Closes the job's output window: it finished long enough ago that the
    /// sandbox, like Glacier, no longer knows it.
    pub fn expire(&self, job: &Value) {
        let long_ago = time::OffsetDateTime::now_utc() - time::Duration::days(2);
        let found = self
            .live
            .sandbox
            .shared
            .change(time::OffsetDateTime::now_utc(), |state| {
                let stored = state
                    .vaults
                    .values_mut()
                    .find_map(|vault| vault.jobs.get_mut(job_id(job)));
                Ok(stored
                    .map(|stored| stored.completes_at = long_ago)
                    .is_some())
            })
            .unwrap();
        assert!(found, "no job {} in the sandbox", job_id(job));
    }

    /// `defrost download ID --vault v --to TO MORE`.
    pub fn download(&self, id: &str, to: &Path, more: &[&str]) -> Output {
        let mut args = vec!["download", id, "--vault", "v", "--to", to.to_str().unwrap()];
        args.extend_from_slice(more);
        self.run(&args)
    }

    /// The same download as a process to watch and kill; its standard error is
    /// piped, its output dropped.
    pub fn spawn_download(&self, id: &str, to: &Path) -> Child {
        self.command()
            .args(["download", id, "--vault", "v", "--to", to.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// The archive's bytes `start..=end`.
    pub fn wanted(&self, start: u64, end: u64) -> &[u8] {
        &self.bytes[start as usize..=end as usize]
    }

    pub fn add_fault(&self, fault: Value) -> u64 {
        self.live
            ._runtime
            .block_on(add_fault(&self.live.sandbox, fault))
    }

    pub fn clear_faults(&self) {
        let (status, body) = self.live._runtime.block_on(admin(
            &self.live.sandbox,
            "DELETE",
            "/_sandbox/faults",
            "",
        ));
        assert!((200..300).contains(&status), "{status}: {body}");
    }

    /// The faults in force, as the admin endpoint lists them.
    pub fn faults(&self) -> Vec<Value> {
        let (status, body) =
            self.live
                ._runtime
                .block_on(admin(&self.live.sandbox, "GET", "/_sandbox/faults", ""));
        assert_eq!(status, 200, "{body}");
        body["faults"].as_array().cloned().unwrap_or_default()
    }
}

pub fn job_id(job: &Value) -> &str {
    job["job_id"].as_str().unwrap()
}

pub fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Everything under `dir` (folders, files and links, no link followed), as
/// paths relative to `dir` with `/` between components, sorted.
pub fn walk(dir: &Path) -> Vec<String> {
    fn visit(root: &Path, dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap();
            let shown: Vec<String> = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect();
            found.push(shown.join("/"));
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                visit(root, &path, found);
            }
        }
    }
    let mut found = Vec::new();
    visit(dir, dir, &mut found);
    found.sort();
    found
}

/// What a folder holding only the finished file at `relative` (under
/// `photos/2019/`) lists.
pub fn only_the_file(relative: &str) -> Vec<String> {
    vec![
        "photos".to_owned(),
        "photos/2019".to_owned(),
        format!("photos/2019/{relative}"),
    ]
}

/// The finished file of the wanted bytes `start..=end`, below `to`.
pub fn range_file(to: &Path, start: u64, end: u64) -> PathBuf {
    to.join(format!("{NAME}.bytes-{start}-{end}"))
}

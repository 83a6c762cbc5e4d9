//! Shared set-up for the restore tests: a live sandbox at a fast clock with a
//! vault `v` of small virtual archives under decoded folders, an inventory
//! naming them imported into a fresh data folder, and the `defrost` binary
//! polling at the sandbox's pace.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::cli_live::{
    Live, POLLED_SPEEDUP, defrost, defrost_process, live_sandbox_at, polled_sandbox,
};
use crate::common::admin::add_fault;
use crate::jobs_support::{Listed, Spec, seed_vault, write_inventory};

pub struct Restore {
    pub live: Live,
    pub home: TempDir,
    pub data: TempDir,
    pub to: TempDir,
    /// Name, id, size and tree hash of each archive, in the order seeded.
    pub archives: Vec<(String, String, u64, String)>,
    /// How much faster than Glacier's the sandbox's clock runs; the binary is
    /// told, so it polls and counts output windows at that pace.
    pub speedup: u32,
}

impl Restore {
    /// Vault `v` holding an archive per description, sized from 1 KiB up.
    pub fn new(descriptions: &[&str]) -> Self {
        let sized: Vec<(&str, u64)> = descriptions
            .iter()
            .enumerate()
            .map(|(index, description)| (*description, 1024 + 7919 * index as u64))
            .collect();
        Restore::sized(&sized)
    }

    /// Vault `v` holding an archive per description of the given size, in a
    /// sandbox at the usual test pace.
    pub fn sized(archives: &[(&str, u64)]) -> Self {
        Restore::sized_at(POLLED_SPEEDUP, archives)
    }

    /// The same in a sandbox whose clock runs `speedup` times Glacier's: a
    /// slower one keeps outputs downloadable for longer (24 hours / speedup).
    pub fn sized_at(speedup: u32, archives: &[(&str, u64)]) -> Self {
        let live = if speedup == POLLED_SPEEDUP {
            polled_sandbox()
        } else {
            live_sandbox_at(speedup)
        };
        Restore::sized_in(live, speedup, archives)
    }

    /// The same in a sandbox already started (with its S3 endpoint, say), whose
    /// clock runs `speedup` times Glacier's.
    pub fn sized_in(live: Live, speedup: u32, archives: &[(&str, u64)]) -> Self {
        let specs: Vec<Spec<'_>> = archives
            .iter()
            .map(|(description, size)| Spec {
                size: *size,
                description,
            })
            .collect();
        let seeded = seed_vault(&live.sandbox, "v", &specs);
        let archives: Vec<(String, String, u64, String)> = seeded
            .iter()
            .map(|archive| {
                (
                    archive.description.clone(),
                    archive.id.clone(),
                    archive.size,
                    archive.tree_hash.clone(),
                )
            })
            .collect();
        let setup = Restore {
            live,
            home: tempfile::tempdir().unwrap(),
            data: tempfile::tempdir().unwrap(),
            to: tempfile::tempdir().unwrap(),
            archives,
            speedup,
        };
        setup.import_inventory();
        setup
    }

    fn import_inventory(&self) {
        let listed: Vec<Listed<'_>> = self
            .archives
            .iter()
            .map(|(name, id, size, tree_hash)| Listed {
                id,
                description: name,
                size: *size,
                tree_hash,
            })
            .collect();
        let file = write_inventory(self.data.path(), &listed);
        let import = self.run(&[
            "inventory",
            "import",
            file.to_str().unwrap(),
            "--vault",
            "v",
        ]);
        assert!(import.status.success(), "{import:?}");
    }

    pub fn command(&self) -> assert_cmd::Command {
        let mut command = defrost(&self.home, &self.live.sandbox.endpoint_url());
        command
            .arg("--data-dir")
            .arg(self.data.path())
            .args(["--sandbox-speedup", &self.speedup.to_string()]);
        // A batch that never ends is a failure, not a hang.
        command.timeout(std::time::Duration::from_secs(120));
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `defrost restore --vault v MORE --to TO --tier Expedited --yes --json`, fast.
    pub fn restore(&self, more: &[&str]) -> Output {
        let args = self.restore_args(more, "500");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    /// The arguments of [`Restore::restore`], at `requests_per_second`.
    pub fn restore_args(&self, more: &[&str], requests_per_second: &str) -> Vec<String> {
        let mut args = vec!["restore", "--vault", "v"];
        args.extend_from_slice(more);
        args.extend_from_slice(&[
            "--to",
            self.to.path().to_str().unwrap(),
            "--tier",
            "Expedited",
            "--requests-per-second",
            requests_per_second,
            "--yes",
            "--json",
        ]);
        args.into_iter().map(str::to_owned).collect()
    }

    /// `defrost ARGS` as a process to watch and kill, its stdout and stderr
    /// written to files (a pipe nobody reads would stall a long batch).
    pub fn spawn(&self, args: &[String]) -> Running {
        let stdout = self.data.path().join(format!("stdout-{}.txt", unique()));
        let stderr = stdout.with_extension("err");
        let child = defrost_process(&self.home, &self.live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(self.data.path())
            .args(["--sandbox-speedup", &self.speedup.to_string()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// Sets the sandbox's data retrieval policy, as SetDataRetrievalPolicy would.
    pub fn set_policy(&self, policy: defrost::sandbox::model::RetrievalPolicy) {
        self.live
            .sandbox
            .shared
            .change(time::OffsetDateTime::now_utc(), |state| {
                state.retrieval_policy = policy;
                Ok(())
            })
            .unwrap();
    }

    /// Checks that every seeded archive is in the folder once, whole, under its
    /// decoded name (descriptions are plain relative paths), that nothing else
    /// is (no part file, no progress record), and that Glacier saw exactly one
    /// job for each.
    pub fn assert_all_restored_once(&self) {
        let found = files(self.to.path());
        assert_eq!(found.len(), self.archives.len(), "{found:?}");
        for (name, ..) in &self.archives {
            self.assert_restored(name, name);
        }
        let started = self.jobs_started();
        assert_eq!(started.len(), self.archives.len(), "{started:?}");
        let repeated: Vec<_> = started.iter().filter(|(_, jobs)| **jobs != 1).collect();
        assert!(repeated.is_empty(), "more than one job: {repeated:?}");
    }

    /// Jobs the sandbox started for each archive id, ever. Read without saving
    /// the state, so asking often does not hold the sandbox up.
    pub fn jobs_started(&self) -> BTreeMap<String, u64> {
        let now = time::OffsetDateTime::now_utc();
        let state = self.live.sandbox.shared.lock(now);
        state.vaults["v"].jobs_started.clone()
    }

    pub fn add_fault(&self, fault: Value) -> u64 {
        self.live
            ._runtime
            .block_on(add_fault(&self.live.sandbox, fault))
    }

    /// Checks that the archive named `name` is restored at `relative`, whole.
    pub fn assert_restored(&self, relative: &str, name: &str) {
        let (_, _, size, tree_hash) = self
            .archives
            .iter()
            .find(|(archive, ..)| archive == name)
            .unwrap_or_else(|| panic!("no archive {name}"));
        let path = self.to.path().join(relative);
        let bytes = std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert_eq!(bytes.len() as u64, *size, "{relative}");
        assert_eq!(&crate::common::tree_hash(&bytes), tree_hash, "{relative}");
    }
}

pub fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{line}: {err}")))
        .collect()
}

/// The last line: the outcome.
pub fn outcome(output: &Output) -> Value {
    json_lines(output)
        .pop()
        .unwrap_or_else(|| panic!("{output:?}"))
}

/// Every file below `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

/// A `defrost` process started by [`Restore::spawn`].
pub struct Running {
    pub child: Child,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
}

impl Running {
    /// Waits until `ready` holds, checking every few milliseconds; panics if the
    /// process ends first or `within` passes.
    pub fn wait_until(&mut self, within: Duration, mut ready: impl FnMut(&Running) -> bool) {
        let began = Instant::now();
        while !ready(self) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "defrost ended ({status}) too soon: {}\n{}",
                    self.stdout_text(),
                    self.stderr_text()
                );
            }
            assert!(began.elapsed() < within, "{}", self.stderr_text());
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGKILL: no chance to tidy up, as a power cut or the OOM killer.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        assert!(!status.success(), "{status}");
    }

    pub fn stdout_text(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// The JSON events printed so far whose `event` is `kind` (a line torn by
    /// a kill does not count).
    pub fn events(&self, kind: &str) -> usize {
        self.stdout_text()
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|event| event["event"] == kind)
            .count()
    }
}

/// A number no other call in this test process returns.
fn unique() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Every file below `dir` whose name ends in `suffix`, relative.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|file| file.ends_with(suffix))
        .collect()
}

//! Shared set-up for the restore tests: a live sandbox at a fast clock with a
//! vault `v` of small virtual archives under decoded folders, an inventory
//! naming them imported into a fresh data folder, and the `defrost` binary
//! polling at the sandbox's pace.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use tempfile::TempDir;

use crate::cli_live::{Live, polled_defrost, polled_sandbox};
use crate::common::admin::add_fault;
use crate::jobs_support::{Listed, Spec, seed_vault, write_inventory};

pub struct Restore {
    pub live: Live,
    pub home: TempDir,
    pub data: TempDir,
    pub to: TempDir,
    /// Name, id, size and tree hash of each archive, in the order seeded.
    pub archives: Vec<(String, String, u64, String)>,
}

impl Restore {
    /// Vault `v` holding an archive per description, sized from 1 KiB up.
    pub fn new(descriptions: &[&str]) -> Self {
        let live = polled_sandbox();
        let specs: Vec<Spec<'_>> = descriptions
            .iter()
            .enumerate()
            .map(|(index, description)| Spec {
                size: 1024 + 7919 * index as u64,
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
        };
        let listed: Vec<Listed<'_>> = setup
            .archives
            .iter()
            .map(|(name, id, size, tree_hash)| Listed {
                id,
                description: name,
                size: *size,
                tree_hash,
            })
            .collect();
        let file = write_inventory(setup.data.path(), &listed);
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

    pub fn command(&self) -> assert_cmd::Command {
        let mut command = polled_defrost(&self.live, &self.home, &self.data);
        // A batch that never ends is a failure, not a hang.
        command.timeout(std::time::Duration::from_secs(120));
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `defrost restore --vault v MORE --to TO --tier Expedited --yes --json`, fast.
    pub fn restore(&self, more: &[&str]) -> Output {
        let mut args = vec!["restore", "--vault", "v"];
        args.extend_from_slice(more);
        args.extend_from_slice(&[
            "--to",
            self.to.path().to_str().unwrap(),
            "--tier",
            "Expedited",
            "--requests-per-second",
            "500",
            "--yes",
            "--json",
        ]);
        self.run(&args)
    }

    /// Jobs the sandbox started for each archive id, ever.
    pub fn jobs_started(&self) -> BTreeMap<String, u64> {
        let now = time::OffsetDateTime::now_utc();
        self.live
            .sandbox
            .shared
            .change(now, |state| Ok(state.vaults["v"].jobs_started.clone()))
            .unwrap()
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

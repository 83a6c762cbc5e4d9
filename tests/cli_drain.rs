//! `defrost drain` against a live sandbox: only what was downloaded and
//! verified (the file still there) is deleted by default; a second run
//! deletes nothing; a deletion whose answer was lost is asked again without
//! harm; --all needs the vault's name; a refusal stops the drain; throttling
//! is waited out; and --delete-vault waits for Glacier's next inventory, then
//! deletes the empty vault.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use std::time::{Duration, Instant};

use defrost::store::{DeletionIntent, DeletionProof, Store, VaultKey};
use restore_support::{Restore, json_lines};
use serde_json::{Value, json};

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "v".into(),
    }
}

/// Five archives, the three under `keep/` restored into the folder.
fn restored() -> Restore {
    let setup = Restore::new(&[
        "keep/a.txt",
        "keep/b.txt",
        "keep/c.txt",
        "other/d.txt",
        "other/e.txt",
    ]);
    let output = setup.restore(&["--under", "keep/"]);
    assert!(output.status.success(), "{output:?}");
    setup
}

/// The ids of the archives the sandbox has deleted.
fn deleted_in_sandbox(setup: &Restore) -> Vec<String> {
    let now = time::OffsetDateTime::now_utc();
    let state = setup.live.sandbox.shared.lock(now);
    let mut ids: Vec<String> = (state.vaults["v"].archives.values())
        .filter(|archive| archive.deleted.is_some())
        .map(|archive| archive.id.clone())
        .collect();
    ids.sort();
    ids
}

fn ids_named(setup: &Restore, prefix: &str) -> Vec<String> {
    let mut ids: Vec<String> = (setup.archives.iter())
        .filter(|(name, ..)| name.starts_with(prefix))
        .map(|(_, id, ..)| id.clone())
        .collect();
    ids.sort();
    ids
}

fn events<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["event"] == kind).collect()
}

fn drain(setup: &Restore, more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "drain",
        "--vault",
        "v",
        "--requests-per-second",
        "200",
        "--json",
    ];
    args.extend_from_slice(more);
    setup.run(&args)
}

/// The same, as text: the summary on standard error.
fn drain_text(setup: &Restore, more: &[&str]) -> std::process::Output {
    let mut args = vec!["drain", "--vault", "v", "--requests-per-second", "200"];
    args.extend_from_slice(more);
    setup.run(&args)
}

#[test]
fn only_verified_downloads_are_deleted_journaled_and_a_second_run_deletes_nothing() {
    let setup = restored();
    let dry = drain(&setup, &["--dry-run"]);
    assert!(dry.status.success(), "{dry:?}");
    assert_eq!(events(&json_lines(&dry), "would delete").len(), 3);
    assert!(
        deleted_in_sandbox(&setup).is_empty(),
        "a dry run deletes nothing"
    );

    let output = drain(&setup, &["--yes"]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output);
    assert_eq!(events(&lines, "deleted").len(), 3, "{lines:?}");
    let outcome = lines.last().unwrap();
    assert_eq!(outcome["deleted"], 3);
    assert_eq!(outcome["kept"], 2);
    // The kept archives have no proof and were not read one by one: the
    // inventory's totals still count their bytes.
    let size_of = |prefix: &str| -> u64 {
        (setup.archives.iter())
            .filter(|(name, ..)| name.starts_with(prefix))
            .map(|(_, _, size, _)| size)
            .sum()
    };
    assert!(size_of("other/") > 0);
    assert_eq!(outcome["kept_bytes"], size_of("other/"));
    assert_eq!(outcome["deleted_bytes"], size_of("keep/"));
    assert_eq!(deleted_in_sandbox(&setup), ids_named(&setup, "keep/"));

    // The report lists each deletion with its proof.
    let report = std::fs::read_to_string(outcome["report"].as_str().unwrap()).unwrap();
    assert_eq!(report.lines().count(), 4, "{report}");
    assert!(
        report
            .lines()
            .all(|line| line.contains("downloaded") || line.starts_with("archive_id"))
    );

    let again = drain_text(&setup, &["--yes"]);
    assert!(again.status.success(), "{again:?}");
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("Deleted   3 archives"), "{said}");
    assert!(said.contains("0 archive(s) deleted"), "{said}");
}

#[test]
fn a_file_removed_or_replaced_by_a_link_proves_nothing() {
    let setup = restored();
    let to = setup.to.path();
    std::fs::remove_file(to.join("keep/a.txt")).unwrap();
    std::fs::remove_file(to.join("keep/b.txt")).unwrap();
    std::os::unix::fs::symlink(to.join("keep/c.txt"), to.join("keep/b.txt")).unwrap();
    let output = drain_text(&setup, &["--yes"]);
    assert!(output.status.success(), "{output:?}");
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("Kept      2 archives whose downloaded file no longer proves them"),
        "{summary}"
    );
    let c = ids_named(&setup, "keep/c.txt");
    assert_eq!(deleted_in_sandbox(&setup), c);
}

#[test]
fn a_deletion_whose_answer_was_lost_is_asked_again_and_found_gone() {
    let setup = restored();
    let a = ids_named(&setup, "keep/a.txt").remove(0);
    // An earlier drain wrote `a` down, Glacier deleted it, and the answer was lost.
    {
        let mut store = Store::open(setup.data.path()).unwrap();
        let proof = DeletionProof::Downloaded {
            path: setup.to.path().join("keep/a.txt").display().to_string(),
        };
        store
            .record_deletion_asked(
                &vault(),
                &DeletionIntent {
                    archive_id: &a,
                    size: 1024,
                    created: None,
                    proof: &proof,
                    made_by: "defrost",
                    at: time::OffsetDateTime::now_utc(),
                },
            )
            .unwrap();
    }
    let client = common::client_for(&setup.live.sandbox);
    setup
        .live
        ._runtime
        .block_on(
            client
                .delete_archive()
                .account_id("-")
                .vault_name("v")
                .archive_id(&a)
                .send(),
        )
        .unwrap();
    let output = drain(&setup, &["--yes"]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output);
    assert_eq!(events(&lines, "already gone").len(), 1, "{lines:?}");
    assert_eq!(events(&lines, "deleted").len(), 2, "{lines:?}");
    let report =
        std::fs::read_to_string(lines.last().unwrap()["report"].as_str().unwrap()).unwrap();
    assert!(report.contains("already gone"), "{report}");
}

#[test]
fn deleting_everything_needs_the_vault_name_typed() {
    let setup = restored();
    let no_terminal = drain(&setup, &["--all", "--yes"]);
    assert_eq!(no_terminal.status.code(), Some(2), "{no_terminal:?}");
    let said = String::from_utf8_lossy(&no_terminal.stderr);
    assert!(said.contains("add --confirm VAULT_NAME"), "{said}");
    let wrong = drain(&setup, &["--all", "--confirm", "w"]);
    assert_eq!(wrong.status.code(), Some(2), "{wrong:?}");
    assert!(deleted_in_sandbox(&setup).is_empty());
    let right = drain_text(&setup, &["--all", "--confirm", "v"]);
    assert!(right.status.success(), "{right:?}");
    assert_eq!(deleted_in_sandbox(&setup).len(), 5);
    let summary = String::from_utf8_lossy(&right.stderr);
    assert!(summary.contains("2 with no proof (--all)"), "{summary}");
}

#[test]
fn a_refusal_stops_the_drain_and_throttling_is_waited_out() {
    let setup = restored();
    setup.add_fault(json!({"kind": "throttling", "operation": "DeleteArchive", "count": 4}));
    setup.add_fault(json!({
        "kind": "access_denied", "operation": "DeleteArchive", "count": 1,
        "message": "the vault is locked",
    }));
    let refused = drain(&setup, &["--yes"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("Glacier refused to delete archive"), "{said}");
    assert!(said.contains("nothing more was deleted"), "{said}");
    assert!(deleted_in_sandbox(&setup).is_empty());

    // The refusal was a passing one here: the next run deletes all three.
    let output = drain(&setup, &["--yes"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(deleted_in_sandbox(&setup), ids_named(&setup, "keep/"));
}

#[test]
fn the_vault_is_deleted_once_glacier_inventories_it_empty() {
    let setup = Restore::new(&["a.txt", "b.txt"]);
    assert!(setup.restore(&["--all"]).status.success());
    let output = drain(&setup, &["--yes", "--delete-vault"]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output);
    let end = lines.last().unwrap();
    assert_eq!(end["state"], "awaiting inventory", "{end}");
    // Glacier computes an inventory once a day: 8.6 s at the sandbox's pace.
    let began = Instant::now();
    loop {
        let again = drain(&setup, &["--yes", "--delete-vault"]);
        assert!(again.status.success(), "{again:?}");
        let end = json_lines(&again).pop().unwrap();
        if end["state"] == "deleted" {
            break;
        }
        assert_eq!(end["state"], "awaiting inventory", "{end}");
        assert!(began.elapsed() < Duration::from_secs(60), "never deleted");
        std::thread::sleep(Duration::from_secs(1));
    }
    let now = time::OffsetDateTime::now_utc();
    assert!(!setup.live.sandbox.shared.lock(now).vaults.contains_key("v"));
}

//! `defrost batches --give-up`: a migration broken off mid-copy is given up,
//! its unfinished upload aborted with the journaled id and the abort
//! journaled, so running it again asks S3 nothing; an upload S3 no longer
//! knows counts as aborted; completed objects stay; a given-up batch is not
//! resumed, and the same migrate command makes a new batch; a restore's
//! batch is given up without S3.

mod cli_live;
mod common;
mod jobs_support;
mod migrate_support;
mod restore_support;
mod s3_behaviour;

use defrost::s3::ObjectStore;
use migrate_support::{Migration, stderr};
use restore_support::{Restore, json_lines};
use serde_json::{Value, json};

const MIB: u64 = 1 << 20;

/// A migration of a small archive and a three-part one, broken off after
/// one part of the large one reached S3: the small one is copied (one
/// job at a time, in the batch's order, which is the names'), the large
/// one's upload holds a part.
fn broken_off() -> Migration {
    let migration = Migration::sized(&[("notes.txt", 1200), ("scans/big.tif", 20 * MIB + 5)]);
    migration.add_fault(json!({
        "kind": "access_denied", "operation": "s3:UploadPart",
        "after_requests": 2, "persistent": true,
    }));
    let output = migration.migrate_with(&["--max-jobs-in-flight", "1"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    // Parts travel several at once: which one got through varies, not how many.
    let uploads = migration.uploads_in_bucket();
    assert_eq!(uploads.len(), 1, "{uploads:?}");
    assert_eq!(uploads[0].0, "backup/scans/big.tif");
    assert_eq!(uploads[0].1.len(), 1, "{uploads:?}");
    migration.clear_faults();
    migration
}

fn give_up(migration: &Migration, more: &[&str]) -> std::process::Output {
    let mut args = vec!["batches", "--give-up", "B1", "--s3-endpoint-url"];
    args.push(&migration.s3_url);
    args.extend_from_slice(more);
    migration.setup.run(&args)
}

fn events<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["event"] == kind).collect()
}

#[test]
fn a_broken_off_migration_is_given_up_its_upload_aborted_once_and_not_resumed() {
    let migration = broken_off();
    let big = migration.setup.archives[1].1.clone();
    let upload_id = (migration.journaled_upload(&big).unwrap().upload_id).unwrap();

    // No terminal to ask on: nothing is given up without --yes.
    let unasked = give_up(&migration, &[]);
    assert_eq!(unasked.status.code(), Some(2), "{unasked:?}");
    let said = stderr(&unasked);
    assert!(said.contains("Left      1 archives not copied"), "{said}");
    assert!(
        said.contains("Uploads   1 unfinished in the bucket (1 parts"),
        "{said}"
    );
    assert!(said.lines().last().unwrap().contains("add --yes"), "{said}");
    assert_eq!(migration.uploads_in_bucket().len(), 1);

    let output = give_up(&migration, &["--yes", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output);
    let aborted = events(&lines, "aborted");
    assert_eq!(aborted.len(), 1, "{lines:?}");
    assert_eq!(aborted[0]["key"], "backup/scans/big.tif");
    assert_eq!(aborted[0]["upload_id"], upload_id.as_str());
    assert_eq!(aborted[0]["gone_already"], false);
    let outcome = lines.last().unwrap();
    assert_eq!(outcome["uploads_aborted"], 1, "{outcome}");
    assert_eq!(outcome["archives_left"], 1, "{outcome}");
    assert!(
        migration.uploads_in_bucket().is_empty(),
        "S3 dropped the parts"
    );
    assert!(
        migration.journaled_upload(&big).is_none(),
        "the journal holds the abort"
    );
    // The copied object is never touched.
    let bucket = migration.bucket();
    assert!(
        migration
            .block_on(bucket.head_object("backup/notes.txt"))
            .unwrap()
            .is_some()
    );

    // Again: the journal says it is done, so S3 is not asked.
    migration.add_fault(json!({
        "kind": "access_denied", "operation": "s3:AbortMultipartUpload", "persistent": true,
    }));
    let again = give_up(&migration, &["--yes", "--json"]);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(json_lines(&again).last().unwrap()["uploads_aborted"], 0);
    assert_eq!(migration.faults()[0]["fired"], 0);
    migration.clear_faults();

    let listed = migration.setup.run(&["batches"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("B1 (given up)"));
    let resumed = migration.setup.run(&["restore", "--resume", "B1", "--yes"]);
    assert_eq!(resumed.status.code(), Some(2), "{resumed:?}");
    let said = stderr(&resumed);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("batch B1 was given up at") && said.contains("no --resume"),
        "{said}"
    );

    // The same migration again is a new batch, which copies only what is not
    // in the bucket yet, with the job B1 paid for.
    let started = migration.setup.jobs_started();
    let new = migration.migrate();
    assert!(new.status.success(), "{}", stderr(&new));
    assert!(
        stderr(&new).contains("Batch B1 of these archives was given up"),
        "{}",
        stderr(&new)
    );
    let outcome = json_lines(&new).pop().unwrap();
    assert_eq!(
        (outcome["batch"].as_str(), outcome["restored"].as_u64()),
        (Some("B2"), Some(2))
    );
    assert_eq!(
        migration.setup.jobs_started(),
        started,
        "the new batch reuses the big archive's job, still ready, and copies the small one no more"
    );
    let bytes = migration
        .block_on(bucket.get_object("backup/scans/big.tif"))
        .unwrap();
    assert_eq!(&common::tree_hash(&bytes), &migration.setup.archives[1].3);
}

#[test]
fn an_upload_s3_no_longer_knows_counts_as_aborted() {
    let migration = broken_off();
    let big = migration.setup.archives[1].1.clone();
    let upload_id = (migration.journaled_upload(&big).unwrap().upload_id).unwrap();
    // Aborted by someone else (or a lifecycle rule) before defrost heard of it.
    let bucket = migration.bucket();
    migration
        .block_on(bucket.abort_multipart_upload("backup/scans/big.tif", &upload_id))
        .unwrap();
    let output = give_up(&migration, &["--yes"]);
    assert!(output.status.success(), "{output:?}");
    let said = stderr(&output);
    assert!(
        said.contains("S3 no longer had its upload; counted as aborted"),
        "{said}"
    );
    let line = String::from_utf8_lossy(&output.stdout);
    assert!(
        line.contains("given up at")
            && line.contains("1 unfinished uploads aborted (1 of them S3 no longer had)"),
        "{line}"
    );
    assert!(migration.journaled_upload(&big).is_none());
}

#[test]
fn a_restore_batch_is_given_up_without_s3_and_then_refused() {
    let setup = Restore::new(&["a.txt", "b.txt"]);
    let started = setup.restore(&["--all", "--no-wait"]);
    assert!(started.status.success(), "{started:?}");
    let output = setup.run(&["batches", "--give-up", "B1", "--yes"]);
    assert!(output.status.success(), "{output:?}");
    let said = stderr(&output);
    assert!(said.contains("Left      2 archives not restored"), "{said}");
    assert!(
        said.contains("Jobs      2 started and still running or ready on Glacier"),
        "{said}"
    );
    assert!(!said.contains("Uploads"), "{said}");
    let resumed = setup.run(&["restore", "--resume", "B1", "--yes"]);
    assert_eq!(resumed.status.code(), Some(2), "{resumed:?}");
    // The same selection and folder make a new batch, reusing B1's jobs.
    let again = setup.restore(&["--all"]);
    assert!(again.status.success(), "{again:?}");
    let outcome = json_lines(&again).pop().unwrap();
    assert_eq!(
        (outcome["batch"].as_str(), outcome["restored"].as_u64()),
        (Some("B2"), Some(2))
    );
    assert!(
        setup.jobs_started().values().all(|jobs| *jobs == 1),
        "no job paid twice"
    );
    let unknown = setup.run(&["batches", "--give-up", "B9", "--yes"]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(stderr(&unknown).contains("no batch B9"));
}

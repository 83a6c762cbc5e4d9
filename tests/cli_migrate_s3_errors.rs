//! `defrost migrate` into the sandbox's S3 endpoint while S3 fails: passing
//! 500 InternalError and 503 SlowDown answers to UploadPart and
//! CompleteMultipartUpload are retried and every object ends complete and
//! verified; a failure that lasts stops the command with S3's words and exit
//! code 1, and the same command again goes on from the last journaled part
//! without sending a part twice.

mod cli_live;
mod common;
mod jobs_support;
mod migrate_support;
mod restore_support;
mod s3_behaviour;

use defrost::domain::migrate::recorded_tree_hash;
use defrost::s3::ObjectStore;
use migrate_support::{Migration, stderr};
use restore_support::json_lines;
use serde_json::json;

const MIB: u64 = 1 << 20;

/// Checks that each archive is in the bucket under `backup/NAME`, whole, with
/// the tree hash in its bytes and in its metadata.
fn assert_all_copied(migration: &Migration) {
    let bucket = migration.bucket();
    for (name, _, size, tree_hash) in &migration.setup.archives {
        let key = format!("backup/{name}");
        let bytes = migration
            .block_on(bucket.get_object(&key))
            .unwrap_or_else(|err| panic!("{key}: {err}"));
        assert_eq!(bytes.len() as u64, *size, "{key}");
        assert_eq!(&common::tree_hash(&bytes), tree_hash, "{key}");
        let facts = migration
            .block_on(bucket.head_object(&key))
            .unwrap()
            .unwrap();
        assert_eq!(
            recorded_tree_hash(&facts.metadata).map(|hash| hash.to_string()),
            Some(tree_hash.clone()),
            "{key}"
        );
    }
    assert!(
        migration.uploads_in_bucket().is_empty(),
        "no upload is left unfinished"
    );
}

#[test]
fn passing_s3_errors_on_parts_and_completion_are_retried_until_every_object_is_verified() {
    let migration = Migration::sized(&[
        ("scans/big.tif", 20 * MIB + 321),
        ("scans/a.txt", 3000),
        ("scans/b.txt", 5000),
    ]);
    // Two of each, in a row: four failures of UploadPart are more than the
    // client's three attempts, so defrost sends the part again; four of
    // CompleteMultipartUpload are within its five.
    for operation in ["s3:UploadPart", "s3:CompleteMultipartUpload"] {
        migration
            .add_fault(json!({"kind": "service_unavailable", "operation": operation, "count": 2}));
        migration.add_fault(json!({"kind": "throttling", "operation": operation, "count": 2}));
    }
    let output = migration.migrate();
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = json_lines(&output);
    let outcome = lines.last().unwrap();
    assert_eq!(outcome["restored"], 3, "{outcome}");
    assert!(
        lines.iter().all(|line| line["event"] != "download failed"),
        "each retry stayed within the copy: {lines:?}"
    );
    assert!(migration.faults().is_empty(), "every fault fired");
    assert_all_copied(&migration);
}

#[test]
fn a_lasting_s3_failure_stops_the_copy_and_the_same_command_goes_on_from_its_last_part() {
    // Five parts of 8 MiB (the last shorter).
    let migration = Migration::sized(&[("scans/huge.tif", 36 * MIB + 17)]);
    let archive_id = migration.setup.archives[0].1.clone();
    // Two parts get through; every later one fails.
    migration.add_fault(json!({
        "kind": "service_unavailable", "operation": "s3:UploadPart",
        "after_requests": 2, "persistent": true,
    }));
    let failed = migration.migrate();
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    let said = stderr(&failed);
    let last = said.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("defrost: ")
            && last.contains("S3 had a server error (HTTP 500, InternalError")
            && last.contains("still failed after retries; try again in a few minutes"),
        "{said}"
    );
    // Parts travel several at once: which two got through varies; both are
    // journaled, as every part S3 took is.
    let journaled = migration.journaled_upload(&archive_id).unwrap();
    let mut numbers: Vec<u32> = journaled.parts.iter().map(|part| part.number).collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers.len(),
        2,
        "the parts S3 took are journaled: {numbers:?}"
    );
    let upload_id = journaled.upload_id.clone().unwrap();
    assert_eq!(
        migration.uploads_in_bucket(),
        [("backup/scans/huge.tif".to_owned(), numbers)]
    );

    // S3 is back. Any part sent again, or any new upload, would meet these.
    migration.clear_faults();
    migration.add_fault(json!({
        "kind": "access_denied", "operation": "s3:UploadPart",
        "after_requests": 3, "persistent": true,
    }));
    migration.add_fault(json!({
        "kind": "access_denied", "operation": "s3:CreateMultipartUpload", "persistent": true,
    }));
    let again = migration.migrate();
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("going on with batch B1"),
        "{}",
        stderr(&again)
    );
    assert_eq!(json_lines(&again).last().unwrap()["restored"], 1);
    let faults = migration.faults();
    assert_eq!(
        (faults[0]["passed"].as_u64(), faults[0]["fired"].as_u64()),
        (Some(3), Some(0)),
        "only the three parts missing were sent: {faults:?}"
    );
    assert_eq!(faults[1]["fired"], 0, "no new upload: {faults:?}");
    let done = migration.journaled_upload(&archive_id).unwrap();
    assert_eq!(done.upload_id.as_deref(), Some(upload_id.as_str()));
    assert!(done.completed.is_some());
    assert_all_copied(&migration);
}

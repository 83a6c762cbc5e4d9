//! A copy S3 completed just before the process was killed, before the journal
//! could say so: the next run finds the object carrying the archive's tree
//! hash where ListParts no longer knows the upload, journals it as copied, and
//! neither sends a part nor starts a job for it again; also when the job's
//! output window closed meanwhile, where the job would otherwise be renewed.

mod cli_live;
mod common;
mod jobs_support;
mod migrate_support;
mod restore_support;
mod s3_behaviour;

use std::time::Duration;

use migrate_support::{Migration, SPEEDUP, stderr};
use restore_support::json_lines;
use serde_json::json;
use time::OffsetDateTime;

const MIB: u64 = 1 << 20;

/// Makes the journal forget that the upload of `archive_id` was completed,
/// as a kill between S3's answer and the journal's write leaves it.
fn forget_completion(migration: &Migration, archive_id: &str) {
    let upload = migration.journaled_upload(archive_id).unwrap();
    assert!(upload.completed.is_some());
    let catalog = migration.setup.data.path().join("catalog.sqlite");
    let db = rusqlite::Connection::open(catalog).unwrap();
    db.execute(
        "UPDATE plan SET finished_path = NULL, finished_verified = 0, finished_at = NULL
         WHERE id = (SELECT plan FROM upload WHERE id = ?1)",
        [upload.id.0],
    )
    .unwrap();
    db.execute(
        "UPDATE upload SET completed_at = NULL, etag = NULL, checksum = NULL WHERE id = ?1",
        [upload.id.0],
    )
    .unwrap();
    assert!(
        migration
            .journaled_upload(archive_id)
            .unwrap()
            .completed
            .is_none()
    );
}

/// Closes the output window of every job the sandbox holds, as a day
/// passing would.
fn expire_every_job(migration: &Migration) {
    let window = Duration::from_secs(24 * 3600) / SPEEDUP;
    let completed = OffsetDateTime::now_utc() - window - Duration::from_secs(60);
    let sandbox = &migration.setup.live.sandbox;
    let changed = (sandbox.shared)
        .change(OffsetDateTime::now_utc(), |state| {
            let jobs = state
                .vaults
                .values_mut()
                .flat_map(|vault| vault.jobs.values_mut());
            Ok(jobs.map(|job| job.completes_at = completed).count())
        })
        .expect("the sandbox takes the change");
    assert!(changed > 0, "the sandbox holds the jobs");
}

#[test]
fn an_object_completed_before_the_journal_knew_is_not_copied_again() {
    lost_completion_is_found(false);
}

#[test]
fn an_object_completed_before_the_journal_knew_is_not_renewed_once_its_window_closed() {
    lost_completion_is_found(true);
}

fn lost_completion_is_found(window_closed: bool) {
    let migration = Migration::sized(&[("disks/a.img", 17 * MIB + 5), ("notes.txt", 900)]);
    let first = migration.migrate();
    assert!(first.status.success(), "{}", stderr(&first));
    let archive_id = migration.setup.archives[0].1.clone();
    forget_completion(&migration, &archive_id);
    if window_closed {
        expire_every_job(&migration);
    }
    let jobs_before = migration.setup.jobs_started();

    // Any part sent or upload started from now on is refused, and so seen.
    for operation in ["s3:UploadPart", "s3:CreateMultipartUpload"] {
        migration.add_fault(json!({
            "kind": "access_denied", "operation": operation, "persistent": true,
        }));
    }
    let again = migration.migrate();
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("going on with batch B1"),
        "{}",
        stderr(&again)
    );
    assert_eq!(json_lines(&again).last().unwrap()["restored"], 2);
    let upload = migration.journaled_upload(&archive_id).unwrap();
    assert!(upload.completed.is_some(), "{upload:?}");
    assert_eq!(migration.setup.jobs_started(), jobs_before);
    assert!(migration.uploads_in_bucket().is_empty());
}

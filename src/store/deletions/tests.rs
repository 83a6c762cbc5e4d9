//! Deletions in the journal: asked for once per archive whatever runs, the
//! first answer kept, read back with their proof; and the download proofs a
//! drain reads, verified whole archives only.

use time::OffsetDateTime;

use super::*;
use crate::domain::job::PlanShape;
use crate::domain::range::ByteRange;
use crate::store::{PlanArchive, PlanIntent, Store, VaultKey};

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

fn intent<'a>(archive_id: &'a str, proof: &'a DeletionProof, seconds: i64) -> DeletionIntent<'a> {
    DeletionIntent {
        archive_id,
        size: 4096,
        created: Some("2019-08-20T08:01:00Z"),
        proof,
        made_by: "defrost (alice@host)",
        at: at(seconds),
    }
}

#[test]
fn a_deletion_is_asked_once_per_archive_and_its_first_answer_stays() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let proof = DeletionProof::Downloaded {
        path: "/restore/a.jpg".into(),
    };
    let first = store
        .record_deletion_asked(&vault(), &intent("A", &proof, 0))
        .unwrap();
    // A run killed before the answer asks again: the same deletion, first proof kept.
    let other = DeletionProof::None;
    let again = store
        .record_deletion_asked(&vault(), &intent("A", &other, 5))
        .unwrap();
    assert_eq!(first, again);
    let listed = store.deletions(&vault()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].proof, proof);
    assert_eq!(listed[0].done, None, "no answer yet");

    store
        .record_deletion_done(first, DeletionOutcome::Deleted, at(10))
        .unwrap();
    store
        .record_deletion_done(first, DeletionOutcome::Gone, at(20))
        .unwrap();
    let listed = store.deletions(&vault()).unwrap();
    let (when, outcome) = listed[0].done.clone().unwrap();
    assert_eq!(outcome, DeletionOutcome::Deleted);
    assert!(when.starts_with("2027-01-15T08:00:10"), "{when}");
    assert!(
        store
            .record_deletion_done(DeletionId(99), DeletionOutcome::Deleted, at(1))
            .is_err()
    );
}

#[test]
fn deletions_of_another_vault_are_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let other = VaultKey {
        name: "scans".into(),
        ..vault()
    };
    let proof = DeletionProof::Copied {
        object: "s3://bucket/photos/a.jpg".into(),
    };
    store
        .record_deletion_asked(&vault(), &intent("A", &proof, 0))
        .unwrap();
    let elsewhere = store
        .record_deletion_asked(&other, &intent("A", &proof, 0))
        .unwrap();
    assert_eq!(store.deletions(&other).unwrap()[0].id, elsewhere);
    assert_eq!(store.deletions(&vault()).unwrap().len(), 1);
}

#[test]
fn only_whole_archives_downloaded_and_verified_are_download_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let archive = |n: u32| PlanArchive {
        archive_id: format!("ARCHIVE-{n}"),
        size: Some(1000 + u64::from(n)),
        tree_hash: Some(format!("{n:0>64}")),
        name: Some(format!("a/{n}.jpg")),
    };
    let mut plan = |n: u32, want: Option<ByteRange>| {
        store
            .record_plan(&PlanIntent {
                vault: &vault(),
                archive: Some(archive(n)),
                want,
                shape: if want.is_some() {
                    PlanShape::Mib
                } else {
                    PlanShape::Whole
                },
                made_by: "defrost",
                at: at(0),
            })
            .unwrap()
    };
    let verified = plan(1, None);
    let unverified = plan(2, None);
    let range = plan(3, ByteRange::new(0, 99).ok());
    let _unfinished = plan(4, None);
    store
        .record_plan_finished(verified, "/restore/a/1.jpg", true, at(1))
        .unwrap();
    store
        .record_plan_finished(unverified, "/restore/a/2.jpg", false, at(1))
        .unwrap();
    store
        .record_plan_finished(range, "/restore/a/3.jpg.bytes-0-100", true, at(1))
        .unwrap();
    let proofs = store.download_proofs(&vault()).unwrap();
    assert_eq!(
        proofs,
        vec![DownloadProof {
            archive_id: "ARCHIVE-1".into(),
            path: "/restore/a/1.jpg".into(),
            size: Some(1001),
            tree_hash: Some(format!("{:0>64}", 1)),
        }]
    );
    assert!(store.copy_proofs(&vault()).unwrap().is_empty());
}

#[test]
fn a_cache_of_schema_five_gains_the_deletion_and_upload_tables_and_keeps_its_plans() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(dir.path()).unwrap();
        let plan = store
            .record_plan(&PlanIntent {
                vault: &vault(),
                archive: Some(PlanArchive {
                    archive_id: "A".into(),
                    size: Some(10),
                    tree_hash: Some("00".repeat(32)),
                    name: Some("a.jpg".into()),
                }),
                want: None,
                shape: PlanShape::Whole,
                made_by: "defrost",
                at: at(0),
            })
            .unwrap();
        store
            .record_plan_finished(plan, "/restore/a.jpg", true, at(1))
            .unwrap();
    }
    let catalog = rusqlite::Connection::open(dir.path().join("catalog.sqlite")).unwrap();
    catalog
        .execute_batch(
            "DROP TABLE deletion; DROP TABLE upload_part; DROP TABLE upload;
             PRAGMA user_version = 5;",
        )
        .unwrap();
    drop(catalog);

    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.download_proofs(&vault()).unwrap().len(), 1);
    let proof = DeletionProof::None;
    store
        .record_deletion_asked(&vault(), &intent("A", &proof, 2))
        .unwrap();
    assert!(store.copy_proofs(&vault()).unwrap().is_empty());
    let version: i64 = rusqlite::Connection::open(dir.path().join("catalog.sqlite"))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, crate::store::CATALOG_SCHEMA);
}

#[test]
fn an_upload_keeps_its_key_and_parts_and_its_completion_is_a_copy_proof_not_a_download() {
    use crate::store::UploadPart;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let plan = store
        .record_plan(&PlanIntent {
            vault: &vault(),
            archive: Some(PlanArchive {
                archive_id: "A".into(),
                size: Some(20 << 20),
                tree_hash: Some("ab".repeat(32)),
                name: Some("a.tif".into()),
            }),
            want: None,
            shape: PlanShape::Whole,
            made_by: "defrost",
            at: at(0),
        })
        .unwrap();
    let id = store
        .record_upload_planned(plan, "bucket", "photos/a.tif", &Default::default(), at(0))
        .unwrap();
    assert_eq!(
        store
            .record_upload_planned(plan, "bucket", "other", &Default::default(), at(1))
            .unwrap(),
        id,
        "a plan's key is chosen once"
    );
    store.record_upload_id(id, "UPLOAD-1").unwrap();
    let part = |number: u32| UploadPart {
        number,
        size: 8 << 20,
        etag: format!("\"etag-{number}\""),
        checksum: format!("sha-{number}"),
        tree_hash: format!("{number:0>64}"),
    };
    store.record_upload_part(id, &part(2)).unwrap();
    store.record_upload_part(id, &part(1)).unwrap();
    let entry = store.upload_of_plan(plan).unwrap().unwrap();
    assert_eq!(entry.key, "photos/a.tif");
    assert_eq!(entry.upload_id.as_deref(), Some("UPLOAD-1"));
    assert_eq!(entry.parts, vec![part(1), part(2)]);
    assert!(
        store.copy_proofs(&vault()).unwrap().is_empty(),
        "not completed"
    );

    // S3 lost the upload: it starts over under the same key.
    store.restart_upload(id).unwrap();
    let entry = store.upload_of_plan(plan).unwrap().unwrap();
    assert_eq!((entry.upload_id, entry.parts.len()), (None, 0));

    store.record_upload_id(id, "UPLOAD-2").unwrap();
    store.record_upload_part(id, &part(1)).unwrap();
    store
        .record_upload_completed(id, "\"whole\"", "sum-1", at(5))
        .unwrap();
    let proofs = store.copy_proofs(&vault()).unwrap();
    assert_eq!(proofs.len(), 1);
    assert_eq!(
        (proofs[0].bucket.as_str(), proofs[0].key.as_str()),
        ("bucket", "photos/a.tif")
    );
    let finished = store.plan(plan).unwrap().unwrap().finished.unwrap();
    assert_eq!(finished.path, "s3://bucket/photos/a.tif");
    assert!(finished.verified);
    assert!(
        store.download_proofs(&vault()).unwrap().is_empty(),
        "an object is not a downloaded file"
    );
}

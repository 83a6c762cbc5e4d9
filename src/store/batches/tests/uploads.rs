//! A migrating batch's unfinished uploads: listed in the batch's order with the
//! parts S3 holds, and gone from the list once aborted, completed, or never
//! asked of S3; an abort is journaled once and never touches a completed copy.

use super::*;
use crate::store::{UploadId, UploadPart};

fn part(number: u32) -> UploadPart {
    UploadPart {
        number,
        size: 8 << 20,
        etag: format!("\"etag-{number}\""),
        checksum: format!("sha-{number}"),
        tree_hash: format!("{number:0>64}"),
    }
}

/// An upload planned for `plan` under `key`.
fn planned(store: &mut Store, plan: PlanId, key: &str) -> UploadId {
    store
        .record_upload_planned(plan, "bucket", key, &Default::default(), at(0))
        .unwrap()
}

#[test]
fn unfinished_uploads_are_listed_until_aborted_and_an_abort_is_journaled_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, batch, plans) = store_with_batch(dir.path(), 4);
    let ids: Vec<UploadId> = (plans.iter().enumerate())
        .map(|(index, plan)| planned(&mut store, *plan, &format!("k{index}")))
        .collect();
    // k0: two parts sent; k1: started, no part yet; k2: completed; k3: never
    // asked of S3, so nothing there to abort.
    store.record_upload_id(ids[0], "U0").unwrap();
    store.record_upload_part(ids[0], &part(1)).unwrap();
    store.record_upload_part(ids[0], &part(2)).unwrap();
    store.record_upload_id(ids[1], "U1").unwrap();
    store.record_upload_id(ids[2], "U2").unwrap();
    store
        .record_upload_completed(ids[2], "\"e\"", "sum", at(5))
        .unwrap();
    let left = store.unfinished_uploads(batch).unwrap();
    let seen: Vec<(&str, &str, u64, u64)> = (left.iter())
        .map(|u| (u.key.as_str(), u.upload_id.as_str(), u.parts, u.bytes))
        .collect();
    assert_eq!(seen, [("k0", "U0", 2, 16 << 20), ("k1", "U1", 0, 0)]);
    assert_eq!(left[0].plan, plans[0]);

    store.record_upload_aborted(ids[0], at(10)).unwrap();
    store.record_upload_aborted(ids[0], at(20)).unwrap();
    // A completed copy is never marked aborted.
    store.record_upload_aborted(ids[2], at(10)).unwrap();
    let left = store.unfinished_uploads(batch).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].key, "k1");
    assert_eq!(store.upload_of_plan(plans[0]).unwrap(), None);
    assert!(
        store
            .upload_of_plan(plans[2])
            .unwrap()
            .unwrap()
            .completed
            .is_some()
    );
    let aborted_at: String = store
        .catalog
        .read_connection()
        .query_row(
            "SELECT aborted_at FROM upload WHERE id = ?1",
            [ids[0].0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(aborted_at, "2027-01-15T08:00:10Z", "the first abort stays");
}

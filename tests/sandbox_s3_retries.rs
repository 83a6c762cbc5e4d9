//! How `SdkS3` rides out S3's passing failures against the sandbox's endpoint:
//! the requests made once per object (starting, listing, completing an upload)
//! get more attempts than a part, whose caller sends it again; a completion
//! whose answer was lost is recognised by the object's composite checksum
//! rather than taken for an upload S3 lost; and a failure that lasts is said
//! once the attempts are spent.

mod common;
mod s3_behaviour;

use std::collections::BTreeMap;

use common::admin::{add_fault, admin};
use common::{TEST_SPEEDUP, s3_url, start_sandbox_with_s3};
use defrost::domain::migrate::StorageClass;
use defrost::s3::{ObjectStore, S3Error, SdkS3};
use defrost::sandbox::seed::{BucketSeed, Seed};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};
use s3_behaviour::{AWS_LIKE, MIB, REGION, body, runtime, send_parts};
use serde_json::{Value, json};

const BUCKET: &str = "vault-copy";

async fn sandbox() -> (RunningSandbox, SdkS3) {
    let sandbox = start_sandbox_with_s3(SandboxOptions {
        speedup: Speedup::new(TEST_SPEEDUP).unwrap(),
        seed: Some(Seed {
            buckets: vec![BucketSeed {
                name: BUCKET.into(),
                region: None,
            }],
            ..Seed::default()
        }),
        ..SandboxOptions::default()
    })
    .await;
    let store = SdkS3::for_endpoint(&s3_url(&sandbox), REGION, BUCKET);
    (sandbox, store)
}

/// The faults in force, as the admin endpoint lists them.
async fn faults(sandbox: &RunningSandbox) -> Vec<Value> {
    let (_, listed) = admin(sandbox, "GET", "/_sandbox/faults", "").await;
    listed["faults"].as_array().unwrap().clone()
}

#[test]
fn a_completion_whose_answer_was_lost_is_found_by_its_checksum() {
    runtime().block_on(async {
        let (_sandbox, store) = sandbox().await;
        let parts = [body(1, 5 * MIB), body(2, 1000)];
        let upload_id = store
            .create_multipart_upload("k", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let completed = send_parts(AWS_LIKE, &store, "k", &upload_id, &parts).await;
        let done = store
            .complete_multipart_upload("k", &upload_id, &completed)
            .await
            .unwrap();
        // The same request again, as a retry after a lost answer sends it:
        // S3 no longer has the upload, but the object is these parts.
        let again = store
            .complete_multipart_upload("k", &upload_id, &completed)
            .await
            .unwrap();
        assert_eq!(again, done);
        // Other parts under the key are not this completion: S3 lost it.
        let mut other = completed.clone();
        other.swap(0, 1);
        other[0].number = 1;
        other[1].number = 2;
        let err = store
            .complete_multipart_upload("k", &upload_id, &other)
            .await
            .unwrap_err();
        assert!(matches!(err, S3Error::NoSuchUpload { .. }), "{err:?}");
    });
}

#[test]
fn requests_made_once_per_object_outlast_more_failures_than_a_part() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        for (kind, operation) in [
            ("service_unavailable", "s3:CreateMultipartUpload"),
            ("throttling", "s3:ListParts"),
            ("service_unavailable", "s3:CompleteMultipartUpload"),
            ("throttling", "s3:CompleteMultipartUpload"),
        ] {
            add_fault(
                &sandbox,
                json!({"kind": kind, "operation": operation, "count": 2}),
            )
            .await;
        }
        let upload_id = store
            .create_multipart_upload("k", StorageClass::DeepArchive, &BTreeMap::new())
            .await
            .unwrap();
        let parts = [body(3, 5 * MIB), body(4, 10)];
        let completed = send_parts(AWS_LIKE, &store, "k", &upload_id, &parts).await;
        assert_eq!(store.list_parts("k", &upload_id).await.unwrap().len(), 2);
        // Four failures in a row: more than a part's three attempts.
        store
            .complete_multipart_upload("k", &upload_id, &completed)
            .await
            .unwrap();
        assert!(faults(&sandbox).await.is_empty(), "every fault fired");
        assert_eq!(
            store.head_object("k").await.unwrap().unwrap().size,
            5 * MIB as u64 + 10
        );
    });
}

#[test]
fn a_failure_that_lasts_is_said_once_the_attempts_are_spent() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        let upload_id = store
            .create_multipart_upload("k", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let parts = [body(5, 100)];
        let completed = send_parts(AWS_LIKE, &store, "k", &upload_id, &parts).await;
        add_fault(
            &sandbox,
            json!({"kind": "service_unavailable", "operation": "s3:CompleteMultipartUpload", "persistent": true}),
        )
        .await;
        let err = store
            .complete_multipart_upload("k", &upload_id, &completed)
            .await
            .unwrap_err();
        assert!(matches!(err, S3Error::ServerError { status: 500, .. }), "{err:?}");
        assert!(err.to_string().contains("still failed after retries"), "{err}");
        assert_eq!(faults(&sandbox).await[0]["fired"], 5, "five attempts");
        // The upload is still there to complete once S3 is back.
        admin(&sandbox, "DELETE", "/_sandbox/faults", "").await;
        store
            .complete_multipart_upload("k", &upload_id, &completed)
            .await
            .unwrap();
    });
}

#[test]
fn a_failure_answered_to_a_large_part_reads_as_s3s_answer_not_a_broken_connection() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        let upload_id = store
            .create_multipart_upload("k", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        add_fault(
            &sandbox,
            json!({"kind": "service_unavailable", "operation": "s3:UploadPart", "persistent": true}),
        )
        .await;
        let part = body(6, 16 * MIB);
        for _ in 0..3 {
            let err = store
                .upload_part("k", &upload_id, 1, defrost::s3::PartBody::Memory(part.clone()), s3_behaviour::sha256(&part))
                .await
                .unwrap_err();
            assert!(matches!(err, S3Error::ServerError { status: 500, .. }), "{err:?}");
        }
    });
}

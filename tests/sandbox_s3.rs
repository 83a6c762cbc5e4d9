//! The sandbox's S3 endpoint with the real aws-sdk-s3 client behind defrost's
//! `SdkS3`: the behaviours every S3 must show (`s3_behaviour`, also run against
//! moto), and what the sandbox does as AWS does where moto does not: a wrong
//! part checksum refused, NoSuchUpload on every upload operation; its state
//! across a restart, hostile keys, large parts, regions, faults and the
//! aws-chunked bodies SDKs stream.

mod common;
mod s3_behaviour;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use common::admin::{add_fault, admin};
use common::{TEST_SPEEDUP, s3_url, start_sandbox_with_s3};
use defrost::domain::migrate::StorageClass;
use defrost::s3::{CompletedPart, ObjectStore, PartBody, S3Error, SdkS3};
use defrost::sandbox::seed::BucketSeed;
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup, seed::Seed};
use s3_behaviour::{AWS_LIKE, MIB, REGION, body, raw_client, runtime, send_parts, sha256};
use serde_json::json;

const BUCKET: &str = "vault-copy";

fn options(state_dir: Option<PathBuf>) -> SandboxOptions {
    let buckets = [(BUCKET, None), ("eu-copies", Some("eu-west-1"))];
    SandboxOptions {
        speedup: Speedup::new(TEST_SPEEDUP).unwrap(),
        state_dir,
        seed: Some(Seed {
            buckets: buckets
                .into_iter()
                .map(|(name, region)| BucketSeed {
                    name: name.into(),
                    region: region.map(str::to_owned),
                })
                .collect(),
            ..Seed::default()
        }),
        ..SandboxOptions::default()
    }
}

/// A sandbox with the seeded buckets, and a client for `vault-copy`.
async fn sandbox() -> (RunningSandbox, SdkS3) {
    let sandbox = start_sandbox_with_s3(options(None)).await;
    let store = SdkS3::for_endpoint(&s3_url(&sandbox), REGION, BUCKET);
    (sandbox, store)
}

#[test]
fn a_two_part_upload_keeps_its_class_metadata_and_checksum_and_reads_back() {
    runtime().block_on(async {
        let (_sandbox, store) = sandbox().await;
        s3_behaviour::a_two_part_upload_keeps_its_class_metadata_and_checksum_and_reads_back(
            AWS_LIKE, &store,
        )
        .await;
    });
}

#[test]
fn an_interrupted_upload_is_found_resumed_and_completed_and_a_leftover_aborted() {
    runtime().block_on(async {
        // A bucket made by CreateBucket serves as a seeded one does.
        let sandbox = start_sandbox_with_s3(options(None)).await;
        s3_behaviour::create_bucket(&s3_url(&sandbox), "made-by-request").await;
        let store = SdkS3::for_endpoint(&s3_url(&sandbox), REGION, "made-by-request");
        s3_behaviour::an_interrupted_upload_is_found_resumed_and_completed_and_a_leftover_aborted(
            AWS_LIKE, &store,
        )
        .await;
    });
}

#[test]
fn missing_things_and_frozen_objects_are_clear_errors() {
    runtime().block_on(async {
        let (_sandbox, store) = sandbox().await;
        let absent = store.with_bucket("no-such-bucket");
        s3_behaviour::missing_things_and_frozen_objects_are_clear_errors(AWS_LIKE, &store, &absent)
            .await;
    });
}

#[test]
fn an_unknown_upload_and_a_short_part_are_refused() {
    runtime().block_on(async {
        let (_sandbox, store) = sandbox().await;
        s3_behaviour::an_unknown_upload_and_a_short_part_are_refused(AWS_LIKE, &store).await;
        // An upload id is the upload of one key only.
        let upload_id = store
            .create_multipart_upload("mine", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let err = store.list_parts("other", &upload_id).await.unwrap_err();
        assert!(matches!(err, S3Error::NoSuchUpload { .. }), "{err:?}");
    });
}

#[test]
fn a_wrong_checksum_is_refused_with_bad_digest_and_nothing_is_kept() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        let upload_id = store
            .create_multipart_upload("k", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let part = body(1, 1000);
        let err = store
            .upload_part(
                "k",
                &upload_id,
                1,
                PartBody::Memory(part.clone()),
                sha256(b"other bytes"),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, S3Error::BadDigest { code, .. } if code == "BadDigest"),
            "{err:?}"
        );
        assert_eq!(store.list_parts("k", &upload_id).await.unwrap(), []);

        let refused = raw_client(&s3_url(&sandbox))
            .put_object()
            .bucket(BUCKET)
            .key("whole")
            .checksum_sha256(BASE64.encode(sha256(b"other bytes")))
            .body(ByteStream::from(part))
            .send()
            .await
            .unwrap_err();
        let code = refused
            .as_service_error()
            .and_then(|err| aws_sdk_s3::error::ProvideErrorMetadata::code(err).map(str::to_owned));
        assert_eq!(code.as_deref(), Some("BadDigest"));
        assert_eq!(store.head_object("whole").await.unwrap(), None);
    });
}

/// Every file under `dir`, relative, to show that no key became a path.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    found
}

#[test]
fn hostile_and_long_keys_are_stored_and_read_back_exactly() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        let keys = [
            "../../outside".to_owned(),
            "a/../../b/./c//d/".to_owned(),
            "ctl\u{1}\u{7}\u{1b}[2J\r\n\tend".to_owned(),
            " spaced ?#&=+%2F%zz ".to_owned(),
            "日本/ファイル.jpg".to_owned(),
            "k".repeat(1024),
            format!("{}日", "x".repeat(1021)),
        ];
        for (index, key) in keys.iter().enumerate() {
            assert!(key.len() <= 1024);
            let content = body(index, 100 + index);
            store
                .put_object(key, content.clone(), "application/octet-stream")
                .await
                .unwrap_or_else(|err| panic!("{key:?}: {err}"));
            assert_eq!(store.get_object(key).await.unwrap(), content, "{key:?}");
            let facts = store.head_object(key).await.unwrap().unwrap();
            assert_eq!(facts.size, content.len() as u64);
        }
        // Multipart too, on the most hostile key.
        let key = &keys[2];
        let upload_id = store
            .create_multipart_upload(key, StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let parts = [body(20, 10)];
        let completed = send_parts(AWS_LIKE, &store, key, &upload_id, &parts).await;
        store
            .complete_multipart_upload(key, &upload_id, &completed)
            .await
            .unwrap();
        assert_eq!(store.get_object(key).await.unwrap(), parts[0]);

        let too_long = "k".repeat(1025);
        let err = store.get_object(&too_long).await.unwrap_err();
        assert!(
            matches!(&err, S3Error::Service { status: 400, code, .. } if code == "KeyTooLongError"),
            "{err:?}"
        );
        // Files are named by ids alone: nothing of a key reaches the disk.
        let state_dir = sandbox.shared.store.dir().to_path_buf();
        for file in files_under(&state_dir) {
            assert!(
                file.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b)),
                "{file:?}"
            );
            assert!(!file.contains(".."), "{file:?}");
        }
    });
}

#[test]
fn a_three_part_upload_of_parts_past_5_mib_reads_back_exactly() {
    runtime().block_on(async {
        let (_sandbox, store) = sandbox().await;
        let parts = [
            body(31, 5 * MIB + 1),
            body(32, 5 * MIB + 2),
            body(33, 5 * MIB + 3),
        ];
        let upload_id = store
            .create_multipart_upload("three", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let completed = send_parts(AWS_LIKE, &store, "three", &upload_id, &parts).await;
        let done = store
            .complete_multipart_upload("three", &upload_id, &completed)
            .await
            .unwrap();
        assert_eq!(
            done.checksum_sha256,
            Some(s3_behaviour::composite_sha256(&parts))
        );
        let read = store.get_object("three").await.unwrap();
        assert_eq!(read, [&parts[0][..], &parts[1][..], &parts[2][..]].concat());
    });
}

#[test]
fn objects_buckets_and_unfinished_uploads_survive_a_restart() {
    let state = tempfile::tempdir().unwrap();
    runtime().block_on(async {
        let first = start_sandbox_with_s3(options(Some(state.path().into()))).await;
        let store = SdkS3::for_endpoint(&s3_url(&first), REGION, BUCKET);
        s3_behaviour::create_bucket(&s3_url(&first), "made-later").await;
        let manifest = Bytes::from_static(b"archive_id,key\n");
        store
            .put_object("manifest.csv", manifest.clone(), "text/csv")
            .await
            .unwrap();
        let parts = [body(41, 5 * MIB), body(42, 77)];
        let upload_id = store
            .create_multipart_upload("big", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        send_parts(AWS_LIKE, &store, "big", &upload_id, &parts[..1]).await;
        first.shutdown().await.unwrap();

        let second = start_sandbox_with_s3(options(Some(state.path().into()))).await;
        let store = SdkS3::for_endpoint(&s3_url(&second), REGION, BUCKET);
        assert_eq!(store.get_object("manifest.csv").await.unwrap(), manifest);
        let later = store.with_bucket("made-later");
        assert_eq!(later.bucket_region().await.unwrap(), REGION);
        let uploads = store.list_multipart_uploads("").await.unwrap();
        assert_eq!(uploads.len(), 1);
        assert_eq!(uploads[0].upload_id, upload_id);
        let mut completed: Vec<CompletedPart> = store
            .list_parts("big", &upload_id)
            .await
            .unwrap()
            .iter()
            .map(CompletedPart::from)
            .collect();
        let last = store
            .upload_part(
                "big",
                &upload_id,
                2,
                PartBody::Memory(parts[1].clone()),
                sha256(&parts[1]),
            )
            .await
            .unwrap();
        completed.push(CompletedPart {
            number: 2,
            etag: last.etag,
            checksum_sha256: last.checksum_sha256,
        });
        store
            .complete_multipart_upload("big", &upload_id, &completed)
            .await
            .unwrap();
        assert_eq!(
            store.get_object("big").await.unwrap(),
            [&parts[0][..], &parts[1][..]].concat()
        );
        second.shutdown().await.unwrap();
    });
}

#[test]
fn a_bucket_in_another_region_is_found_and_refuses_requests_signed_for_this_one() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        let elsewhere = store.with_bucket("eu-copies");
        assert_eq!(elsewhere.bucket_region().await.unwrap(), "eu-west-1");
        let err = elsewhere
            .put_object("k", Bytes::from_static(b"x"), "text/plain")
            .await
            .unwrap_err();
        assert_eq!(
            err,
            S3Error::WrongRegion {
                bucket: "eu-copies".into(),
                region: "eu-west-1".into()
            }
        );
        let there = SdkS3::for_endpoint(&s3_url(&sandbox), "eu-west-1", "eu-copies");
        there
            .put_object("k", Bytes::from_static(b"x"), "text/plain")
            .await
            .unwrap();
    });
}

#[test]
fn injected_faults_answer_500_and_slow_down_and_the_client_retries_them() {
    runtime().block_on(async {
        let (sandbox, store) = sandbox().await;
        let upload_id = store
            .create_multipart_upload("k", StorageClass::Standard, &BTreeMap::new())
            .await
            .unwrap();
        let part = body(50, 100);
        // Two SlowDowns then success: within the client's three attempts.
        add_fault(&sandbox, json!({"kind": "throttling", "operation": "s3:UploadPart", "count": 2})).await;
        store.upload_part("k", &upload_id, 1, PartBody::Memory(part.clone()), sha256(&part)).await.unwrap();
        add_fault(&sandbox, json!({"kind": "throttling", "operation": "s3:UploadPart", "count": 3})).await;
        let err = store.upload_part("k", &upload_id, 1, PartBody::Memory(part.clone()), sha256(&part)).await.unwrap_err();
        assert!(matches!(&err, S3Error::Throttled { code, .. } if code == "SlowDown"), "{err:?}");
        add_fault(&sandbox, json!({"kind": "service_unavailable", "operation": "s3:HeadObject", "persistent": true})).await;
        let err = store.head_object("k").await.unwrap_err();
        assert!(matches!(err, S3Error::ServerError { status: 500, .. }), "{err:?}");
        assert!(err.is_retryable());
        // A fault with no s3: operation is Glacier's and leaves S3 alone.
        admin(&sandbox, "DELETE", "/_sandbox/faults", "").await;
        add_fault(&sandbox, json!({"kind": "throttling", "persistent": true})).await;
        assert_eq!(store.list_parts("k", &upload_id).await.unwrap().len(), 1);
        let (status, refusal) = admin(
            &sandbox,
            "POST",
            "/_sandbox/faults",
            &json!({"kind": "throttling", "operation": "s3:UploadPart", "vault": "v"}).to_string(),
        )
        .await;
        assert_eq!(status, 400, "{refusal}");
    });
}

#[test]
fn streamed_bodies_come_in_aws_chunked_with_trailing_checksums() {
    runtime().block_on(async {
        let (sandbox, _store) = sandbox().await;
        let client = raw_client(&s3_url(&sandbox));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("body.bin");
        let content = body(60, 3 * MIB + 5);
        std::fs::write(&file, &content).unwrap();
        for (key, algorithm) in [("crc32", None), ("sha256", Some(ChecksumAlgorithm::Sha256))] {
            client
                .put_object()
                .bucket(BUCKET)
                .key(key)
                .set_checksum_algorithm(algorithm)
                .body(ByteStream::from_path(&file).await.unwrap())
                .send()
                .await
                .unwrap_or_else(|err| panic!("{key}: {err:?}"));
            let read = client
                .get_object()
                .bucket(BUCKET)
                .key(key)
                .send()
                .await
                .unwrap();
            let bytes = read.body.collect().await.unwrap().into_bytes();
            assert_eq!(bytes, content, "{key}");
        }
        let head = client
            .head_object()
            .bucket(BUCKET)
            .key("sha256")
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
            .unwrap();
        let expected = BASE64.encode(sha256(&content));
        assert_eq!(head.checksum_sha256(), Some(expected.as_str()));
    });
}

//! What the S3 client of migrations must find in any S3 it talks to, written
//! once and run against each server: moto's (`tests/s3_moto.rs`), an S3
//! defrost's authors did not write, and the sandbox's own endpoint
//! (`tests/sandbox_s3.rs`). Where a server differs from AWS, its [`Server`]
//! says how, and the tests hold it to exactly that.
#![allow(dead_code)]

use std::collections::BTreeMap;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use defrost::domain::migrate::{
    ArchiveMetadata, StorageClass, read_user_metadata, recorded_tree_hash, user_metadata,
};
use defrost::domain::treehash::{TreeHash, TreeHasher};
use defrost::s3::{CompletedPart, ObjectStore, PartBody, S3Error};
use sha2::{Digest, Sha256};
use time::macros::datetime;

pub const REGION: &str = "us-east-1";
pub const MIB: usize = 1 << 20;

/// How a server departs from AWS in what these tests see.
#[derive(Debug, Clone, Copy)]
pub struct Server {
    /// UploadPart echoes a part's SHA-256, as AWS does.
    pub echoes_part_checksums: bool,
    /// ListParts lists each part's SHA-256, as AWS does.
    pub lists_part_checksums: bool,
    /// A multipart object's checksum ends with `-N`, as AWS writes it.
    pub checksum_counts_parts: bool,
    /// UploadPart and CompleteMultipartUpload say NoSuchUpload for an unknown
    /// upload, as AWS does (moto answers a bare 500 there).
    pub no_such_upload_everywhere: bool,
}

/// moto 5.2.6 (see MOTO.md): it echoes the checksum a part was sent with,
/// without checking it, and lists none.
pub const MOTO: Server = Server {
    echoes_part_checksums: true,
    lists_part_checksums: false,
    checksum_counts_parts: false,
    no_such_upload_everywhere: false,
};

/// As AWS.
pub const AWS_LIKE: Server = Server {
    echoes_part_checksums: true,
    lists_part_checksums: true,
    checksum_counts_parts: true,
    no_such_upload_everywhere: true,
};

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// An aws-sdk-s3 client of its own, for what is no part of the seam (making
/// buckets) and for requests the seam never sends.
pub fn raw_client(endpoint: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

pub async fn create_bucket(endpoint: &str, bucket: &str) {
    raw_client(endpoint)
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .unwrap_or_else(|err| panic!("bucket {bucket} is created: {err:?}"));
}

/// Bytes that differ from part to part and from one test to another.
pub fn body(seed: usize, len: usize) -> Bytes {
    (0..len)
        .map(|i| (i.wrapping_mul(31).wrapping_add(seed * 97) % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn tree_hash(parts: &[Bytes]) -> TreeHash {
    let mut hasher = TreeHasher::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finish()
}

/// S3's checksum of a multipart object: the SHA-256 of its parts' digests,
/// then `-` and the number of parts.
pub fn composite_sha256(parts: &[Bytes]) -> String {
    let mut joined = Vec::new();
    for part in parts {
        joined.extend_from_slice(&sha256(part));
    }
    format!("{}-{}", BASE64.encode(sha256(&joined)), parts.len())
}

fn metadata_for(parts: &[Bytes]) -> (ArchiveMetadata, BTreeMap<String, String>) {
    let archive = ArchiveMetadata {
        archive_id: format!("{}-archive_ID", "x".repeat(127)),
        tree_hash: tree_hash(parts),
        description: "<m><v>4</v><p>cGhvdG9zL0lNRyAwMDAxLmpwZw==</p></m> 日本 100%".into(),
        created: datetime!(2019-08-20 08:01:02 UTC),
    };
    let entries = user_metadata(&archive).unwrap();
    (archive, entries)
}

/// Sends `parts` as parts 1, 2, … of an upload, checking what each answer says.
/// Even-numbered parts are sent from a file, as a spooled part is.
pub async fn send_parts(
    server: Server,
    store: &impl ObjectStore,
    key: &str,
    upload_id: &str,
    parts: &[Bytes],
) -> Vec<CompletedPart> {
    let mut done = Vec::new();
    let spool = tempfile::tempdir().unwrap();
    for (index, part) in parts.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap();
        let body = if number % 2 == 0 {
            let path = spool.path().join(number.to_string());
            std::fs::write(&path, part).unwrap();
            PartBody::File {
                path,
                len: part.len() as u64,
            }
        } else {
            PartBody::Memory(part.clone())
        };
        let sent = store
            .upload_part(key, upload_id, number, body, sha256(part))
            .await
            .unwrap();
        assert!(!sent.etag.is_empty());
        let digest = BASE64.encode(sha256(part));
        let echoed = server.echoes_part_checksums.then(|| digest.clone());
        assert_eq!(sent.checksum_sha256, echoed);
        done.push(CompletedPart {
            number,
            etag: sent.etag,
            checksum_sha256: Some(digest),
        });
    }
    done
}

pub async fn a_two_part_upload_keeps_its_class_metadata_and_checksum_and_reads_back(
    server: Server,
    store: &impl ObjectStore,
) {
    assert_eq!(store.bucket_region().await.unwrap(), REGION);
    // Parts past S3's 5 MiB minimum for every part but the last.
    let parts = [body(1, 5 * MIB + 12_345), body(2, 3 * MIB)];
    let (archive, entries) = metadata_for(&parts);
    let key = "copies/photos/IMG 0001.jpg";
    let upload_id = store
        .create_multipart_upload(key, StorageClass::GlacierIr, &entries)
        .await
        .unwrap();
    let completed = send_parts(server, store, key, &upload_id, &parts).await;
    let done = store
        .complete_multipart_upload(key, &upload_id, &completed)
        .await
        .unwrap();
    assert!(
        done.etag
            .as_deref()
            .is_some_and(|etag| etag.ends_with("-2\"")),
        "{done:?}"
    );

    let facts = store
        .head_object(key)
        .await
        .unwrap()
        .expect("the object exists");
    assert_eq!(facts.size, (8 * MIB + 12_345) as u64);
    assert_eq!(facts.storage_class.as_deref(), Some("GLACIER_IR"));
    assert_eq!(facts.etag, done.etag);
    let expected = composite_sha256(&parts);
    let checksum = facts.checksum_sha256.clone().expect("a SHA-256 checksum");
    if server.checksum_counts_parts {
        assert_eq!(checksum, expected);
        assert_eq!(done.checksum_sha256.as_deref(), Some(expected.as_str()));
    } else {
        assert_eq!(format!("{checksum}-2"), expected);
    }
    assert_eq!(facts.metadata, entries);
    let stored = read_user_metadata(&facts.metadata).unwrap();
    assert_eq!(stored.archive, archive);
    assert_eq!(stored.description_cut_from, None);
    assert_eq!(recorded_tree_hash(&facts.metadata), Some(archive.tree_hash));

    let read = store.get_object(key).await.unwrap();
    assert_eq!(read.len(), facts.size as usize);
    assert_eq!(&read[..parts[0].len()], &parts[0][..]);
    assert_eq!(&read[parts[0].len()..], &parts[1][..]);
    assert_eq!(store.list_multipart_uploads("").await.unwrap(), []);
}

pub async fn an_interrupted_upload_is_found_resumed_and_completed_and_a_leftover_aborted(
    server: Server,
    store: &impl ObjectStore,
) {
    let parts = [body(3, 5 * MIB), body(4, 5 * MIB), body(5, 1000)];
    let (_, entries) = metadata_for(&parts);
    let key = "p/big.tar";
    let upload_id = store
        .create_multipart_upload(key, StorageClass::Standard, &entries)
        .await
        .unwrap();
    // The first two parts go out, then the run stops.
    send_parts(server, store, key, &upload_id, &parts[..2]).await;
    let leftover = store
        .create_multipart_upload("p/given-up.bin", StorageClass::DeepArchive, &entries)
        .await
        .unwrap();
    store
        .create_multipart_upload("elsewhere/x", StorageClass::Standard, &entries)
        .await
        .unwrap();

    let mut uploads = store.list_multipart_uploads("p/").await.unwrap();
    uploads.sort_by(|a, b| a.key.cmp(&b.key));
    let listed: Vec<(&str, &str)> = uploads
        .iter()
        .map(|upload| (upload.key.as_str(), upload.upload_id.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (key, upload_id.as_str()),
            ("p/given-up.bin", leftover.as_str())
        ]
    );
    assert_eq!(store.list_multipart_uploads("").await.unwrap().len(), 3);

    // A later run reads what S3 holds and goes on from the next part.
    let held = store.list_parts(key, &upload_id).await.unwrap();
    let numbers: Vec<(u32, u64)> = held.iter().map(|part| (part.number, part.size)).collect();
    assert_eq!(numbers, [(1, 5 * MIB as u64), (2, 5 * MIB as u64)]);
    let mut completed: Vec<CompletedPart> = held.iter().map(CompletedPart::from).collect();
    for part in &mut completed {
        let digest = BASE64.encode(sha256(&parts[part.number as usize - 1]));
        if server.lists_part_checksums {
            assert_eq!(part.checksum_sha256.as_deref(), Some(digest.as_str()));
        } else {
            // Not listed: the journal keeps the digests sent.
            assert_eq!(part.checksum_sha256, None);
            part.checksum_sha256 = Some(digest);
        }
    }
    let last = store
        .upload_part(
            key,
            &upload_id,
            3,
            PartBody::Memory(parts[2].clone()),
            sha256(&parts[2]),
        )
        .await
        .unwrap();
    completed.push(CompletedPart {
        number: 3,
        etag: last.etag,
        checksum_sha256: Some(BASE64.encode(sha256(&parts[2]))),
    });
    completed.reverse(); // Any order: the client sorts by part number.
    store
        .complete_multipart_upload(key, &upload_id, &completed)
        .await
        .unwrap();
    let whole = store.get_object(key).await.unwrap();
    assert_eq!(
        whole,
        [&parts[0][..], &parts[1][..], &parts[2][..]].concat()
    );

    store
        .abort_multipart_upload("p/given-up.bin", &leftover)
        .await
        .unwrap();
    let rest: Vec<String> = store
        .list_multipart_uploads("")
        .await
        .unwrap()
        .into_iter()
        .map(|upload| upload.key)
        .collect();
    assert_eq!(rest, ["elsewhere/x"]);
    assert_eq!(store.head_object("p/given-up.bin").await.unwrap(), None);
}

/// `absent` is the same client for a bucket that does not exist.
pub async fn missing_things_and_frozen_objects_are_clear_errors<S: ObjectStore>(
    server: Server,
    store: &S,
    absent: &S,
) {
    assert_eq!(store.head_object("no/such/key").await.unwrap(), None);
    assert_eq!(
        store.get_object("no/such/key").await.unwrap_err(),
        S3Error::NoSuchKey {
            key: "no/such/key".into()
        }
    );

    let err = absent.bucket_region().await.unwrap_err();
    assert_eq!(
        err,
        S3Error::NoSuchBucket {
            bucket: absent.bucket().into()
        }
    );
    assert!(err.is_bad_input() && !err.is_retryable());
    let err = absent
        .create_multipart_upload("k", StorageClass::Standard, &BTreeMap::new())
        .await
        .unwrap_err();
    assert!(matches!(err, S3Error::NoSuchBucket { .. }), "{err:?}");

    // A manifest is one small object, read back whole.
    let manifest = Bytes::from_static(b"archive_id,key\nID1,photos/a.jpg\n");
    let put = store
        .put_object("manifest.csv", manifest.clone(), "text/csv")
        .await
        .unwrap();
    assert!(put.etag.is_some());
    assert_eq!(store.get_object("manifest.csv").await.unwrap(), manifest);
    let facts = store.head_object("manifest.csv").await.unwrap().unwrap();
    assert_eq!(
        facts.checksum_sha256,
        Some(BASE64.encode(sha256(&manifest)))
    );

    // An archival object cannot be read before a restore.
    let part = body(6, 1000);
    let upload_id = store
        .create_multipart_upload("frozen", StorageClass::DeepArchive, &BTreeMap::new())
        .await
        .unwrap();
    let completed = send_parts(
        server,
        store,
        "frozen",
        &upload_id,
        std::slice::from_ref(&part),
    )
    .await;
    store
        .complete_multipart_upload("frozen", &upload_id, &completed)
        .await
        .unwrap();
    let facts = store.head_object("frozen").await.unwrap().unwrap();
    assert_eq!(facts.storage_class.as_deref(), Some("DEEP_ARCHIVE"));
    let err = store.get_object("frozen").await.unwrap_err();
    assert!(matches!(err, S3Error::InvalidObjectState { .. }), "{err:?}");
    assert!(!err.is_retryable());
}

pub async fn an_unknown_upload_and_a_short_part_are_refused(
    server: Server,
    store: &impl ObjectStore,
) {
    let no_such_upload = S3Error::NoSuchUpload {
        key: "k".into(),
        upload_id: "no-such-upload".into(),
    };
    assert_eq!(
        store.list_parts("k", "no-such-upload").await.unwrap_err(),
        no_such_upload
    );
    assert_eq!(
        store
            .abort_multipart_upload("k", "no-such-upload")
            .await
            .unwrap_err(),
        no_such_upload
    );
    // moto answers these two with a bare 500, which the SDK retries and which
    // then reads as a server error: a caller that gets one on a journaled
    // upload asks ListParts whether the upload is still there.
    let part = body(9, 10);
    let errors = [
        store
            .upload_part(
                "k",
                "no-such-upload",
                1,
                PartBody::Memory(part.clone()),
                sha256(&part),
            )
            .await
            .unwrap_err(),
        store
            .complete_multipart_upload("k", "no-such-upload", &[])
            .await
            .unwrap_err(),
    ];
    for err in errors {
        if server.no_such_upload_everywhere {
            assert_eq!(err, no_such_upload);
        } else {
            assert!(
                matches!(err, S3Error::ServerError { status: 500, .. }),
                "{err:?}"
            );
        }
    }

    // Every part but the last must be 5 MiB at least.
    let parts = [body(7, 1000), body(8, 1000)];
    let upload_id = store
        .create_multipart_upload("small", StorageClass::Standard, &BTreeMap::new())
        .await
        .unwrap();
    let completed = send_parts(server, store, "small", &upload_id, &parts).await;
    let err = store
        .complete_multipart_upload("small", &upload_id, &completed)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, S3Error::Service { status: 400, code, .. } if code == "EntityTooSmall"),
        "{err:?}"
    );
    assert!(!err.is_retryable());
}

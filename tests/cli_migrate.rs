//! `defrost migrate` from a live sandbox into moto's S3 server: every archive
//! lands under its decoded name (a shared name suffixed), whole and verified,
//! with its metadata and a manifest; a flipped byte in a job's output never
//! reaches S3; the same command again copies nothing; and `drain
//! --only-copied` then deletes exactly the copied archives.

mod cli_live;
mod common;
mod jobs_support;
mod moto_server;
mod restore_support;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use defrost::domain::migrate::recorded_tree_hash;
use defrost::s3::{ObjectStore, SdkS3};
use moto_server::MotoServer;
use restore_support::{Restore, json_lines};
use serde_json::json;

const BUCKET: &str = "vault-copy";

fn s3_client(moto: &MotoServer) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(&moto.endpoint)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

fn migrate(setup: &Restore, moto: &MotoServer) -> std::process::Output {
    setup.run(&[
        "migrate",
        "--vault",
        "v",
        "--all",
        "--bucket",
        BUCKET,
        "--prefix",
        "backup",
        "--storage-class",
        "STANDARD",
        "--tier",
        "Expedited",
        "--s3-endpoint-url",
        &moto.endpoint,
        "--requests-per-second",
        "500",
        "--yes",
        "--json",
    ])
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn a_vault_is_copied_verified_under_its_names_once_and_then_drained() {
    let moto = MotoServer::start();
    let mib = 1u64 << 20;
    let setup = Restore::sized(&[
        ("photos/big.tif", 17 * mib + 123),
        ("photos/a.jpg", 5000),
        ("photos/a.jpg", 7000),
        ("notes.txt", 1200),
    ]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        s3_client(&moto)
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .unwrap();
    });
    // The big archive's first part comes back with a flipped byte once.
    let big_id = setup.archives[0].1.clone();
    setup.add_fault(json!({"kind": "flip_byte", "offset": 1000, "count": 1}));

    let output = migrate(&setup, &moto);
    assert!(output.status.success(), "{output:?}\n{}", moto.log_text());
    let outcome = json_lines(&output).pop().unwrap();
    assert_eq!(outcome["restored"], 4, "{outcome}");

    let s3 = SdkS3::for_endpoint(&moto.endpoint, "us-east-1", BUCKET);
    runtime.block_on(async {
        let manifest = s3
            .get_object("backup/defrost-manifest-B1.csv")
            .await
            .unwrap();
        let manifest = String::from_utf8(manifest.to_vec()).unwrap();
        assert_eq!(manifest.lines().count(), 5, "{manifest}");
        let records: Vec<csv::StringRecord> = csv::Reader::from_reader(manifest.as_bytes())
            .into_records()
            .collect::<Result<_, _>>()
            .unwrap();
        let key_of = |id: &str| {
            let record = records.iter().find(|record| &record[0] == id).unwrap();
            record[1].to_owned()
        };
        for (name, id, size, tree_hash) in &setup.archives {
            let key = key_of(id);
            if *size == 7000 {
                // The second archive of a shared name keeps it, told apart by its id.
                assert!(
                    key.starts_with("backup/photos/a (") && key.ends_with(").jpg"),
                    "{key}"
                );
            } else {
                assert_eq!(key, format!("backup/{name}"));
            }
            let bytes = s3
                .get_object(&key)
                .await
                .unwrap_or_else(|err| panic!("{key}: {err}"));
            assert_eq!(bytes.len() as u64, *size, "{key}");
            assert_eq!(&common::tree_hash(&bytes), tree_hash, "{key}");
            let facts = s3.head_object(&key).await.unwrap().unwrap();
            assert_eq!(
                recorded_tree_hash(&facts.metadata)
                    .map(|hash| hash.to_string())
                    .as_deref(),
                Some(tree_hash.as_str())
            );
        }
        assert!(manifest.contains(&big_id));
    });
    let started = setup.jobs_started();

    // Again: everything is in the bucket already, nothing is paid for.
    let again = migrate(&setup, &moto);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(setup.jobs_started(), started, "no job started twice");

    let drain = setup.run(&[
        "drain",
        "--vault",
        "v",
        "--only-copied",
        "--yes",
        "--json",
        "--requests-per-second",
        "200",
    ]);
    assert!(drain.status.success(), "{drain:?}");
    let deleted = json_lines(&drain).pop().unwrap();
    assert_eq!(deleted["deleted"], 4, "{deleted}");
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn another_archive_under_a_key_is_not_overwritten_unless_asked() {
    let moto = MotoServer::start();
    let setup = Restore::new(&["photos/a.jpg"]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let s3 = SdkS3::for_endpoint(&moto.endpoint, "us-east-1", BUCKET);
    runtime.block_on(async {
        s3_client(&moto)
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .unwrap();
        s3.put_object(
            "backup/photos/a.jpg",
            b"someone else's".to_vec().into(),
            "text/plain",
        )
        .await
        .unwrap();
    });
    let refused = migrate(&setup, &moto);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("add --overwrite to replace it"), "{said}");
    assert!(setup.jobs_started().is_empty(), "nothing was paid for");
    let kept = runtime
        .block_on(s3.get_object("backup/photos/a.jpg"))
        .unwrap();
    assert_eq!(&kept[..], b"someone else's");
}

//! Parts too large to hold in memory go through a spool file: with
//! `--spool-parts-over` set below the 8 MiB parts of a 20 MiB archive, the
//! copy spools every part, still refetches a part whose bytes fail Glacier's
//! tree hash, completes an object equal to the archive, and leaves no spool
//! file behind.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use restore_support::Restore;
use serde_json::json;

const BUCKET: &str = "copies";
const MIB: u64 = 1 << 20;

fn migrate(setup: &Restore, spool_over: &str) -> std::process::Output {
    let s3 = common::s3_url(&setup.live.sandbox);
    setup.run(&[
        "migrate",
        "--vault",
        "v",
        "--all",
        "--bucket",
        BUCKET,
        "--storage-class",
        "STANDARD",
        "--tier",
        "Expedited",
        "--s3-endpoint-url",
        &s3,
        "--spool-parts-over",
        spool_over,
        "--yes",
    ])
}

async fn object(endpoint: &str, key: &str) -> Vec<u8> {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    let got = client.get_object().bucket(BUCKET).key(key).send().await;
    got.unwrap().body.collect().await.unwrap().to_vec()
}

#[test]
fn parts_over_the_limit_are_spooled_checked_and_cleaned_up() {
    let setup = Restore::sized_with_buckets(
        &[BUCKET],
        &[("disks/big.img", 20 * MIB + 77), ("notes.txt", 900)],
    );
    // The big archive's first fetch comes back with a flipped byte.
    setup.add_fault(json!({"kind": "flip_byte", "offset": 9 * MIB, "count": 1}));
    let output = migrate(&setup, "4MiB");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("2 of 2 archives copied"), "{stdout}");

    let endpoint = common::s3_url(&setup.live.sandbox);
    let bytes = setup
        .live
        ._runtime
        .block_on(object(&endpoint, "disks/big.img"));
    assert_eq!(bytes.len() as u64, 20 * MIB + 77);
    let (_, _, _, tree_hash) = &setup.archives[0];
    assert_eq!(&common::tree_hash(&bytes), tree_hash);

    // The parts went through the spool folder, and none is left in it.
    let spool = setup.data.path().join("spool");
    assert!(spool.is_dir(), "no part was spooled");
    let left: Vec<_> = std::fs::read_dir(&spool).unwrap().collect();
    assert!(left.is_empty(), "spool files left behind: {left:?}");
}

#[test]
fn a_spool_limit_that_is_not_a_size_is_refused_in_one_line() {
    let setup = Restore::sized_with_buckets(&[BUCKET], &[("notes.txt", 900)]);
    let output = migrate(&setup, "lots");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--spool-parts-over"), "{stderr}");
}

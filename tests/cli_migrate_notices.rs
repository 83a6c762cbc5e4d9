//! What `defrost migrate` says before it pays, against a sandbox that serves
//! S3 too: the batch's summary as a restore gives it (tiers, the last job,
//! the retrieval policy), the storage's cost, and a warning when the vault
//! notifies a topic of every retrieval, which a migration of many archives
//! would flood.

mod cli_live;
mod common;
mod jobs_support;
mod restore_support;

use aws_sdk_glacier::types::VaultNotificationConfig;
use restore_support::Restore;

const BUCKET: &str = "copies";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:restores";

fn setup() -> Restore {
    Restore::sized_with_buckets(
        &[BUCKET],
        &[
            ("photos/a.jpg", 5000),
            ("photos/b.jpg", 7000),
            ("notes.txt", 900),
        ],
    )
}

fn migrate(setup: &Restore) -> std::process::Output {
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
        "--yes",
    ])
}

fn tell_topic(setup: &Restore, events: &[&str]) {
    let client = common::client_for(&setup.live.sandbox);
    let config = (events.iter())
        .fold(
            VaultNotificationConfig::builder().sns_topic(TOPIC),
            |b, e| b.events(*e),
        )
        .build();
    let request = client
        .set_vault_notifications()
        .account_id("-")
        .vault_name("v")
        .vault_notification_config(config);
    setup.live._runtime.block_on(request.send()).unwrap();
}

#[test]
fn a_vault_that_notifies_a_topic_of_retrievals_is_warned_of_before_the_copy() {
    let setup = setup();
    tell_topic(&setup, &["ArchiveRetrievalCompleted"]);
    let output = migrate(&setup);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let notices = (stderr.lines())
        .find(|line| line.starts_with("Notices"))
        .unwrap_or_else(|| panic!("no Notices line in:\n{stderr}"));
    assert!(notices.contains(TOPIC), "{notices}");
    assert!(notices.contains("about 3 messages"), "{notices}");
    // The rest of the summary is the batch's, as a restore shows it.
    for start in [
        "Selected  3 archives",
        "Into      s3://copies/",
        "Policy",
        "Storage",
    ] {
        assert!(
            stderr.lines().any(|line| line.starts_with(start)),
            "no line starting {start:?} in:\n{stderr}"
        );
    }
    assert!(stderr.contains("last job ready in about"), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("3 of 3 archives copied"), "{stdout}");
}

#[test]
fn a_topic_told_only_of_inventories_or_none_at_all_is_not_warned_of() {
    let setup = setup();
    tell_topic(&setup, &["InventoryRetrievalCompleted"]);
    let output = migrate(&setup);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("Notices"), "{stderr}");

    let untold = setup_without_topic();
    let stderr = String::from_utf8_lossy(&untold.stderr);
    assert!(untold.status.success(), "{stderr}");
    assert!(!stderr.contains("Notices"), "{stderr}");
}

fn setup_without_topic() -> std::process::Output {
    migrate(&setup())
}

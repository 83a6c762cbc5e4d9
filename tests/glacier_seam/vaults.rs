//! ListVaults and DescribeVault through the seam.

use defrost::glacier::{GlacierApi, GlacierError};

use crate::jobs_support::{MIB, Spec, seed_vault};
use crate::{common, seam, start_sandbox};

#[tokio::test]
async fn list_vaults_follows_every_page() {
    let sandbox = start_sandbox().await;
    let client = common::client_for(&sandbox);
    // The sandbox pages ListVaults by 10: 23 vaults take three pages.
    let names: Vec<String> = (0..23).map(|i| format!("vault-{i:02}")).collect();
    for name in &names {
        let create = client.create_vault().account_id("-").vault_name(name);
        create.send().await.unwrap();
    }
    let listed = seam(&sandbox).list_vaults().await.unwrap();
    let listed_names: Vec<&str> = listed.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(listed_names, names);
    assert!(
        listed[0].arn.ends_with(":vaults/vault-00"),
        "{}",
        listed[0].arn
    );
}

#[tokio::test]
async fn describe_vault_tells_never_inventoried_from_empty() {
    let sandbox = start_sandbox().await;
    let create = common::client_for(&sandbox).create_vault();
    create
        .account_id("-")
        .vault_name("fresh")
        .send()
        .await
        .unwrap();
    seed_vault(&sandbox, "empty", &[]);
    let specs = [
        Spec {
            size: 3 * MIB,
            description: "a",
        },
        Spec {
            size: 5,
            description: "b",
        },
    ];
    seed_vault(&sandbox, "full", &specs);
    let api = seam(&sandbox);

    let fresh = api.describe_vault("fresh").await.unwrap();
    assert_eq!(fresh.last_inventory, None);
    assert_eq!((fresh.archive_count, fresh.size_bytes), (0, 0));

    let empty = api.describe_vault("empty").await.unwrap();
    assert!(empty.last_inventory.is_some(), "{empty:?}");
    assert_eq!((empty.archive_count, empty.size_bytes), (0, 0));

    let full = api.describe_vault("full").await.unwrap();
    assert_eq!((full.archive_count, full.size_bytes), (2, 3 * MIB + 5));
    assert!(full.created < full.last_inventory.unwrap());

    let listed = api.list_vaults().await.unwrap();
    assert_eq!(listed, vec![empty, fresh, full]);
}

#[tokio::test]
async fn an_unknown_vault_is_named_and_is_the_users_to_fix() {
    let sandbox = start_sandbox().await;
    let err = seam(&sandbox).describe_vault("nope").await.unwrap_err();
    assert_eq!(
        err,
        GlacierError::UnknownVault {
            vault: "nope".into()
        }
    );
    assert!(err.is_bad_input());
    assert!(err.to_string().contains("no vault 'nope'"), "{err}");
}

#[tokio::test]
async fn a_vaults_notification_topic_is_read_and_its_absence_is_none() {
    let sandbox = start_sandbox().await;
    seed_vault(&sandbox, "told", &[]);
    let api = seam(&sandbox);
    assert_eq!(api.vault_notifications("told").await.unwrap(), None);

    let config = aws_sdk_glacier::types::VaultNotificationConfig::builder()
        .sns_topic("arn:aws:sns:us-east-1:123456789012:restores")
        .events("ArchiveRetrievalCompleted")
        .build();
    let set = common::client_for(&sandbox).set_vault_notifications();
    set.account_id("-")
        .vault_name("told")
        .vault_notification_config(config)
        .send()
        .await
        .unwrap();
    let told = api.vault_notifications("told").await.unwrap().unwrap();
    assert_eq!(told.topic, "arn:aws:sns:us-east-1:123456789012:restores");
    assert_eq!(told.events, ["ArchiveRetrievalCompleted"]);

    let missing = api.vault_notifications("nowhere").await.unwrap_err();
    assert!(
        matches!(missing, GlacierError::UnknownVault { .. }),
        "{missing:?}"
    );
}

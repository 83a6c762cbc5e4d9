//! Vault notifications and job completion notices against the sandbox with the real
//! SDK client.

mod common;
mod jobs_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use aws_sdk_glacier::Client;
use aws_sdk_glacier::types::VaultNotificationConfig;
use common::{client_for, error_code, start_sandbox};
use jobs_support::{Spec, inventory_job, list_jobs, seed_vault, start_job, wait_for};

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:restores";

fn config(topic: &str, events: &[&str]) -> VaultNotificationConfig {
    let builder = VaultNotificationConfig::builder().sns_topic(topic);
    events
        .iter()
        .fold(builder, |b, event| b.events(*event))
        .build()
}

async fn set(client: &Client, config: VaultNotificationConfig) -> Option<String> {
    let request = client
        .set_vault_notifications()
        .account_id("-")
        .vault_name("v");
    let sent = request.vault_notification_config(config).send().await;
    sent.err().and_then(|err| error_code(&err))
}

async fn get_code(client: &Client) -> Option<String> {
    let request = client
        .get_vault_notifications()
        .account_id("-")
        .vault_name("v");
    request.send().await.err().and_then(|err| error_code(&err))
}

#[tokio::test]
async fn vault_notifications_round_trip() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    seed_vault(
        &sandbox,
        "v",
        &[Spec {
            size: 10,
            description: "x",
        }],
    );
    assert_eq!(
        get_code(&client).await.as_deref(),
        Some("ResourceNotFoundException")
    );
    let both = ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"];
    assert_eq!(set(&client, config(TOPIC, &both)).await, None);
    let request = client
        .get_vault_notifications()
        .account_id("-")
        .vault_name("v");
    let got = request.send().await.unwrap();
    let got = got.vault_notification_config().unwrap();
    assert_eq!(got.sns_topic(), Some(TOPIC));
    assert_eq!(got.events(), both);

    let request = client
        .delete_vault_notifications()
        .account_id("-")
        .vault_name("v");
    request.send().await.unwrap();
    assert_eq!(
        get_code(&client).await.as_deref(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn bad_notification_configurations_are_refused() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    seed_vault(
        &sandbox,
        "v",
        &[Spec {
            size: 10,
            description: "x",
        }],
    );
    let invalid = [
        config(TOPIC, &["Whenever"]),
        config("not-a-topic", &["ArchiveRetrievalCompleted"]),
    ];
    for bad in invalid {
        let code = set(&client, bad).await;
        assert_eq!(code.as_deref(), Some("InvalidParameterValueException"));
    }
    let request = client
        .get_vault_notifications()
        .account_id("-")
        .vault_name("nope");
    let err = request.send().await.unwrap_err();
    assert_eq!(
        error_code(&err).as_deref(),
        Some("ResourceNotFoundException")
    );
}

/// Log output gathered in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_completed_job_is_announced_once_per_topic() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime runs every task on this thread, so this sees the sandbox's log.
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    seed_vault(
        &sandbox,
        "v",
        &[Spec {
            size: 10,
            description: "x",
        }],
    );
    set(&client, config(TOPIC, &["InventoryRetrievalCompleted"])).await;
    let job_topic = "arn:aws:sns:us-east-1:123456789012:job-topic";
    let job_id = start_job(&client, "v", inventory_job().sns_topic(job_topic).build()).await;
    wait_for(&client, "v", &job_id).await;
    for _ in 0..3 {
        list_jobs(&client, "v").send().await.unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let notices: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("job completion notice"))
        .collect();
    assert_eq!(notices.len(), 2, "{text}");
    assert!(notices.iter().any(|line| line.contains(job_topic)));
    assert!(notices.iter().any(|line| line.contains(TOPIC)));
    let succeeded = "\"StatusCode\":\"Succeeded\"";
    assert!(
        notices
            .iter()
            .all(|line| line.contains(&job_id) && line.contains(succeeded))
    );
}

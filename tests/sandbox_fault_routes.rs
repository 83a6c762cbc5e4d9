//! Faults seen through the real Glacier routes with the SDK client: a failed job and
//! a corrupted download, as a client that verifies its downloads meets them.

mod common;
mod jobs_support;

use aws_sdk_glacier::types::StatusCode;
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};
use serde_json::json;

use common::admin::add_fault;
use common::{client_for, error_code, start_sandbox_with};
use jobs_support::{MIB, Spec, archive_job, download, seed_vault, start_job, tree_hash, wait_for};

/// Slow enough that a job's output stays downloadable (8.6 s) across a few downloads.
async fn start_sandbox() -> RunningSandbox {
    start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(10_000.0).unwrap(),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_flipped_byte_reaches_the_client_and_no_longer_matches_the_checksum() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let spec = Spec {
        size: 3 * MIB,
        description: "photos.tar",
    };
    let archive = seed_vault(&sandbox, "v", &[spec]).remove(0);
    add_fault(
        &sandbox,
        json!({"kind": "flip_byte", "vault": "v", "offset": 5}),
    )
    .await;

    let job_id = start_job(
        &client,
        "v",
        archive_job(&archive.id).tier("Expedited").build(),
    )
    .await;
    wait_for(&client, "v", &job_id).await;
    let (corrupted_response, corrupted) = download(&client, "v", &job_id, None).await;
    assert_eq!(corrupted.len() as u64, 3 * MIB, "a flip keeps the length");
    // The header still carries the true hash: the client must notice the mismatch.
    assert_eq!(
        corrupted_response.checksum(),
        Some(archive.tree_hash.as_str())
    );
    assert_ne!(tree_hash(&corrupted), archive.tree_hash);

    // The fault fired once; fetching again gives the true bytes.
    let (_, intact) = download(&client, "v", &job_id, None).await;
    assert_eq!(tree_hash(&intact), archive.tree_hash);
    let differing: Vec<usize> = (0..intact.len())
        .filter(|&i| intact[i] != corrupted[i])
        .collect();
    assert_eq!(differing, [5]);
    assert_eq!(corrupted[5], intact[5] ^ 0xFF);
}

#[tokio::test]
async fn a_fail_job_fault_fails_the_next_job_and_the_one_after_succeeds() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let specs = [Spec {
        size: MIB,
        description: "a",
    }];
    let archive = seed_vault(&sandbox, "v", &specs).remove(0);
    add_fault(
        &sandbox,
        json!({"kind": "fail_job", "vault": "v", "message": "The disk is on fire"}),
    )
    .await;

    let failed = start_job(
        &client,
        "v",
        archive_job(&archive.id).tier("Expedited").build(),
    )
    .await;
    let described = wait_for(&client, "v", &failed).await;
    assert_eq!(described.status_code(), Some(&StatusCode::Failed));
    assert!(described.completed(), "a failed job is complete too");
    assert_eq!(described.status_message(), Some("The disk is on fire"));
    let refused = client
        .get_job_output()
        .account_id("-")
        .vault_name("v")
        .job_id(&failed)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&refused).as_deref(),
        Some("InvalidParameterValueException")
    );

    let next = start_job(
        &client,
        "v",
        archive_job(&archive.id).tier("Expedited").build(),
    )
    .await;
    let described = wait_for(&client, "v", &next).await;
    assert_eq!(described.status_code(), Some(&StatusCode::Succeeded));
    let (_, bytes) = download(&client, "v", &next, None).await;
    assert_eq!(tree_hash(&bytes), archive.tree_hash);
}

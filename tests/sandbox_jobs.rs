//! InitiateJob and DescribeJob against the sandbox with the real SDK client.

mod common;
mod jobs_support;

use aws_sdk_glacier::types::{ActionCode, InventoryRetrievalJobInput, JobParameters, StatusCode};
use common::{client_for, error_code, start_sandbox};
use jobs_support::{
    MIB, Spec, archive_job, describe, inventory_job, refusal, seed_vault, start_job,
    vault_with_one_archive, wait_for,
};

#[tokio::test]
async fn initiate_job_answers_202_with_the_job_location() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archives = seed_vault(
        &sandbox,
        "photos",
        &[Spec {
            size: 10,
            description: "x",
        }],
    );
    let started = client
        .initiate_job()
        .account_id("-")
        .vault_name("photos")
        .job_parameters(archive_job(&archives[0].id).build())
        .send()
        .await
        .unwrap();
    let job_id = started.job_id().unwrap();
    assert_eq!(job_id.len(), 92);
    let location = format!("/123456789012/vaults/photos/jobs/{job_id}");
    assert_eq!(started.location(), Some(location.as_str()));
    let raw = started.job_output_path();
    assert_eq!(raw, None, "only select jobs have an output path");
}

#[tokio::test]
async fn a_whole_archive_job_runs_to_completion() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let spec = Spec {
        size: 3 * MIB + 5,
        description: "album.tar",
    };
    let archive = seed_vault(&sandbox, "photos", &[spec]).remove(0);
    let params = archive_job(&archive.id)
        .description("restore album")
        .build();
    let job_id = start_job(&client, "photos", params).await;
    let running = describe(&client, "photos", &job_id).await;
    assert_eq!(running.status_code(), Some(&StatusCode::InProgress));
    assert!(!running.completed());
    assert_eq!(
        running.sha256_tree_hash(),
        None,
        "no checksum while in progress"
    );
    assert_eq!(running.completion_date(), None);

    let done = wait_for(&client, "photos", &job_id).await;
    assert_eq!(done.status_code(), Some(&StatusCode::Succeeded));
    assert_eq!(done.status_message(), Some("Succeeded"));
    assert_eq!(done.action(), Some(&ActionCode::ArchiveRetrieval));
    assert_eq!(done.archive_id(), Some(archive.id.as_str()));
    assert_eq!(done.job_description(), Some("restore album"));
    assert_eq!(done.tier(), Some("Standard"));
    assert_eq!(done.archive_size_in_bytes(), Some((3 * MIB + 5) as i64));
    let whole = format!("0-{}", 3 * MIB + 4);
    assert_eq!(done.retrieval_byte_range(), Some(whole.as_str()));
    assert_eq!(
        done.archive_sha256_tree_hash(),
        Some(archive.tree_hash.as_str())
    );
    assert_eq!(done.sha256_tree_hash(), Some(archive.tree_hash.as_str()));
    assert_eq!(done.inventory_size_in_bytes(), None);
    assert!(done.inventory_retrieval_parameters().is_none());
    let arn = "arn:aws:glacier:us-east-1:123456789012:vaults/photos";
    assert_eq!(done.vault_arn(), Some(arn));
    assert!(done.creation_date().unwrap().ends_with('Z'));
    assert!(done.completion_date().is_some());
}

#[tokio::test]
async fn ranged_jobs_must_be_megabyte_aligned() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let spec = Spec {
        size: 10 * MIB + 1,
        description: "x",
    };
    let id = seed_vault(&sandbox, "v", &[spec]).remove(0).id;
    let to_the_end = format!("{}-{}", 8 * MIB, 10 * MIB);
    for range in ["0-1048575", "1048576-3145727", &to_the_end] {
        let params = archive_job(&id).retrieval_byte_range(range).tier("Bulk");
        let job_id = start_job(&client, "v", params.build()).await;
        let described = describe(&client, "v", &job_id).await;
        assert_eq!(described.retrieval_byte_range(), Some(range));
        assert_eq!(described.tier(), Some("Bulk"));
    }
    for range in ["0-100", "1-1048576", "0-99999999"] {
        let params = archive_job(&id).retrieval_byte_range(range).build();
        let (code, message) = refusal(&client, "v", params).await;
        assert_eq!(code, "InvalidParameterValueException", "{range}");
        assert!(message.contains("RetrievalByteRange"), "{message}");
    }
    let params = archive_job(&id).retrieval_byte_range("0-100").build();
    let raw = client
        .initiate_job()
        .account_id("-")
        .vault_name("v")
        .job_parameters(params);
    let err = raw.send().await.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn a_misaligned_range_gets_no_checksum() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archive = seed_vault(
        &sandbox,
        "v",
        &[Spec {
            size: 4 * MIB,
            description: "x",
        }],
    )
    .remove(0);
    let params = archive_job(&archive.id).retrieval_byte_range("1048576-3145727");
    let job_id = start_job(&client, "v", params.build()).await;
    let done = wait_for(&client, "v", &job_id).await;
    assert_eq!(done.sha256_tree_hash(), None);
    assert_eq!(
        done.archive_sha256_tree_hash(),
        Some(archive.tree_hash.as_str())
    );
}

#[tokio::test]
async fn unknown_archives_vaults_and_jobs_are_404() {
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
    let (code, _) = refusal(&client, "v", archive_job("no-such-archive").build()).await;
    assert_eq!(code, "ResourceNotFoundException");
    let (code, message) = refusal(&client, "nope", inventory_job().build()).await;
    assert_eq!(code, "ResourceNotFoundException");
    assert!(message.starts_with("Vault not found for ARN"), "{message}");
    let request = client
        .describe_job()
        .account_id("-")
        .vault_name("v")
        .job_id("nope");
    let unknown_job = request.send().await.unwrap_err();
    assert_eq!(
        error_code(&unknown_job).as_deref(),
        Some("ResourceNotFoundException")
    );
    assert_eq!(unknown_job.raw_response().unwrap().status().as_u16(), 404);
}

#[tokio::test]
async fn bad_job_parameters_get_glacier_error_codes() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let id = vault_with_one_archive(&sandbox, 10);
    let zero_limit = InventoryRetrievalJobInput::builder().limit("0").build();
    let invalid = [
        inventory_job().tier("Bulk").build(),
        inventory_job().format("XML").build(),
        inventory_job()
            .inventory_retrieval_parameters(zero_limit)
            .build(),
        archive_job(&id).tier("Fast").build(),
        archive_job(&id).sns_topic("not-an-arn").build(),
        JobParameters::builder()
            .r#type("select")
            .archive_id(&id)
            .build(),
    ];
    for params in invalid {
        let shown = format!("{params:?}");
        let (code, _) = refusal(&client, "v", params).await;
        assert_eq!(code, "InvalidParameterValueException", "{shown}");
    }
    let select = JobParameters::builder()
        .r#type("select")
        .archive_id(&id)
        .build();
    let (_, message) = refusal(&client, "v", select).await;
    assert!(message.contains("does not support select"), "{message}");
    let no_archive = JobParameters::builder().r#type("archive-retrieval").build();
    let (code, _) = refusal(&client, "v", no_archive).await;
    assert_eq!(code, "MissingParameterValueException");
}

#[tokio::test]
async fn an_inventory_job_on_a_vault_without_inventory_is_404() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let create = client.create_vault().account_id("-").vault_name("fresh");
    create.send().await.unwrap();
    let (code, message) = refusal(&client, "fresh", inventory_job().build()).await;
    assert_eq!(code, "ResourceNotFoundException");
    assert!(message.contains("no inventory yet"), "{message}");
}

//! Archive retrieval output against the sandbox with the real SDK client: the bytes,
//! relative download ranges, and which checksums come back.

mod common;
mod jobs_support;

use common::{client_for, error_code, start_sandbox_with};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};
use jobs_support::{
    MIB, Spec, add_stored_archive, archive_job, download, seed_vault, start_job, tree_hash,
    vault_with_one_archive, wait_for,
};

/// 10 MiB and one byte: eleven chunks, the last one byte long.
const SIZE: u64 = 10 * MIB + 1;

/// Slower than the other tests' sandbox, so that the output window (about 9 s
/// here) outlasts several downloads of megabytes; Expedited jobs still take 18 ms.
async fn start_sandbox() -> RunningSandbox {
    start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(10_000.0).unwrap(),
        ..Default::default()
    })
    .await
}

fn retrieval(archive_id: &str) -> aws_sdk_glacier::types::builders::JobParametersBuilder {
    archive_job(archive_id).tier("Expedited")
}

#[tokio::test]
async fn a_whole_archive_downloads_with_its_checksum() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let spec = Spec {
        size: SIZE,
        description: "backup/2019.tar",
    };
    let archive = seed_vault(&sandbox, "v", &[spec]).remove(0);
    let job_id = start_job(&client, "v", retrieval(&archive.id).build()).await;
    let done = wait_for(&client, "v", &job_id).await;
    let (output, bytes) = download(&client, "v", &job_id, None).await;
    assert_eq!(output.status(), 200);
    assert_eq!(bytes.len() as u64, SIZE);
    assert_eq!(output.content_type(), Some("application/octet-stream"));
    assert_eq!(output.accept_ranges(), Some("bytes"));
    assert_eq!(output.archive_description(), Some("backup/2019.tar"));
    let hash = tree_hash(&bytes);
    assert_eq!(output.checksum(), Some(hash.as_str()));
    assert_eq!(done.sha256_tree_hash(), Some(hash.as_str()));
    assert_eq!(
        archive.tree_hash, hash,
        "the inventory's hash matches the bytes"
    );
}

#[tokio::test]
async fn download_ranges_are_relative_to_the_retrieved_range() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archive_id = vault_with_one_archive(&sandbox, SIZE);
    let whole_job = start_job(&client, "v", retrieval(&archive_id).build()).await;
    let ranged = retrieval(&archive_id).retrieval_byte_range("4194304-8388607");
    let ranged_job = start_job(&client, "v", ranged.build()).await;
    wait_for(&client, "v", &whole_job).await;
    let done = wait_for(&client, "v", &ranged_job).await;
    let (_, whole) = download(&client, "v", &whole_job, None).await;
    let (output, bytes) = download(&client, "v", &ranged_job, None).await;
    assert_eq!(bytes, whole[4 << 20..8 << 20]);
    let hash = tree_hash(&bytes);
    assert_eq!(done.sha256_tree_hash(), Some(hash.as_str()));
    assert_eq!(output.checksum(), Some(hash.as_str()));

    let (part, chunk) = download(&client, "v", &ranged_job, Some("bytes=1048576-2097151")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(part.content_range(), Some("bytes 1048576-2097151/4194304"));
    assert_eq!(chunk, whole[5 << 20..6 << 20]);
    assert_eq!(part.checksum(), Some(tree_hash(&chunk).as_str()));
}

#[tokio::test]
async fn the_checksum_header_needs_both_ranges_tree_aligned() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archive_id = vault_with_one_archive(&sandbox, SIZE);
    let aligned = retrieval(&archive_id).retrieval_byte_range("4194304-8388607");
    let aligned_job = start_job(&client, "v", aligned.build()).await;
    // Chunks 1 and 2 are MiB-aligned but not one node of the tree.
    let misaligned = retrieval(&archive_id).retrieval_byte_range("1048576-3145727");
    let misaligned_job = start_job(&client, "v", misaligned.build()).await;
    wait_for(&client, "v", &aligned_job).await;
    let done = wait_for(&client, "v", &misaligned_job).await;
    assert_eq!(done.sha256_tree_hash(), None);

    // Chunks 5 and 6 of an aligned job: not a node, so no header.
    let (part, _) = download(&client, "v", &aligned_job, Some("bytes=1048576-3145727")).await;
    assert_eq!(part.checksum(), None);
    let (part, _) = download(&client, "v", &aligned_job, Some("bytes=0-999")).await;
    assert_eq!(part.checksum(), None);
    let (whole, _) = download(&client, "v", &misaligned_job, None).await;
    assert_eq!(whole.checksum(), None);
    let (chunk, _) = download(&client, "v", &misaligned_job, Some("bytes=0-1048575")).await;
    assert_eq!(chunk.checksum(), None, "the job's own range is not aligned");
}

#[tokio::test]
async fn the_clipped_last_chunk_is_aligned_and_a_start_past_the_end_is_400() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archive_id = vault_with_one_archive(&sandbox, SIZE);
    let job_id = start_job(&client, "v", retrieval(&archive_id).build()).await;
    wait_for(&client, "v", &job_id).await;
    let last = format!("bytes={}-", 10 * MIB);
    let (part, byte) = download(&client, "v", &job_id, Some(&last)).await;
    assert_eq!(byte.len(), 1);
    assert_eq!(
        part.content_range(),
        Some(format!("bytes {}-{}/{SIZE}", 10 * MIB, 10 * MIB).as_str())
    );
    assert_eq!(part.checksum(), Some(tree_hash(&byte).as_str()));
    let past = client
        .get_job_output()
        .account_id("-")
        .vault_name("v")
        .job_id(&job_id)
        .range(format!("bytes={SIZE}-"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&past).as_deref(),
        Some("InvalidParameterValueException")
    );
}

#[tokio::test]
async fn a_stored_archive_is_read_from_its_file() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    seed_vault(&sandbox, "v", &[]);
    let bytes: Vec<u8> = (0..3 * MIB + 7).map(|i| (i * 7 % 251) as u8).collect();
    let archive = add_stored_archive(&sandbox, "v", &bytes);
    let ranged = retrieval(&archive.id).retrieval_byte_range("2097152-3145734");
    let ranged_job = start_job(&client, "v", ranged.build()).await;
    let whole_job = start_job(&client, "v", retrieval(&archive.id).build()).await;
    let done = wait_for(&client, "v", &ranged_job).await;
    wait_for(&client, "v", &whole_job).await;
    let (output, whole) = download(&client, "v", &whole_job, None).await;
    assert_eq!(whole, bytes);
    assert_eq!(output.checksum(), Some(archive.tree_hash.as_str()));
    let (output, tail) = download(&client, "v", &ranged_job, None).await;
    assert_eq!(tail, bytes[2 << 20..]);
    let hash = tree_hash(&tail);
    assert_eq!(done.sha256_tree_hash(), Some(hash.as_str()));
    assert_eq!(output.checksum(), Some(hash.as_str()));
}

//! UploadArchive and DeleteArchive against the sandbox with the real SDK client.

mod common;

use std::io::Write;
use std::time::Duration;

use aws_sdk_glacier::{Client, primitives::ByteStream};
use common::{
    TEST_SPEEDUP, client_for, error_code, sample, start_sandbox, start_sandbox_with, tree_hash,
};
use defrost::domain::treehash::sha256;
use defrost::sandbox::{SandboxOptions, Speedup};

const MIB: usize = 1 << 20;

async fn create_vault(client: &Client, name: &str) {
    client
        .create_vault()
        .account_id("-")
        .vault_name(name)
        .send()
        .await
        .unwrap();
}

async fn upload(client: &Client, vault: &str, data: &[u8], description: &str) -> String {
    let output = client
        .upload_archive()
        .account_id("-")
        .vault_name(vault)
        .archive_description(description)
        .checksum(tree_hash(data))
        .body(ByteStream::from(data.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(output.checksum(), Some(tree_hash(data).as_str()));
    output.archive_id().unwrap().to_owned()
}

#[tokio::test]
async fn small_and_multi_mib_archives_are_stored_byte_for_byte() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    create_vault(&client, "photos").await;
    for len in [0, 5, MIB, 3 * MIB + 123] {
        let data = sample(len);
        let output = client
            .upload_archive()
            .account_id("-")
            .vault_name("photos")
            .archive_description(format!("file of {len} bytes"))
            .checksum(tree_hash(&data))
            .body(ByteStream::from(data.clone()))
            .send()
            .await
            .unwrap();
        let id = output.archive_id().unwrap();
        assert_eq!(id.len(), 138);
        assert_eq!(
            output.location(),
            Some(format!("/123456789012/vaults/photos/archives/{id}").as_str())
        );
        let stored = std::fs::read(sandbox.shared.store.archive_path(id)).unwrap();
        assert!(
            stored == data,
            "stored bytes of the {len}-byte archive differ"
        );
    }
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sdk_fills_in_the_checksums_the_sandbox_requires() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    create_vault(&client, "v").await;
    // No checksum given: the SDK computes the tree hash and x-amz-content-sha256,
    // and the sandbox refuses uploads without either.
    let data = sample(2 * MIB + 1);
    let output = client
        .upload_archive()
        .account_id("-")
        .vault_name("v")
        .body(ByteStream::from(data.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(output.checksum(), Some(tree_hash(&data).as_str()));
}

#[tokio::test]
async fn a_wrong_tree_hash_or_description_or_vault_is_refused() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    create_vault(&client, "v").await;
    let wrong_hash = client
        .upload_archive()
        .account_id("-")
        .vault_name("v")
        .checksum(sha256(b"something else").to_string())
        .body(ByteStream::from(sample(1000)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&wrong_hash).as_deref(),
        Some("InvalidParameterValueException")
    );
    let message = wrong_hash.as_service_error().unwrap().to_string();
    assert!(message.contains("Checksum mismatch"), "{message}");

    let long_description = client
        .upload_archive()
        .account_id("-")
        .vault_name("v")
        .archive_description("x".repeat(1025))
        .body(ByteStream::from(sample(10)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&long_description).as_deref(),
        Some("InvalidParameterValueException")
    );

    let no_vault = client
        .upload_archive()
        .account_id("-")
        .vault_name("missing")
        .body(ByteStream::from(sample(10)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&no_vault).as_deref(),
        Some("ResourceNotFoundException")
    );
    let vault = sandbox.shared.lock(time::OffsetDateTime::now_utc());
    assert!(vault.vaults["v"].archives.is_empty());
}

#[tokio::test]
async fn deleting_twice_is_not_found_the_second_time() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    create_vault(&client, "v").await;
    let id = upload(&client, "v", b"bytes", "a").await;
    let delete = || {
        client
            .delete_archive()
            .account_id("-")
            .vault_name("v")
            .archive_id(&id)
            .send()
    };
    delete().await.unwrap();
    let again = delete().await.unwrap_err();
    assert_eq!(
        error_code(&again).as_deref(),
        Some("ResourceNotFoundException")
    );
    let unknown = client
        .delete_archive()
        .account_id("-")
        .vault_name("v")
        .archive_id("no-such-archive")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&unknown).as_deref(),
        Some("ResourceNotFoundException")
    );
}

async fn wait_for_inventory_count(client: &Client, vault: &str, count: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let described = client
            .describe_vault()
            .account_id("-")
            .vault_name(vault)
            .send()
            .await
            .unwrap();
        if described.last_inventory_date().is_some() && described.number_of_archives() == count {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no inventory with {count} archives"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn uploads_and_deletions_reach_describe_vault_only_with_the_next_inventory() {
    // At this speedup the 24-hour inventory schedule takes about 0.86 s.
    assert_eq!(TEST_SPEEDUP, 100_000.0);
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    create_vault(&client, "v").await;
    let data = sample(MIB + 7);
    let id = upload(&client, "v", &data, "first").await;
    let described = client
        .describe_vault()
        .account_id("-")
        .vault_name("v")
        .send()
        .await
        .unwrap();
    assert!(described.last_inventory_date().is_none());
    tokio::time::sleep(Duration::from_secs(1)).await;
    wait_for_inventory_count(&client, "v", 1).await;
    let described = client
        .describe_vault()
        .account_id("-")
        .vault_name("v")
        .send()
        .await
        .unwrap();
    assert_eq!(described.size_in_bytes(), data.len() as i64);

    client
        .delete_archive()
        .account_id("-")
        .vault_name("v")
        .archive_id(&id)
        .send()
        .await
        .unwrap();
    let still_listed = client
        .describe_vault()
        .account_id("-")
        .vault_name("v")
        .send()
        .await
        .unwrap();
    assert_eq!(
        still_listed.number_of_archives(),
        1,
        "until the next inventory"
    );
    wait_for_inventory_count(&client, "v", 0).await;
}

#[tokio::test]
async fn stored_bytes_go_once_no_inventory_or_job_needs_them() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    create_vault(&client, "v").await;
    let first = upload(&client, "v", b"first", "").await;
    let second = upload(&client, "v", b"second", "").await;
    let delete = |id: String| {
        client
            .delete_archive()
            .account_id("-")
            .vault_name("v")
            .archive_id(id)
            .send()
    };
    delete(first.clone()).await.unwrap();
    assert!(sandbox.shared.store.archive_path(&first).exists());
    wait_for_inventory_count(&client, "v", 1).await;
    delete(second.clone()).await.unwrap();
    assert!(!sandbox.shared.store.archive_path(&first).exists());
    assert!(sandbox.shared.store.archive_path(&second).exists());
}

#[tokio::test]
async fn a_client_that_disconnects_mid_upload_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox_with(SandboxOptions {
        state_dir: Some(dir.path().to_path_buf()),
        speedup: Speedup::new(TEST_SPEEDUP).unwrap(),
        ..Default::default()
    })
    .await;
    create_vault(&client_for(&sandbox), "v").await;
    let addr = sandbox.addr;
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        let hash = "0".repeat(64);
        write!(
            stream,
            "POST /-/vaults/v/archives HTTP/1.1\r\nHost: {addr}\r\nx-amz-glacier-version: 2012-06-01\r\n\
             x-amz-sha256-tree-hash: {hash}\r\nx-amz-content-sha256: {hash}\r\nContent-Length: {}\r\n\r\n",
            8 * MIB
        )
        .unwrap();
        stream.write_all(&sample(2 * MIB)).unwrap();
        // Dropping the stream closes the connection with 6 MiB still to come.
    })
    .await
    .unwrap();
    let leftovers = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .chain(std::fs::read_dir(dir.path().join("archives")).unwrap())
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name != "archives" && name != "state.json")
            .collect();
        names.sort();
        names
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !leftovers().is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(leftovers(), Vec::<String>::new());
    let state = sandbox.shared.lock(time::OffsetDateTime::now_utc());
    assert!(state.vaults["v"].archives.is_empty());
}

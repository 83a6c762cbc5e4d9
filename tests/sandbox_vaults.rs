//! Vault operations against the sandbox with the real SDK client.

mod common;

use common::{client_for, error_code, start_sandbox};

#[tokio::test]
async fn create_describe_list_and_delete_a_vault() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);

    let created = client
        .create_vault()
        .account_id("-")
        .vault_name("photos")
        .send()
        .await
        .unwrap();
    assert_eq!(created.location(), Some("/123456789012/vaults/photos"));

    let described = client
        .describe_vault()
        .account_id("-")
        .vault_name("photos")
        .send()
        .await
        .unwrap();
    assert_eq!(described.vault_name(), Some("photos"));
    assert_eq!(
        described.vault_arn(),
        Some("arn:aws:glacier:us-east-1:123456789012:vaults/photos")
    );
    assert!(
        described.last_inventory_date().is_none(),
        "a new vault has no inventory yet"
    );
    assert!(described.creation_date().unwrap().ends_with('Z'));

    client
        .create_vault()
        .account_id("-")
        .vault_name("scans")
        .send()
        .await
        .unwrap();
    let listed = client.list_vaults().account_id("-").send().await.unwrap();
    let names: Vec<_> = listed
        .vault_list()
        .iter()
        .filter_map(|v| v.vault_name())
        .collect();
    assert_eq!(names, ["photos", "scans"]);

    client
        .delete_vault()
        .account_id("-")
        .vault_name("photos")
        .send()
        .await
        .unwrap();
    let gone = client
        .describe_vault()
        .account_id("-")
        .vault_name("photos")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&gone).as_deref(),
        Some("ResourceNotFoundException")
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn list_vaults_pages_with_the_sdk_paginator() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    for i in 0..7 {
        client
            .create_vault()
            .account_id("-")
            .vault_name(format!("v{i}"))
            .send()
            .await
            .unwrap();
    }
    let first = client
        .list_vaults()
        .account_id("-")
        .limit(3)
        .send()
        .await
        .unwrap();
    assert_eq!(first.vault_list().len(), 3);
    assert!(first.marker().is_some());
    let mut pages = client
        .list_vaults()
        .account_id("-")
        .limit(3)
        .into_paginator()
        .send();
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        all.extend(
            page.unwrap()
                .vault_list()
                .iter()
                .filter_map(|v| v.vault_name().map(str::to_owned)),
        );
    }
    assert_eq!(all.len(), 7);
}

#[tokio::test]
async fn bad_requests_get_glacier_error_codes() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let bad_name = client
        .create_vault()
        .account_id("-")
        .vault_name("no spaces")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&bad_name).as_deref(),
        Some("InvalidParameterValueException")
    );
    let other_account = client
        .describe_vault()
        .account_id("999999999999")
        .vault_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&other_account).as_deref(),
        Some("AccessDeniedException")
    );
    let bad_limit = client
        .list_vaults()
        .account_id("-")
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&bad_limit).as_deref(),
        Some("InvalidParameterValueException")
    );
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let options = || defrost::sandbox::SandboxOptions {
        state_dir: Some(dir.path().to_path_buf()),
        ..Default::default()
    };
    let first = common::start_sandbox_with(options()).await;
    client_for(&first)
        .create_vault()
        .account_id("-")
        .vault_name("kept")
        .send()
        .await
        .unwrap();
    first.shutdown().await.unwrap();

    let second = common::start_sandbox_with(options()).await;
    let described = client_for(&second)
        .describe_vault()
        .account_id("-")
        .vault_name("kept")
        .send()
        .await;
    assert_eq!(described.unwrap().vault_name(), Some("kept"));
}

#[tokio::test]
async fn requests_without_the_glacier_version_header_are_refused() {
    let sandbox = start_sandbox().await;
    let url = format!("{}/-/vaults", sandbox.endpoint_url());
    let (status, body) = tokio::task::spawn_blocking(move || raw_get(&url))
        .await
        .unwrap();
    assert_eq!(status, 400);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["code"], "MissingParameterValueException");
    assert_eq!(body["type"], "Client");
}

/// A bare HTTP/1.1 GET, to send what an SDK never would.
fn raw_get(url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

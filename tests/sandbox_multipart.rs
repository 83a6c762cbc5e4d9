//! Multipart uploads against the sandbox with the real SDK client.

mod common;

use aws_sdk_glacier::{Client, primitives::ByteStream};
use common::{client_for, error_code, sample, start_sandbox, tree_hash};

const MIB: usize = 1 << 20;

async fn client_with_vault() -> (defrost::sandbox::RunningSandbox, Client) {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    client
        .create_vault()
        .account_id("-")
        .vault_name("v")
        .send()
        .await
        .unwrap();
    (sandbox, client)
}

async fn initiate(client: &Client, part_size: usize, description: &str) -> String {
    let output = client
        .initiate_multipart_upload()
        .account_id("-")
        .vault_name("v")
        .part_size(part_size.to_string())
        .archive_description(description)
        .send()
        .await
        .unwrap();
    let id = output.upload_id().unwrap().to_owned();
    assert_eq!(
        output.location(),
        Some(format!("/123456789012/vaults/v/multipart-uploads/{id}").as_str())
    );
    id
}

async fn upload_part(
    client: &Client,
    upload_id: &str,
    start: usize,
    bytes: &[u8],
) -> Result<(), String> {
    let range = format!("bytes {start}-{}/*", start + bytes.len() - 1);
    client
        .upload_multipart_part()
        .account_id("-")
        .vault_name("v")
        .upload_id(upload_id)
        .range(range)
        .checksum(tree_hash(bytes))
        .body(ByteStream::from(bytes.to_vec()))
        .send()
        .await
        .map(|output| assert_eq!(output.checksum(), Some(tree_hash(bytes).as_str())))
        .map_err(|err| error_code(&err).unwrap_or_else(|| err.to_string()))
}

async fn complete(
    client: &Client,
    upload_id: &str,
    size: usize,
    hash: &str,
) -> Result<String, String> {
    client
        .complete_multipart_upload()
        .account_id("-")
        .vault_name("v")
        .upload_id(upload_id)
        .archive_size(size.to_string())
        .checksum(hash)
        .send()
        .await
        .map(|output| output.archive_id().unwrap().to_owned())
        .map_err(|err| error_code(&err).unwrap_or_else(|| err.to_string()))
}

#[tokio::test]
async fn parts_out_of_order_with_a_short_last_one_make_the_archive() {
    let (sandbox, client) = client_with_vault().await;
    let part = 2 * MIB;
    let data = sample(3 * part + MIB / 2);
    let upload_id = initiate(&client, part, "backup.tar").await;
    for start in [2 * part, 0, 3 * part] {
        let end = (start + part).min(data.len());
        upload_part(&client, &upload_id, start, &data[start..end])
            .await
            .unwrap();
    }
    // A wrong part 1 first, then the right one replaces it.
    let wrong = sample(part + 1)[1..].to_vec();
    upload_part(&client, &upload_id, part, &wrong)
        .await
        .unwrap();
    let whole = tree_hash(&data);
    assert_eq!(
        complete(&client, &upload_id, data.len(), &whole).await,
        Err("InvalidParameterValueException".into()),
        "the tree hash of the wrong part does not add up"
    );
    upload_part(&client, &upload_id, part, &data[part..2 * part])
        .await
        .unwrap();

    assert_eq!(
        complete(&client, &upload_id, data.len() + 1, &whole).await,
        Err("InvalidParameterValueException".into())
    );
    let archive_id = complete(&client, &upload_id, data.len(), &whole)
        .await
        .unwrap();
    let stored = std::fs::read(sandbox.shared.store.archive_path(&archive_id)).unwrap();
    assert!(stored == data, "assembled bytes differ");
    {
        let state = sandbox.shared.lock(time::OffsetDateTime::now_utc());
        let archive = &state.vaults["v"].archives[&archive_id];
        assert_eq!(archive.description, "backup.tar");
        assert_eq!(archive.tree_hash, whole);
    }

    // A repeated completion returns the same archive; the upload is gone otherwise.
    let repeat = complete(&client, &upload_id, data.len(), &whole).await;
    assert_eq!(repeat, Ok(archive_id));
    let listed = client
        .list_parts()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&listed).as_deref(),
        Some("ResourceNotFoundException")
    );
    assert!(
        !sandbox
            .shared
            .store
            .dir()
            .join("multipart")
            .join(&upload_id)
            .exists()
    );
}

#[tokio::test]
async fn bad_parts_and_incomplete_uploads_are_refused() {
    let (_sandbox, client) = client_with_vault().await;
    let bad_size = client
        .initiate_multipart_upload()
        .account_id("-")
        .vault_name("v")
        .part_size((3 * MIB).to_string())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&bad_size).as_deref(),
        Some("InvalidParameterValueException")
    );

    let upload_id = initiate(&client, MIB, "").await;
    let misaligned = upload_part(&client, &upload_id, 100, &sample(10)).await;
    assert_eq!(misaligned, Err("InvalidParameterValueException".into()));
    let too_big = upload_part(&client, &upload_id, 0, &sample(MIB + 1)).await;
    assert_eq!(too_big, Err("InvalidParameterValueException".into()));
    let wrong_hash = client
        .upload_multipart_part()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .range("bytes 0-9/*")
        .checksum(tree_hash(b"not these bytes"))
        .body(ByteStream::from(sample(10)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&wrong_hash).as_deref(),
        Some("InvalidParameterValueException")
    );

    // A short part that is not the last is accepted, then completion fails.
    let data = sample(2 * MIB);
    upload_part(&client, &upload_id, 0, &data[..MIB - 1])
        .await
        .unwrap();
    upload_part(&client, &upload_id, MIB, &data[MIB..])
        .await
        .unwrap();
    let result = complete(&client, &upload_id, 2 * MIB, &tree_hash(&data)).await;
    assert_eq!(result, Err("InvalidParameterValueException".into()));
    // A missing part fails completion too.
    let fresh = initiate(&client, MIB, "").await;
    upload_part(&client, &fresh, MIB, &data[MIB..])
        .await
        .unwrap();
    let missing = complete(&client, &fresh, 2 * MIB, &tree_hash(&data)).await;
    assert_eq!(missing, Err("InvalidParameterValueException".into()));

    let unknown = upload_part(&client, "no-such-upload", 0, b"x").await;
    assert_eq!(unknown, Err("ResourceNotFoundException".into()));
}

#[tokio::test]
async fn list_parts_and_list_uploads_page_and_abort_ends_an_upload() {
    let (_sandbox, client) = client_with_vault().await;
    let upload_id = initiate(&client, MIB, "five parts").await;
    let data = sample(5 * MIB);
    for start in (0..data.len()).step_by(MIB) {
        upload_part(&client, &upload_id, start, &data[start..start + MIB])
            .await
            .unwrap();
    }
    let first = client
        .list_parts()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(first.parts().len(), 2);
    assert_eq!(first.part_size_in_bytes(), MIB as i64);
    assert_eq!(first.archive_description(), Some("five parts"));
    assert_eq!(first.parts()[1].range_in_bytes(), Some("1048576-2097151"));
    assert_eq!(
        first.parts()[0].sha256_tree_hash(),
        Some(tree_hash(&data[..MIB]).as_str())
    );
    let mut pages = client
        .list_parts()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .limit(2)
        .into_paginator()
        .send();
    let mut ranges = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        ranges.extend(
            page.parts()
                .iter()
                .map(|p| p.range_in_bytes().unwrap().to_owned()),
        );
    }
    assert_eq!(ranges.len(), 5);
    assert_eq!(ranges[4], "4194304-5242879");

    let second = initiate(&client, 2 * MIB, "").await;
    let third = initiate(&client, 4 * MIB, "").await;
    let page = client
        .list_multipart_uploads()
        .account_id("-")
        .vault_name("v")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.uploads_list().len(), 2);
    let marker = page.marker().unwrap().to_owned();
    let rest = client
        .list_multipart_uploads()
        .account_id("-")
        .vault_name("v")
        .marker(marker)
        .send()
        .await
        .unwrap();
    let mut ids: Vec<String> = page
        .uploads_list()
        .iter()
        .chain(rest.uploads_list())
        .map(|u| u.multipart_upload_id().unwrap().to_owned())
        .collect();
    ids.sort();
    let mut expected = vec![upload_id.clone(), second.clone(), third.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(rest.marker().is_none());

    client
        .abort_multipart_upload()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap();
    let gone = client
        .list_parts()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&gone).as_deref(),
        Some("ResourceNotFoundException")
    );
    let after = upload_part(&client, &upload_id, 0, &data[..MIB]).await;
    assert_eq!(after, Err("ResourceNotFoundException".into()));
    let again = client
        .abort_multipart_upload()
        .account_id("-")
        .vault_name("v")
        .upload_id(&upload_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&again).as_deref(),
        Some("ResourceNotFoundException")
    );
    let listed = client
        .list_multipart_uploads()
        .account_id("-")
        .vault_name("v")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.uploads_list().len(), 2);
}

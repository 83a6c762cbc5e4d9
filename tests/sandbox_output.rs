//! GetJobOutput and inventory output against the sandbox with the real SDK client.

mod common;
mod jobs_support;

use aws_sdk_glacier::types::InventoryRetrievalJobInput;
use common::{client_for, error_code, start_sandbox};
use jobs_support::{Spec, archive_job, download, inventory_job, seed_vault, start_job, wait_for};
use serde_json::Value;

const DESCRIPTIONS: [&str; 4] = [
    "plain.txt",
    "with,comma",
    r#"say "cheese", twice"#,
    r#"C:\backup\a\"b"#,
];

fn specs() -> Vec<Spec<'static>> {
    DESCRIPTIONS
        .iter()
        .enumerate()
        .map(|(i, description)| Spec {
            size: 1000 + i as u64,
            description,
        })
        .collect()
}

/// A CSV row split the way AWS quotes it: commas inside quotes stay, `\"` is a quote.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[tokio::test]
async fn inventory_output_as_json_lists_every_archive() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archives = seed_vault(&sandbox, "v", &specs());
    let job_id = start_job(&client, "v", inventory_job().build()).await;
    let done = wait_for(&client, "v", &job_id).await;
    assert_eq!(done.sha256_tree_hash(), None);
    assert_eq!(
        done.inventory_retrieval_parameters().unwrap().format(),
        Some("JSON")
    );
    let (output, bytes) = download(&client, "v", &job_id, None).await;
    assert_eq!(output.status(), 200);
    assert_eq!(output.content_type(), Some("application/json"));
    assert_eq!(output.checksum(), None, "never a checksum on inventories");
    assert_eq!(output.accept_ranges(), Some("bytes"));
    assert_eq!(done.inventory_size_in_bytes(), Some(bytes.len() as i64));
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        body["VaultARN"],
        "arn:aws:glacier:us-east-1:123456789012:vaults/v"
    );
    let list = body["ArchiveList"].as_array().unwrap();
    assert_eq!(list.len(), archives.len());
    for (entry, archive) in list.iter().zip(&archives) {
        assert_eq!(entry["ArchiveId"], archive.id.as_str());
        assert_eq!(entry["ArchiveDescription"], archive.description.as_str());
        assert_eq!(entry["Size"], archive.size);
        assert_eq!(entry["SHA256TreeHash"], archive.tree_hash.as_str());
    }
}

#[tokio::test]
async fn inventory_output_as_csv_quotes_as_aws_does() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archives = seed_vault(&sandbox, "v", &specs());
    let job_id = start_job(&client, "v", inventory_job().format("CSV").build()).await;
    wait_for(&client, "v", &job_id).await;
    let (output, bytes) = download(&client, "v", &job_id, None).await;
    assert_eq!(output.content_type(), Some("text/csv"));
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), archives.len());
    assert!(rows[1].contains(r#","with,comma","#), "{}", rows[1]);
    assert!(rows[3].contains(r#""C:\backup\a\\"b""#), "{}", rows[3]);
    for (row, archive) in rows.iter().zip(&archives) {
        let fields = csv_fields(row);
        assert_eq!(fields[0], archive.id);
        assert_eq!(fields[1], archive.description, "{row}");
        assert_eq!(fields[3], archive.size.to_string());
        assert_eq!(fields[4], archive.tree_hash);
    }
}

#[tokio::test]
async fn limit_and_marker_page_through_the_inventory() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let specs: Vec<Spec> = (0..7)
        .map(|i| Spec {
            size: i,
            description: "f",
        })
        .collect();
    let archives = seed_vault(&sandbox, "v", &specs);
    let mut marker: Option<String> = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let filters = InventoryRetrievalJobInput::builder()
            .limit("3")
            .set_marker(marker.clone())
            .build();
        let job_id = start_job(
            &client,
            "v",
            inventory_job()
                .inventory_retrieval_parameters(filters)
                .build(),
        )
        .await;
        let done = wait_for(&client, "v", &job_id).await;
        let parameters = done.inventory_retrieval_parameters().unwrap();
        assert_eq!(parameters.limit(), Some("3"));
        let (_, bytes) = download(&client, "v", &job_id, None).await;
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        let page: Vec<String> = body["ArchiveList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["ArchiveId"].as_str().unwrap().to_owned())
            .collect();
        assert!(page.len() <= 3);
        seen.extend(page);
        pages += 1;
        marker = parameters.marker().map(str::to_owned);
        if marker.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        archives.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn date_filters_select_archives_by_creation_date() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let specs: Vec<Spec> = (0..4)
        .map(|i| Spec {
            size: i,
            description: "f",
        })
        .collect();
    let archives = seed_vault(&sandbox, "v", &specs);
    // Archives are a minute apart; dates are whole seconds, so round up the second.
    let to_second = |at: time::OffsetDateTime| {
        let next = at.replace_nanosecond(0).unwrap() + time::Duration::SECOND;
        next.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    let filters = InventoryRetrievalJobInput::builder()
        .start_date(to_second(archives[0].created))
        .end_date(to_second(archives[2].created))
        .build();
    let job_id = start_job(
        &client,
        "v",
        inventory_job()
            .inventory_retrieval_parameters(filters)
            .build(),
    )
    .await;
    wait_for(&client, "v", &job_id).await;
    let (_, bytes) = download(&client, "v", &job_id, None).await;
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    let ids: Vec<&str> = body["ArchiveList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["ArchiveId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [archives[1].id.as_str(), archives[2].id.as_str()]);
}

#[tokio::test]
async fn output_ranges_are_206_with_content_range() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    seed_vault(&sandbox, "v", &specs());
    let job_id = start_job(&client, "v", inventory_job().format("CSV").build()).await;
    let done = wait_for(&client, "v", &job_id).await;
    let total = done.inventory_size_in_bytes().unwrap();
    let (whole, all) = download(&client, "v", &job_id, None).await;
    assert_eq!(whole.content_range(), None);
    let (part, bytes) = download(&client, "v", &job_id, Some("bytes=10-19")).await;
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.content_range(),
        Some(format!("bytes 10-19/{total}").as_str())
    );
    assert_eq!(bytes, all[10..20]);
    let (tail, bytes) = download(&client, "v", &job_id, Some("bytes=100-")).await;
    assert_eq!(tail.status(), 206);
    assert_eq!(bytes, all[100..]);
    let past = client
        .get_job_output()
        .account_id("-")
        .vault_name("v")
        .job_id(&job_id)
        .range(format!("bytes={total}-"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&past).as_deref(),
        Some("InvalidParameterValueException")
    );
    assert_eq!(past.raw_response().unwrap().status().as_u16(), 400);
}

#[tokio::test]
async fn output_before_completion_is_refused_and_after_the_window_is_gone() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let archives = seed_vault(&sandbox, "v", &specs());
    let job_id = start_job(
        &client,
        "v",
        archive_job(&archives[0].id).tier("Bulk").build(),
    )
    .await;
    let early = client
        .get_job_output()
        .account_id("-")
        .vault_name("v")
        .job_id(&job_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&early).as_deref(),
        Some("InvalidParameterValueException")
    );
    let message =
        aws_sdk_glacier::error::ProvideErrorMetadata::message(early.as_service_error().unwrap())
            .unwrap();
    assert!(
        message.starts_with("The job is not currently available for download"),
        "{message}"
    );

    let inventory = start_job(&client, "v", inventory_job().build()).await;
    wait_for(&client, "v", &inventory).await;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let late = client
        .get_job_output()
        .account_id("-")
        .vault_name("v")
        .job_id(&inventory)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_code(&late).as_deref(),
        Some("ResourceNotFoundException")
    );
    assert_eq!(late.raw_response().unwrap().status().as_u16(), 404);
}

//! Fault injection end to end: the admin endpoint, error replies as the SDK sees
//! them, job failures, and faults from a seed.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;

use aws_sdk_glacier::config::retry::RetryConfig;
use defrost::sandbox::{RunningSandbox, faults, model::Job, seed};
use serde_json::json;
use time::OffsetDateTime;

use common::admin::{add_fault, admin};
use common::{client_for, error_code, start_sandbox};

async fn create_vault(sandbox: &RunningSandbox, name: &str) {
    client_for(sandbox)
        .create_vault()
        .account_id("-")
        .vault_name(name)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn throttling_answers_the_next_n_requests_and_the_sdk_retries_through_it() {
    let sandbox = start_sandbox().await;
    let fault = json!({"kind": "throttling", "operation": "ListVaults", "count": 2});
    add_fault(&sandbox, fault.clone()).await;
    let client = client_for(&sandbox);
    for _ in 0..2 {
        let err = client
            .list_vaults()
            .account_id("-")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&err).as_deref(), Some("ThrottlingException"));
    }
    client.list_vaults().account_id("-").send().await.unwrap();

    // A client with the SDK's standard retries (3 attempts) gets through two throttles.
    add_fault(&sandbox, fault).await;
    let config = client.config().to_builder().retry_config(
        RetryConfig::standard().with_initial_backoff(std::time::Duration::from_millis(10)),
    );
    let retrying = aws_sdk_glacier::Client::from_conf(config.build());
    retrying.list_vaults().account_id("-").send().await.unwrap();
    let (_, listed) = admin(&sandbox, "GET", "/_sandbox/faults", "").await;
    assert_eq!(listed, json!({"faults": []}), "both faults are spent");
}

#[tokio::test]
async fn service_unavailable_can_be_scoped_to_one_vault_and_stay() {
    let sandbox = start_sandbox().await;
    create_vault(&sandbox, "photos").await;
    create_vault(&sandbox, "scans").await;
    let fault = json!({"kind": "service_unavailable", "vault": "photos", "persistent": true,
        "message": "the photos shelf is being moved"});
    let id = add_fault(&sandbox, fault).await;
    let client = client_for(&sandbox);
    let describe = |vault: &'static str| {
        client
            .describe_vault()
            .account_id("-")
            .vault_name(vault)
            .send()
    };
    for _ in 0..3 {
        let err = describe("photos").await.unwrap_err();
        assert_eq!(
            error_code(&err).as_deref(),
            Some("ServiceUnavailableException")
        );
        let message = err.as_service_error().and_then(|e| e.meta().message());
        assert_eq!(message, Some("the photos shelf is being moved"));
        describe("scans").await.unwrap();
    }
    let (_, listed) = admin(&sandbox, "GET", "/_sandbox/faults", "").await;
    assert_eq!(listed["faults"][0]["fired"], 3);
    let (status, _) = admin(&sandbox, "DELETE", &format!("/_sandbox/faults/{id}"), "").await;
    assert_eq!(status, 204);
    describe("photos").await.unwrap();
}

#[tokio::test]
async fn the_admin_endpoint_explains_what_it_refuses() {
    let sandbox = start_sandbox().await;
    let (status, body) = admin(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"kind": "drop_output"}"#,
    )
    .await;
    assert_eq!(status, 400);
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("needs after_bytes"), "{error}");
    let (status, body) = admin(&sandbox, "POST", "/_sandbox/faults", "not json").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = admin(&sandbox, "DELETE", "/_sandbox/faults/99", "").await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("no fault has id 99")
    );
    let job_fault = r#"{"kind": "fail_job", "job_id": "nope"}"#;
    let (status, body) = admin(&sandbox, "POST", "/_sandbox/faults", job_fault).await;
    assert_eq!(status, 404, "{body}");

    add_fault(&sandbox, json!({"kind": "throttling"})).await;
    add_fault(&sandbox, json!({"kind": "flip_byte", "offset": 3})).await;
    let (status, body) = admin(&sandbox, "DELETE", "/_sandbox/faults", "").await;
    assert_eq!((status, body), (200, json!({"cleared": 2})));
}

#[tokio::test]
async fn glacier_routes_still_need_their_header_and_faults_do_not_fire_on_refused_requests() {
    let sandbox = start_sandbox().await;
    add_fault(&sandbox, json!({"kind": "throttling"})).await;
    let (status, body) = admin(&sandbox, "GET", "/-/vaults", "").await;
    assert_eq!(
        (status, &body["code"]),
        (400, &json!("MissingParameterValueException"))
    );
    let (_, listed) = admin(&sandbox, "GET", "/_sandbox/faults", "").await;
    assert_eq!(listed["faults"][0]["remaining"], 1);
}

/// An archive job as InitiateJob leaves it, completing at `completes_at`.
fn job(id: &str, completes_at: OffsetDateTime) -> Job {
    let date = |at: OffsetDateTime| {
        at.format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    serde_json::from_value(json!({
        "id": id, "created": date(OffsetDateTime::now_utc()), "completes_at": date(completes_at),
        "description": null, "sns_topic": null, "failure": null,
        "kind": {"archive": {"archive_id": "A", "archive_size": 10,
            "archive_tree_hash": "00", "archive_description": "", "content": "stored",
            "range_start": 0, "range_end": 9, "tier": "Standard"}}
    }))
    .unwrap()
}

fn insert_job(sandbox: &RunningSandbox, vault: &str, id: &str, completes_at: OffsetDateTime) {
    let now = OffsetDateTime::now_utc();
    sandbox
        .shared
        .change(now, |state| {
            let jobs = &mut state.vaults.get_mut(vault).unwrap().jobs;
            jobs.insert(id.into(), job(id, completes_at));
            Ok(())
        })
        .unwrap();
}

fn failure_of(sandbox: &RunningSandbox, vault: &str, id: &str) -> Option<String> {
    let state = sandbox.shared.lock(OffsetDateTime::now_utc());
    state.vaults[vault].jobs[id].failure.clone()
}

#[tokio::test]
async fn fail_job_faults_fail_new_jobs_of_their_vault_or_a_named_job_at_once() {
    let sandbox = start_sandbox().await;
    create_vault(&sandbox, "photos").await;
    let later = OffsetDateTime::now_utc() + time::Duration::hours(1);
    add_fault(
        &sandbox,
        json!({"kind": "fail_job", "vault": "photos", "message": "tape jammed"}),
    )
    .await;
    for id in ["J1", "J2"] {
        insert_job(&sandbox, "photos", id, later);
        faults::apply_to_new_job(&sandbox.shared, "photos", id, OffsetDateTime::now_utc()).unwrap();
    }
    assert_eq!(
        failure_of(&sandbox, "photos", "J1").as_deref(),
        Some("tape jammed")
    );
    assert_eq!(
        failure_of(&sandbox, "photos", "J2"),
        None,
        "the fault was one-shot"
    );

    let fail_j2 = json!({"kind": "fail_job", "job_id": "J2"}).to_string();
    let (status, body) = admin(&sandbox, "POST", "/_sandbox/faults", &fail_j2).await;
    assert_eq!((status, body), (200, json!({"failed_job": "J2"})));
    assert!(
        failure_of(&sandbox, "photos", "J2")
            .unwrap()
            .contains("injected fault")
    );

    insert_job(
        &sandbox,
        "photos",
        "J3",
        OffsetDateTime::now_utc() - time::Duration::seconds(1),
    );
    let fail_j3 = json!({"kind": "fail_job", "job_id": "J3"}).to_string();
    let (status, body) = admin(&sandbox, "POST", "/_sandbox/faults", &fail_j3).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("already completed"),
        "{body}"
    );
}

const SEED: &str = r#"
[[vaults]]
name = "photos"

[[vaults.faults]]
kind = "drop_output"
after_bytes = 1048576

[[vaults]]
name = "scans"

[[faults]]
kind = "throttling"
operation = "ListVaults"
"#;

#[tokio::test]
async fn a_seeds_faults_are_scoped_and_installed() {
    let seed = seed::parse(SEED).unwrap();
    let all = seed.all_faults();
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[0].kind, all[0].vault.as_deref()),
        (faults::FaultKind::Throttling, None)
    );
    assert_eq!(all[1].vault.as_deref(), Some("photos"));

    let sandbox = start_sandbox().await;
    sandbox.shared.faults.install(seed.all_faults()).unwrap();
    let err = client_for(&sandbox)
        .list_vaults()
        .account_id("-")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err).as_deref(), Some("ThrottlingException"));
    let (_, listed) = admin(&sandbox, "GET", "/_sandbox/faults", "").await;
    assert_eq!(
        listed,
        json!({"faults": [{"id": 2, "kind": "drop_output", "vault": "photos",
            "after_bytes": 1048576, "count": 1, "remaining": 1, "fired": 0}]})
    );
}

#[test]
fn seed_faults_that_cannot_work_are_refused_with_their_place() {
    let misplaced =
        "[[vaults]]\nname = \"a\"\n[[vaults.faults]]\nkind = \"throttling\"\nvault = \"b\"\n";
    let err = seed::parse(misplaced).unwrap_err();
    assert!(err.contains("names vault b"), "{err}");
    let job = "[[faults]]\nkind = \"fail_job\"\njob_id = \"J\"\n";
    let err = seed::parse(job).unwrap_err();
    assert!(err.contains("cannot be in a seed"), "{err}");
    let typo = "[[faults]]\nkind = \"throttling\"\noperation = \"ListVault\"\n";
    let err = seed::parse(typo).unwrap_err();
    assert!(
        err.starts_with("line 1") && err.contains("not a Glacier operation"),
        "{err}"
    );
}

#[tokio::test]
async fn a_seed_gives_a_fault_book_its_faults_in_order() {
    let seed = seed::parse(SEED).unwrap();
    let book = faults::Faults::seeded(Some(&seed));
    let kinds: Vec<_> = book
        .lock()
        .list()
        .iter()
        .map(|f| f.spec.kind.name())
        .collect();
    assert_eq!(kinds, ["throttling", "drop_output"]);
    assert!(faults::Faults::seeded(None).lock().list().is_empty());
}

/// Serves one 5 MiB output at `/output` the way GetJobOutput will: the archive
/// stream in a response that goes through the output hook.
async fn serve_output(sandbox: &RunningSandbox) -> SocketAddr {
    use axum::{body::Body, http::header, response::Response, routing::get};
    use defrost::domain::range::ByteRange;
    use defrost::sandbox::{content, model::ArchiveContent};
    const SIZE: u64 = 5 << 20;
    let shared = sandbox.shared.clone();
    let handler = move || async move {
        let content = ArchiveContent::Virtual { seed: 3 };
        let whole = ByteRange::whole(SIZE).unwrap();
        let bytes = content::open_range(&shared.store, "A", content, SIZE, whole);
        let mut response = Response::new(Body::from_stream(bytes));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LENGTH, SIZE.into());
        faults::apply_to_output_response(&shared, "photos", "J1", response)
    };
    let app = axum::Router::new().route("/output", get(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// The status code and the body bytes a client reads before the connection ends.
fn read_output(addr: SocketAddr) -> (u16, usize) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let limit = std::time::Duration::from_secs(30);
    stream.set_read_timeout(Some(limit)).unwrap();
    write!(
        stream,
        "GET /output HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut received = Vec::new();
    // A dropped connection may end in a reset rather than a clean close.
    let _ = stream.read_to_end(&mut received);
    let split = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = String::from_utf8_lossy(&received[9..12]).parse().unwrap();
    (status, received.len() - split - 4)
}

#[tokio::test]
async fn a_dropped_output_reaches_the_client_as_a_short_body() {
    let sandbox = start_sandbox().await;
    let addr = serve_output(&sandbox).await;
    add_fault(
        &sandbox,
        json!({"kind": "drop_output", "after_bytes": 1_234_567}),
    )
    .await;
    let read = || tokio::task::spawn_blocking(move || read_output(addr));
    assert_eq!(
        read().await.unwrap(),
        (200, 1_234_567),
        "headers, then the bytes before the cut"
    );
    assert_eq!(read().await.unwrap(), (200, 5 << 20), "the retry is whole");
}

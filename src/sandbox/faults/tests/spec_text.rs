//! The written form of faults: what is accepted, the defaults, and the refusals.

use axum::http::Method;

use super::*;

#[test]
fn each_kind_parses_with_its_defaults() {
    let throttling = fault(r#"{"kind": "throttling", "operation": "DescribeJob", "count": 3}"#);
    assert_eq!(throttling.kind, FaultKind::Throttling);
    assert_eq!(throttling.operation, Some("DescribeJob"));
    assert_eq!(throttling.uses, Uses::Times(3));

    let flip = fault(r#"{"kind": "flip_byte", "offset": 5000000, "vault": "photos"}"#);
    assert_eq!(
        flip.kind,
        FaultKind::FlipByte {
            offset: 5_000_000,
            xor: 0xFF
        }
    );
    assert_eq!(flip.vault.as_deref(), Some("photos"));
    assert_eq!(flip.uses, Uses::Times(1), "one-shot unless told otherwise");

    let drop = fault(r#"{"kind": "drop_output", "after_bytes": 0, "persistent": true}"#);
    assert_eq!(drop.kind, FaultKind::DropOutput { after_bytes: 0 });
    assert_eq!(drop.uses, Uses::Always);

    let fail = fault(r#"{"kind": "fail_job", "message": "disk on fire"}"#);
    assert_eq!(fail.kind, FaultKind::FailJob);
    assert_eq!(fail.job_failure_message(), "disk on fire");
    let unavailable = fault(r#"{"kind": "service_unavailable", "job_id": "J1"}"#);
    assert_eq!(unavailable.job_id.as_deref(), Some("J1"));
}

#[test]
fn a_listed_fault_reads_back_as_the_same_fault() {
    let texts = [
        r#"{"kind":"flip_byte","vault":"v","offset":7,"xor":1,"count":2}"#,
        r#"{"kind":"throttling","operation":"ListVaults","message":"slow down","persistent":true}"#,
        r#"{"kind":"drop_output","job_id":"J","after_bytes":1048576}"#,
        r#"{"kind":"service_unavailable","operation":"s3:UploadPart","after_requests":3,"persistent":true}"#,
    ];
    for text in texts {
        let spec = fault(text);
        let written = serde_json::to_string(&spec).unwrap();
        assert_eq!(fault(&written), spec, "{written}");
    }
    let mut book = FaultBook::default();
    book.add(fault(texts[0])).unwrap();
    let listed = serde_json::to_value(book.list()).unwrap();
    assert_eq!(
        listed,
        serde_json::json!([{"id": 1, "kind": "flip_byte", "vault": "v", "offset": 7, "xor": 1,
            "count": 2, "remaining": 2, "fired": 0}])
    );
}

#[test]
fn faults_that_could_not_mean_what_they_say_are_refused() {
    let cases = [
        (r#"{"kind": "drop_output"}"#, "needs after_bytes"),
        (r#"{"kind": "flip_byte"}"#, "needs offset"),
        (r#"{"kind": "flip_byte", "offset": 1, "xor": 0}"#, "xor = 0"),
        (
            r#"{"kind": "throttling", "offset": 1}"#,
            "offset applies to flip_byte",
        ),
        (
            r#"{"kind": "fail_job", "after_bytes": 1}"#,
            "after_bytes applies to drop_output",
        ),
        (
            r#"{"kind": "flip_byte", "offset": 1, "after_requests": 1}"#,
            "after_requests applies to service_unavailable",
        ),
        (r#"{"kind": "throttling", "count": 0}"#, "at least 1"),
        (
            r#"{"kind": "throttling", "count": 2, "persistent": true}"#,
            "not both",
        ),
        (
            r#"{"kind": "throttling", "operation": "ListVault"}"#,
            "not a Glacier operation",
        ),
        (
            r#"{"kind": "drop_output", "after_bytes": 1, "operation": "GetJobOutput"}"#,
            "operation applies",
        ),
        (
            r#"{"kind": "flip_byte", "offset": 1, "message": "x"}"#,
            "message applies",
        ),
        (
            r#"{"kind": "throttling", "vault": "no spaces"}"#,
            "not a valid vault name",
        ),
        (r#"{"kind": "throttling", "job_id": ""}"#, "job_id is empty"),
        (
            r#"{"kind": "throttling", "retries": 2}"#,
            "unknown field `retries`",
        ),
        (r#"{"kind": "explode"}"#, "unknown variant `explode`"),
        (r#"{"count": 1}"#, "missing field `kind`"),
    ];
    for (text, expected) in cases {
        let reason = refusal(text);
        assert!(reason.contains(expected), "{text}: {reason}");
    }
}

#[test]
fn requests_are_read_as_glacier_operations() {
    let cases = [
        ("GET /-/vaults", "ListVaults", ""),
        ("PUT /-/vaults/photos", "CreateVault", "photos"),
        ("POST /-/vaults/photos/jobs", "InitiateJob", "photos"),
        ("GET /-/vaults/photos/jobs", "ListJobs", "photos"),
        ("GET /-/vaults/photos/jobs/J1", "DescribeJob", "photos"),
        (
            "GET /-/vaults/photos/jobs/J1/output",
            "GetJobOutput",
            "photos",
        ),
        ("POST /-/vaults/photos/archives", "UploadArchive", "photos"),
        (
            "DELETE /-/vaults/photos/archives/A",
            "DeleteArchive",
            "photos",
        ),
        (
            "PUT /-/vaults/photos/multipart-uploads/U",
            "UploadMultipartPart",
            "photos",
        ),
        (
            "POST /-/vaults/photos/tags?operation=remove",
            "RemoveTagsFromVault",
            "photos",
        ),
        (
            "PUT /123456789012/policies/data-retrieval",
            "SetDataRetrievalPolicy",
            "",
        ),
        (
            "POST /-/provisioned-capacity",
            "PurchaseProvisionedCapacity",
            "",
        ),
        ("PATCH /-/vaults/photos", "", "photos"),
        ("GET /favicon.ico", "", ""),
    ];
    for (request, operation, vault) in cases {
        let (method, target) = request.split_once(' ').unwrap();
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let info = classify(&method.parse().unwrap(), path, query);
        assert_eq!(info.operation.unwrap_or(""), operation, "{request}");
        assert_eq!(info.vault.as_deref().unwrap_or(""), vault, "{request}");
    }
    let output = classify(&Method::GET, "/-/vaults/v/jobs/J1/output", None);
    assert_eq!(output.job_id.as_deref(), Some("J1"));
}

#[test]
fn every_operation_a_request_can_be_read_as_is_one_a_fault_can_name() {
    let samples = [
        (Method::GET, "/-/vaults/v/lock-policy"),
        (Method::POST, "/-/vaults/v/lock-policy/L"),
        (Method::DELETE, "/-/vaults/v/access-policy"),
        (Method::GET, "/-/vaults/v/notification-configuration"),
        (Method::GET, "/-/vaults/v/multipart-uploads"),
        (Method::GET, "/-/provisioned-capacity"),
    ];
    for (method, path) in samples {
        let operation = classify(&method, path, None).operation.unwrap();
        assert!(OPERATIONS.contains(&operation), "{operation}");
    }
}

#[test]
fn a_stall_parses_with_where_it_stops_and_needs_it() {
    let stall = fault(r#"{"kind": "stall_output", "after_bytes": 1000, "vault": "v"}"#);
    assert_eq!(stall.kind, FaultKind::StallOutput { after_bytes: 1000 });
    assert_eq!(stall.kind.name(), "stall_output");
    let listed = serde_json::to_value(&stall).unwrap();
    assert_eq!(
        listed,
        serde_json::json!({"kind": "stall_output", "vault": "v", "after_bytes": 1000, "count": 1})
    );
    assert!(refusal(r#"{"kind": "stall_output"}"#).contains("after_bytes"));
    assert!(
        refusal(r#"{"kind": "flip_byte", "offset": 1, "after_bytes": 5}"#).contains("after_bytes")
    );
}

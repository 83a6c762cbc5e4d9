//! Which fault fires for which request, job or download, and how firings count down.

use time::macros::datetime;

use super::*;
use crate::sandbox::model::Job;
use crate::sandbox::vaults::create_vault;

fn book_with(faults: &[&str]) -> FaultBook {
    let mut book = FaultBook::default();
    for text in faults {
        book.add(fault(text)).unwrap();
    }
    book
}

#[test]
fn an_error_fault_answers_the_next_n_requests_then_is_gone() {
    let mut book = book_with(&[r#"{"kind": "throttling", "count": 2}"#]);
    let list = request("ListVaults", None, None);
    for _ in 0..2 {
        let err = book.request_error(&list).unwrap();
        assert_eq!(
            (err.status.as_u16(), err.code),
            (400, "ThrottlingException")
        );
    }
    assert_eq!(book.request_error(&list), None);
    assert!(book.list().is_empty(), "a spent fault leaves the book");
}

#[test]
fn an_operation_filter_lets_other_operations_through() {
    let mut book = book_with(&[
        r#"{"kind": "service_unavailable", "operation": "GetJobOutput", "message": "try later"}"#,
    ]);
    assert_eq!(
        book.request_error(&request("DescribeJob", Some("v"), Some("J"))),
        None
    );
    let err = book
        .request_error(&request("GetJobOutput", Some("v"), Some("J")))
        .unwrap();
    assert_eq!(err.status.as_u16(), 500);
    assert_eq!(err.code, "ServiceUnavailableException");
    assert_eq!(err.message, "try later");
}

#[test]
fn vault_and_job_scopes_match_only_their_own_requests() {
    let mut book = book_with(&[
        r#"{"kind": "throttling", "vault": "photos", "persistent": true}"#,
        r#"{"kind": "service_unavailable", "job_id": "J7", "persistent": true}"#,
    ]);
    assert_eq!(book.request_error(&request("ListVaults", None, None)), None);
    assert_eq!(
        book.request_error(&request("DescribeVault", Some("scans"), None)),
        None
    );
    let code = |book: &mut FaultBook, info| book.request_error(&info).map(|err| err.code);
    assert_eq!(
        code(&mut book, request("DescribeVault", Some("photos"), None)),
        Some("ThrottlingException")
    );
    assert_eq!(
        code(&mut book, request("DescribeJob", Some("scans"), Some("J7"))),
        Some("ServiceUnavailableException")
    );
    assert_eq!(
        code(&mut book, request("DescribeJob", Some("scans"), Some("J8"))),
        None
    );
}

#[test]
fn the_oldest_matching_fault_fires_first_and_persistent_ones_stay() {
    let mut book = book_with(&[
        r#"{"kind": "throttling", "persistent": true}"#,
        r#"{"kind": "service_unavailable"}"#,
    ]);
    for _ in 0..5 {
        let err = book
            .request_error(&request("ListVaults", None, None))
            .unwrap();
        assert_eq!(err.code, "ThrottlingException");
    }
    let listed = book.list();
    assert_eq!(listed.len(), 2);
    assert_eq!((listed[0].fired, listed[0].remaining), (5, None));
    assert_eq!((listed[1].fired, listed[1].remaining), (0, Some(1)));
}

#[test]
fn a_fault_after_requests_lets_that_many_through_then_fires() {
    let mut book = book_with(&[
        r#"{"kind": "service_unavailable", "operation": "s3:UploadPart", "after_requests": 2, "persistent": true}"#,
    ]);
    assert_eq!(book.s3_request_fault("s3:UploadPart"), None);
    assert_eq!(
        book.s3_request_fault("s3:ListParts"),
        None,
        "out of scope: not counted"
    );
    assert_eq!(book.s3_request_fault("s3:UploadPart"), None);
    for _ in 0..3 {
        let (kind, _) = book.s3_request_fault("s3:UploadPart").unwrap();
        assert_eq!(kind, FaultKind::ServiceUnavailable);
    }
    let listed = book.list();
    assert_eq!((listed[0].passed, listed[0].fired), (Some(2), 3));
}

#[test]
fn a_waiting_fault_counts_the_requests_another_fault_answers() {
    let mut book = book_with(&[
        r#"{"kind": "throttling", "operation": "DescribeJob", "count": 2}"#,
        r#"{"kind": "access_denied", "operation": "DescribeJob", "after_requests": 1000}"#,
    ]);
    let describe = request("DescribeJob", Some("v"), Some("J"));
    for expected in [
        Some("ThrottlingException"),
        Some("ThrottlingException"),
        None,
    ] {
        assert_eq!(book.request_error(&describe).map(|err| err.code), expected);
    }
    let listed = book.list();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].passed, listed[0].fired), (Some(3), 0));
}

#[test]
fn faults_are_removed_one_by_one_or_all_at_once_and_ids_are_not_reused() {
    let mut book = book_with(&[r#"{"kind": "throttling"}"#, r#"{"kind": "throttling"}"#]);
    assert!(book.remove(1));
    assert!(!book.remove(1));
    assert_eq!(book.add(fault(r#"{"kind": "fail_job"}"#)), Ok(3));
    assert_eq!(book.clear(), 2);
    assert!(book.list().is_empty());
}

#[test]
fn job_failures_count_down_per_vault() {
    let mut book = book_with(&[r#"{"kind": "fail_job", "vault": "photos", "count": 2}"#]);
    assert_eq!(book.new_job_failure("scans"), None);
    assert!(
        book.new_job_failure("photos")
            .unwrap()
            .contains("injected fault")
    );
    assert!(book.new_job_failure("photos").is_some());
    assert_eq!(book.new_job_failure("photos"), None);
}

#[test]
fn a_job_failure_naming_a_job_is_not_a_rule() {
    let mut book = FaultBook::default();
    let refused = book.add(fault(r#"{"kind": "fail_job", "job_id": "J"}"#));
    assert_eq!(refused, Err(BookError::JobFailureNeedsExistingJob));
}

#[test]
fn output_faults_fire_only_on_downloads_they_show_in() {
    let mut book = book_with(&[
        r#"{"kind": "drop_output", "after_bytes": 100}"#,
        r#"{"kind": "flip_byte", "offset": 5000, "xor": 1}"#,
    ]);
    // A body of 100 bytes is not cut after 100, and 0..4096 does not hold byte 5000.
    assert!(book.output_faults("v", "J", 0..100).is_empty());
    assert!(book.output_faults("v", "J", 0..4096).drop_after.is_some());
    assert_eq!(book.list().len(), 1, "the drop is spent");
    let faults = book.output_faults("v", "J", 4096..8192);
    assert_eq!(faults.flips, [(5000, 1)]);
    assert_eq!(faults.body_start, 4096);
    assert!(
        book.output_faults("v", "J", 4096..8192).is_empty(),
        "a retry is clean"
    );
}

#[test]
fn output_faults_follow_their_scope_and_all_matching_flips_apply() {
    let mut book = book_with(&[
        r#"{"kind": "flip_byte", "offset": 1, "job_id": "J1", "persistent": true}"#,
        r#"{"kind": "flip_byte", "offset": 2, "vault": "photos"}"#,
        r#"{"kind": "drop_output", "after_bytes": 10, "vault": "scans"}"#,
    ]);
    assert!(book.output_faults("photos", "J2", 10..20).is_empty());
    assert_eq!(book.output_faults("scans", "J1", 0..5).flips, [(1, 0xFF)]);
    assert_eq!(
        book.output_faults("photos", "J1", 0..5).flips,
        [(1, 0xFF), (2, 0xFF)]
    );
    let listed = book.list();
    assert_eq!(listed.len(), 2, "the vault-scoped flip is spent");
    assert_eq!(listed[0].fired, 2);
}

fn state_with_job(completes_at: &str) -> SandboxState {
    let now = datetime!(2026-01-01 00:00 UTC);
    let mut state = SandboxState::default();
    create_vault(&mut state, "photos", now).unwrap();
    // From JSON, so that fields other modules add with defaults need no change here.
    let job: Job = serde_json::from_value(serde_json::json!({
        "id": "J1", "created": "2026-01-01T00:00:00Z", "completes_at": completes_at,
        "description": null, "sns_topic": null, "failure": null,
        "kind": {"archive": {"archive_id": "A", "archive_size": 10,
            "archive_tree_hash": "00", "archive_description": "", "content": "stored",
            "range_start": 0, "range_end": 9, "tier": "Standard"}}
    }))
    .unwrap();
    state
        .vaults
        .get_mut("photos")
        .unwrap()
        .jobs
        .insert("J1".into(), job);
    state
}

#[test]
fn only_a_job_in_progress_can_be_failed() {
    let now = datetime!(2026-01-01 00:01 UTC);
    let mut state = state_with_job("2026-01-01T04:00:00Z");
    fail_job(&mut state, None, "J1", "lost".into(), now).unwrap();
    let job = &state.vaults["photos"].jobs["J1"];
    assert_eq!(job.failure.as_deref(), Some("lost"));

    let unknown = fail_job(&mut state, None, "J2", "x".into(), now).unwrap_err();
    assert_eq!(unknown.code, "ResourceNotFoundException");
    let other_vault = fail_job(&mut state, Some("scans"), "J1", "x".into(), now).unwrap_err();
    assert_eq!(other_vault.code, "ResourceNotFoundException");

    let mut done = state_with_job("2026-01-01T00:00:30Z");
    let late = fail_job(&mut done, Some("photos"), "J1", "x".into(), now).unwrap_err();
    assert!(late.message.contains("already completed"), "{late}");
    assert_eq!(done.vaults["photos"].jobs["J1"].failure, None);
}

#[test]
fn a_flip_beyond_a_drop_waits_for_a_download_that_reaches_it() {
    let mut book = book_with(&[
        r#"{"kind": "flip_byte", "offset": 5000}"#,
        r#"{"kind": "drop_output", "after_bytes": 1000}"#,
    ]);
    let first = book.output_faults("v", "J", 0..8192);
    assert_eq!((first.drop_after, first.flips.len()), (Some(1000), 0));
    let second = book.output_faults("v", "J", 0..8192);
    assert_eq!(
        (second.drop_after, second.flips),
        (None, vec![(5000, 0xFF)])
    );
}

#[test]
fn a_stall_fires_where_a_drop_would_and_the_first_cut_wins() {
    let mut book = book_with(&[
        r#"{"kind": "stall_output", "after_bytes": 100}"#,
        r#"{"kind": "drop_output", "after_bytes": 50}"#,
    ]);
    // Not on a body that ends where either would cut.
    assert!(book.output_faults("v", "J", 0..50).is_empty());
    let first = book.output_faults("v", "J", 0..4096);
    assert_eq!((first.stall_after, first.drop_after), (Some(100), None));
    let second = book.output_faults("v", "J", 0..4096);
    assert_eq!((second.stall_after, second.drop_after), (None, Some(50)));
    assert!(book.list().is_empty(), "both are spent");
}

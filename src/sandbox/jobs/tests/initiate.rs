//! InitiateJob's acceptance and refusals.

use super::*;
use crate::sandbox::model::{JobKind, RetrievalPolicy};

fn refusal(state: &mut SandboxState, body: &str) -> GlacierError {
    let jobs_before = state.vaults["v"].jobs.len();
    let err = start(state, body, T0).unwrap_err();
    assert_eq!(
        state.vaults["v"].jobs.len(),
        jobs_before,
        "nothing recorded"
    );
    err
}

fn archive_job(state: &SandboxState, id: &str) -> crate::sandbox::model::ArchiveJob {
    match &job(state, id).kind {
        JobKind::Archive(job) => job.clone(),
        other => panic!("not an archive job: {other:?}"),
    }
}

#[test]
fn a_whole_archive_job_records_the_archive_and_defaults_to_standard() {
    let mut state = state();
    let id = start(
        &mut state,
        &archive_body(
            BIG,
            r#","Description":"restore","SNSTopic":"arn:aws:sns:us-east-1:123456789012:t""#,
        ),
        T0,
    )
    .unwrap();
    let recorded = job(&state, &id);
    assert_eq!(recorded.description.as_deref(), Some("restore"));
    assert_eq!(
        recorded.sns_topic.as_deref(),
        Some("arn:aws:sns:us-east-1:123456789012:t")
    );
    let archive = archive_job(&state, &id);
    assert_eq!((archive.range_start, archive.range_end), (0, BIG_SIZE - 1));
    assert_eq!(archive.tier, "Standard");
    assert_eq!(archive.archive_size, BIG_SIZE);
    assert_eq!(archive.archive_description, "file big-archive");
}

#[test]
fn a_mib_aligned_range_is_accepted_including_one_ending_at_the_last_byte() {
    let mut state = state();
    let id = start(
        &mut state,
        &archive_body(BIG, r#","RetrievalByteRange":"1048576-3145727""#),
        T0,
    )
    .unwrap();
    let archive = archive_job(&state, &id);
    assert_eq!((archive.range_start, archive.range_end), (MIB, 3 * MIB - 1));
    let last = format!(r#","RetrievalByteRange":"{}-{}""#, 8 * MIB, BIG_SIZE - 1);
    assert!(start(&mut state, &archive_body(BIG, &last), T0).is_ok());
}

#[test]
fn misaligned_and_out_of_bounds_ranges_are_400() {
    let mut state = state();
    for range in ["0-100", "1-1048575", "0-1048576", "0-99999999", "1048576-0"] {
        let body = archive_body(BIG, &format!(r#","RetrievalByteRange":"{range}""#));
        let err = refusal(&mut state, &body);
        assert_eq!(err.code, "InvalidParameterValueException", "{range}");
        assert_eq!(err.status, 400);
    }
}

#[test]
fn unknown_archives_and_vaults_are_404() {
    let mut state = state();
    let err = refusal(&mut state, &archive_body("nope", ""));
    assert_eq!(err.code, "ResourceNotFoundException");
    assert!(err.message.contains("nope"), "{}", err.message);
    state
        .vaults
        .get_mut("v")
        .unwrap()
        .archives
        .get_mut(SMALL)
        .unwrap()
        .deleted = Some(T0);
    let err = refusal(&mut state, &archive_body(SMALL, ""));
    assert_eq!(err.code, "ResourceNotFoundException");
    let err = initiate_job(&mut state, &ctx(), "other", b"{}", T0, speedup()).unwrap_err();
    assert_eq!(err.code, "ResourceNotFoundException");
    assert!(
        err.message.starts_with("Vault not found for ARN"),
        "{}",
        err.message
    );
}

#[test]
fn malformed_and_unsupported_requests_are_refused() {
    let mut state = state();
    let cases = [
        ("", "MissingParameterValueException"),
        ("{}", "MissingParameterValueException"),
        (
            r#"{"Type":"archive-retrieval"}"#,
            "MissingParameterValueException",
        ),
        ("{", "InvalidParameterValueException"),
        (
            r#"{"Type":"select","ArchiveId":"a"}"#,
            "InvalidParameterValueException",
        ),
        (
            r#"{"Type":"inventory-retrieval","Tier":"Bulk"}"#,
            "InvalidParameterValueException",
        ),
        (
            r#"{"Type":"inventory-retrieval","Format":"XML"}"#,
            "InvalidParameterValueException",
        ),
        (
            &archive_body(SMALL, r#","Tier":"Fast""#),
            "InvalidParameterValueException",
        ),
        (
            &archive_body(SMALL, r#","Description":"tab\there""#),
            "InvalidParameterValueException",
        ),
        (
            &archive_body(SMALL, r#","SNSTopic":"my-topic""#),
            "InvalidParameterValueException",
        ),
    ];
    for (body, code) in cases {
        assert_eq!(refusal(&mut state, body).code, code, "{body}");
    }
    let select = refusal(&mut state, r#"{"Type":"select","ArchiveId":"a"}"#);
    assert!(
        select.message.contains("does not support select"),
        "{}",
        select.message
    );
}

#[test]
fn an_inventory_job_needs_an_inventory() {
    let mut state = state();
    state.vaults.get_mut("v").unwrap().inventory = None;
    let err = refusal(&mut state, r#"{"Type":"inventory-retrieval"}"#);
    assert_eq!(err.code, "ResourceNotFoundException");
    assert!(err.message.contains("no inventory yet"), "{}", err.message);
}

#[test]
fn an_inventory_job_keeps_the_inventory_it_started_with() {
    let mut state = state();
    let id = start(
        &mut state,
        r#"{"Type":"inventory-retrieval","Format":"CSV"}"#,
        T0,
    )
    .unwrap();
    state.vaults.get_mut("v").unwrap().inventory = Some(Inventory {
        date: T0,
        entries: vec![],
    });
    let JobKind::Inventory(inventory) = &job(&state, &id).kind else {
        panic!("not an inventory job");
    };
    assert_eq!(inventory.entries.len(), 2);
    assert_eq!(inventory.inventory_date, T0 - time::Duration::days(1));
    assert_eq!(inventory.format, "CSV");
    let output = InventoryOutput::of_job(inventory, &arn());
    assert_eq!(inventory.output_size, output.size());
}

#[test]
fn a_bad_inventory_marker_is_refused() {
    let mut state = state();
    let body = r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Marker":"zzz"}}"#;
    assert_eq!(
        refusal(&mut state, body).code,
        "InvalidParameterValueException"
    );
}

#[test]
fn bytes_per_hour_refuses_standard_jobs_over_budget_and_records_nothing() {
    let mut state = state();
    state.retrieval_policy = RetrievalPolicy::BytesPerHour(BIG_SIZE + 50);
    start(&mut state, &archive_body(BIG, ""), T0).unwrap();
    let err = refusal(&mut state, &archive_body(SMALL, ""));
    assert_eq!(err.code, "PolicyEnforcedException");
    assert_eq!(
        state.recent_retrievals.len(),
        1,
        "the refused job is not counted"
    );
    // The policy governs Standard retrievals only.
    start(&mut state, &archive_body(SMALL, r#","Tier":"Bulk""#), T0).unwrap();
    start(
        &mut state,
        &archive_body(SMALL, r#","Tier":"Expedited""#),
        T0,
    )
    .unwrap();
    start(&mut state, r#"{"Type":"inventory-retrieval"}"#, T0).unwrap();
    // A ranged job counts its range, not the archive.
    let one_mib = archive_body(BIG, r#","RetrievalByteRange":"0-1048575""#);
    assert!(start(&mut state, &one_mib, T0 + HOUR).is_ok());
}

#[test]
fn expedited_without_capacity_is_refused_until_capacity_is_bought() {
    let mut state = state();
    state.expedited_capacity_available = false;
    let body = archive_body(SMALL, r#","Tier":"Expedited""#);
    assert_eq!(
        refusal(&mut state, &body).code,
        "InsufficientCapacityException"
    );
    purchase_capacity(&mut state, T0).unwrap();
    assert!(start(&mut state, &body, T0).is_ok());
}

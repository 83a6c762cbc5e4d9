//! GetJobOutput's plan: availability, relative ranges and the checksum header rule.

use super::*;
use crate::domain::range::ByteRange;

const DONE: OffsetDateTime = datetime!(2026-03-02 00:00 UTC);

fn plan(state: &SandboxState, id: &str, range: Option<&str>) -> GlacierResult<OutputPlan> {
    plan_output(job(state, id), &arn(), range, DONE)
}

fn ranged(state: &mut SandboxState, range: &str) -> String {
    let body = archive_body(BIG, &format!(r#","RetrievalByteRange":"{range}""#));
    start(state, &body, T0).unwrap()
}

fn archive_range(plan: &OutputPlan) -> ByteRange {
    match &plan.body {
        OutputBody::Archive { range, .. } => *range,
        other => panic!("not archive output: {other:?}"),
    }
}

#[test]
fn output_is_refused_until_the_job_succeeds() {
    let mut state = state();
    let id = start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    let err = plan_output(job(&state, &id), &arn(), None, T0).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValueException");
    assert!(
        err.message
            .starts_with("The job is not currently available for download")
    );
    state
        .vaults
        .get_mut("v")
        .unwrap()
        .jobs
        .get_mut(&id)
        .unwrap()
        .failure = Some("x".into());
    let err = plan(&state, &id, None).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValueException");
}

#[test]
fn a_whole_archive_comes_with_its_checksum_and_description() {
    let mut state = state();
    let id = start(&mut state, &archive_body(BIG, ""), T0).unwrap();
    let plan = plan(&state, &id, None).unwrap();
    assert!(!plan.partial);
    assert_eq!(plan.content_length, BIG_SIZE);
    assert_eq!(plan.content_range, None);
    assert_eq!(plan.content_type, "application/octet-stream");
    assert_eq!(
        plan.archive_description.as_deref(),
        Some("file big-archive")
    );
    assert_eq!(
        plan.tree_hash,
        TreeHashHeader::Known(format!("{BIG_SIZE:064x}"))
    );
    assert_eq!(
        archive_range(&plan),
        ByteRange {
            start: 0,
            end: BIG_SIZE - 1
        }
    );
}

#[test]
fn download_ranges_are_relative_to_the_job_output() {
    let mut state = state();
    let id = ranged(&mut state, "4194304-8388607");
    let plan = plan(&state, &id, Some("bytes=1048576-2097151")).unwrap();
    assert!(plan.partial);
    assert_eq!(plan.content_length, MIB);
    assert_eq!(
        plan.content_range.as_deref(),
        Some("bytes 1048576-2097151/4194304")
    );
    assert_eq!(
        archive_range(&plan),
        ByteRange {
            start: 5 * MIB,
            end: 6 * MIB - 1
        }
    );
    // Both the job's range and chunk 5 are tree-hash aligned.
    assert_eq!(
        plan.tree_hash,
        TreeHashHeader::Compute(archive_range(&plan))
    );
}

#[test]
fn the_checksum_header_needs_both_ranges_tree_aligned() {
    let mut state = state();
    let aligned = ranged(&mut state, "4194304-8388607");
    // Chunks 4..8 as a whole are a node, 5..7 are not.
    let sub = plan(&state, &aligned, Some("bytes=1048576-3145727")).unwrap();
    assert_eq!(sub.tree_hash, TreeHashHeader::Absent);
    let odd_bytes = plan(&state, &aligned, Some("bytes=0-1000")).unwrap();
    assert_eq!(odd_bytes.tree_hash, TreeHashHeader::Absent);
    // A misaligned job gives no checksum even for an aligned download.
    let misaligned = ranged(&mut state, "1048576-3145727");
    let chunk = plan(&state, &misaligned, Some("bytes=1048576-2097151")).unwrap();
    assert_eq!(chunk.tree_hash, TreeHashHeader::Absent);
    // The whole output of an aligned job uses the job's own checksum once known.
    let mut state_with_hash = state.clone();
    let job = state_with_hash
        .vaults
        .get_mut("v")
        .unwrap()
        .jobs
        .get_mut(&aligned)
        .unwrap();
    if let crate::sandbox::model::JobKind::Archive(archive) = &mut job.kind {
        archive.range_tree_hash = Some("feed".into());
    }
    let whole = plan_output(
        &state_with_hash.vaults["v"].jobs[&aligned],
        &arn(),
        None,
        DONE,
    )
    .unwrap();
    assert_eq!(whole.tree_hash, TreeHashHeader::Known("feed".into()));
}

#[test]
fn the_clipped_last_chunk_is_tree_aligned() {
    let mut state = state();
    let id = start(&mut state, &archive_body(BIG, ""), T0).unwrap();
    let last = plan(&state, &id, Some(&format!("bytes={}-", 10 * MIB))).unwrap();
    assert_eq!(last.content_length, 1);
    assert_eq!(
        last.tree_hash,
        TreeHashHeader::Compute(ByteRange {
            start: 10 * MIB,
            end: 10 * MIB
        })
    );
}

#[test]
fn range_headers_are_read_strictly_and_a_start_past_the_end_is_400() {
    assert_eq!(
        parse_range_header("bytes=0-9", 100),
        Ok(ByteRange { start: 0, end: 9 })
    );
    assert_eq!(
        parse_range_header("bytes=90-", 100),
        Ok(ByteRange { start: 90, end: 99 })
    );
    assert_eq!(
        parse_range_header("bytes=90-500", 100),
        Ok(ByteRange { start: 90, end: 99 })
    );
    for bad in [
        "bytes=100-",
        "bytes=5-4",
        "bytes=-5",
        "items=0-1",
        "bytes=a-b",
        "0-1",
        "bytes=0-1,5-6",
    ] {
        let err = parse_range_header(bad, 100).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException", "{bad}");
    }
    assert!(parse_range_header("bytes=0-", 0).is_err());
}

#[test]
fn inventory_output_has_no_checksum_and_its_own_content_type() {
    let mut state = state();
    let json_job = start(&mut state, r#"{"Type":"inventory-retrieval"}"#, T0).unwrap();
    let csv_job = start(
        &mut state,
        r#"{"Type":"inventory-retrieval","Format":"CSV"}"#,
        T0,
    )
    .unwrap();
    let json_plan = plan(&state, &json_job, None).unwrap();
    assert_eq!(json_plan.content_type, "application/json");
    assert_eq!(json_plan.tree_hash, TreeHashHeader::Absent);
    assert_eq!(json_plan.archive_description, None);
    let csv_plan = plan(&state, &csv_job, Some("bytes=0-9")).unwrap();
    assert_eq!(csv_plan.content_type, "text/csv");
    assert_eq!(csv_plan.content_length, 10);
    let OutputBody::Inventory { output, start, end } = csv_plan.body else {
        panic!("not inventory output");
    };
    let bytes: Vec<u8> = output
        .into_chunks(start, end)
        .flat_map(|c| c.to_vec())
        .collect();
    assert_eq!(bytes, b"ArchiveId,");
}

#[test]
fn an_empty_archive_downloads_as_nothing_with_the_empty_checksum() {
    let mut state = state();
    let vault = state.vaults.get_mut("v").unwrap();
    let mut empty = vault.archives[SMALL].clone();
    empty.id = "empty".into();
    empty.size = 0;
    empty.tree_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into();
    vault.archives.insert("empty".into(), empty);
    let id = start(&mut state, &archive_body("empty", ""), T0).unwrap();
    let plan = plan(&state, &id, None).unwrap();
    assert_eq!(plan.content_length, 0);
    assert!(matches!(plan.body, OutputBody::Empty));
    assert!(matches!(plan.tree_hash, TreeHashHeader::Known(_)));
    assert_eq!(
        describe(&state, &id, DONE)["RetrievalByteRange"],
        Value::Null
    );
    assert!(super::super::plan_output(job(&state, &id), &arn(), Some("bytes=0-"), DONE).is_err());
}

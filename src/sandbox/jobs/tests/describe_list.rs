//! DescribeJob's fields and ListJobs' filters and paging.

use serde_json::json;

use super::*;
use crate::sandbox::model::JobKind;

fn set_range_hash(state: &mut SandboxState, id: &str, hash: &str) {
    let job = state.vaults.get_mut("v").unwrap().jobs.get_mut(id).unwrap();
    if let JobKind::Archive(archive) = &mut job.kind {
        archive.range_tree_hash = Some(hash.into());
    }
}

#[test]
fn a_whole_archive_job_shows_every_field_and_its_checksum_once_done() {
    let mut state = state();
    let id = start(&mut state, &archive_body(BIG, r#","Tier":"Bulk""#), T0).unwrap();
    let running = describe(&state, &id, T0);
    let hash = format!("{BIG_SIZE:064x}");
    assert_eq!(
        running,
        json!({
            "Action": "ArchiveRetrieval",
            "ArchiveId": BIG,
            "ArchiveSHA256TreeHash": hash,
            "ArchiveSizeInBytes": BIG_SIZE,
            "Completed": false,
            "CompletionDate": null,
            "CreationDate": "2026-03-01T12:00:00.000Z",
            "InventoryRetrievalParameters": null,
            "InventorySizeInBytes": null,
            "JobDescription": null,
            "JobId": id,
            "RetrievalByteRange": format!("0-{}", BIG_SIZE - 1),
            "SHA256TreeHash": null,
            "SNSTopic": null,
            "StatusCode": "InProgress",
            "StatusMessage": "Operation in progress.",
            "Tier": "Bulk",
            "VaultARN": arn(),
        })
    );
    let done = describe(&state, &id, T0 + HOUR * 9);
    assert_eq!(done["Completed"], true);
    assert_eq!(done["StatusCode"], "Succeeded");
    assert_eq!(done["StatusMessage"], "Succeeded");
    assert_eq!(done["CompletionDate"], "2026-03-01T20:00:00.000Z");
    assert_eq!(done["SHA256TreeHash"], done["ArchiveSHA256TreeHash"]);
    let keys: Vec<&String> = done.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "fields in Glacier's order");
}

#[test]
fn a_tree_aligned_range_gets_its_checksum_and_a_misaligned_one_none() {
    let mut state = state();
    let aligned = start(
        &mut state,
        &archive_body(BIG, r#","RetrievalByteRange":"2097152-4194303""#),
        T0,
    )
    .unwrap();
    let misaligned = start(
        &mut state,
        &archive_body(BIG, r#","RetrievalByteRange":"1048576-3145727""#),
        T0,
    )
    .unwrap();
    assert_eq!(
        pending_range_hash(job(&state, &aligned)).unwrap().start,
        2 * MIB
    );
    assert_eq!(pending_range_hash(job(&state, &misaligned)), None);
    set_range_hash(&mut state, &aligned, "cafe");
    let later = T0 + HOUR * 5;
    assert_eq!(
        describe(&state, &aligned, T0)["SHA256TreeHash"],
        Value::Null
    );
    assert_eq!(describe(&state, &aligned, later)["SHA256TreeHash"], "cafe");
    assert_eq!(
        describe(&state, &misaligned, later)["SHA256TreeHash"],
        Value::Null
    );
    assert_eq!(
        describe(&state, &misaligned, later)["RetrievalByteRange"],
        "1048576-3145727"
    );
}

#[test]
fn a_failed_job_is_completed_with_its_message_and_no_checksum() {
    let mut state = state();
    let id = start(&mut state, &archive_body(BIG, ""), T0).unwrap();
    state
        .vaults
        .get_mut("v")
        .unwrap()
        .jobs
        .get_mut(&id)
        .unwrap()
        .failure = Some("Retrieval failed".into());
    let body = describe(&state, &id, T0 + HOUR * 5);
    assert_eq!(body["Completed"], true);
    assert_eq!(body["StatusCode"], "Failed");
    assert_eq!(body["StatusMessage"], "Retrieval failed");
    assert_eq!(body["SHA256TreeHash"], Value::Null);
}

#[test]
fn an_inventory_job_shows_its_parameters_size_and_next_marker_once_done() {
    let mut state = state();
    let body = r#"{"Type":"inventory-retrieval","Description":"inv",
        "InventoryRetrievalParameters":{"StartDate":"2020-01-01T00:00:00Z","Limit":"1"}}"#;
    let id = start(&mut state, body, T0).unwrap();
    let running = describe(&state, &id, T0);
    assert_eq!(running["Action"], "InventoryRetrieval");
    assert_eq!(running["InventorySizeInBytes"], Value::Null);
    assert_eq!(running["ArchiveId"], Value::Null);
    assert_eq!(running["RetrievalByteRange"], Value::Null);
    assert_eq!(running["Tier"], Value::Null);
    assert_eq!(
        running["InventoryRetrievalParameters"],
        json!({"EndDate": null, "Format": "JSON", "Limit": "1", "Marker": null,
               "StartDate": "2020-01-01T00:00:00Z"})
    );
    let done = describe(&state, &id, T0 + HOUR * 4);
    let JobKind::Inventory(inventory) = &job(&state, &id).kind else {
        panic!("not an inventory job")
    };
    assert_eq!(done["InventorySizeInBytes"], inventory.output_size);
    let marker = done["InventoryRetrievalParameters"]["Marker"]
        .as_str()
        .unwrap();
    assert_eq!(decode_marker(marker).unwrap().1, BIG);
}

fn listed(state: &SandboxState, query: ListJobsQuery<'_>, at: OffsetDateTime) -> Value {
    list_jobs(&state.vaults["v"], &arn(), query, at, speedup()).unwrap()
}

fn listed_ids(body: &Value) -> Vec<String> {
    body["JobList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["JobId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_filters_by_status_and_completion() {
    let mut state = state();
    let expedited = archive_body(SMALL, r#","Tier":"Expedited""#);
    let quick = start(&mut state, &expedited, T0).unwrap();
    let slow = start(&mut state, &archive_body(SMALL, r#","Tier":"Bulk""#), T0).unwrap();
    let failing = start(&mut state, &expedited, T0).unwrap();
    state
        .vaults
        .get_mut("v")
        .unwrap()
        .jobs
        .get_mut(&failing)
        .unwrap()
        .failure = Some("x".into());
    let at = T0 + HOUR;
    let with = |statuscode, completed| ListJobsQuery {
        statuscode,
        completed,
        ..Default::default()
    };
    assert_eq!(
        listed_ids(&listed(&state, with(Some("InProgress"), None), at)),
        [slow.as_str()]
    );
    assert_eq!(
        listed_ids(&listed(&state, with(Some("Succeeded"), None), at)),
        [quick.as_str()]
    );
    assert_eq!(
        listed_ids(&listed(&state, with(Some("Failed"), None), at)),
        [failing.as_str()]
    );
    assert_eq!(
        listed_ids(&listed(&state, with(None, Some("false")), at)),
        [slow]
    );
    assert_eq!(
        listed(&state, with(None, Some("true")), at)["JobList"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        listed(&state, with(Some("Succeeded"), Some("false")), at)["JobList"],
        json!([])
    );
    assert!(
        listed(&state, ListJobsQuery::default(), T0 + HOUR * 40)["JobList"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn list_pages_oldest_first_until_the_marker_is_null() {
    let mut state = state();
    let mut started = Vec::new();
    for minute in 0..7 {
        let at = T0 + time::Duration::minutes(minute);
        started.push(start(&mut state, &archive_body(SMALL, ""), at).unwrap());
    }
    let mut marker: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let query = ListJobsQuery {
            limit: Some("3"),
            marker: marker.as_deref(),
            ..Default::default()
        };
        let page = listed(&state, query, T0 + HOUR);
        seen.extend(listed_ids(&page));
        match page["Marker"].as_str() {
            Some(next) => marker = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, started);
}

#[test]
fn bad_list_parameters_are_refused() {
    let state = state();
    let refused = |query: ListJobsQuery<'_>| {
        list_jobs(&state.vaults["v"], &arn(), query, T0, speedup())
            .unwrap_err()
            .code
    };
    let bad = [
        ListJobsQuery {
            statuscode: Some("finished"),
            ..Default::default()
        },
        ListJobsQuery {
            completed: Some("yes"),
            ..Default::default()
        },
        ListJobsQuery {
            limit: Some("0"),
            ..Default::default()
        },
        ListJobsQuery {
            limit: Some("51"),
            ..Default::default()
        },
        ListJobsQuery {
            marker: Some("unknown"),
            ..Default::default()
        },
    ];
    for query in bad {
        assert_eq!(
            refused(query),
            "InvalidParameterValueException",
            "{query:?}"
        );
    }
    let err = list_jobs(
        &state.vaults["v"],
        &arn(),
        ListJobsQuery {
            statuscode: Some("finished"),
            ..Default::default()
        },
        T0,
        speedup(),
    )
    .unwrap_err();
    assert!(
        err.message
            .starts_with("The job status code is not valid: finished")
    );
}

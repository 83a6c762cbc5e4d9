//! Vault notification configuration and completion notices.

use super::*;

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:vault-topic";
const JOB_TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:job-topic";

fn configure(state: &mut SandboxState, body: &str) -> GlacierResult<()> {
    set_notifications(state, &ctx(), "v", body.as_bytes())
}

#[test]
fn configuration_round_trips_and_is_404_when_absent() {
    let mut state = state();
    let err = get_notifications(&state, &ctx(), "v").unwrap_err();
    assert_eq!(err.code, "ResourceNotFoundException");
    configure(
        &mut state,
        &format!(r#"{{"SNSTopic":"{TOPIC}","Events":["ArchiveRetrievalCompleted"]}}"#),
    )
    .unwrap();
    let config = get_notifications(&state, &ctx(), "v").unwrap();
    assert_eq!(
        config,
        serde_json::json!({"Events":["ArchiveRetrievalCompleted"],"SNSTopic":TOPIC})
    );
    delete_notifications(&mut state, &ctx(), "v").unwrap();
    assert!(get_notifications(&state, &ctx(), "v").is_err());
    delete_notifications(&mut state, &ctx(), "v").unwrap();
}

#[test]
fn bad_configurations_are_refused() {
    let mut state = state();
    let cases = [
        ("{}", "MissingParameterValueException"),
        (
            r#"{"SNSTopic":"x","Events":["ArchiveRetrievalCompleted"]}"#,
            "InvalidParameterValueException",
        ),
        (
            &format!(r#"{{"SNSTopic":"{TOPIC}"}}"#),
            "MissingParameterValueException",
        ),
        (
            &format!(r#"{{"SNSTopic":"{TOPIC}","Events":[]}}"#),
            "InvalidParameterValueException",
        ),
        (
            &format!(r#"{{"SNSTopic":"{TOPIC}","Events":["JobDone"]}}"#),
            "InvalidParameterValueException",
        ),
        ("[", "InvalidParameterValueException"),
    ];
    for (body, code) in cases {
        assert_eq!(
            configure(&mut state, body).unwrap_err().code,
            code,
            "{body}"
        );
    }
    let err = set_notifications(&mut state, &ctx(), "nope", b"{}").unwrap_err();
    assert_eq!(err.code, "ResourceNotFoundException");
}

#[test]
fn a_completed_job_is_announced_once_to_each_topic() {
    let mut state = state();
    configure(
        &mut state,
        &format!(r#"{{"SNSTopic":"{TOPIC}","Events":["ArchiveRetrievalCompleted","InventoryRetrievalCompleted"]}}"#),
    )
    .unwrap();
    let with_topic = archive_body(SMALL, &format!(r#","SNSTopic":"{JOB_TOPIC}""#));
    let id = start(&mut state, &with_topic, T0).unwrap();
    assert!(due_notices(&mut state, &ctx(), T0, speedup()).is_empty());
    assert!(has_due_notices(&state, T0 + HOUR * 4, speedup()));
    let notices = due_notices(&mut state, &ctx(), T0 + HOUR * 4, speedup());
    let topics: Vec<&str> = notices.iter().map(|n| n.topic.as_str()).collect();
    assert_eq!(topics, [JOB_TOPIC, TOPIC]);
    let message: Value = serde_json::from_str(&notices[0].message).unwrap();
    assert_eq!(message["JobId"], id);
    assert_eq!(message["StatusCode"], "Succeeded");
    assert!(!has_due_notices(&state, T0 + HOUR * 5, speedup()));
    assert!(due_notices(&mut state, &ctx(), T0 + HOUR * 5, speedup()).is_empty());
}

#[test]
fn the_vault_topic_hears_only_the_events_it_asked_for() {
    let mut state = state();
    configure(
        &mut state,
        &format!(r#"{{"SNSTopic":"{TOPIC}","Events":["InventoryRetrievalCompleted"]}}"#),
    )
    .unwrap();
    start(&mut state, &archive_body(SMALL, ""), T0).unwrap();
    start(&mut state, r#"{"Type":"inventory-retrieval"}"#, T0).unwrap();
    let notices = due_notices(&mut state, &ctx(), T0 + HOUR * 4, speedup());
    assert_eq!(notices.len(), 1);
    let message: Value = serde_json::from_str(&notices[0].message).unwrap();
    assert_eq!(message["Action"], "InventoryRetrieval");
}

#[test]
fn the_same_topic_on_job_and_vault_is_told_once() {
    let mut state = state();
    configure(
        &mut state,
        &format!(r#"{{"SNSTopic":"{TOPIC}","Events":["ArchiveRetrievalCompleted"]}}"#),
    )
    .unwrap();
    start(
        &mut state,
        &archive_body(SMALL, &format!(r#","SNSTopic":"{TOPIC}""#)),
        T0,
    )
    .unwrap();
    assert_eq!(
        due_notices(&mut state, &ctx(), T0 + HOUR * 4, speedup()).len(),
        1
    );
}

#[test]
fn a_job_waits_for_its_range_checksum_before_it_is_announced() {
    let mut state = state();
    let body = archive_body(
        BIG,
        r#","RetrievalByteRange":"0-1048575","SNSTopic":"arn:aws:sns:us-east-1:123456789012:t""#,
    );
    let id = start(&mut state, &body, T0).unwrap();
    let at = T0 + HOUR * 4;
    assert!(!has_due_notices(&state, at, speedup()));
    assert!(due_notices(&mut state, &ctx(), at, speedup()).is_empty());
    let job = state
        .vaults
        .get_mut("v")
        .unwrap()
        .jobs
        .get_mut(&id)
        .unwrap();
    if let crate::sandbox::model::JobKind::Archive(archive) = &mut job.kind {
        archive.range_tree_hash = Some("beef".into());
    }
    let notices = due_notices(&mut state, &ctx(), at, speedup());
    let message: Value = serde_json::from_str(&notices[0].message).unwrap();
    assert_eq!(message["SHA256TreeHash"], "beef");
}

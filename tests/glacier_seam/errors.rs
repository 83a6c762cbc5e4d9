//! Failures through the seam: which are retried away, and the sentence each of the
//! rest becomes.

use aws_sdk_glacier::types::{DataRetrievalPolicy, DataRetrievalRule};
use defrost::glacier::{GlacierApi, GlacierError, RetrievalPolicy, SdkGlacier};
use serde_json::json;

use crate::common::admin::{add_fault, admin};
use crate::common::client_for;
use crate::jobs_support::{MIB, set_expedited_capacity, vault_with_one_archive};
use crate::{params, seam, start_sandbox};

#[tokio::test]
async fn one_service_unavailable_and_two_throttles_are_retried_away() {
    let sandbox = start_sandbox().await;
    vault_with_one_archive(&sandbox, MIB);
    let api = seam(&sandbox);
    let unavailable =
        json!({"kind": "service_unavailable", "operation": "DescribeVault", "count": 1});
    add_fault(&sandbox, unavailable).await;
    assert_eq!(api.describe_vault("v").await.unwrap().archive_count, 1);
    let throttles = json!({"kind": "throttling", "operation": "ListVaults", "count": 2});
    add_fault(&sandbox, throttles).await;
    assert_eq!(api.list_vaults().await.unwrap().len(), 1);
    let (_, left) = admin(&sandbox, "GET", "/_sandbox/faults", "").await;
    assert_eq!(left, json!({"faults": []}), "every fault fired");
}

#[tokio::test]
async fn a_persistent_500_gives_the_server_error_sentence() {
    let sandbox = start_sandbox().await;
    let fault = json!({"kind": "service_unavailable", "operation": "ListVaults",
        "persistent": true, "message": "the shelves are\u{1b}[2J being moved"});
    add_fault(&sandbox, fault).await;
    let err = seam(&sandbox).list_vaults().await.unwrap_err();
    let GlacierError::ServerError { status, code, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        (*status, code.as_str()),
        (500, "ServiceUnavailableException")
    );
    let text = err.to_string();
    assert!(text.contains("server error") && text.contains("try again in a few minutes"));
    assert!(text.contains("being moved"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "the server's message is made printable: {text:?}"
    );
    assert!(!err.is_bad_input());
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_says_to_wait() {
    let sandbox = start_sandbox().await;
    let fault = json!({"kind": "throttling", "operation": "ListVaults", "persistent": true});
    add_fault(&sandbox, fault).await;
    let err = seam(&sandbox).list_vaults().await.unwrap_err();
    assert!(matches!(err, GlacierError::Throttled { .. }), "{err:?}");
    assert!(err.to_string().contains("wait a minute"), "{err}");
}

#[tokio::test]
async fn a_retrieval_over_the_policy_gives_the_policy_sentence() {
    let sandbox = start_sandbox().await;
    let archive = vault_with_one_archive(&sandbox, 2 * MIB);
    let rule = DataRetrievalRule::builder()
        .strategy("BytesPerHour")
        .bytes_per_hour(MIB as i64)
        .build();
    let set = client_for(&sandbox)
        .set_data_retrieval_policy()
        .account_id("-");
    set.policy(DataRetrievalPolicy::builder().rules(rule).build())
        .send()
        .await
        .unwrap();
    let api = seam(&sandbox);
    assert_eq!(
        api.get_data_retrieval_policy().await.unwrap(),
        RetrievalPolicy::BytesPerHour(MIB)
    );
    let standard = params(&format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{archive}","Tier":"Standard"}}"#
    ));
    let err = api.initiate_job("v", &standard).await.unwrap_err();
    assert!(
        matches!(err, GlacierError::PolicyEnforced { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("data retrieval policy"), "{text}");
    assert!(text.contains("Bulk tier"), "{text}");
}

#[tokio::test]
async fn the_default_policy_is_no_limit() {
    let sandbox = start_sandbox().await;
    let policy = seam(&sandbox).get_data_retrieval_policy().await.unwrap();
    assert_eq!(policy, RetrievalPolicy::None);
}

#[tokio::test]
async fn expedited_without_capacity_suggests_standard_or_provisioned_capacity() {
    let sandbox = start_sandbox().await;
    let archive = vault_with_one_archive(&sandbox, MIB);
    set_expedited_capacity(&sandbox, false);
    let expedited = params(&format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{archive}","Tier":"Expedited"}}"#
    ));
    let err = seam(&sandbox)
        .initiate_job("v", &expedited)
        .await
        .unwrap_err();
    assert!(
        matches!(err, GlacierError::InsufficientCapacity { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("Standard tier") && text.contains("provisioned capacity"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unknown_archive_is_named() {
    let sandbox = start_sandbox().await;
    vault_with_one_archive(&sandbox, MIB);
    let missing = "A".repeat(138);
    let job = params(&format!(
        r#"{{"Type":"archive-retrieval","ArchiveId":"{missing}"}}"#
    ));
    let err = seam(&sandbox).initiate_job("v", &job).await.unwrap_err();
    assert!(
        matches!(err, GlacierError::UnknownArchive { .. }),
        "{err:?}"
    );
    assert!(err.is_bad_input());
}

#[tokio::test]
async fn a_closed_port_gives_the_network_sentence_naming_the_endpoint() {
    // Bind and release a port, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let err = SdkGlacier::for_endpoint(&endpoint, "us-east-1")
        .list_vaults()
        .await
        .unwrap_err();
    assert!(matches!(err, GlacierError::Network { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("cannot reach Glacier at {endpoint}")),
        "{text}"
    );
    assert!(!err.is_bad_input());
}

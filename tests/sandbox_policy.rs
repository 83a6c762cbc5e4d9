//! The data retrieval policy and provisioned capacity against the sandbox with the
//! real SDK client.

mod common;
mod jobs_support;

use aws_sdk_glacier::Client;
use aws_sdk_glacier::types::{DataRetrievalPolicy, DataRetrievalRule};
use common::{client_for, error_code, start_sandbox};
use jobs_support::{
    MIB, Spec, archive_job, list_jobs, refusal, seed_vault, set_expedited_capacity, start_job,
    vault_with_one_archive, wait_for,
};

fn rule(strategy: &str, bytes_per_hour: Option<i64>) -> DataRetrievalPolicy {
    let rule = DataRetrievalRule::builder()
        .strategy(strategy)
        .set_bytes_per_hour(bytes_per_hour)
        .build();
    DataRetrievalPolicy::builder().rules(rule).build()
}

async fn set_policy(client: &Client, policy: DataRetrievalPolicy) -> Option<String> {
    let request = client
        .set_data_retrieval_policy()
        .account_id("-")
        .policy(policy);
    request.send().await.err().and_then(|err| error_code(&err))
}

#[tokio::test]
async fn the_policy_round_trips() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let initial = client
        .get_data_retrieval_policy()
        .account_id("-")
        .send()
        .await
        .unwrap();
    assert_eq!(
        initial.policy().unwrap().rules()[0].strategy(),
        Some("None")
    );
    assert_eq!(
        set_policy(&client, rule("BytesPerHour", Some(10 << 30))).await,
        None
    );
    let set = client
        .get_data_retrieval_policy()
        .account_id("-")
        .send()
        .await
        .unwrap();
    let stored = &set.policy().unwrap().rules()[0];
    assert_eq!(stored.strategy(), Some("BytesPerHour"));
    assert_eq!(stored.bytes_per_hour(), Some(10 << 30));
    assert_eq!(set_policy(&client, rule("FreeTier", None)).await, None);
    let free = client
        .get_data_retrieval_policy()
        .account_id("-")
        .send()
        .await
        .unwrap();
    let stored = &free.policy().unwrap().rules()[0];
    assert_eq!(
        (stored.strategy(), stored.bytes_per_hour()),
        (Some("FreeTier"), None)
    );
}

#[tokio::test]
async fn malformed_policies_are_refused() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    for (policy, code) in [
        (rule("BytesPerHour", None), "MissingParameterValueException"),
        (rule("FreeTier", Some(5)), "InvalidParameterValueException"),
        (rule("Unlimited", None), "InvalidParameterValueException"),
        (
            rule("BytesPerHour", Some(0)),
            "InvalidParameterValueException",
        ),
    ] {
        assert_eq!(set_policy(&client, policy).await.as_deref(), Some(code));
    }
}

#[tokio::test]
async fn standard_jobs_over_the_hourly_budget_are_refused() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let id = seed_vault(
        &sandbox,
        "v",
        &[Spec {
            size: 2 * MIB,
            description: "x",
        }],
    )
    .remove(0)
    .id;
    set_policy(&client, rule("BytesPerHour", Some(3 * MIB as i64))).await;
    start_job(&client, "v", archive_job(&id).build()).await;
    let (code, message) = refusal(&client, "v", archive_job(&id).build()).await;
    assert_eq!(code, "PolicyEnforcedException");
    assert!(message.contains("data retrieval policy"), "{message}");
    // One more MiB fits, as the refused job was not counted; Bulk is not governed.
    let one_mib = archive_job(&id).retrieval_byte_range("0-1048575");
    start_job(&client, "v", one_mib.build()).await;
    start_job(&client, "v", archive_job(&id).tier("Bulk").build()).await;
    let listed = list_jobs(&client, "v").send().await.unwrap();
    assert_eq!(listed.job_list().len(), 3);
    set_policy(&client, rule("None", None)).await;
    start_job(&client, "v", archive_job(&id).build()).await;
}

#[tokio::test]
async fn expedited_jobs_need_capacity_which_can_be_bought() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let id = vault_with_one_archive(&sandbox, 10);
    set_expedited_capacity(&sandbox, false);
    let expedited = || archive_job(&id).tier("Expedited").build();
    let (code, _) = refusal(&client, "v", expedited()).await;
    assert_eq!(code, "InsufficientCapacityException");
    start_job(&client, "v", archive_job(&id).tier("Bulk").build()).await;

    let empty = client
        .list_provisioned_capacity()
        .account_id("-")
        .send()
        .await
        .unwrap();
    assert!(empty.provisioned_capacity_list().is_empty());
    let bought = client
        .purchase_provisioned_capacity()
        .account_id("-")
        .send()
        .await
        .unwrap();
    let capacity_id = bought.capacity_id().unwrap();
    assert_eq!(capacity_id.len(), 24);
    let listed = client
        .list_provisioned_capacity()
        .account_id("-")
        .send()
        .await
        .unwrap();
    let unit = &listed.provisioned_capacity_list()[0];
    assert_eq!(unit.capacity_id(), Some(capacity_id));
    assert!(unit.start_date().unwrap() < unit.expiration_date().unwrap());
    assert!(unit.expiration_date().unwrap().ends_with(".000Z"));

    let job_id = start_job(&client, "v", expedited()).await;
    wait_for(&client, "v", &job_id).await;
}

#[tokio::test]
async fn an_account_holds_at_most_two_capacity_units() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    for _ in 0..2 {
        client
            .purchase_provisioned_capacity()
            .account_id("-")
            .send()
            .await
            .unwrap();
    }
    let third = client
        .purchase_provisioned_capacity()
        .account_id("-")
        .send()
        .await;
    let code = third.err().and_then(|err| error_code(&err));
    assert_eq!(code.as_deref(), Some("LimitExceededException"));
    let other = client
        .purchase_provisioned_capacity()
        .account_id("999999999999")
        .send()
        .await;
    let code = other.err().and_then(|err| error_code(&err));
    assert_eq!(code.as_deref(), Some("AccessDeniedException"));
}

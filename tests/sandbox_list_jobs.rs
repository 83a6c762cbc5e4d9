//! ListJobs and the output window against the sandbox with the real SDK client.

mod common;
mod jobs_support;

use aws_sdk_glacier::types::StatusCode;
use common::{client_for, error_code, start_sandbox};
use jobs_support::{
    Spec, archive_job, job_ids, list_jobs, seed_vault, start_job, vault_with_one_archive, wait_for,
};

#[tokio::test]
async fn list_jobs_filters_by_status_and_completion() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let id = vault_with_one_archive(&sandbox, 10);
    let quick = start_job(&client, "v", archive_job(&id).tier("Expedited").build()).await;
    wait_for(&client, "v", &quick).await;
    let slow = start_job(&client, "v", archive_job(&id).tier("Bulk").build()).await;

    let running = list_jobs(&client, "v")
        .statuscode("InProgress")
        .send()
        .await
        .unwrap();
    assert_eq!(job_ids(&running), [slow.as_str()]);
    let succeeded = list_jobs(&client, "v")
        .statuscode("Succeeded")
        .send()
        .await
        .unwrap();
    assert_eq!(job_ids(&succeeded), [quick.as_str()]);
    assert_eq!(
        succeeded.job_list()[0].status_code(),
        Some(&StatusCode::Succeeded)
    );
    let failed = list_jobs(&client, "v")
        .statuscode("Failed")
        .send()
        .await
        .unwrap();
    assert!(failed.job_list().is_empty());
    let completed = list_jobs(&client, "v")
        .completed("true")
        .send()
        .await
        .unwrap();
    assert_eq!(job_ids(&completed), [quick.as_str()]);
    let pending = list_jobs(&client, "v")
        .completed("false")
        .send()
        .await
        .unwrap();
    assert_eq!(job_ids(&pending), [slow.as_str()]);
    let all = list_jobs(&client, "v").send().await.unwrap();
    assert_eq!(job_ids(&all), [quick, slow]);
    assert_eq!(all.marker(), None);
}

#[tokio::test]
async fn list_jobs_pages_with_the_paginator() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let id = vault_with_one_archive(&sandbox, 10);
    let mut started = Vec::new();
    for _ in 0..7 {
        started.push(start_job(&client, "v", archive_job(&id).tier("Bulk").build()).await);
    }
    let first = list_jobs(&client, "v").limit(3).send().await.unwrap();
    assert_eq!(first.job_list().len(), 3);
    assert!(first.marker().is_some());
    let mut pages = list_jobs(&client, "v").limit(3).into_paginator().send();
    let mut seen = Vec::new();
    let mut page_count = 0;
    while let Some(page) = pages.next().await {
        page_count += 1;
        seen.extend(job_ids(&page.unwrap()));
    }
    assert_eq!(page_count, 3);
    assert_eq!(seen, started);
}

#[tokio::test]
async fn bad_list_parameters_are_refused() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    seed_vault(
        &sandbox,
        "v",
        &[Spec {
            size: 10,
            description: "x",
        }],
    );
    let requests = [
        list_jobs(&client, "v").statuscode("finished"),
        list_jobs(&client, "v").completed("maybe"),
        list_jobs(&client, "v").limit(51),
        list_jobs(&client, "v").marker("no-such-job"),
    ];
    for request in requests {
        let err = request.send().await.unwrap_err();
        assert_eq!(
            error_code(&err).as_deref(),
            Some("InvalidParameterValueException")
        );
    }
    let err = list_jobs(&client, "nope").send().await.unwrap_err();
    assert_eq!(
        error_code(&err).as_deref(),
        Some("ResourceNotFoundException")
    );
}

#[tokio::test]
async fn jobs_drop_out_when_their_output_window_closes() {
    let sandbox = start_sandbox().await;
    let client = client_for(&sandbox);
    let id = vault_with_one_archive(&sandbox, 10);
    let job_id = start_job(&client, "v", archive_job(&id).tier("Expedited").build()).await;
    wait_for(&client, "v", &job_id).await;
    // The 24-hour window lasts 0.864 s at the test speedup.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let listed = list_jobs(&client, "v").send().await.unwrap();
    assert!(listed.job_list().is_empty());
    let request = client
        .describe_job()
        .account_id("-")
        .vault_name("v")
        .job_id(&job_id);
    let gone = request.send().await.unwrap_err();
    assert_eq!(
        error_code(&gone).as_deref(),
        Some("ResourceNotFoundException")
    );
}

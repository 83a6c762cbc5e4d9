//! A job output whose body stops arriving: the download gives a request up once
//! no byte has come for the stall timeout, asks again, and when every try
//! stalls says that the connection stalled and for how long, rather than that
//! the bytes failed verification.

mod common;
mod jobs_support;

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use common::admin::{add_fault, admin};
use defrost::domain::job::ObservedStatus;
use defrost::domain::job_params::{JobRequest, validate};
use defrost::glacier::download::{Destination, DownloadError, DownloadRequest, download};
use defrost::glacier::{GlacierApi, JobInfo, SdkGlacier};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};
use jobs_support::{MIB, add_stored_archive, seed_vault};

const STALL: Duration = Duration::from_millis(400);

struct Stalling {
    sandbox: RunningSandbox,
    api: SdkGlacier,
    data: Vec<u8>,
    job: JobInfo,
    dir: tempfile::TempDir,
}

impl Stalling {
    /// A finished retrieval of a 3 MiB archive, and a client that gives a body
    /// up after [`STALL`] without a byte.
    async fn new() -> Self {
        // Slow enough that the output window (about 9 s) outlasts the downloads.
        let sandbox = common::start_sandbox_with(SandboxOptions {
            speedup: Speedup::new(10_000.0).unwrap(),
            ..Default::default()
        })
        .await;
        seed_vault(&sandbox, "v", &[]);
        let data = common::sample(3 * MIB as usize + 17);
        let archive_id = add_stored_archive(&sandbox, "v", &data).id;
        let api = SdkGlacier::for_endpoint(&sandbox.endpoint_url(), "us-east-1")
            .with_stall_timeout(STALL);
        let json = format!(
            r#"{{"Type":"archive-retrieval","ArchiveId":"{archive_id}","Tier":"Expedited"}}"#
        );
        let params = validate(
            &JobRequest::from_json(&json).unwrap(),
            Some(data.len() as u64),
        )
        .unwrap();
        let started = api.initiate_job("v", &params).await.unwrap();
        let job = loop {
            let job = api.describe_job("v", &started.job_id).await.unwrap();
            if job.status != ObservedStatus::InProgress {
                break job;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        Self {
            sandbox,
            api,
            data,
            job,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn request(&self, dest: &Path) -> DownloadRequest {
        DownloadRequest {
            vault: "v".into(),
            job_id: self.job.job_id.clone(),
            output_length: self.data.len() as u64,
            expected_tree_hash: self.job.sha256_tree_hash,
            archive_offset: 0,
            destination: Destination::at(dest).unwrap(),
            chunk_size: MIB,
            parallel: 1,
            overwrite: false,
            keep_part: false,
        }
    }
}

#[tokio::test]
async fn a_body_that_stalls_every_time_is_reported_as_a_stall_with_its_timeout() {
    let fx = Stalling::new().await;
    let fault =
        json!({"kind": "stall_output", "vault": "v", "after_bytes": 1000, "persistent": true});
    add_fault(&fx.sandbox, fault).await;
    let dest = fx.dir.path().join("stalled.bin");
    let started = std::time::Instant::now();
    let err = download(&fx.api, &fx.request(&dest), |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(err, DownloadError::Stalled { times: 3, after, .. } if after == STALL),
        "{err:?}"
    );
    // Three tries, each given up after the timeout, not after the SDK's own.
    assert!(started.elapsed() >= 3 * STALL, "{:?}", started.elapsed());
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let message = err.to_string();
    assert!(
        message.contains("the connection stalled: no bytes for 400 ms, 3 times"),
        "{message}"
    );
    assert!(message.contains("try again later"), "{message}");
    assert!(
        message.contains(&format!("bytes 0-{}", MIB - 1)),
        "{message}"
    );
    assert!(!message.contains("verification"), "{message}");
    assert!(!dest.exists());

    // Once the connection behaves, the same download finishes.
    admin(&fx.sandbox, "DELETE", "/_sandbox/faults", "").await;
    let outcome = download(&fx.api, &fx.request(&dest), |_| {}).await.unwrap();
    assert_eq!(Some(outcome.tree_hash), fx.job.sha256_tree_hash);
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}

#[tokio::test]
async fn a_body_that_stalls_once_is_asked_for_again() {
    let fx = Stalling::new().await;
    add_fault(
        &fx.sandbox,
        json!({"kind": "stall_output", "vault": "v", "after_bytes": 0}),
    )
    .await;
    let dest = fx.dir.path().join("retried.bin");
    let outcome = download(&fx.api, &fx.request(&dest), |_| {}).await.unwrap();
    assert_eq!(outcome.retried_chunks, 1, "{outcome:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), fx.data);
}

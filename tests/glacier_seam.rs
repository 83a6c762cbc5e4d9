//! The Glacier seam end to end: `SdkGlacier` against the sandbox, through the
//! `GlacierApi` trait, as the rest of defrost uses it.

mod common;
mod jobs_support;

#[path = "glacier_seam/errors.rs"]
mod errors;
#[path = "glacier_seam/jobs.rs"]
mod jobs;
#[path = "glacier_seam/vaults.rs"]
mod vaults;

use std::time::Duration;

use defrost::domain::job::ObservedStatus;
use defrost::domain::job_params::{JobParams, JobRequest, validate};
use defrost::glacier::{GlacierApi, JobInfo, JobOutput, SdkGlacier};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};
use futures_util::TryStreamExt;

/// Slow enough that the output window (about 9 s) outlasts a few downloads, fast
/// enough that a Standard job takes about 1.5 s.
pub async fn start_sandbox() -> RunningSandbox {
    common::start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(10_000.0).unwrap(),
        ..Default::default()
    })
    .await
}

pub fn seam(sandbox: &RunningSandbox) -> SdkGlacier {
    SdkGlacier::for_endpoint(&sandbox.endpoint_url(), "us-east-1")
}

/// Job parameters as a user would write them, checked as defrost checks them.
pub fn params(json: &str) -> JobParams {
    validate(&JobRequest::from_json(json).unwrap(), None).unwrap()
}

/// Polls DescribeJob until the job has finished; bounded, so a job that never
/// finishes fails the test instead of hanging it.
pub async fn wait_for(api: &impl GlacierApi, vault: &str, job_id: &str) -> JobInfo {
    for _ in 0..3000 {
        let job = api.describe_job(vault, job_id).await.unwrap();
        if job.status != ObservedStatus::InProgress {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {job_id} did not finish");
}

/// The whole body of a job output.
pub async fn body_of(output: JobOutput) -> Vec<u8> {
    let chunks: Vec<bytes::Bytes> = output.body.try_collect().await.unwrap();
    chunks.concat()
}

//! Shared set-up for end-to-end tests: a sandbox on an OS-assigned loopback port
//! and a real aws-sdk-glacier client pointed at it.
#![allow(dead_code)]

pub mod admin;

use aws_sdk_glacier::{
    Client,
    config::{BehaviorVersion, Credentials, Region},
};
use defrost::sandbox::{self, RunningSandbox, SandboxOptions, Speedup};

/// Fast enough that a 4-hour Standard job finishes in about 0.15 s.
pub const TEST_SPEEDUP: f64 = 100_000.0;

pub async fn start_sandbox() -> RunningSandbox {
    start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(TEST_SPEEDUP).unwrap(),
        ..Default::default()
    })
    .await
}

pub async fn start_sandbox_with(options: SandboxOptions) -> RunningSandbox {
    sandbox::start(options).await.expect("sandbox starts")
}

/// A client as a user would configure one, with retries off so errors surface.
pub fn client_for(sandbox: &RunningSandbox) -> Client {
    let config = aws_sdk_glacier::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(sandbox.endpoint_url())
        .retry_config(aws_sdk_glacier::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// The service error code of a failed SDK call.
pub fn error_code<E, R>(err: &aws_sdk_glacier::error::SdkError<E, R>) -> Option<String>
where
    E: aws_sdk_glacier::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .map(str::to_owned)
}

/// The tree hash of `data` as lowercase hex.
pub fn tree_hash(data: &[u8]) -> String {
    let mut hasher = defrost::domain::treehash::TreeHasher::new();
    hasher.update(data);
    hasher.finish().to_string()
}

/// Bytes that differ from MiB to MiB, so a misplaced chunk changes the hash.
pub fn sample(len: usize) -> Vec<u8> {
    const MIB: usize = 1 << 20;
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i / MIB) as u8)
        .collect()
}

/// A sandbox with its S3 endpoint on a port of its own, both on loopback.
pub async fn start_sandbox_with_s3(mut options: SandboxOptions) -> RunningSandbox {
    options.s3_addr = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    start_sandbox_with(options).await
}

/// The S3 endpoint's URL of a sandbox started with one.
pub fn s3_url(sandbox: &RunningSandbox) -> String {
    sandbox
        .s3_endpoint_url()
        .expect("the sandbox was started with its S3 endpoint")
}

//! A sandbox that keeps serving while the `defrost` binary talks to it, and the
//! binary set up so that nothing on this machine (profiles, SSO, a region)
//! changes what it does.
#![allow(dead_code)]

use assert_cmd::Command;
use defrost::sandbox::RunningSandbox;
use tempfile::TempDir;

use crate::common;

/// A sandbox serving on its own threads for as long as this lives, so the
/// binary can talk to it while the test waits.
pub struct Live {
    pub sandbox: RunningSandbox,
    pub _runtime: tokio::runtime::Runtime,
}

pub fn live_sandbox() -> Live {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(common::start_sandbox());
    Live {
        sandbox,
        _runtime: runtime,
    }
}

/// `defrost` with test credentials and empty AWS config files, so nothing on
/// this machine (profiles, SSO, a region) changes what it does.
pub fn defrost(aws_home: &TempDir, endpoint: &str) -> Command {
    Command::from_std(defrost_process(aws_home, endpoint))
}

/// The same as [`defrost`], as a plain process to spawn, signal and wait for.
pub fn defrost_process(aws_home: &TempDir, endpoint: &str) -> std::process::Command {
    let config = aws_home.path().join("config");
    let credentials = aws_home.path().join("credentials");
    std::fs::write(&config, "").unwrap();
    std::fs::write(&credentials, "").unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_defrost"));
    for name in [
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_GLACIER",
    ] {
        command.env_remove(name);
    }
    command
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--region", "us-east-1", "--endpoint-url", endpoint]);
    command
}

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
    live_sandbox_with(common::TEST_SPEEDUP)
}

/// A live sandbox at another speedup: a slower one keeps job output downloadable
/// for longer (24 hours divided by the speedup) while several commands run.
pub fn live_sandbox_with(speedup: f64) -> Live {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(common::start_sandbox_with(
        defrost::sandbox::SandboxOptions {
            speedup: defrost::sandbox::Speedup::new(speedup).unwrap(),
            ..Default::default()
        },
    ));
    Live {
        sandbox,
        _runtime: runtime,
    }
}

/// A live sandbox running at `speedup` that also serves its S3 endpoint.
pub fn live_sandbox_with_s3(speedup: u32) -> Live {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(common::start_sandbox_with_s3(
        defrost::sandbox::SandboxOptions {
            speedup: defrost::sandbox::Speedup::new(f64::from(speedup)).unwrap(),
            ..Default::default()
        },
    ));
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

/// The speedup of [`polled_sandbox`]: an inventory or Standard job takes about
/// 1.4 s and its output stays for about 8.6 s, so the binary's polling schedule
/// (never more often than once a second) sees jobs finish and can still fetch
/// their output. Pass it to the binary as `--sandbox-speedup`.
pub const POLLED_SPEEDUP: u32 = 10_000;

/// Slow enough that job output stays downloadable for 14 minutes (24 hours / 100);
/// tests that need a finished job make it finish at once with
/// `jobs_support::finish_now` instead of waiting.
pub const SLOW_SPEEDUP: u32 = 100;

/// A live sandbox whose job output windows outlast any test.
pub fn slow_sandbox() -> Live {
    live_sandbox_at(SLOW_SPEEDUP)
}

/// A live sandbox running at `speedup`.
pub fn live_sandbox_at(speedup: u32) -> Live {
    live_sandbox_with(f64::from(speedup))
}

/// A live sandbox whose jobs the binary follows at [`POLLED_SPEEDUP`].
pub fn polled_sandbox() -> Live {
    live_sandbox_at(POLLED_SPEEDUP)
}

/// `defrost` against `live` with its own data directory, polling at the
/// sandbox's pace.
pub fn polled_defrost(live: &Live, aws_home: &TempDir, data: &TempDir) -> Command {
    let mut command = defrost(aws_home, &live.sandbox.endpoint_url());
    command
        .arg("--data-dir")
        .arg(data.path())
        .args(["--sandbox-speedup", &POLLED_SPEEDUP.to_string()]);
    command
}

//! Other Glacier clients against the sandbox: boto3 and the aws CLI, driven by the
//! scripts in tests/compat/ with the Python environment that ./tests/run installs.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup};
use serde_json::Value;
use time::OffsetDateTime;

use common::start_sandbox_with;

/// The steps of tests/compat/ that each client runs against the sandbox, in order.
const STEPS: &[&str] = &[
    "create_vault",
    "list_vaults",
    "describe_vault",
    "upload_archive",
    "initiate_job",
    "describe_job",
    "get_job_output",
];

/// Slower than the other tests' speedup: each aws CLI call starts a Python process
/// (about 0.4 s), and a job's output must stay downloadable (24 h / speedup = 8.6 s)
/// across a few of them. A Standard job then takes 1.4 s.
const COMPAT_SPEEDUP: f64 = 10_000.0;

/// How long one client script may take, retries included.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("DEFROST_TEST_VENV").unwrap_or_else(|| {
        panic!(
            "DEFROST_TEST_VENV is not set; run ./tests/run, which installs boto3 and the aws CLI \
             into target/test-venv and points DEFROST_TEST_VENV at it"
        )
    });
    let python = Path::new(&venv).join("bin").join("python");
    assert!(
        python.is_file(),
        "{} does not exist; remove {} and run ./tests/run again",
        python.display(),
        Path::new(&venv).display()
    );
    python
}

/// Runs a client script against the sandbox and returns its step reports.
async fn run_client(script: &str, sandbox: &RunningSandbox, vault: &str) -> Vec<Value> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Clients see test credentials and nothing of the developer's AWS set-up.
    let isolated = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(venv_python());
    command
        .arg(manifest.join("tests/compat").join(script))
        .arg(sandbox.endpoint_url())
        .args(["--vault", vault, "--steps", &STEPS.join(",")])
        .env("AWS_CONFIG_FILE", isolated.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            isolated.path().join("credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_RETRY_MODE", "standard")
        .env("AWS_MAX_ATTEMPTS", "3")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_GLACIER")
        .kill_on_drop(true);
    let output = tokio::time::timeout(SCRIPT_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| panic!("{script} took longer than {SCRIPT_TIMEOUT:?}"))
        .unwrap_or_else(|err| panic!("cannot run {script}: {err}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{err}: {line}")))
        .collect()
}

/// Faults each client must retry through: both error replies are retryable to
/// boto3 and the CLI only if their status, code and body are shaped as Glacier's.
async fn install_retryable_faults(sandbox: &RunningSandbox) {
    let faults = [
        r#"{"kind": "throttling", "operation": "ListVaults"}"#,
        r#"{"kind": "service_unavailable", "operation": "DescribeVault"}"#,
    ];
    let specs = faults.map(|text| serde_json::from_str(text).unwrap());
    sandbox.shared.faults.install(specs).unwrap();
}

async fn check_client(script: &str, vault: &str) {
    let sandbox = start_sandbox_with(SandboxOptions {
        speedup: Speedup::new(COMPAT_SPEEDUP).unwrap(),
        ..Default::default()
    })
    .await;
    install_retryable_faults(&sandbox).await;
    let reports = run_client(script, &sandbox, vault).await;

    let steps: Vec<&str> = reports.iter().filter_map(|r| r["step"].as_str()).collect();
    assert_eq!(steps, STEPS, "{reports:?}");
    assert!(reports.iter().all(|r| r["ok"] == true), "{reports:?}");
    let described = reports
        .iter()
        .find(|r| r["step"] == "describe_vault")
        .unwrap();
    assert_eq!(
        described["vault_arn"],
        sandbox.shared.ctx.vault_arn(vault).as_str()
    );
    let report = |step: &str| reports.iter().find(|r| r["step"] == step);
    if let (Some(upload), Some(output)) = (report("upload_archive"), report("get_job_output")) {
        // A whole-archive job's output carries the archive's tree hash (GLACIER.md).
        assert_eq!(output["checksum"], upload["checksum"], "{reports:?}");
    }
    let created = sandbox
        .shared
        .lock(OffsetDateTime::now_utc())
        .vaults
        .contains_key(vault);
    assert!(created, "the client created {vault}");
    let left = sandbox.shared.faults.lock().list();
    assert!(left.is_empty(), "the client met every fault: {left:?}");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
#[ignore = "needs the Python tools that ./tests/run installs"]
async fn boto3_drives_the_sandbox() {
    check_client("glacier_boto3.py", "compat-boto3").await;
}

#[tokio::test]
#[ignore = "needs the Python tools that ./tests/run installs"]
async fn the_aws_cli_drives_the_sandbox() {
    check_client("glacier_aws_cli.py", "compat-cli").await;
}

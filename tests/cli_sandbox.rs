//! `defrost sandbox` as a user runs it: bad input is one line with exit code 2,
//! and a running sandbox serves requests and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn defrost() -> Command {
    Command::cargo_bin("defrost").unwrap()
}

fn assert_one_line_error(output: &std::process::Output) -> String {
    assert_eq!(output.status.code(), Some(2), "exit code");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("defrost: "), "{stderr}");
    stderr
}

/// Starts the sandbox with a seed file holding `text`, which it must refuse;
/// returns the one error line.
fn refused_seed(file_name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(file_name);
    std::fs::write(&file, text).unwrap();
    let output = defrost()
        .args(["sandbox", "--addr", "127.0.0.1:0", "--seed"])
        .arg(&file)
        .output()
        .unwrap();
    assert_one_line_error(&output)
}

#[test]
fn a_seed_that_does_not_parse_names_file_and_line() {
    let line = refused_seed(
        "bad.toml",
        "[[vaults]]\nname = \"v\"\n\n[[vaults.archives]]\nsize = \"lots\"\n",
    );
    assert!(
        line.contains("bad.toml") && line.contains("line 5"),
        "{line}"
    );
}

#[test]
fn a_seed_with_a_bad_vault_name_names_file_and_line() {
    let line = refused_seed(
        "names.toml",
        "[[vaults]]\nname = \"fine\"\n\n[[vaults]]\nname = \"not fine\"\n",
    );
    assert!(
        line.contains("names.toml") && line.contains("line 4") && line.contains("not fine"),
        "{line}"
    );
}

#[test]
fn a_missing_seed_file_is_bad_input() {
    let output = defrost()
        .args(["sandbox", "--seed", "no/such/seed.toml"])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(line.contains("no/such/seed.toml"), "{line}");
}

#[test]
fn remote_addresses_need_allow_remote() {
    let output = defrost()
        .args(["sandbox", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(line.contains("--allow-remote"), "{line}");
}

#[test]
fn a_speedup_below_one_is_bad_input() {
    for speedup in ["0", "0.5", "-3", "NaN"] {
        let output = defrost()
            .args(["sandbox", "--addr", "127.0.0.1:0"])
            .arg(format!("--speedup={speedup}"))
            .output()
            .unwrap();
        let line = assert_one_line_error(&output);
        assert!(line.contains("--speedup"), "{line}");
    }
}

/// Kills the child if the test fails before it stops by itself.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_running_sandbox_serves_and_stops_cleanly_on_sigterm() {
    let binary = assert_cmd::cargo::cargo_bin("defrost");
    let child = std::process::Command::new(binary)
        .args([
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--seed",
            "assets/demo-seed.toml",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let mut stdout = BufReader::new(running.0.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    let url = first_line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| {
            let mut stderr = String::new();
            let _ = std::io::Read::read_to_string(running.0.stderr.as_mut().unwrap(), &mut stderr);
            panic!("no URL in {first_line:?}; stderr: {stderr}")
        })
        .to_owned();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let names = runtime.block_on(async {
        let config = aws_sdk_glacier::Config::builder()
            .behavior_version(aws_sdk_glacier::config::BehaviorVersion::latest())
            .region(aws_sdk_glacier::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_glacier::config::Credentials::new(
                "test", "test", None, None, "tests",
            ))
            .endpoint_url(&url)
            .build();
        let client = aws_sdk_glacier::Client::from_conf(config);
        let listed = client.list_vaults().account_id("-").send().await.unwrap();
        listed
            .vault_list()
            .iter()
            .filter_map(|v| v.vault_name().map(str::to_owned))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        names,
        [
            "company-backups",
            "family-photos",
            "new-and-empty",
            "office-archive"
        ]
    );

    let pid = running.0.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the sandbox did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0), "clean shutdown");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert!(rest.contains("stopping"), "{rest}");
}

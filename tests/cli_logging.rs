//! The log of a command: nothing unless asked; `-v`, `-vv` and `RUST_LOG` on
//! standard error, in plain text when it is not a terminal; `--log-file` in a
//! file instead; an unusable log file or `RUST_LOG` refused in one line.

mod one_line_error;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use one_line_error::assert_one_line_error;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inventory")
        .join(name)
}

/// `defrost inventory import` of a small fixture into `data`, with `extra`
/// options before the command and `RUST_LOG` as given.
fn import(data: &Path, extra: &[&str], rust_log: Option<&str>) -> Output {
    let mut command = Command::cargo_bin("defrost").unwrap();
    command.env_remove("RUST_LOG").env_remove("NO_COLOR");
    if let Some(directives) = rust_log {
        command.env("RUST_LOG", directives);
    }
    let inventory = fixture("generated-40.json");
    command
        .arg("--data-dir")
        .arg(data)
        .args(extra)
        .args(["inventory", "import"])
        .arg(inventory)
        .args(["--vault", "photos"]);
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn without_v_a_command_logs_nothing() {
    let data = tempfile::tempdir().unwrap();
    let output = import(data.path(), &[], None);
    assert_eq!(stderr(&output), "");
}

#[test]
fn v_logs_to_stderr_and_each_v_one_level_more() {
    let data = tempfile::tempdir().unwrap();
    let started = format!(
        "INFO defrost::commands::logging: defrost {} started",
        env!("CARGO_PKG_VERSION")
    );

    let info = stderr(&import(data.path(), &["-v"], None));
    assert!(info.contains(&started), "{info}");
    assert!(!info.contains("DEBUG"), "{info}");

    let other = tempfile::tempdir().unwrap();
    let debug = stderr(&import(other.path(), &["-vv"], None));
    assert!(debug.contains(&started), "{debug}");
    assert!(
        debug.contains("DEBUG defrost::store::import: import: file complete"),
        "{debug}"
    );
    // Not a terminal: no colour, no escape sequence at all.
    assert!(!debug.contains('\u{1b}'), "{debug:?}");
}

#[test]
fn rust_log_logs_without_v_and_chooses_the_level() {
    let data = tempfile::tempdir().unwrap();
    let log = stderr(&import(data.path(), &[], Some("defrost::store=debug")));
    assert!(
        log.contains("DEBUG defrost::store::import: import: file complete"),
        "{log}"
    );
    assert!(
        !log.contains(" started"),
        "only defrost::store was asked for: {log}"
    );
}

#[test]
fn log_file_takes_the_log_and_leaves_stderr_alone() {
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("import.log");
    let output = import(
        data.path(),
        &["-vv", "--log-file", log.to_str().unwrap()],
        None,
    );
    assert_eq!(stderr(&output), "");
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(written.contains("import: file complete"), "{written}");
    assert!(!written.contains('\u{1b}'), "{written:?}");
}

fn refused(args: &[&str], rust_log: Option<&str>, mentions: &[&str]) {
    let mut command = Command::cargo_bin("defrost").unwrap();
    command.env_remove("RUST_LOG");
    if let Some(directives) = rust_log {
        command.env("RUST_LOG", directives);
    }
    let output = command.args(args).output().unwrap();
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_one_line_error(args, &output.stdout, &stderr, mentions);
}

#[test]
fn an_unusable_log_file_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let range = ["range", "--size", "10MiB", "--want", "0-1"];
    let missing = dir.path().join("missing/defrost.log");
    let mut args = vec!["--log-file", missing.to_str().unwrap()];
    args.extend(range);
    refused(
        &args,
        None,
        &["--log-file", "missing", "a folder that exists"],
    );

    let mut args = vec!["--log-file", dir.path().to_str().unwrap()];
    args.extend(range);
    refused(&args, None, &["--log-file", "not a regular file"]);

    // A link is refused, not followed: the file it points to is left alone.
    let target = dir.path().join("precious");
    std::fs::write(&target, "untouched").unwrap();
    let link = dir.path().join("defrost.log");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let mut args = vec!["--log-file", link.to_str().unwrap()];
    args.extend(range);
    refused(&args, None, &["--log-file", "symbolic link"]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
}

#[test]
fn a_rust_log_that_cannot_be_read_is_refused_in_one_line() {
    refused(
        &["range", "--size", "10MiB", "--want", "0-1"],
        Some("defrost=loud"),
        &["RUST_LOG=defrost=loud", "defrost=debug"],
    );
}

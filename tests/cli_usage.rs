//! The command line as a whole: usage mistakes, global options, help and version.

use assert_cmd::Command;

fn defrost() -> Command {
    Command::cargo_bin("defrost").unwrap()
}

fn assert_one_line_error(output: &std::process::Output) -> String {
    assert_eq!(output.status.code(), Some(2), "exit code");
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("defrost: "), "{stderr}");
    assert!(!stderr.contains("panicked"));
    stderr
}

#[test]
fn usage_mistakes_are_one_line_with_exit_code_2() {
    let unknown = defrost().args(["range", "--bogus"]).output().unwrap();
    let line = assert_one_line_error(&unknown);
    assert!(
        line.contains("--bogus") && line.contains("defrost --help"),
        "{line}"
    );

    let missing_value = defrost().args(["range", "--size"]).output().unwrap();
    assert!(assert_one_line_error(&missing_value).contains("--size"));

    let unknown_command = defrost().arg("defrag").output().unwrap();
    assert!(assert_one_line_error(&unknown_command).contains("defrag"));

    let bad_choice = defrost()
        .args(["range", "--size", "10", "--want", "0-1", "--plan", "cheap"])
        .output()
        .unwrap();
    assert!(assert_one_line_error(&bad_choice).contains("cheap"));
}

#[test]
fn global_options_are_accepted_before_and_after_the_command() {
    for args in [
        vec![
            "--data-dir",
            "d",
            "--profile",
            "p",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            "http://127.0.0.1:1",
            "range",
            "--size",
            "10",
            "--want",
            "0-9",
        ],
        vec![
            "range",
            "--size",
            "10",
            "--want",
            "0-9",
            "--data-dir",
            "d",
            "--profile",
            "p",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            "http://127.0.0.1:1",
        ],
    ] {
        defrost().args(&args).assert().success();
    }
}

#[test]
fn help_and_version_succeed() {
    let help = defrost().arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for command in [
        "treehash",
        "range",
        "params",
        "--data-dir",
        "--profile",
        "--region",
        "--endpoint-url",
    ] {
        assert!(text.contains(command), "help mentions {command}");
    }
    let version = defrost().arg("--version").output().unwrap();
    assert!(version.status.success());
    assert!(
        String::from_utf8(version.stdout)
            .unwrap()
            .starts_with("defrost ")
    );
}

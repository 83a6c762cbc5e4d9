//! `defrost completions SHELL` and `defrost man`, made from the same clap
//! definitions as the parser: each names the commands and options there are.

mod one_line_error;

use assert_cmd::Command;
use one_line_error::assert_one_line_error;

fn defrost(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("defrost")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let output = defrost(args);
    assert!(output.status.success(), "{args:?}: {output:?}");
    assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn each_shell_gets_a_script_that_names_the_commands() {
    for (shell, marker) in [
        ("bash", "complete -F _defrost"),
        ("zsh", "#compdef defrost"),
        ("fish", "complete -c defrost"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[defrost]"),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {script}");
        for command in [
            "inventory",
            "archives",
            "retrieve",
            "download",
            "treehash",
            "demo",
        ] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
        // Fish writes long options without their dashes (`-l data-dir`).
        for option in ["data-dir", "log-file", "read-only"] {
            assert!(script.contains(option), "{shell} lacks {option}");
        }
    }
    // Nested commands and their options too.
    let bash = stdout_of(&["completions", "bash"]);
    assert!(
        bash.contains("defrost__subcmd__inventory__subcmd__fetch)"),
        "{bash}"
    );
    assert!(bash.contains("--wait"), "{bash}");
}

#[test]
fn an_unknown_shell_is_refused_naming_the_shells_there_are() {
    let args = ["completions", "tcsh"];
    let output = defrost(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_one_line_error(
        &args,
        &output.stdout,
        &stderr,
        &["'tcsh'", "bash", "zsh", "fish", "powershell"],
    );
}

#[test]
fn the_man_page_names_defrost_its_options_and_commands() {
    let page = stdout_of(&["man"]);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "roff: {page}");
    assert!(page.contains(".TH defrost 1"), "{page}");
    assert!(
        page.contains(".SH NAME\ndefrost \\- Plan and run retrievals"),
        "{page}"
    );
    for option in [
        "\\-\\-data\\-dir",
        "\\-\\-endpoint\\-url",
        "\\-\\-verbose",
        "\\-\\-log\\-file",
    ] {
        assert!(page.contains(option), "{option}: {page}");
    }
    for command in [
        "defrost\\-inventory(1)",
        "defrost\\-download(1)",
        "defrost\\-completions(1)",
    ] {
        assert!(page.contains(command), "{command}: {page}");
    }

    let jobs = stdout_of(&["man", "jobs"]);
    assert!(jobs.contains(".TH defrost-jobs 1"), "{jobs}");
    assert!(jobs.contains("\\-\\-watch"), "{jobs}");
}

#[test]
fn a_man_page_for_no_command_is_refused_in_one_line() {
    let args = ["man", "inventory", "fetc"];
    let output = defrost(&args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_one_line_error(
        &args,
        &output.stdout,
        &stderr,
        &["'inventory fetc'", "fetch"],
    );
}

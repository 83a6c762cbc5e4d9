//! `defrost treehash` as a user runs it: output formats, stdin, and bad input.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

/// The tree hash of 1024 bytes of `a`, from the published vectors.
const KIB_OF_A: &str = "2edc986847e209b4016e141a6dc8716d3207350f416969382d431539bf292e4a";
/// The tree hash of empty input: the SHA-256 of nothing.
const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn defrost() -> Command {
    Command::cargo_bin("defrost").expect("the defrost binary is built for tests")
}

fn folder_with_files(files: &[(&str, &[u8])]) -> TempDir {
    let folder = TempDir::new().unwrap();
    for (name, content) in files {
        fs::write(folder.path().join(name), content).unwrap();
    }
    folder
}

fn stderr_lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn prints_hash_two_spaces_and_name_for_each_file() {
    let folder = folder_with_files(&[("a.bin", &[b'a'; 1024]), ("empty.bin", b"")]);
    defrost()
        .current_dir(folder.path())
        .args(["treehash", "a.bin", "empty.bin"])
        .assert()
        .success()
        .stdout(format!("{KIB_OF_A}  a.bin\n{EMPTY}  empty.bin\n"))
        .stderr("");
}

#[test]
fn a_dash_reads_standard_input() {
    defrost()
        .args(["treehash", "-"])
        .write_stdin(vec![b'a'; 1024])
        .assert()
        .success()
        .stdout(format!("{KIB_OF_A}  -\n"));
}

#[test]
fn json_lists_file_size_and_tree_hash() {
    let folder = folder_with_files(&[("a.bin", &[b'a'; 1024])]);
    let output = defrost()
        .current_dir(folder.path())
        .args(["treehash", "--json", "a.bin", "-"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        listed,
        serde_json::json!([
            {"file": "a.bin", "size": 1024, "sha256_tree_hash": KIB_OF_A},
            {"file": "-", "size": 0, "sha256_tree_hash": EMPTY},
        ])
    );
}

#[test]
fn a_missing_file_is_named_on_one_line_and_the_others_are_still_hashed() {
    let folder = folder_with_files(&[("a.bin", &[b'a'; 1024])]);
    let output = defrost()
        .current_dir(folder.path())
        .args(["treehash", "photos.tar", "a.bin"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{KIB_OF_A}  a.bin\n")
    );
    assert_eq!(
        stderr_lines(&output),
        ["defrost: cannot read photos.tar: no such file; check the path"]
    );
}

#[test]
fn each_unreadable_file_gets_exactly_one_line() {
    let folder = folder_with_files(&[("a.bin", &[b'a'; 1024])]);
    let output = defrost()
        .current_dir(folder.path())
        .args(["treehash", "one.tar", "a.bin", "two.tar"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("one.tar") && lines[1].contains("two.tar"));
}

#[test]
fn a_directory_is_refused_with_exit_code_2() {
    let folder = folder_with_files(&[]);
    fs::create_dir(folder.path().join("photos")).unwrap();
    let output = defrost()
        .current_dir(folder.path())
        .args(["treehash", "photos"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_lines(&output),
        ["defrost: cannot read photos: it is a directory; name the files inside it instead"]
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn control_characters_in_a_name_are_not_printed() {
    let name = "evil\u{1b}[31mred.bin";
    let folder = folder_with_files(&[(name, &[b'a'; 1024])]);
    let output = defrost()
        .current_dir(folder.path())
        .args(["treehash", name])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.starts_with(KIB_OF_A) && stdout.contains("[31mred.bin"));
}

#[test]
fn control_characters_in_a_missing_name_are_not_printed_either() {
    let output = defrost()
        .args(["treehash", "gone\u{7}\u{1b}]0;title.bin"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !stderr.chars().any(|c| c.is_control() && c != '\n'),
        "{stderr:?}"
    );
    assert!(stderr.contains("title.bin"));
}

#[test]
fn without_a_file_it_shows_usage_and_exits_2() {
    defrost()
        .arg("treehash")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<FILE>"));
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_refused_with_exit_code_2() {
    use std::os::unix::fs::PermissionsExt;

    let folder = folder_with_files(&[("secret.bin", b"x")]);
    let path = folder.path().join("secret.bin");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let mut command = if fs::read(&path).is_ok() {
        // Root reads past permissions, so run defrost as an unprivileged user. The
        // folder (and a copy of the binary in it) must let that user in, wherever
        // the build lives, for the file's own permission to be what stops it.
        fs::set_permissions(folder.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let binary = folder.path().join("defrost-copy");
        fs::copy(assert_cmd::cargo::cargo_bin("defrost"), &binary).unwrap();
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
        let mut unprivileged = std::process::Command::new("setpriv");
        unprivileged
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        unprivileged
    } else {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("defrost"))
    };
    let output = command
        .current_dir(folder.path())
        .args(["treehash", "secret.bin"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr_lines(&output)[0].contains("secret.bin: permission denied"));
}

#[test]
fn a_path_through_a_file_is_refused_with_exit_code_2() {
    let folder = folder_with_files(&[("a.bin", b"x")]);
    let output = defrost()
        .current_dir(folder.path())
        .args([
            "treehash",
            &Path::new("a.bin").join("inner").to_string_lossy(),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_lines(&output)[0].contains("not a directory"));
}

//! The interactive screen's refusals before it takes over the terminal: no
//! terminal to draw on, a configuration file with a mistake, a bad demo speedup.
//! Each is one line naming the problem and the fix, exit code 2.

mod one_line_error;

use assert_cmd::Command;
use one_line_error::assert_one_line_error;

fn defrost(config_home: &std::path::Path, data: &std::path::Path) -> Command {
    let mut command = Command::cargo_bin("defrost").unwrap();
    command
        .env("XDG_CONFIG_HOME", config_home)
        .env("DEFROST_DATA_DIR", data);
    command
}

fn refused(command: &mut Command, args: &[&str], mentions: &[&str]) {
    let output = command.args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert_one_line_error(args, &output.stdout, &stderr, mentions);
}

#[test]
fn without_a_terminal_the_screen_points_to_the_subcommands() {
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    for args in [&[][..], &["demo"][..], &["--read-only"][..]] {
        refused(
            &mut defrost(config.path(), data.path()),
            args,
            &["needs a terminal", "defrost --help"],
        );
    }
    // Nothing was started or written on the way.
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0);
}

#[test]
fn a_mistake_in_a_configuration_file_names_the_file_line_and_key() {
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let dir = config.path().join("defrost");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keymap.toml"), "[keys]\nquitt = [\"x\"]\n").unwrap();
    refused(
        &mut defrost(config.path(), data.path()),
        &["demo"],
        &["keymap.toml line 2, key 'quitt'", "is not an action"],
    );

    std::fs::remove_file(dir.join("keymap.toml")).unwrap();
    std::fs::write(dir.join("theme.toml"), "[colors]\naccent = \"mauve\"\n").unwrap();
    refused(
        &mut defrost(config.path(), data.path()),
        &[],
        &["theme.toml line 2, key 'accent'", "#rrggbb"],
    );

    std::fs::remove_file(dir.join("theme.toml")).unwrap();
    std::fs::write(dir.join("prices.toml"), "as_of = \"2025-01-01\"\n").unwrap();
    refused(
        &mut defrost(config.path(), data.path()),
        &["demo"],
        &["prices.toml"],
    );
}

#[test]
fn a_demo_clock_that_stands_still_is_refused() {
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    refused(
        &mut defrost(config.path(), data.path()),
        &["demo", "--speedup", "0"],
        &["--speedup"],
    );
}

#[test]
fn a_demo_seed_that_cannot_be_read_or_used_is_refused_before_anything_starts() {
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let bad = config.path().join("class.toml");
    std::fs::write(&bad, "[[vaults]]\nname = \"class\"\ncolour = \"blue\"\n").unwrap();
    refused(
        &mut defrost(config.path(), data.path()),
        &["demo", "--seed", bad.to_str().unwrap()],
        &["is not a valid seed", "colour"],
    );
    let missing = config.path().join("missing.toml");
    refused(
        &mut defrost(config.path(), data.path()),
        &["demo", "--seed", missing.to_str().unwrap()],
        &["cannot read the seed file"],
    );
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0);
}

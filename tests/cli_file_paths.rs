//! Every path a user gives that is not a usable file (a directory, a socket, a
//! FIFO where a regular file is needed, a file that cannot be read or does not
//! exist) is refused with exit code 2 and one line naming the path and the fix,
//! whichever command took it.

mod one_line_error;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

fn defrost(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_defrost"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DEFROST_DATA_DIR")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .stdin(Stdio::null());
    command
}

/// Runs `command`, killing it if it has not ended within 20 seconds (a command
/// that blocks on a FIFO nobody writes to would otherwise hang the test).
fn finish(mut command: Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!("still running after 20 s: {output:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Exit code 2 and one line on stderr mentioning each of `mentions`.
fn assert_refused(command: Command, mentions: &[&str]) -> String {
    let args: Vec<String> = command
        .get_args()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let output = finish(command);
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    one_line_error::assert_one_line_error(&args, &output.stdout, &stderr, mentions);
    stderr
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn import(data: &Path, file: &Path) -> Command {
    let mut command = defrost(data);
    command
        .args(["inventory", "import"])
        .arg(file)
        .args(["--vault", "photos"]);
    command
}

#[test]
fn importing_a_directory_names_it_and_says_to_name_the_file_inside() {
    let dir = TempDir::new().unwrap();
    let data = dir.path().join("data");
    let inventories = dir.path().join("inventories");
    std::fs::create_dir(&inventories).unwrap();
    assert_refused(
        import(&data, &inventories),
        &[&text(&inventories), "is a directory", "inside it"],
    );
    assert!(
        !data.join("snapshots").exists()
            || std::fs::read_dir(data.join("snapshots"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn importing_a_missing_file_names_it() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("no-such.json");
    assert_refused(
        import(&dir.path().join("data"), &missing),
        &[&text(&missing), "no such file", "check the path"],
    );
}

#[test]
fn importing_through_a_file_as_if_it_were_a_folder_names_the_path() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("inventory.json");
    std::fs::write(&file, "{}").unwrap();
    let through = file.join("inner.json");
    assert_refused(
        import(&dir.path().join("data"), &through),
        &[&text(&through), "not a directory", "check the path"],
    );
}

#[cfg(unix)]
#[test]
fn importing_a_socket_says_it_is_not_a_file() {
    let dir = TempDir::new().unwrap();
    let socket = dir.path().join("inventory.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    assert_refused(
        import(&dir.path().join("data"), &socket),
        &[&text(&socket), "is a socket"],
    );
}

#[cfg(unix)]
#[test]
fn importing_an_unreadable_file_says_so_with_exit_code_2() {
    use std::os::unix::fs::PermissionsExt;

    let dir = TempDir::new().unwrap();
    let file = dir.path().join("secret.json");
    std::fs::write(&file, "{}").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut command = if std::fs::read(&file).is_ok() {
        // Root reads past permissions: run a copy of defrost as nobody, from a
        // folder nobody may enter, so the file's own permission is what stops it.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let binary = dir.path().join("defrost-copy");
        std::fs::copy(env!("CARGO_BIN_EXE_defrost"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_defrost"))
    };
    command
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["inventory", "import"])
        .arg(&file)
        .args(["--vault", "photos"])
        .stdin(Stdio::null());
    assert_refused(command, &[&text(&file), "permission denied"]);
}

#[cfg(unix)]
#[test]
fn an_inventory_can_still_come_through_a_fifo() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("inventory.pipe");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let inventory = r#"{"VaultARN":"arn:aws:glacier:us-east-1:111122223333:vaults/photos","InventoryDate":"2026-01-01T00:00:00Z","ArchiveList":[]}"#;
            std::fs::write(fifo, inventory).unwrap();
        })
    };
    let output = finish(import(&dir.path().join("data"), &fifo));
    writer.join().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("imported 0 archives"),
        "{output:?}"
    );
}

#[cfg(unix)]
#[test]
fn hashing_a_socket_says_it_is_not_a_file_with_exit_code_2() {
    let dir = TempDir::new().unwrap();
    let socket = dir.path().join("data.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let mut command = defrost(&dir.path().join("data"));
    command.arg("treehash").arg(&socket);
    assert_refused(command, &[&text(&socket), "is a socket"]);
}

fn sandbox(data: &Path) -> Command {
    let mut command = defrost(data);
    command.args(["sandbox", "--addr", "127.0.0.1:0"]);
    command
}

#[test]
fn a_seed_that_is_a_directory_names_it_and_the_fix() {
    let dir = TempDir::new().unwrap();
    let mut command = sandbox(&dir.path().join("data"));
    command.arg("--seed").arg(dir.path());
    assert_refused(
        command,
        &[&text(dir.path()), "is a directory", "seed file inside it"],
    );
}

#[test]
fn a_sandbox_state_that_is_a_file_names_it_and_the_fix() {
    let dir = TempDir::new().unwrap();
    let state = dir.path().join("state.toml");
    std::fs::write(&state, "").unwrap();
    let mut command = sandbox(&dir.path().join("data"));
    command.arg("--state").arg(&state);
    assert_refused(
        command,
        &[
            "--state",
            &text(&state),
            "not a directory",
            "give a directory",
        ],
    );
}

#[test]
fn a_data_dir_that_is_a_file_names_it_and_the_fix() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("data");
    std::fs::write(&file, "").unwrap();
    let mut command = defrost(&file);
    command.args(["inventory", "list"]);
    assert_refused(
        command,
        &[
            "--data-dir",
            &text(&file),
            "not a directory",
            "give a directory",
        ],
    );
}

/// `defrost demo` with its configuration folder in `config_home`; a bad file
/// stops it before it needs a terminal or starts anything.
fn demo_with_config(config_home: &Path, data: &Path) -> Command {
    let mut command = defrost(data);
    command.env("XDG_CONFIG_HOME", config_home).arg("demo");
    command
}

#[test]
fn a_config_file_that_is_a_directory_names_it_and_the_fix() {
    let dir = TempDir::new().unwrap();
    let theme = dir.path().join("defrost").join("theme.toml");
    std::fs::create_dir_all(&theme).unwrap();
    assert_refused(
        demo_with_config(dir.path(), &dir.path().join("data")),
        &[&text(&theme), "is a directory", "remove it"],
    );
}

#[cfg(unix)]
#[test]
fn a_config_file_that_is_a_fifo_is_refused_instead_of_waited_on() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir_all(dir.path().join("defrost")).unwrap();
    let keymap = dir.path().join("defrost").join("keymap.toml");
    mkfifo(&keymap);
    assert_refused(
        demo_with_config(dir.path(), &dir.path().join("data")),
        &[&text(&keymap), "not a regular file"],
    );
}

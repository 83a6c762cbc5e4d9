//! Processes killed with SIGKILL mid-write, and what the next run makes of the
//! files they left: an import's `snapshots/snapshot-*.partial` and the sandbox's
//! half-received upload in its `--state` directory go at the next start, while a
//! file that a live process is still writing is left alone.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

/// Kills the child if the test fails while it runs.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    /// SIGKILL: the process gets no chance to clean up.
    fn kill(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }
}

fn defrost() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_defrost"));
    command
        .env_remove("DEFROST_DATA_DIR")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION");
    command
}

/// Files in `dir` whose names start with `prefix`.
fn files_starting(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().path())
                .filter(|path| {
                    path.file_name()
                        .is_some_and(|name| name.to_string_lossy().starts_with(prefix))
                })
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Waits until `dir` holds a file named `prefix…suffix`, while `child` runs.
fn wait_for_file(child: &mut Child, dir: &Path, prefix: &str, suffix: &str) -> PathBuf {
    let started = Instant::now();
    loop {
        if let Some(found) = files_starting(dir, prefix)
            .into_iter()
            .find(|path| path.to_string_lossy().ends_with(suffix))
        {
            return found;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the process ended ({status}) before it made {prefix}*{suffix}");
        }
        assert!(
            started.elapsed() < DEADLINE,
            "no {prefix}*{suffix} in {dir:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn inventory_list(data: &Path) {
    let output = defrost()
        .arg("--data-dir")
        .arg(data)
        .args(["inventory", "list"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/inventory/generated-40.json")
}

/// The head of a JSON inventory of vault `photos`, a later one than the fixture.
fn inventory_head() -> String {
    let mut text = String::from(
        r#"{"VaultARN":"arn:aws:glacier:us-east-1:111122223333:vaults/photos","InventoryDate":"2026-12-01T00:00:00Z","ArchiveList":["#,
    );
    for n in 0..2000 {
        text.push_str(&format!(
            r#"{{"ArchiveId":"id-{n:0>130}","ArchiveDescription":"photos/{n}.jpg","CreationDate":"2021-10-21T06:23:06.560Z","Size":{n},"SHA256TreeHash":"{:064x}"}},"#,
            n
        ));
    }
    text
}

#[test]
fn a_killed_imports_partial_file_goes_at_the_next_run_and_a_live_ones_stays() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let snapshots = data.join("snapshots");
    let first = defrost()
        .arg("--data-dir")
        .arg(&data)
        .args(["inventory", "import"])
        .arg(fixture())
        .args(["--vault", "photos"])
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    let recorded = files_starting(&snapshots, "snapshot-");
    assert_eq!(recorded.len(), 1);

    // An import from standard input, waiting for the rest of its inventory.
    let mut child = defrost()
        .arg("--data-dir")
        .arg(&data)
        .args(["inventory", "import", "-", "--vault", "photos"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(inventory_head().as_bytes()).unwrap();
    input.flush().unwrap();
    let partial = wait_for_file(&mut child, &snapshots, "snapshot-", ".partial");
    let importing = Running(child);

    // Another run opens the cache meanwhile: the live import's file stays.
    inventory_list(&data);
    assert!(partial.exists(), "a live import's file was removed");

    importing.kill();
    drop(input);
    assert!(partial.exists(), "the kill left its file");
    inventory_list(&data);
    assert!(
        !partial.exists(),
        "the next run left the killed import's file"
    );
    assert_eq!(files_starting(&snapshots, "snapshot-"), recorded);
}

/// `defrost sandbox` on `state`, once it serves: its URL.
fn start_sandbox(state: &Path, seed: bool) -> (Running, String, BufReader<ChildStdout>) {
    let mut command = defrost();
    command
        .args(["sandbox", "--addr", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if seed {
        command
            .arg("--seed")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-seed.toml"));
    }
    let mut running = Running(command.spawn().unwrap());
    let mut stdout = BufReader::new(running.0.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    let url = first_line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first_line:?}"))
        .to_owned();
    (running, url, stdout)
}

/// Starts an UploadArchive of 64 MiB and sends only its first MiB.
fn start_upload(url: &str) -> TcpStream {
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).unwrap();
    let hash = "0".repeat(64);
    let head = format!(
        "POST /-/vaults/new-and-empty/archives HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nx-amz-glacier-version: 2012-06-01\r\nx-amz-sha256-tree-hash: {hash}\r\nx-amz-content-sha256: {hash}\r\n\r\n",
        64 << 20
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&vec![7u8; 1 << 20]).unwrap();
    stream.flush().unwrap();
    stream
}

#[test]
fn a_killed_sandboxs_half_received_upload_goes_at_the_next_start() {
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("state");
    let (mut first, url, _first_out) = start_sandbox(&state, true);
    let _upload = start_upload(&url);
    let incoming = wait_for_file(&mut first.0, &state, ".incoming-", "");

    // A second sandbox on the same state while the first receives: untouched.
    let (second, _, _second_out) = start_sandbox(&state, false);
    assert!(incoming.exists(), "a live sandbox's upload was removed");
    second.kill();

    first.kill();
    assert!(incoming.exists(), "the kill left the upload's file");
    let (_third, _, _third_out) = start_sandbox(&state, false);
    assert!(
        !incoming.exists(),
        "the next start left the killed upload's file"
    );
    assert!(files_starting(&state, ".incoming-").is_empty());
    assert!(state.join("state.json").exists());
}

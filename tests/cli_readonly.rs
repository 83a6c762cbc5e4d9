//! A data directory defrost cannot write (`chmod -R a-w` after an import): the
//! commands that only read the cache work as before and write nothing; those that
//! would change it stop in one line naming the directory and the fix, exit code 2,
//! before any request to Glacier; the screen shows the cached inventories and says
//! the cache is read-only.
//!
//! The permissions are real. A superuser writes whatever the mode bits say, so
//! when the tests run as root, defrost runs through `setpriv` without the
//! capabilities that override file permissions: it stays root, the owner of the
//! files, and the cleared write bits bind it as they bind any owner. Each test
//! first checks that a write in the directory really fails for the process.

mod cli_live;
mod common;
mod one_line_error;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use one_line_error::assert_one_line_error;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use tempfile::TempDir;

/// Capabilities that let a process write files whatever their permissions.
const OVERRIDING_CAPABILITIES: &str =
    "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable";

/// A cache with two snapshots of vault `photos`, then made read-only.
struct ReadOnlyCache {
    root: TempDir,
    /// What runs before defrost's own arguments: nothing, or `setpriv …`.
    prefix: Vec<String>,
}

impl ReadOnlyCache {
    fn new() -> Self {
        let root = TempDir::new().unwrap();
        let cache = Self {
            prefix: Vec::new(),
            root,
        };
        std::fs::create_dir(cache.out_dir()).unwrap();
        cache.import(&fixture("generated-40.json"));
        cache.import(&cache.later_inventory());
        cache
    }

    fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn out_dir(&self) -> PathBuf {
        self.root.path().join("out")
    }

    fn import(&self, inventory: &Path) {
        let output = self.run(&[
            "inventory",
            "import",
            inventory.to_str().unwrap(),
            "--vault",
            "photos",
        ]);
        assert!(output.status.success(), "{output:?}");
    }

    /// The fixture a month later, with its first archive deleted.
    fn later_inventory(&self) -> PathBuf {
        let text = std::fs::read_to_string(fixture("generated-40.json")).unwrap();
        let mut inventory: serde_json::Value = serde_json::from_str(&text).unwrap();
        inventory["InventoryDate"] = "2026-12-01T04:10:22Z".into();
        inventory["ArchiveList"].as_array_mut().unwrap().remove(0);
        let path = self.root.path().join("later.json");
        std::fs::write(&path, inventory.to_string()).unwrap();
        path
    }

    /// `chmod -R a-w` on the data directory, and the means to run defrost so
    /// that it binds; checks that it does.
    fn make_read_only(&mut self) {
        set_writable(&self.data_dir(), false);
        if write_succeeds(&[], &self.data_dir()) {
            // Privileged: drop the capabilities that ignore permissions.
            self.prefix = vec![
                "setpriv".into(),
                OVERRIDING_CAPABILITIES.into(),
                "--".into(),
            ];
            assert!(
                setpriv_is_there(),
                "running as a superuser, these tests need setpriv (util-linux) to run defrost without the privilege to ignore permissions"
            );
        }
        assert!(
            !write_succeeds(&self.prefix, &self.data_dir()),
            "the data directory is still writable for defrost"
        );
        assert!(!write_succeeds(
            &self.prefix,
            &self.data_dir().join("snapshots")
        ));
    }

    fn command(&self) -> Command {
        let binary = env!("CARGO_BIN_EXE_defrost");
        let mut command = match self.prefix.split_first() {
            None => Command::new(binary),
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(binary);
                command
            }
        };
        let config = self.root.path().join("aws-config");
        std::fs::write(&config, "").unwrap();
        command
            .arg("--data-dir")
            .arg(self.data_dir())
            .args(["--region", "us-east-1"])
            // Nothing listens there: a command that reached Glacier would fail
            // on the connection, not with the sentence these tests look for.
            .args(["--endpoint-url", "http://127.0.0.1:9"])
            .env_remove("DEFROST_DATA_DIR")
            .env_remove("AWS_PROFILE")
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &config)
            .env("AWS_EC2_METADATA_DISABLED", "true");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }
}

impl Drop for ReadOnlyCache {
    fn drop(&mut self) {
        // So that the temporary folder can be removed.
        set_writable(&self.data_dir(), true);
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inventory")
        .join(name)
}

fn set_writable(path: &Path, writable: bool) {
    let meta = std::fs::symlink_metadata(path).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            set_writable(&entry.unwrap().path(), writable);
        }
    }
    let mode = meta.permissions().mode();
    let mode = if writable {
        mode | 0o200
    } else {
        mode & !0o222
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether a process started with `prefix` can create a file in `dir`.
fn write_succeeds(prefix: &[String], dir: &Path) -> bool {
    let probe = dir.join("probe");
    let script = format!("echo x > '{}'", probe.display());
    let mut command = match prefix.split_first() {
        None => Command::new("sh"),
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg("sh");
            command
        }
    };
    let status = command
        .args(["-c", &script])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    let wrote = status.success();
    if wrote {
        std::fs::remove_file(probe).unwrap();
    }
    wrote
}

fn setpriv_is_there() -> bool {
    Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Every file under `dir`, with its bytes, to show nothing was written.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(contents(&path));
        } else {
            found.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    found
}

const READING: [&[&str]; 5] = [
    &["inventory", "list", "--json"],
    &[
        "archives", "--vault", "photos", "--sort", "size", "--limit", "7",
    ],
    &["archives", "--vault", "photos", "--filter", "jpg", "--json"],
    &["inventory", "tree", "--vault", "photos"],
    &["inventory", "diff", "--vault", "photos"],
];

/// The output with each `"age_seconds":N` blanked: a second may pass between the
/// run before and the run after, and the age is counted from now.
fn without_ages(text: &str) -> String {
    let key = "\"age_seconds\":";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(key) {
        out.push_str(&rest[..at + key.len()]);
        rest = rest[at + key.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('N');
    }
    out.push_str(rest);
    out
}

#[test]
fn reading_commands_answer_as_before_and_write_nothing() {
    let mut cache = ReadOnlyCache::new();
    let before: Vec<Output> = READING.iter().map(|args| cache.run(args)).collect();
    cache.make_read_only();
    let files = contents(&cache.data_dir());
    for (args, before) in READING.iter().zip(before) {
        assert!(before.status.success(), "{args:?}: {before:?}");
        let after = cache.run(args);
        assert!(after.status.success(), "{args:?}: {after:?}");
        assert_eq!(
            without_ages(&String::from_utf8_lossy(&after.stdout)),
            without_ages(&String::from_utf8_lossy(&before.stdout)),
            "{args:?}"
        );
        assert!(!after.stdout.is_empty(), "{args:?}");
        assert_eq!(after.stderr, before.stderr, "{args:?}");
    }
    assert_eq!(contents(&cache.data_dir()), files);
}

#[test]
fn writing_commands_stop_in_one_line_before_any_request() {
    let mut cache = ReadOnlyCache::new();
    cache.make_read_only();
    let files = contents(&cache.data_dir());
    let data_dir = cache.data_dir();
    let later = cache.root.path().join("later.json");
    let out = cache.out_dir();
    let archive_id = "OLTmUuRNp_I3DZ4mDicTZVCko6bQf1wMMy-LEiQIP9IrkC-JEegYGPjJnV1dmDGVdQTZDpRd4uj1TueBzHX2NthQmQlaowAWWmcDb5tUDWuPC-IRJBecPdn3OBfObhGNJkqtbLbdIQ";
    let writing: [&[&str]; 6] = [
        &[
            "inventory",
            "import",
            later.to_str().unwrap(),
            "--vault",
            "other",
        ],
        &["inventory", "fetch", "--vault", "photos"],
        &[
            "retrieve",
            "--vault",
            "photos",
            "--archive-id",
            archive_id,
            "--yes",
        ],
        &[
            "download",
            "job-1",
            "--vault",
            "photos",
            "--to",
            out.to_str().unwrap(),
        ],
        &["download", "--all-ready", "--to", out.to_str().unwrap()],
        &["jobs"],
    ];
    for args in writing {
        let output = cache.run(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_one_line_error(
            args,
            &output.stdout,
            &stderr,
            &[data_dir.to_str().unwrap(), "read-only", "--data-dir"],
        );
    }
    assert_eq!(contents(&cache.data_dir()), files);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

/// The tests above read a catalog nobody has open: it has no `-wal` or `-shm`
/// file, and none can be made. While a process that can write keeps it open,
/// those files exist, and a reader that cannot write still sees the changes
/// that are only in the `-wal` so far.
#[test]
fn a_catalog_another_process_has_open_is_read_with_its_latest_changes() {
    let mut cache = ReadOnlyCache::new();
    let catalog = cache.data_dir().join("catalog.sqlite");
    let owner = rusqlite::Connection::open(&catalog).unwrap();
    owner
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             INSERT INTO vault (account, region, name) VALUES ('-', 'us-east-1', 'held');
             INSERT INTO snapshot (vault_id, inventory_date, inventory_unix, obtained_at,
                                   source, format, archive_count, total_size, file)
             SELECT last_insert_rowid(), inventory_date, inventory_unix, obtained_at,
                    source, format, archive_count, total_size, 'snapshot-held.sqlite'
             FROM snapshot WHERE id = 1;",
        )
        .unwrap();
    assert!(cache.data_dir().join("catalog.sqlite-wal").exists());
    cache.make_read_only();
    let output = cache.run(&["inventory", "list", "--json"]);
    assert!(output.status.success(), "{output:?}");
    let listed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(listed.contains("\"held\""), "{listed}");
    drop(owner);
}

/// The screen in a pseudo-terminal, against a live sandbox that lists no vault,
/// so nothing but the cache's state decides what the status bar says.
#[test]
fn the_screen_shows_a_read_only_cache_and_says_so() {
    let mut cache = ReadOnlyCache::new();
    cache.make_read_only();
    let files = contents(&cache.data_dir());
    let live = cli_live::live_sandbox();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 160,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let config_home = cache.root.path().join("config");
    std::fs::create_dir(&config_home).unwrap();
    let mut command = match cache.prefix.split_first() {
        None => CommandBuilder::new(env!("CARGO_BIN_EXE_defrost")),
        Some((program, args)) => {
            let mut command = CommandBuilder::new(program);
            command.args(args);
            command.arg(env!("CARGO_BIN_EXE_defrost"));
            command
        }
    };
    command.args(["--region", "us-east-1", "--endpoint-url"]);
    command.arg(live.sandbox.endpoint_url());
    command.cwd(cache.root.path());
    command.env("DEFROST_DATA_DIR", cache.data_dir());
    command.env("XDG_CONFIG_HOME", &config_home);
    command.env("AWS_ACCESS_KEY_ID", "test");
    command.env("AWS_SECRET_ACCESS_KEY", "test");
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    command.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(command).unwrap();
    drop(pty.slave);
    let screen = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZero::new(40).unwrap(),
        std::num::NonZero::new(160).unwrap(),
        0,
    )));
    let mut output = pty.master.try_clone_reader().unwrap();
    let feed = screen.clone();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 65536];
        while let Ok(read) = output.read(&mut buffer) {
            if read == 0 {
                break;
            }
            feed.lock().unwrap().process(&buffer[..read]);
        }
    });
    let contents_now = || screen.lock().unwrap().screen().contents();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let shown = contents_now();
        if shown.contains("Archives 1/") && shown.contains("is read-only") {
            break;
        }
        assert!(Instant::now() < deadline, "after 60 s:\n{shown}");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Let the vaults from the sandbox and the jobs from the journal arrive.
    std::thread::sleep(Duration::from_millis(1500));
    let shown = contents_now();
    let mut keys = pty.master.take_writer().unwrap();
    keys.write_all(b"q").unwrap();
    let _ = child.wait();
    assert!(shown.contains("READ-ONLY"), "{shown}");
    assert!(
        shown.contains(cache.data_dir().to_str().unwrap()),
        "{shown}"
    );
    assert!(shown.contains("is read-only"), "{shown}");
    assert!(!shown.contains("No cached inventory"), "{shown}");
    assert_eq!(contents(&cache.data_dir()), files);
}

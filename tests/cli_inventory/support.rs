//! What the tests share: a throwaway cache, the commands run against it, small
//! inventories written on the spot, and the checks every refusal must pass.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The vault, region and account of `generated-40.json`'s VaultARN.
pub const VAULT: &str = "photos";
pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "111122223333";

/// A fixture under `tests/data/inventory`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/inventory")
        .join(name)
}

/// A JSON fixture, parsed.
pub fn fixture_json(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A data directory of its own, with room beside it for inventories to import.
pub struct Cache {
    root: TempDir,
}

impl Cache {
    pub fn new() -> Self {
        Self {
            root: TempDir::new().unwrap(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// `defrost --data-dir DIR ARGS`, with no data directory or region taken from
    /// the environment.
    pub fn defrost(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("defrost").expect("the defrost binary is built");
        command
            .arg("--data-dir")
            .arg(self.data_dir())
            .args(args)
            .env_remove("DEFROST_DATA_DIR")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION");
        command
    }

    /// Writes `contents` to a file beside the cache and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.root.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// Runs a command that must succeed; returns what it printed.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        self.defrost(args).assert().success().get_output().clone()
    }

    /// Runs a command that must succeed quietly; returns its standard output.
    pub fn stdout_of(&self, args: &[&str]) -> String {
        let output = self.run_ok(args);
        assert!(output.stderr.is_empty(), "{args:?}: {output:?}");
        String::from_utf8(output.stdout).expect("output is UTF-8")
    }

    /// Standard output as JSON Lines, one value a line.
    pub fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        self.stdout_of(args)
            .lines()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect()
    }

    /// `inventory import FILE --vault VAULT MORE`, which must succeed; returns the
    /// line it printed.
    pub fn import(&self, file: &Path, vault: &str, more: &[&str]) -> String {
        let file = file.to_str().unwrap();
        let args = [&["inventory", "import", file, "--vault", vault][..], more].concat();
        self.stdout_of(&args)
    }

    /// Imports `generated-40.json` as vault `photos`.
    pub fn with_generated_40() -> Self {
        let cache = Self::new();
        cache.import(&fixture("generated-40.json"), VAULT, &[]);
        cache
    }

    /// `inventory list --json`.
    pub fn snapshots(&self) -> Vec<Value> {
        self.json_lines(&["inventory", "list", "--json"])
    }

    /// `archives --vault VAULT --json MORE`, with a limit that shows every archive
    /// unless MORE gives one.
    pub fn archives(&self, vault: &str, more: &[&str]) -> Vec<Value> {
        let mut args = vec!["archives", "--vault", vault, "--json"];
        if !more.contains(&"--limit") {
            args.extend(["--limit", "100000"]);
        }
        args.extend(more);
        self.json_lines(&args)
    }

    /// The snapshot files on disk, finished or not.
    fn snapshot_files(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.data_dir().join("snapshots")) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sqlite") || name.ends_with(".partial"))
            .collect();
        names.sort();
        names
    }

    /// What the cache holds: each snapshot's number, date and archive count, and
    /// the snapshot files.
    pub fn contents(&self) -> (Vec<(i64, String, u64)>, Vec<String>) {
        let snapshots = self
            .snapshots()
            .iter()
            .map(|s| {
                (
                    s["snapshot"].as_i64().unwrap(),
                    s["inventory_date"].as_str().unwrap().to_owned(),
                    s["archive_count"].as_u64().unwrap(),
                )
            })
            .collect();
        (snapshots, self.snapshot_files())
    }

    /// Runs a command that must be refused as bad input: exit code 2, nothing on
    /// stdout, one line on stderr that starts with `defrost: `, shows no panic and
    /// mentions each of `mentions`; the cache holds what it held before. Returns
    /// the line.
    pub fn assert_refused(&self, args: &[&str], mentions: &[&str]) -> String {
        let before = self.contents();
        let output = self.defrost(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        crate::one_line_error::assert_one_line_error(args, &output.stdout, &stderr, mentions);
        assert_eq!(self.contents(), before, "{args:?} changed the cache");
        stderr
    }
}

/// An archive of an inventory written on the spot.
pub struct Archive {
    pub id: String,
    pub description: String,
    pub size: u64,
}

impl Archive {
    /// Archive number `n`, with its own id.
    pub fn new(n: u64, description: &str, size: u64) -> Self {
        Self {
            id: archive_id(n),
            description: description.to_owned(),
            size,
        }
    }
}

/// A 138-character archive id of `[A-Za-z0-9_-]`, as Glacier's look, different
/// for every `n`: `n` in base 64, then filler that depends on `n`.
pub fn archive_id(n: u64) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut id: String = (0..11)
        .map(|place| DIGITS[((n >> (6 * place)) & 63) as usize] as char)
        .collect();
    let mut state = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while id.len() < 138 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        id.push(DIGITS[(state >> 58) as usize] as char);
    }
    id
}

/// A JSON inventory of vault `vault` in us-east-1, account 111122223333.
pub fn inventory(vault: &str, date: &str, archives: &[Archive]) -> String {
    let arn = format!("arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/{vault}");
    inventory_with_arn(&arn, date, archives)
}

/// A JSON inventory with the given VaultARN.
pub fn inventory_with_arn(arn: &str, date: &str, archives: &[Archive]) -> String {
    let list: Vec<Value> = archives
        .iter()
        .enumerate()
        .map(|(i, archive)| {
            json!({
                "ArchiveId": archive.id,
                "ArchiveDescription": archive.description,
                "CreationDate": "2012-03-20T17:03:43.221Z",
                "Size": archive.size,
                "SHA256TreeHash": format!("{:064x}", i + 1),
            })
        })
        .collect();
    json!({"VaultARN": arn, "InventoryDate": date, "ArchiveList": list}).to_string()
}

/// The archive ids of listed archives, in order.
pub fn ids(archives: &[Value]) -> Vec<String> {
    archives
        .iter()
        .map(|a| a["archive_id"].as_str().unwrap().to_owned())
        .collect()
}

/// The sizes of listed archives, in order.
pub fn sizes(archives: &[Value]) -> Vec<u64> {
    archives
        .iter()
        .map(|a| a["size"].as_u64().unwrap())
        .collect()
}

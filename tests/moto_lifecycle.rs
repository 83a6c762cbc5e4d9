//! The basic lifecycle against moto's Glacier server, an implementation defrost's
//! authors did not write: list the vault, adopt and follow jobs another client
//! started, download an archive job's output byte for byte. moto's Glacier is thin
//! (jobs finish on real time, no checksum headers, DescribeJob reports size 0), so
//! ranges, checksums and errors are tested against the sandbox instead.

mod cli_live;
mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_glacier::Client;
use aws_sdk_glacier::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_glacier::primitives::ByteStream;
use aws_sdk_glacier::types::JobParameters;
use serde_json::Value;
use tempfile::TempDir;

const VAULT: &str = "moto-photos";

/// moto's jobs finish on the wall clock (Standard 5 s, Expedited 2 s); this leaves
/// room for a slow, shared machine.
const DEADLINE: Duration = Duration::from_secs(60);

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("DEFROST_TEST_VENV").unwrap_or_else(|| {
        panic!(
            "DEFROST_TEST_VENV is not set; run ./tests/run, which installs moto into \
             target/test-venv and points DEFROST_TEST_VENV at it"
        )
    });
    let python = Path::new(&venv).join("bin").join("python");
    assert!(
        python.is_file(),
        "{} does not exist; remove {} and run ./tests/run again",
        python.display(),
        Path::new(&venv).display()
    );
    python
}

/// `python -m moto.server` on a port of its own, killed when this is dropped
/// (a failing assertion included).
struct Moto {
    child: Child,
    endpoint: String,
    log: PathBuf,
    _dir: TempDir,
}

impl Moto {
    fn start() -> Self {
        // The OS picks a free port; it is released just before moto binds it.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let log_file = std::fs::File::create(&log).unwrap();
        let child = Command::new(venv_python())
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start moto.server: {err}"));
        let mut moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        moto.wait_until_ready(port);
        moto
    }

    /// Waits for moto to answer, checking that the answer comes from our own
    /// process: a stale server on the same port would pass the probe alone.
    fn wait_until_ready(&mut self, port: u16) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "moto.server exited ({status}) before answering:\n{}",
                    self.log_text()
                );
            }
            if answers_data_json(port) {
                return;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "moto.server did not answer on port {port} within {DEADLINE:?}:\n{}",
                self.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether `GET /moto-api/data.json` gets a 200.
fn answers_data_json(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request =
        "GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200")
}

fn client(endpoint: &str) -> Client {
    let config = aws_sdk_glacier::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .build();
    Client::from_conf(config)
}

/// Distinct bodies of at most 1 MiB: moto names an archive by its body's MD5, and
/// reports a plain SHA-256 as its "tree hash", which equals the real one only up to
/// 1 MiB.
fn bodies() -> Vec<(String, Vec<u8>)> {
    [(1usize, 10_000usize), (2, 300_000), (3, 1 << 20)]
        .into_iter()
        .map(|(seed, len)| {
            let bytes = (0..len)
                .map(|i| (i.wrapping_mul(31).wrapping_add(seed * 97) % 251) as u8)
                .collect();
            (format!("photo-{seed}.jpg"), bytes)
        })
        .collect()
}

fn tree_hash(bytes: &[u8]) -> String {
    let mut hasher = defrost::domain::treehash::TreeHasher::new();
    hasher.update(bytes);
    hasher.finish().to_string()
}

/// Creates the vault and uploads the bodies; returns their archive ids in order.
async fn upload(client: &Client, bodies: &[(String, Vec<u8>)]) -> Vec<String> {
    client
        .create_vault()
        .account_id("-")
        .vault_name(VAULT)
        .send()
        .await
        .expect("the vault is created");
    let mut ids = Vec::new();
    for (description, bytes) in bodies {
        let uploaded = client
            .upload_archive()
            .account_id("-")
            .vault_name(VAULT)
            .archive_description(description)
            .checksum(tree_hash(bytes))
            .body(ByteStream::from(bytes.clone()))
            .send()
            .await
            .expect("the archive uploads");
        ids.push(uploaded.archive_id().expect("an archive id").to_owned());
    }
    ids
}

async fn start_job(client: &Client, params: JobParameters) -> String {
    let started = client
        .initiate_job()
        .account_id("-")
        .vault_name(VAULT)
        .job_parameters(params)
        .send()
        .await
        .expect("the job starts");
    started.job_id().expect("a job id").to_owned()
}

/// The inventory job's output, as the inventory JSON Glacier returns.
async fn job_output(client: &Client, job_id: &str) -> Vec<u8> {
    let output = client
        .get_job_output()
        .account_id("-")
        .vault_name(VAULT)
        .job_id(job_id)
        .send()
        .await
        .expect("the output downloads");
    output
        .body
        .collect()
        .await
        .expect("the body arrives")
        .to_vec()
}

/// The `defrost` binary pointed at moto, with its own cache.
struct Defrost<'a> {
    moto: &'a Moto,
    home: TempDir,
    data: TempDir,
}

impl Defrost<'_> {
    fn run(&self, args: &[&str]) -> String {
        let output = cli_live::defrost(&self.home, &self.moto.endpoint)
            .arg("--data-dir")
            .arg(self.data.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "defrost {args:?} failed: {output:?}\nmoto's log:\n{}",
            self.moto.log_text()
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `defrost jobs --vault V --json`, the row of `job_id`.
    fn job_row(&self, job_id: &str) -> Value {
        let json = self.run(&["jobs", "--vault", VAULT, "--json"]);
        json.lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .find(|row| row["job_id"] == job_id)
            .unwrap_or_else(|| panic!("defrost jobs does not list {job_id}:\n{json}"))
    }

    /// Polls `defrost jobs` until the job shows as ready; returns its row.
    fn wait_until_ready(&self, job_id: &str) -> Value {
        let started = Instant::now();
        loop {
            let row = self.job_row(job_id);
            if row["status"] == "ready" {
                return row;
            }
            assert_eq!(row["status"], "in progress", "{row}");
            assert!(
                started.elapsed() < DEADLINE,
                "job {job_id} was not ready within {DEADLINE:?}: {row}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn vaults_jobs_and_a_verified_download_against_moto() {
    let moto = Moto::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sdk = client(&moto.endpoint);
    let bodies = bodies();
    let ids = runtime.block_on(upload(&sdk, &bodies));
    let defrost = Defrost {
        moto: &moto,
        home: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
    };

    let vaults = defrost.run(&["vaults"]);
    assert!(vaults.contains(VAULT), "{vaults}");

    // An inventory job started by another client is adopted, then followed.
    let inventory_job = runtime.block_on(start_job(
        &sdk,
        JobParameters::builder()
            .r#type("inventory-retrieval")
            .build(),
    ));
    let row = defrost.job_row(&inventory_job);
    assert_eq!(row["adopted"], true, "{row}");
    assert_eq!(row["kind"], "inventory-retrieval", "{row}");
    let row = defrost.wait_until_ready(&inventory_job);
    assert_eq!(row["adopted"], true, "{row}");
    assert!(row["completed"].is_string(), "{row}");

    // Its output, imported, gives defrost the archives' names and sizes.
    let inventory = defrost.data.path().join("inventory.json");
    std::fs::write(
        &inventory,
        runtime.block_on(job_output(&sdk, &inventory_job)),
    )
    .unwrap();
    defrost.run(&[
        "inventory",
        "import",
        inventory.to_str().unwrap(),
        "--vault",
        VAULT,
    ]);

    let (description, body) = &bodies[1];
    let archive_job = runtime.block_on(start_job(
        &sdk,
        JobParameters::builder()
            .r#type("archive-retrieval")
            .archive_id(&ids[1])
            .tier("Expedited")
            .build(),
    ));
    let row = defrost.wait_until_ready(&archive_job);
    assert_eq!(row["adopted"], true, "{row}");
    assert_eq!(row["archive_id"], ids[1].as_str(), "{row}");

    let restore = tempfile::tempdir().unwrap();
    let printed = defrost.run(&[
        "download",
        &archive_job,
        "--vault",
        VAULT,
        "--to",
        restore.path().to_str().unwrap(),
    ]);
    assert!(printed.starts_with("verified "), "{printed}");
    assert!(printed.contains(&tree_hash(body)), "{printed}");
    let downloaded = std::fs::read(restore.path().join(description)).unwrap();
    assert!(
        downloaded == *body,
        "the downloaded bytes differ from the upload"
    );
}

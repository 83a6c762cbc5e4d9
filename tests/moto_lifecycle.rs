//! The basic lifecycle against moto's Glacier server, an implementation defrost's
//! authors did not write: list the vault, adopt and follow jobs another client
//! started, download an archive job's output byte for byte. moto's Glacier is thin
//! (jobs finish on real time, no checksum headers, DescribeJob reports size 0), so
//! ranges, checksums and errors are tested against the sandbox instead.

mod cli_live;
mod common;
mod moto_server;

use std::time::{Duration, Instant};

use aws_sdk_glacier::Client;
use aws_sdk_glacier::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_glacier::primitives::ByteStream;
use aws_sdk_glacier::types::JobParameters;
use moto_server::MotoServer;
use serde_json::Value;
use tempfile::TempDir;

const VAULT: &str = "moto-photos";

/// moto's jobs finish on the wall clock (Standard 5 s, Expedited 2 s); this leaves
/// room for a slow, shared machine.
const DEADLINE: Duration = Duration::from_secs(60);

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
    moto: &'a MotoServer,
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
    let moto = MotoServer::start();
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

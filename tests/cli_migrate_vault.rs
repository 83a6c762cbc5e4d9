//! Leaving Glacier, end to end: a sandbox vault of many small archives named
//! by mt-aws-glacier, FastGlacier and CloudBerry descriptions (names shared
//! by several archives, archives with no name) is copied into moto's S3 with
//! `defrost migrate`, killed twice at different points and run again until
//! done. Every object is then in the bucket under its key, whole, with the
//! archive's id, tree hash, description and creation date; the manifest is in
//! the bucket and the data directory; another run copies nothing and starts
//! no job. `drain --only-copied` deletes every archive, and `drain
//! --delete-vault` waits for Glacier's next inventory, sees it empty and
//! deletes the vault.
//!
//! `DEFROST_MIGRATE_SCALE` sets how many archives (500 by default).

mod cli_live;
mod common;
mod jobs_support;
mod moto_server;
mod restore_support;
mod s3_behaviour;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use defrost::domain::migrate::read_user_metadata;
use defrost::s3::{ObjectStore, SdkS3};
use defrost::sandbox::seed::describe::{DescriptionFormat, describe};
use jobs_support::{Spec, seed_vault};
use moto_server::MotoServer;
use restore_support::{Running, json_lines};
use serde_json::Value;
use tempfile::TempDir;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Glacier's day is 24 s: job outputs stay that long and the vault's next
/// inventory comes within it; an Expedited job is ready in a twentieth of a
/// second (polled once a second).
const SPEEDUP: u32 = 3_600;
const BUCKET: &str = "vault-copy";
const PATIENCE: Duration = Duration::from_secs(180);

fn scale() -> usize {
    std::env::var("DEFROST_MIGRATE_SCALE")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(500)
}

/// One archive as seeded: its description, the name it decodes to, size,
/// tree hash and id.
struct Seeded {
    id: String,
    description: String,
    name: Option<String>,
    size: u64,
    tree_hash: String,
}

/// `total` descriptions in three tools' formats: every 37th archive takes the
/// name of the one before it, every 41st has no description at all.
fn descriptions(total: usize) -> Vec<(String, Option<String>)> {
    let formats = [
        DescriptionFormat::Mt2,
        DescriptionFormat::Fastglacier,
        DescriptionFormat::Cloudberry,
    ];
    let mtime = OffsetDateTime::from_unix_timestamp(1_566_288_000).unwrap();
    let mut out: Vec<(String, Option<String>)> = Vec::with_capacity(total);
    for n in 0..total {
        if n % 41 == 7 {
            out.push((String::new(), None));
            continue;
        }
        let name = match out.last() {
            Some((_, Some(previous))) if n % 37 == 5 => previous.clone(),
            _ => {
                let album = ["Überlingen", "beach day", "taxes"][n % 3];
                format!("photos/{}/{album}/IMG_{n:05}.jpg", 2015 + n % 5)
            }
        };
        out.push((describe(formats[n % 3], &name, mtime), Some(name)));
    }
    out
}

struct Setup {
    live: cli_live::Live,
    moto: MotoServer,
    home: TempDir,
    data: TempDir,
    archives: Vec<Seeded>,
}

impl Setup {
    fn command(&self) -> assert_cmd::Command {
        let mut command = cli_live::defrost(&self.home, &self.live.sandbox.endpoint_url());
        command
            .arg("--data-dir")
            .arg(self.data.path())
            .args(["--sandbox-speedup", &SPEEDUP.to_string()])
            .timeout(Duration::from_secs(600));
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    fn migrate_args(&self) -> Vec<String> {
        [
            "migrate",
            "--vault",
            "v",
            "--all",
            "--bucket",
            BUCKET,
            "--prefix",
            "backup",
            "--storage-class",
            "STANDARD",
            "--tier",
            "Expedited",
            "--s3-endpoint-url",
            &self.moto.endpoint,
            "--requests-per-second",
            "500",
            "--max-jobs-in-flight",
            "50",
            "--yes",
            "--json",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    }

    fn migrate(&self) -> Output {
        let args = self.migrate_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    /// The migration as a process to kill, its output written to files.
    fn spawn_migrate(&self, run: &str) -> Running {
        let stdout = self.data.path().join(format!("migrate-{run}.out"));
        let stderr = stdout.with_extension("err");
        let child = cli_live::defrost_process(&self.home, &self.live.sandbox.endpoint_url())
            .arg("--data-dir")
            .arg(self.data.path())
            .args(["--sandbox-speedup", &SPEEDUP.to_string()])
            .args(self.migrate_args())
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// Jobs the sandbox started for each archive id, ever.
    fn jobs_started(&self) -> BTreeMap<String, u64> {
        let state = self.live.sandbox.shared.lock(OffsetDateTime::now_utc());
        state.vaults["v"].jobs_started.clone()
    }

    /// Each archive's key, from its name: its own for the first of a name
    /// (which one is the batch's to choose), the name with ` (archive ID8)`
    /// for the others, `no-name/ID` without one.
    fn assert_keys(&self, keys: &HashMap<String, String>) {
        let mut by_name: HashMap<&str, Vec<&Seeded>> = HashMap::new();
        for archive in &self.archives {
            let key = &keys[&archive.id];
            match &archive.name {
                None => assert_eq!(key, &format!("backup/no-name/{}", archive.id)),
                Some(name) => by_name.entry(name).or_default().push(archive),
            }
        }
        for (name, sharing) in by_name {
            let plain = format!("backup/{name}");
            let keeping = sharing.iter().filter(|a| keys[&a.id] == plain).count();
            assert_eq!(keeping, 1, "{name}: one archive keeps the name");
            for archive in sharing.iter().filter(|a| keys[&a.id] != plain) {
                let stem = plain.trim_end_matches(".jpg");
                let suffixed = format!("{stem} (archive {}).jpg", &archive.id[..8]);
                assert_eq!(keys[&archive.id], suffixed);
            }
        }
    }
}

fn setup(total: usize) -> Setup {
    let moto = MotoServer::start();
    let live = cli_live::live_sandbox_at(SPEEDUP);
    live._runtime
        .block_on(s3_behaviour::create_bucket(&moto.endpoint, BUCKET));
    let planned = descriptions(total);
    let specs: Vec<Spec<'_>> = (planned.iter().enumerate())
        .map(|(n, (description, _))| Spec {
            size: 200 + (n as u64 * 97) % 3000,
            description,
        })
        .collect();
    let seeded = seed_vault(&live.sandbox, "v", &specs);
    let archives = (seeded.into_iter().zip(planned))
        .map(|(archive, (description, name))| Seeded {
            id: archive.id,
            description,
            name,
            size: archive.size,
            tree_hash: archive.tree_hash,
        })
        .collect();
    let setup = Setup {
        live,
        moto,
        home: tempfile::tempdir().unwrap(),
        data: tempfile::tempdir().unwrap(),
        archives,
    };
    // The inventory Glacier has, fetched as a user would.
    let fetched = setup.run(&["inventory", "fetch", "--vault", "v", "--wait"]);
    assert!(fetched.status.success(), "{fetched:?}");
    setup
}

fn events(lines: &[Value], kind: &str) -> usize {
    lines.iter().filter(|line| line["event"] == kind).count()
}

#[test]
#[ignore = "needs moto; tests/run provides it"]
fn a_vault_survives_two_kills_lands_whole_under_its_names_and_is_drained_and_deleted() {
    let total = scale();
    let began = Instant::now();
    let setup = setup(total);

    // Killed while its first jobs start and copy, then while it copies.
    let mut starting = setup.spawn_migrate("first");
    starting.wait_until(PATIENCE, |_| setup.jobs_started().len() >= total / 10);
    starting.kill();
    assert!(
        setup.jobs_started().len() < total,
        "the first kill came too late"
    );
    let mut copying = setup.spawn_migrate("second");
    copying.wait_until(PATIENCE, |run| run.events("restored") >= total / 3);
    copying.kill();

    let last = setup.migrate();
    assert!(last.status.success(), "{last:?}");
    let said = String::from_utf8_lossy(&last.stderr);
    assert!(said.contains("going on with batch B1"), "{said}");
    let outcome = json_lines(&last).pop().unwrap();
    assert_eq!(outcome["batch"], "B1", "{outcome}");
    assert_eq!(outcome["restored"], total, "{outcome}");
    assert_eq!(outcome["given_up"], 0, "{outcome}");
    let started = setup.jobs_started();
    assert_eq!(started.len(), total, "a job for every archive");

    let runtime = &setup.live._runtime;
    let s3 = SdkS3::for_endpoint(&setup.moto.endpoint, "us-east-1", BUCKET);
    let keys = assert_manifests(&setup, runtime, &s3);
    setup.assert_keys(&keys);
    assert_objects(&setup, runtime, &s3, &keys);

    // Again: everything is copied; nothing is started, sent or paid for.
    let again = setup.migrate();
    assert!(again.status.success(), "{again:?}");
    let lines = json_lines(&again);
    assert_eq!(
        events(&lines, "restored") + events(&lines, "started"),
        0,
        "{lines:?}"
    );
    assert_eq!(lines.last().unwrap()["restored"], total);
    assert_eq!(setup.jobs_started(), started, "no job started again");

    drain_and_delete(&setup, total);
    eprintln!(
        "{total} archives migrated, drained and deleted in {:?}",
        began.elapsed()
    );
}

/// The manifest in the bucket and in the data directory, alike; each
/// archive's key by its id.
fn assert_manifests(
    setup: &Setup,
    runtime: &tokio::runtime::Runtime,
    s3: &SdkS3,
) -> HashMap<String, String> {
    let local = setup.data.path().join("manifests");
    for extension in ["csv", "jsonl"] {
        let name = format!("defrost-manifest-B1.{extension}");
        let remote = runtime
            .block_on(s3.get_object(&format!("backup/{name}")))
            .unwrap();
        let here = std::fs::read(local.join(&name)).unwrap();
        assert_eq!(remote.to_vec(), here, "{name}");
    }
    let csv = std::fs::read_to_string(local.join("defrost-manifest-B1.csv")).unwrap();
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .into_records()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records.len(), setup.archives.len());
    let keys: HashMap<String, String> = (records.iter())
        .map(|record| (record[0].to_owned(), record[1].to_owned()))
        .collect();
    for archive in &setup.archives {
        let record = records.iter().find(|r| r[0] == archive.id).unwrap();
        assert_eq!(record[2], archive.size.to_string());
        assert_eq!(record[3], archive.tree_hash);
    }
    keys
}

/// Every object whole under its key, with the archive's facts as metadata.
fn assert_objects(
    setup: &Setup,
    runtime: &tokio::runtime::Runtime,
    s3: &SdkS3,
    keys: &HashMap<String, String>,
) {
    let listed = setup.run(&["archives", "--vault", "v", "--json", "--limit", "1000000"]);
    let created: HashMap<String, String> = (json_lines(&listed).into_iter())
        .map(|row| {
            let id = row["archive_id"].as_str().unwrap().to_owned();
            (id, row["created"].as_str().unwrap().to_owned())
        })
        .collect();
    for archive in &setup.archives {
        let key = &keys[&archive.id];
        let bytes = runtime
            .block_on(s3.get_object(key))
            .unwrap_or_else(|err| panic!("{key}: {err}"));
        assert_eq!(bytes.len() as u64, archive.size, "{key}");
        assert_eq!(common::tree_hash(&bytes), archive.tree_hash, "{key}");
        let facts = runtime.block_on(s3.head_object(key)).unwrap().unwrap();
        let stored =
            read_user_metadata(&facts.metadata).unwrap_or_else(|err| panic!("{key}: {err}"));
        assert_eq!(stored.archive.archive_id, archive.id, "{key}");
        assert_eq!(
            stored.archive.tree_hash.to_string(),
            archive.tree_hash,
            "{key}"
        );
        assert_eq!(stored.archive.description, archive.description, "{key}");
        assert_eq!(stored.description_cut_from, None, "{key}");
        let inventory_date = OffsetDateTime::parse(&created[&archive.id], &Rfc3339).unwrap();
        assert_eq!(stored.archive.created, inventory_date, "{key}");
    }
}

/// Drains every copied archive, then follows the vault to its end: kept
/// until Glacier's next inventory, which the cache then fetches, empty.
fn drain_and_delete(setup: &Setup, total: usize) {
    let drain = ["drain", "--vault", "v", "--only-copied", "--yes", "--json"];
    let drained = setup.run(&[&drain[..], &["--requests-per-second", "500"]].concat());
    assert!(drained.status.success(), "{drained:?}");
    assert_eq!(json_lines(&drained).pop().unwrap()["deleted"], total);
    let waiting = setup.run(&[&drain[..], &["--delete-vault"]].concat());
    assert!(waiting.status.success(), "{waiting:?}");
    assert_eq!(
        json_lines(&waiting).pop().unwrap()["state"],
        "awaiting inventory"
    );

    let began = Instant::now();
    while vault_listing(setup)["archive_count"] != 0 {
        assert!(
            began.elapsed() < Duration::from_secs(90),
            "no new inventory came"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
    let fetched = setup.run(&["inventory", "fetch", "--vault", "v", "--wait"]);
    assert!(fetched.status.success(), "{fetched:?}");
    let listed = setup.run(&["archives", "--vault", "v", "--json"]);
    assert!(
        listed.stdout.is_empty(),
        "the newest inventory lists nothing"
    );

    let ended = setup.run(&[&drain[..], &["--delete-vault"]].concat());
    assert!(ended.status.success(), "{ended:?}");
    assert_eq!(json_lines(&ended).pop().unwrap()["state"], "deleted");
    let state = setup.live.sandbox.shared.lock(OffsetDateTime::now_utc());
    assert!(!state.vaults.contains_key("v"), "the vault is gone");
    assert!(Path::new(setup.data.path()).join("deletions").is_dir());
}

/// Vault `v` as `defrost vaults --json` lists it.
fn vault_listing(setup: &Setup) -> Value {
    let listed = setup.run(&["vaults", "--json"]);
    assert!(listed.status.success(), "{listed:?}");
    (json_lines(&listed).into_iter())
        .find(|vault| vault["name"] == "v")
        .unwrap()
}

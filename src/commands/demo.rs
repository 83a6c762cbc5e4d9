//! `defrost demo`: the whole program against a Glacier sandbox started in this
//! process, seeded from `assets/`, with its own data directory and a clock that
//! runs 360 times faster, so jobs finish while the user watches. The screen talks
//! to the sandbox through the real aws-sdk-glacier client, as it would to AWS.
//! The sandbox's S3 endpoint runs beside it with an empty bucket, so a demo
//! vault can be copied to S3 and drained.

use std::io::Cursor;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context;
use time::OffsetDateTime;

use crate::commands::BadInput;
use crate::domain::inventory::InventoryFormat;
use crate::domain::job::ServiceSpeed;
use crate::domain::range::PlanKind;
use crate::glacier::SdkGlacier;
use crate::sandbox::jobs::InventoryOutput;
use crate::sandbox::seed::BucketSeed;
use crate::sandbox::{RunningSandbox, SandboxOptions, Speedup, seed, start};
use crate::store::{ArchiveQuery, ImportRequest, Store};
use crate::tracking::launch::{LaunchRequest, RetrievalRequest, launch_plan, plan_jobs};

/// The demo seed: vaults with named archives in every description format.
const DEMO_SEED: &str = include_str!("../../assets/demo-seed.toml");

/// How much faster than Glacier the demo's clock runs by default: a Standard job
/// takes about 40 seconds, an output window 4 minutes.
pub const DEMO_SPEEDUP: u32 = 360;

pub const DEMO_REGION: &str = "us-east-1";

/// The S3 bucket the demo's sandbox starts with, empty, for copying vaults to.
pub const DEMO_BUCKET: &str = "demo-migrated";

/// The seed a demo starts from: the built-in one, or a file the user gave.
#[derive(Debug, Clone)]
pub struct DemoSeed {
    pub seed: seed::Seed,
    /// The seed's SHA-256, hex: a demo folder remembers the seed it began
    /// with, so another seed is not mixed into its state.
    pub fingerprint: String,
}

/// Reads and checks `path`'s seed, or the built-in one.
pub fn read_seed(path: Option<&Path>) -> Result<DemoSeed, BadInput> {
    let (text, source) = match path {
        None => (DEMO_SEED.to_owned(), "the built-in demo seed".to_owned()),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                BadInput(format!(
                    "cannot read the seed file {}: {err}; give a TOML seed file as `defrost sandbox --help` describes",
                    crate::text::printable(&path.display().to_string())
                ))
            })?;
            (text, crate::text::printable(&path.display().to_string()))
        }
    };
    let parsed = seed::parse(&text)
        .map_err(|problem| BadInput(format!("{source} is not a valid seed: {problem}")))?;
    Ok(DemoSeed {
        seed: parsed,
        fingerprint: crate::domain::treehash::sha256(text.as_bytes()).to_string(),
    })
}

/// The file in the demo folder that names the seed its state began from.
const SEED_MARK: &str = "seed.sha256";

/// Makes the demo folder ready for `seed`: emptied first when `reset`; a
/// folder whose state began from another seed is refused rather than mixed.
pub fn prepare_folder(demo_dir: &Path, seed: &DemoSeed, reset: bool) -> anyhow::Result<()> {
    if reset {
        let tour = super::demo_tour::TOUR_FILE;
        for part in ["sandbox", "data", "downloads", SEED_MARK, tour] {
            let path = demo_dir.join(part);
            let removed = match std::fs::symlink_metadata(&path) {
                Err(_) => Ok(()),
                Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path),
                Ok(_) => std::fs::remove_file(&path),
            };
            removed.with_context(|| format!("cannot reset the demo: remove {}", path.display()))?;
        }
        eprintln!("the demo starts over from its seed");
    }
    std::fs::create_dir_all(demo_dir)
        .with_context(|| format!("cannot create the demo's folder {}", demo_dir.display()))?;
    let mark = demo_dir.join(SEED_MARK);
    let began = demo_dir.join("sandbox").exists();
    match std::fs::read_to_string(&mark) {
        Ok(known) if known.trim() != seed.fingerprint && began => Err(BadInput(format!(
            "the demo in {} began from another seed; add --reset to start over from this one",
            demo_dir.display()
        ))
        .into()),
        Ok(known) if known.trim() == seed.fingerprint => Ok(()),
        // A demo from before seeds were remembered began from the built-in one.
        Err(_) if began && seed.fingerprint != read_seed(None)?.fingerprint => {
            Err(BadInput(format!(
                "the demo in {} began from the built-in seed; add --reset to start over from this one",
                demo_dir.display()
            ))
            .into())
        }
        _ => std::fs::write(&mark, &seed.fingerprint)
            .with_context(|| format!("cannot write {}", mark.display())),
    }
}

/// Starts the seeded sandbox and its S3 endpoint, each on a free loopback
/// port, keeping their state under `demo_dir`.
pub async fn start_sandbox(
    demo_dir: &Path,
    seed: DemoSeed,
    speed: ServiceSpeed,
) -> anyhow::Result<RunningSandbox> {
    let mut seed = seed.seed;
    if !seed.buckets.iter().any(|bucket| bucket.name == DEMO_BUCKET) {
        seed.buckets.push(BucketSeed {
            name: DEMO_BUCKET.into(),
            region: Some(DEMO_REGION.into()),
        });
    }
    let state_dir = demo_dir.join("sandbox");
    std::fs::create_dir_all(&state_dir)
        .with_context(|| format!("cannot create the demo's folder {}", state_dir.display()))?;
    let options = SandboxOptions {
        state_dir: Some(state_dir),
        speedup: Speedup::new(f64::from(speed.factor())).unwrap_or_default(),
        region: DEMO_REGION.into(),
        seed: Some(seed),
        s3_addr: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        ..SandboxOptions::default()
    };
    start(options)
        .await
        .map_err(|err| BadInput(format!("the demo sandbox cannot start: {err}")).into())
}

/// The demo's line in the screen's title: where its Glacier and S3 endpoints
/// listen, and how fast its clock runs.
pub fn banner(sandbox: &RunningSandbox, speed: ServiceSpeed) -> String {
    let s3 = sandbox
        .s3_addr
        .map(|addr| format!(" · S3 at {addr}, bucket {DEMO_BUCKET}"))
        .unwrap_or_default();
    format!(
        "demo · local sandbox at {}{s3} · clock ×{}",
        sandbox.addr,
        speed.factor()
    )
}

/// Puts each sandbox vault's current inventory in the demo cache, once, so the
/// first screen already lists archives (on AWS that takes an inventory job of
/// hours, which the demo also lets the user run).
pub fn cache_inventories(
    sandbox: &RunningSandbox,
    store: &mut Store,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let cached: Vec<String> = store
        .vaults()?
        .into_iter()
        .map(|vault| vault.key.name)
        .collect();
    let outputs: Vec<(String, InventoryOutput)> = {
        let state = sandbox.shared.lock(now);
        state
            .vaults
            .iter()
            .filter(|(name, _)| !cached.contains(name))
            .filter_map(|(name, vault)| {
                let inventory = vault.inventory.as_ref()?;
                let arn = sandbox.shared.ctx.vault_arn(name);
                Some((
                    name.clone(),
                    InventoryOutput::new(false, arn, inventory.date, inventory.entries.clone()),
                ))
            })
            .collect()
    };
    for (name, output) in outputs {
        let size = output.size();
        let mut body = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        for chunk in output.into_chunks(0, size.saturating_sub(1)) {
            body.extend_from_slice(&chunk);
        }
        let request = ImportRequest {
            format: InventoryFormat::Json,
            vault_name: name.clone(),
            account: None,
            region: Some(DEMO_REGION.into()),
            default_region: None,
            inventory_date: None,
            source: "the demo sandbox".into(),
            obtained_at: now,
        };
        store
            .import(Cursor::new(body), request, |_| {})
            .with_context(|| format!("cannot cache the demo inventory of {name}"))?;
    }
    Ok(())
}

/// The jobs the demo starts on its first run, so that its jobs pane is live at
/// once: a Standard job that is ready in under a minute and a Bulk one that takes
/// a few, on archives of the seed.
const FIRST_JOBS: [(&str, &str, &str); 2] = [
    (
        "family-photos",
        "scans/grandparents/été-1962.pdf",
        "Standard",
    ),
    ("family-photos", "videos/2021-birthday.mp4", "Bulk"),
];

/// Starts [`FIRST_JOBS`] through the journaled launcher when the demo's journal is
/// still empty (its first run). Says why when one cannot be started.
pub async fn start_first_jobs(
    glacier: &SdkGlacier,
    store: &mut Store,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    if !store.journal(None)?.is_empty() {
        return Ok(());
    }
    for (vault_name, name, tier) in FIRST_JOBS {
        let vault = store.find_vault(vault_name, None, None)?;
        let snapshot = store.open_snapshot(&store.snapshot_of(&vault, None)?)?;
        let query = ArchiveQuery {
            filter: Some(name.to_owned()),
            limit: 10,
            ..ArchiveQuery::default()
        };
        let Some(archive) = snapshot
            .page(&query)?
            .archives
            .into_iter()
            .find(|row| row.name == name)
        else {
            anyhow::bail!("the demo seed has no archive named {name}");
        };
        let request = RetrievalRequest {
            archive_id: archive.archive_id,
            archive_size: Some(archive.size),
            want: None,
            plan: PlanKind::Split,
            tier: Some(tier.to_owned()),
            sns_topic: None,
        };
        let mut planned = plan_jobs(&request)?;
        planned.archive_name = Some(archive.name);
        planned.archive_tree_hash = Some(archive.sha256_tree_hash);
        let reuse = vec![None; planned.jobs.len()];
        let launch = LaunchRequest {
            vault: vault.key,
            planned,
            reuse,
            started_by: "defrost demo".into(),
        };
        launch_plan(glacier, store, &launch, now).await?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "demo_tests.rs"]
mod tests;

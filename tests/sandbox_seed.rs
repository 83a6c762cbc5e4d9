//! Starting the sandbox with a seed: the demo seed, stable ids, inventories at once.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{TEST_SPEEDUP, client_for, start_sandbox_with};
use defrost::sandbox::{RunningSandbox, SandboxOptions, Speedup, seed};
use time::OffsetDateTime;

fn demo_seed() -> seed::Seed {
    seed::load(Path::new("assets/demo-seed.toml")).unwrap()
}

/// Small enough to start in a blink, varied enough to give ids some work.
const SMALL_SEED: &str = r#"
[[vaults]]
name = "photos"
created = "2020-01-01T00:00:00Z"

[[vaults.archives]]
name = "album.tar"
format = "mt2"
size = "3GiB"

[[vaults.generated]]
count = 40
seed = 9
max_size = "64MiB"

[[vaults]]
name = "scans"

[[vaults.generated]]
count = 10
max_size = "8MiB"
"#;

fn options(state_dir: Option<&Path>, seed: seed::Seed) -> SandboxOptions {
    SandboxOptions {
        state_dir: state_dir.map(Path::to_path_buf),
        speedup: Speedup::new(TEST_SPEEDUP).unwrap(),
        seed: Some(seed),
        ..Default::default()
    }
}

fn small_seed() -> seed::Seed {
    seed::parse(SMALL_SEED).unwrap()
}

/// Archive ids by vault, read straight from the state.
fn archive_ids(sandbox: &RunningSandbox) -> BTreeMap<String, Vec<String>> {
    let state = sandbox.shared.lock(OffsetDateTime::now_utc());
    state
        .vaults
        .values()
        .map(|vault| (vault.name.clone(), vault.archives.keys().cloned().collect()))
        .collect()
}

#[tokio::test]
async fn the_demo_seed_loads_with_inventories_at_once() {
    let sandbox = start_sandbox_with(options(None, demo_seed())).await;

    let client = client_for(&sandbox);
    let vaults = client.list_vaults().account_id("-").send().await.unwrap();
    let names: Vec<_> = vaults
        .vault_list()
        .iter()
        .filter_map(|v| v.vault_name())
        .collect();
    assert_eq!(
        names,
        [
            "company-backups",
            "family-photos",
            "new-and-empty",
            "office-archive"
        ]
    );

    let photos = client
        .describe_vault()
        .account_id("-")
        .vault_name("family-photos")
        .send()
        .await
        .unwrap();
    assert!(photos.last_inventory_date().is_some(), "inventory at once");
    assert_eq!(photos.number_of_archives(), 3005);
    assert!(photos.size_in_bytes() > 14 << 30);
    assert_eq!(photos.creation_date(), Some("2018-04-02T09:12:00.000Z"));

    let empty = client
        .describe_vault()
        .account_id("-")
        .vault_name("new-and-empty")
        .send()
        .await
        .unwrap();
    assert!(empty.last_inventory_date().is_none());

    let state = sandbox.shared.lock(OffsetDateTime::now_utc());
    assert!(!state.expedited_capacity_available);
    let total: usize = state.vaults.values().map(|v| v.archives.len()).sum();
    assert!(total > 4000, "{total}");
}

#[tokio::test]
async fn seeded_ids_are_the_same_on_every_start() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_sandbox_with(options(Some(dir.path()), small_seed())).await;
    let first_ids = archive_ids(&first);
    assert_eq!(first_ids["photos"].len(), 41);
    // Changes made while running survive a restart with the same seed; a vault
    // that is gone is seeded again, with the same ids.
    first
        .shared
        .change(OffsetDateTime::now_utc(), |state| {
            state.vaults.get_mut("scans").unwrap().archives.clear();
            state.vaults.remove("photos");
            Ok(())
        })
        .unwrap();
    first.shutdown().await.unwrap();

    let second = start_sandbox_with(options(Some(dir.path()), small_seed())).await;
    let mut expected = first_ids.clone();
    expected.insert("scans".into(), Vec::new());
    assert_eq!(archive_ids(&second), expected);
    second.shutdown().await.unwrap();

    let elsewhere = start_sandbox_with(options(None, small_seed())).await;
    assert_eq!(archive_ids(&elsewhere), first_ids);
}

#[tokio::test]
async fn a_seed_is_checked_before_anything_starts() {
    let bad = seed::parse("[[vaults]]\nname = \"no spaces allowed\"\n").unwrap();
    let result = defrost::sandbox::start(SandboxOptions {
        seed: Some(bad),
        ..Default::default()
    })
    .await;
    let Err(err) = result else {
        panic!("a bad vault name in a seed must stop the start");
    };
    assert!(err.to_string().contains("not a valid vault name"), "{err}");
}

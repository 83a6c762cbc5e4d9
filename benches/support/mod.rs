//! What the cache benchmarks share: without a cache named on the command line (as
//! `cargo test --all-targets` runs them), they import the small fixture into a
//! temporary cache, so the program itself stays tested.
// Each benchmark uses only part of what is here.
#![allow(dead_code)]

use std::path::Path;

/// The arguments after `cargo bench --bench NAME --`. Under `cargo test` (no
/// `--bench` flag) there are none: whatever else the test run passes, such as a
/// name filter, is not a cache to open.
pub fn bench_args() -> Vec<String> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    if !all.iter().any(|arg| arg == "--bench") {
        return Vec::new();
    }
    all.into_iter()
        .filter(|arg| !arg.starts_with("--"))
        .collect()
}

use defrost::domain::inventory::InventoryFormat;
use defrost::store::{ImportRequest, Store};

/// Imports the small test inventory into a new cache in `dir`, as vault `photos`.
pub fn import_fixture(dir: &Path) {
    let mut store = Store::open(dir).expect("a new cache");
    let file = std::fs::File::open("tests/data/inventory/generated-40.json").expect("the fixture");
    let request = ImportRequest {
        format: InventoryFormat::Json,
        vault_name: "photos".into(),
        account: None,
        region: None,
        default_region: None,
        inventory_date: None,
        source: "fixture".into(),
        obtained_at: time::OffsetDateTime::UNIX_EPOCH,
    };
    store
        .import(file, request, |_| {})
        .expect("the fixture imports");
}

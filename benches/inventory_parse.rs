//! Times the inventory readers on a large file, to compare side by side with
//! `python3 -c "import json; json.load(open(FILE))"` under `/usr/bin/time`:
//!
//! ```sh
//! cargo bench --bench inventory_parse -- target/inv-1m.json
//! ```
//!
//! Any inventory will do: a real one, or a synthetic one of a million archives.
//! Without a file (as `cargo test --all-targets` runs it) it reads the small
//! fixture in `tests/data/inventory/`, so the program itself stays tested.
//!
//! A name ending in `.csv` is read as CSV, anything else as JSON. Set
//! `DEFROST_INVENTORY_NAMES=1` to decode every description as well (adding
//! `DEFROST_INVENTORY_DISPLAY=1` to make each display name, as an importer does),
//! and `DEFROST_INVENTORY_ALLOW_DUPLICATES=1` to leave out the duplicate-id check.

mod support;

use std::convert::Infallible;
use std::env;
use std::fs::File;
use std::time::Instant;

use defrost::domain::inventory::{DuplicateIds, InventoryFormat, ReadOptions, read_inventory};
use defrost::domain::names::decode;

fn main() {
    let path = support::bench_args()
        .into_iter()
        .next()
        .unwrap_or_else(|| "tests/data/inventory/generated-40.json".into());
    let decode_names = env::var_os("DEFROST_INVENTORY_NAMES").is_some();
    let display_names = env::var_os("DEFROST_INVENTORY_DISPLAY").is_some();
    let duplicate_ids = match env::var_os("DEFROST_INVENTORY_ALLOW_DUPLICATES") {
        Some(_) => DuplicateIds::Allow,
        None => DuplicateIds::Refuse,
    };
    let format = if path.ends_with(".csv") {
        InventoryFormat::Csv
    } else {
        InventoryFormat::Json
    };
    let file = File::open(&path).expect("the inventory file opens");
    let started = Instant::now();
    let mut named = 0u64;
    let mut shown_bytes = 0;
    let summary = read_inventory(format, file, ReadOptions { duplicate_ids }, |archive| {
        if decode_names {
            let decoded = decode(&archive.description);
            if decoded.name.is_some() {
                named += 1;
            }
            if display_names {
                shown_bytes += decoded.display_name(&archive.archive_id).len();
            }
        }
        Ok::<(), Infallible>(())
    })
    .expect("the inventory reads");
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{path}: {} archives, {} bytes in archives, read in {seconds:.2} s{}",
        summary.archive_count,
        summary.total_size,
        if display_names && decode_names {
            format!(" with {named} names decoded, {shown_bytes} bytes of names shown")
        } else if decode_names {
            format!(" with {named} names decoded")
        } else {
            String::new()
        }
    );
}

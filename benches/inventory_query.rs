//! Times what the browser does against the inventory cache: opening it and
//! fetching the first page of 100 archives by name, and filtering as one types
//! (the first page for each of 20 terms, reported at the 95th percentile).
//!
//! ```sh
//! defrost --data-dir target/bench-cache inventory import target/inv-1m.json --vault photos
//! cargo bench --bench inventory_query -- target/bench-cache photos
//! ```
//!
//! Without arguments (as `cargo test --all-targets` runs it) it imports the small
//! fixture into a temporary cache first, so the program itself stays tested.

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use defrost::store::{ArchiveQuery, SortKey, Store};

/// What a person might type, letter by letter, and some things they paste:
/// common words, rare ones, a date folder, an extension, an id fragment, and
/// terms that match nothing (the slowest case: every line is searched).
const TERMS: [&str; 20] = [
    "h",
    "ho",
    "hol",
    "holi",
    "holid",
    "holida",
    "holiday",
    "2019/",
    "dsc",
    ".tar.gz",
    "final",
    "photos/backup",
    "img7",
    "mp4",
    "zzqp",
    "x7_k",
    "qwerty",
    "no such name",
    "AbCd",
    "release/logs",
];

fn main() {
    let args = support::bench_args();
    let _fixture_cache;
    let (data_dir, vault) = match args.as_slice() {
        [dir, vault, ..] => (PathBuf::from(dir), vault.clone()),
        _ => {
            _fixture_cache = tempfile::tempdir().expect("a temporary folder");
            support::import_fixture(_fixture_cache.path());
            (_fixture_cache.path().to_path_buf(), "photos".to_owned())
        }
    };

    let started = Instant::now();
    let store = Store::open(&data_dir).expect("the cache opens");
    let vault = store
        .find_vault(&vault, None, None)
        .expect("the vault is cached");
    let info = store
        .snapshot_of(&vault, None)
        .expect("the vault has a snapshot");
    let snapshot = store.open_snapshot(&info).expect("the snapshot opens");
    let first_page = snapshot
        .page(&ArchiveQuery {
            sort: SortKey::Name,
            limit: 100,
            ..Default::default()
        })
        .expect("a page");
    let open_and_first_page = started.elapsed();
    println!(
        "{} archives: open + first 100 by name in {:.1} ms ({} rows)",
        info.archive_count,
        millis(open_and_first_page),
        first_page.archives.len()
    );

    let mut timings: Vec<(Duration, &str, u64)> = TERMS
        .iter()
        .map(|term| {
            let started = Instant::now();
            let page = snapshot
                .page(&ArchiveQuery {
                    filter: Some((*term).to_owned()),
                    limit: 100,
                    ..Default::default()
                })
                .expect("a filtered page");
            (started.elapsed(), *term, page.total)
        })
        .collect();
    for (elapsed, term, total) in &timings {
        println!(
            "  filter {term:>14?}: {:7.1} ms, {total} matches",
            millis(*elapsed)
        );
    }
    timings.sort();
    // The 19th of 20 is the 95th percentile.
    let p95 = timings[TERMS.len() * 95 / 100 - 1].0;
    println!(
        "filter first page: p95 {:.1} ms, max {:.1} ms",
        millis(p95),
        millis(timings[TERMS.len() - 1].0)
    );
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

//! Inventories of more than one chunk of archives (a snapshot stores its orders
//! and search text 4096 archives at a time): paging, filtering, folders and diff
//! across the chunk boundaries, with exactly two chunks and with a third begun.

use std::collections::BTreeSet;

use serde_json::Value;

use super::support::{Archive, Cache, archive_id, ids, inventory, sizes};

const CHUNK: u64 = 4096;

/// Archive `n` of the large inventories: in one of seven folders, with a size
/// that jumps about.
fn archive(n: u64) -> Archive {
    let name = format!("dir{}/file-{n:05}.bin", n % 7);
    Archive::new(n, &name, n * 7919 % 100_003)
}

fn import(cache: &Cache, date: &str, count: u64) {
    let archives: Vec<Archive> = (1..=count).map(archive).collect();
    let file = cache.write(&format!("{date}.json"), inventory("big", date, &archives));
    cache.import(&file, "big", &[]);
}

fn page(cache: &Cache, snapshot: &str, more: &[&str]) -> Vec<Value> {
    cache.archives("big", &[&["--snapshot", snapshot][..], more].concat())
}

#[test]
fn paging_filtering_and_folders_across_chunks() {
    let cache = Cache::new();
    let counts = [2 * CHUNK, 2 * CHUNK + 5];
    import(&cache, "2026-01-01T00:00:00Z", counts[0]);
    import(&cache, "2026-02-01T00:00:00Z", counts[1]);
    for (snapshot, count) in [("1", counts[0]), ("2", counts[1])] {
        let len = count as usize;
        for sort in ["name", "size", "date"] {
            let whole = page(&cache, snapshot, &["--sort", sort]);
            assert_eq!(whole.len(), len, "--sort {sort}");
            let unique: BTreeSet<String> = ids(&whole).into_iter().collect();
            assert_eq!(unique.len(), len, "--sort {sort}");
            for offset in [0, 4090, 4096, 8185, 8190] {
                let at = offset.to_string();
                let got = page(
                    &cache,
                    snapshot,
                    &["--sort", sort, "--offset", &at, "--limit", "10"],
                );
                let end = (offset + 10).min(len);
                assert_eq!(got, whole[offset..end], "--sort {sort} --offset {offset}");
            }
        }
        let by_size = sizes(&page(&cache, snapshot, &["--sort", "size"]));
        assert!(by_size.is_sorted());
        let by_name = page(&cache, snapshot, &[]);
        let names: Vec<&str> = by_name
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert!(names.is_sorted());

        // Filters find archives in every chunk, the last one included.
        let sevens = ids(&page(&cache, snapshot, &["--filter", "7.BIN"]));
        let expected: Vec<String> = by_name
            .iter()
            .filter(|a| a["name"].as_str().unwrap().ends_with("7.bin"))
            .map(|a| a["archive_id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(sevens, expected);
        let sevens_expected = (1..=count).filter(|n| n % 10 == 7).count();
        assert_eq!(expected.len(), sevens_expected);
        for n in [1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, count] {
            let by_name = page(&cache, snapshot, &["--filter", &format!("file-{n:05}.bin")]);
            assert_eq!(ids(&by_name), [archive_id(n)], "archive {n}");
            let id = archive_id(n);
            let by_id = page(&cache, snapshot, &["--filter", &id[20..60]]);
            assert_eq!(ids(&by_id), [id], "archive {n} by id");
        }

        // The seven folders hold every archive between them.
        let output = cache.run_ok(&[
            "inventory",
            "tree",
            "--vault",
            "big",
            "--snapshot",
            snapshot,
        ]);
        let tree = String::from_utf8(output.stdout).unwrap();
        let mut total = 0;
        for (line, folder) in tree.lines().zip(0..) {
            let cells: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(
                cells.last(),
                Some(&format!("dir{folder}/").as_str()),
                "{tree}"
            );
            let archives: u64 = cells[cells.len() - 3].replace(',', "").parse().unwrap();
            assert_eq!(
                archives,
                (1..=count).filter(|n| n % 7 == folder).count() as u64
            );
            total += archives;
        }
        assert_eq!(total, count, "{tree}");
    }

    let diff = cache.json_lines(&["inventory", "diff", "--vault", "big", "--json"]);
    let added = ids(diff[0]["added"].as_array().unwrap());
    let expected: Vec<String> = (counts[0] + 1..=counts[1]).map(archive_id).collect();
    assert_eq!(added, expected);
    assert_eq!(diff[0]["removed"], serde_json::json!([]));
}

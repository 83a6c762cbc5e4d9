//! `defrost archives` over `generated-40.json`: the JSON fields against the
//! fixture, the orders, paging, and each filter against what the full listing says.

use std::collections::BTreeSet;

use serde_json::Value;

use super::support::{Cache, VAULT, fixture_json, ids, sizes};

/// The fixture's archives, as its JSON lists them.
fn fixture_archives() -> Vec<Value> {
    fixture_json("generated-40.json")["ArchiveList"]
        .as_array()
        .unwrap()
        .clone()
}

fn text<'a>(archive: &'a Value, key: &str) -> &'a str {
    archive[key].as_str().unwrap()
}

/// A description that no backup tool's format claims: not empty, not mt2, not
/// JSON, not XML.
fn is_plain(description: &str) -> bool {
    !description.is_empty()
        && !description.starts_with("mt2 ")
        && !description.starts_with('{')
        && !description.starts_with('<')
}

#[test]
fn json_lines_carry_the_seven_fields_as_the_inventory_lists_them() {
    let cache = Cache::with_generated_40();
    let listed = cache.archives(VAULT, &[]);
    let fixture = fixture_archives();
    assert_eq!(listed.len(), 40);
    assert_eq!(fixture.len(), 40);

    let seven: BTreeSet<&str> = [
        "archive_id",
        "name",
        "format",
        "size",
        "created",
        "sha256_tree_hash",
        "description",
    ]
    .into();
    for archive in &listed {
        let keys: BTreeSet<&str> = archive
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, seven, "{archive}");
    }

    let listed_ids: BTreeSet<String> = ids(&listed).into_iter().collect();
    assert_eq!(listed_ids.len(), 40, "ids are listed once each");
    let (mut plain, mut empty) = (0, 0);
    for expected in &fixture {
        let id = text(expected, "ArchiveId");
        let found: Vec<&Value> = listed.iter().filter(|a| a["archive_id"] == id).collect();
        assert_eq!(found.len(), 1, "{id}");
        let archive = found[0];
        assert_eq!(archive["size"], expected["Size"], "{id}");
        assert_eq!(
            archive["description"], expected["ArchiveDescription"],
            "{id}"
        );
        assert_eq!(archive["created"], expected["CreationDate"], "{id}");
        assert_eq!(
            text(archive, "sha256_tree_hash"),
            text(expected, "SHA256TreeHash").to_ascii_lowercase(),
            "{id}"
        );
        assert!(!text(archive, "name").is_empty(), "{archive}");
        let description = text(expected, "ArchiveDescription");
        if is_plain(description) {
            plain += 1;
            assert_eq!(archive["name"], description, "{archive}");
            assert_eq!(archive["format"], "raw", "{archive}");
        }
        if description.is_empty() {
            empty += 1;
            assert_eq!(archive["name"], id, "a nameless archive shows its id");
            assert_eq!(archive["format"], "empty", "{archive}");
        }
    }
    assert!(plain >= 5 && empty >= 1, "{plain} plain, {empty} empty");
}

#[test]
fn sorts_by_name_size_and_date_and_reverses() {
    let cache = Cache::with_generated_40();
    let all: BTreeSet<String> = ids(&cache.archives(VAULT, &[])).into_iter().collect();
    let fields = [("name", "name"), ("size", "size"), ("date", "created")];
    for (sort, field) in fields {
        let up = cache.archives(VAULT, &["--sort", sort]);
        let down = cache.archives(VAULT, &["--sort", sort, "--desc"]);
        assert_eq!(up.len(), 40, "{sort}");
        let up_ids: BTreeSet<String> = ids(&up).into_iter().collect();
        let down_ids: BTreeSet<String> = ids(&down).into_iter().collect();
        assert_eq!(up_ids, all, "{sort}");
        assert_eq!(down_ids, all, "{sort}");
        let key = |a: &Value| match &a[field] {
            // Archives without a name (shown by their id) come after every named one.
            Value::String(s) if field == "name" && a["format"] == "empty" => {
                format!("\u{10ffff}{s}")
            }
            Value::String(s) => s.clone(),
            // Sizes padded so that text order is numeric order.
            number => format!("{:020}", number.as_u64().unwrap()),
        };
        let up_keys: Vec<String> = up.iter().map(key).collect();
        let mut down_keys: Vec<String> = down.iter().map(key).collect();
        assert!(up_keys.is_sorted(), "--sort {sort}: {up_keys:?}");
        down_keys.reverse();
        assert_eq!(up_keys, down_keys, "--sort {sort} --desc reverses");
    }
    // The default order is by name.
    assert_eq!(
        cache.archives(VAULT, &[]),
        cache.archives(VAULT, &["--sort", "name"])
    );
    let by_size = sizes(&cache.archives(VAULT, &["--sort", "size"]));
    assert!(by_size.first() < by_size.last(), "{by_size:?}");
}

#[test]
fn pages_concatenate_to_the_whole_listing() {
    let cache = Cache::with_generated_40();
    for sort in ["name", "size", "date"] {
        let whole = cache.archives(VAULT, &["--sort", sort]);
        let mut paged = Vec::new();
        for offset in (0..=42).step_by(7) {
            let offset = offset.to_string();
            let page = cache.archives(
                VAULT,
                &["--sort", sort, "--limit", "7", "--offset", &offset],
            );
            assert!(page.len() <= 7);
            paged.extend(page);
        }
        assert_eq!(paged, whole, "--sort {sort}");
        let unique: BTreeSet<String> = ids(&paged).into_iter().collect();
        assert_eq!(unique.len(), 40, "--sort {sort}");
    }
    let past_the_end = cache.archives(VAULT, &["--offset", "40", "--limit", "5"]);
    assert!(past_the_end.is_empty());
}

#[test]
fn the_table_goes_to_stdout_and_the_footer_to_stderr() {
    let cache = Cache::with_generated_40();
    let page = |more: &[&str]| {
        let output = cache.run_ok(&[&["archives", "--vault", VAULT][..], more].concat());
        (
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let footer_end =
        "of 40 matching, in snapshot 1 (40 archives, inventory of 2026-11-01T04:10:22Z)\n";
    let (table, footer) = page(&["--limit", "3", "--sort", "size"]);
    assert_eq!(table.lines().count(), 3, "{table}");
    assert_eq!(footer, format!("archives 1-3 {footer_end}"));
    // Each row starts with the creation day, as the JSON gives it.
    let json = cache.archives(VAULT, &["--limit", "3", "--sort", "size"]);
    for (row, archive) in table.lines().zip(&json) {
        assert!(row.starts_with(&text(archive, "created")[..10]), "{row}");
        assert!(row.contains(text(archive, "name")), "{row}");
    }
    let (table, footer) = page(&["--offset", "38", "--limit", "5"]);
    assert_eq!(table.lines().count(), 2, "{table}");
    assert_eq!(footer, format!("archives 39-40 {footer_end}"));
    let (table, footer) = page(&["--filter", "no such text anywhere"]);
    assert!(table.is_empty(), "{table}");
    assert!(footer.starts_with("no archives of 0 matching"), "{footer}");
}

#[test]
fn filter_matches_name_description_or_id_in_either_case() {
    let cache = Cache::with_generated_40();
    let whole = cache.archives(VAULT, &[]);
    let id_piece = {
        let id = text(&whole[7], "archive_id");
        // Swap the case of the piece, which must still match.
        id[40..52]
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect::<String>()
    };
    let terms = [
        "PDF",
        "mt2",
        "2019",
        "Photos",
        "<M><V>4",
        "",
        id_piece.as_str(),
        "no such text",
    ];
    let mut counts = Vec::new();
    for term in terms {
        let folded = term.to_ascii_lowercase();
        let expected: Vec<String> = whole
            .iter()
            .filter(|a| {
                ["name", "description", "archive_id"]
                    .iter()
                    .any(|key| text(a, key).to_ascii_lowercase().contains(&folded))
            })
            .map(|a| text(a, "archive_id").to_owned())
            .collect();
        let found = ids(&cache.archives(VAULT, &["--filter", term]));
        assert_eq!(found, expected, "--filter {term:?}");
        counts.push(expected.len());
    }
    // Not every term matches all or nothing, so the comparison means something.
    assert!(counts.iter().any(|&n| n > 1 && n < 40), "{counts:?}");
    assert_eq!(counts[5], 40, "an empty filter matches everything");
    assert_eq!(counts[6], 1, "an id piece matches its archive");
    assert_eq!(counts[7], 0);

    // Filtering and paging together.
    let pdf = ids(&cache.archives(VAULT, &["--filter", "pdf"]));
    assert!(pdf.len() >= 3, "{pdf:?}");
    let page = ids(&cache.archives(VAULT, &["--filter", "pdf", "--offset", "1", "--limit", "2"]));
    assert_eq!(page, pdf[1..3]);
}

#[test]
fn size_and_date_bounds_hold() {
    let cache = Cache::with_generated_40();
    let whole = cache.archives(VAULT, &["--sort", "size"]);
    let expect = |keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let kept: Vec<Value> = whole.iter().filter(|a| keep(a)).cloned().collect();
        ids(&kept)
    };
    let (mib, gib) = (1u64 << 20, 1u64 << 30);
    let sized = cache.archives(
        VAULT,
        &["--sort", "size", "--min-size", "1MiB", "--max-size", "1GiB"],
    );
    assert!(sizes(&sized).iter().all(|&s| (mib..=gib).contains(&s)));
    let expected = expect(&|a| (mib..=gib).contains(&a["size"].as_u64().unwrap()));
    assert_eq!(ids(&sized), expected);
    assert!(!expected.is_empty() && expected.len() < 40);

    // Both bounds are inclusive: min = max = an archive's size finds it.
    let size = whole[20]["size"].as_u64().unwrap().to_string();
    let exact = cache.archives(VAULT, &["--min-size", &size, "--max-size", &size]);
    assert!(ids(&exact).contains(&text(&whole[20], "archive_id").to_owned()));
    assert!(
        exact
            .iter()
            .all(|a| a["size"].as_u64().unwrap().to_string() == size)
    );

    let only_min = cache.archives(VAULT, &["--sort", "size", "--min-size", "10GiB"]);
    assert_eq!(
        ids(&only_min),
        expect(&|a| a["size"].as_u64().unwrap() >= 10 * gib)
    );
    assert!(!only_min.is_empty());
    let only_max = cache.archives(VAULT, &["--sort", "size", "--max-size", "1000000"]);
    assert_eq!(
        ids(&only_max),
        expect(&|a| a["size"].as_u64().unwrap() <= 1_000_000)
    );
    assert!(!only_max.is_empty());

    // --since is inclusive and --until exclusive; created dates compare as text.
    let dated = cache.archives(
        VAULT,
        &[
            "--sort",
            "size",
            "--since",
            "2020-01-01",
            "--until",
            "2022-01-01",
        ],
    );
    let expected = expect(&|a| {
        let created = text(a, "created");
        ("2020-01-01".."2022-01-01").contains(&created)
    });
    assert_eq!(ids(&dated), expected);
    assert!(!expected.is_empty() && expected.len() < 40);
}

#[test]
fn under_lists_one_folder_of_names() {
    let cache = Cache::with_generated_40();
    let whole = cache.archives(VAULT, &[]);
    let folder = whole
        .iter()
        .find_map(|a| {
            text(a, "name")
                .split_once('/')
                .map(|(top, _)| top.to_owned())
        })
        .expect("some names have folders");
    let prefix = format!("{folder}/");
    let expected: Vec<Value> = whole
        .iter()
        .filter(|a| text(a, "name").starts_with(&prefix))
        .cloned()
        .collect();
    assert_eq!(cache.archives(VAULT, &["--under", &folder]), expected);
    assert_eq!(cache.archives(VAULT, &["--under", &prefix]), expected);
    assert!(
        cache
            .archives(VAULT, &["--under", "no/such/folder"])
            .is_empty()
    );
}

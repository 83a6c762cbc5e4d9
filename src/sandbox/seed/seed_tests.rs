use time::macros::datetime;

use super::*;

const EXAMPLE: &str = r#"
[account]
expedited_capacity = false
bytes_per_hour = "10GiB"

[[vaults]]
name = "family-photos"
created = "2019-03-01T10:00:00Z"

[[vaults.archives]]
name = "2019/wedding/album.tar"
format = "mt2"
size = "12GiB"
created = "2019-03-02T11:00:00Z"

[[vaults.archives]]
description = "plain text description"
size = 0

[[vaults.generated]]
count = 50
seed = 7

[[vaults.archives]]
name = "backups/2020-documents.zip"
format = "mt2"
zip = { members = 300, seed = 4 }

[[vaults.archives]]
name = "test/explicit.zip"
[vaults.archives.zip]
members = 0
[[vaults.archives.zip.files]]
path = "docs/report.txt"
size = "10MiB"
method = "deflate"
content = "text"
cp437 = false
"#;

#[test]
fn the_documented_example_parses_and_plans() {
    let seed = parse(EXAMPLE).unwrap();
    assert_eq!(seed.account.expedited_capacity, Some(false));
    assert_eq!(seed.account.bytes_per_hour, Some(Size(10 << 30)));
    let vault = &seed.vaults[0];
    let now = datetime!(2026-11-29 00:00 UTC);
    let planned = plan_archives(vault, vault.created.unwrap(), now);
    assert_eq!(planned.len(), 54);
    let zips: Vec<&ZipPlan> = planned
        .iter()
        .filter_map(|archive| match &archive.content {
            PlannedContent::Zip(plan) => Some(plan),
            PlannedContent::Virtual { .. } => None,
        })
        .collect();
    assert_eq!(zips.len(), 2);
    assert_eq!(zips[0].members.len(), 300);
    assert_eq!(zips[1].members.len(), 1);
    assert_eq!(zips[1].members[0].name, b"docs/report.txt");
    assert!(planned[0].description.starts_with("mt2 "));
    assert_eq!(
        planned[0].content,
        PlannedContent::Virtual { size: 12 << 30 }
    );
    assert_eq!(planned[1].description, "plain text description");
    assert!(planned.iter().all(|a| a.created < now));
    // Deterministic: planning twice gives the same archives.
    assert_eq!(planned, plan_archives(vault, vault.created.unwrap(), now));
}

#[test]
fn errors_say_where() {
    let err =
        parse("[[vaults]]\nname = \"v\"\n[[vaults.archives]]\nsize = \"lots\"\n").unwrap_err();
    assert!(err.starts_with("line 4"), "{err}");
    let err = parse("[[vaults]]\nnam = \"v\"\n").unwrap_err();
    assert!(err.contains("line 2") && err.contains("nam"), "{err}");
    let err = parse(
        "[[vaults]]\nname = \"v\"\n[[vaults.archives]]\nsize = 1\ndescription = \"caf\u{e9}\"\n",
    )
    .unwrap_err();
    assert!(err.contains("printable ASCII"), "{err}");
}

#[test]
fn the_demo_seed_is_valid() {
    let seed = parse(include_str!("../../../assets/demo-seed.toml")).unwrap();
    assert!(!seed.vaults.is_empty());
}

/// The demo's zips are what its seed's comments promise: one listed from the
/// tail, one whose directory needs a second range, one zip64.
#[test]
fn the_demo_zips_show_each_kind_of_peek() {
    let seed = parse(include_str!("../../../assets/demo-seed.toml")).unwrap();
    let vault = seed
        .vaults
        .iter()
        .find(|vault| vault.name == "office-archive")
        .unwrap();
    let planned = plan_archives(
        vault,
        vault.created.unwrap(),
        datetime!(2026-11-29 00:00 UTC),
    );
    let mut kinds = Vec::new();
    for archive in &planned {
        let PlannedContent::Zip(plan) = &archive.content else {
            continue;
        };
        let written = zip::write::write(plan, archive.seed);
        let size = written.size;
        let from_end = size - written.directory_offset;
        let in_tail =
            written.directory_offset >= crate::domain::zip::tail_range(size).unwrap().start;
        // Not in the tail whatever the alignment: past the last MiB and the longest end record.
        assert!(
            in_tail || from_end > crate::domain::range::MIB + 65_557,
            "{from_end}"
        );
        let zip64 = size > 4 << 30;
        // One member of each kind a restore meets, to name in a walkthrough.
        for method in [zip::Method::Deflate, zip::Method::Stored] {
            if let Some(member) = written.members.iter().find(|m| m.method == method) {
                println!(
                    "{}: {:?} {:?} {} bytes",
                    archive.description,
                    String::from_utf8_lossy(&member.name),
                    method,
                    member.size
                );
            }
        }
        println!(
            "{}: {size} bytes, {} members, directory starts {from_end} bytes before the end, in the tail: {in_tail}",
            archive.description,
            written.members.len()
        );
        kinds.push((in_tail, zip64));
    }
    assert_eq!(kinds, [(true, false), (false, false), (true, true)]);
}

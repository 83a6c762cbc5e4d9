//! Peeks in the journal: parts written down once each, in order; the first
//! finding kept; a listing read back exactly, with its members' spans; an old
//! catalog gains the tables.

use time::{OffsetDateTime, PrimitiveDateTime};

use super::*;
use crate::domain::job::PlanShape;
use crate::domain::names::SafeRelativePath;
use crate::domain::zip::Method;
use crate::store::{PlanArchive, PlanIntent};

fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "backups".into(),
    }
}

fn at(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_800_000_000 + seconds).unwrap()
}

fn plan(store: &mut Store, range: ByteRange) -> PlanId {
    store
        .record_plan(&PlanIntent {
            vault: &vault(),
            archive: Some(PlanArchive {
                archive_id: "ZIP".into(),
                size: Some(40 << 20),
                tree_hash: None,
                name: Some("docs.zip".into()),
            }),
            want: Some(range),
            shape: PlanShape::Split,
            made_by: "defrost",
            at: at(0),
        })
        .unwrap()
}

fn member(name: &str, local_header: u64, compressed: u64) -> Member {
    Member {
        name: name.into(),
        path: SafeRelativePath::new(name, "member"),
        is_dir: false,
        size: compressed * 3,
        compressed_size: compressed,
        method: Method::Deflated,
        crc32: 0xdead_beef,
        modified: Some(PrimitiveDateTime::new(
            time::Date::from_calendar_date(2020, time::Month::March, 4).unwrap(),
            time::Time::from_hms(5, 6, 8).unwrap(),
        )),
        local_header,
        encrypted: false,
        name_len: name.len() as u16,
        extra_len: 0,
    }
}

#[test]
fn parts_are_written_once_in_order_and_the_first_finding_stays() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.peek(&vault(), "ZIP").unwrap(), None);

    let tail = ByteRange::new(39 << 20, (40 << 20) - 1).unwrap();
    let first = plan(&mut store, tail);
    let part = PeekPart {
        plan: first,
        range: tail,
    };
    store
        .record_peek_part(&vault(), "ZIP", 40 << 20, part, at(1))
        .unwrap();
    // A run killed after writing it down writes it again: still one part.
    store
        .record_peek_part(&vault(), "ZIP", 40 << 20, part, at(2))
        .unwrap();
    let before = ByteRange::new(37 << 20, (39 << 20) - 1).unwrap();
    let second = plan(&mut store, before);
    let rest = PeekPart {
        plan: second,
        range: before,
    };
    store
        .record_peek_part(&vault(), "ZIP", 40 << 20, rest, at(3))
        .unwrap();
    let entry = store.peek(&vault(), "ZIP").unwrap().unwrap();
    assert_eq!(entry.parts, vec![part, rest]);
    assert_eq!(entry.archive_size, 40 << 20);
    assert_eq!(entry.finding, None);

    let directory = Directory {
        offset: 38 << 20,
        size: 2 << 20,
        entries: 2,
        zip64: true,
        shift: 0,
    };
    let members = vec![member("a/one.txt", 0, 1000), member("../two.txt", 1100, 50)];
    store
        .record_peek_finding(
            &vault(),
            "ZIP",
            &Finding::Zip {
                directory: &directory,
                members: &members,
            },
            at(4),
        )
        .unwrap();
    // A later finding does not replace the first.
    store
        .record_peek_finding(&vault(), "ZIP", &Finding::NotZip { reason: "no" }, at(5))
        .unwrap();
    let entry = store.peek(&vault(), "ZIP").unwrap().unwrap();
    assert_eq!(
        entry.finding,
        Some(PeekFinding::Zip {
            directory,
            members: 2
        })
    );
    let listed = store.zip_members(&vault(), "ZIP").unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].member, members[0]);
    assert_eq!(listed[0].span_end, 1100, "up to the next local header");
    assert_eq!(listed[1].span_end, 38 << 20, "up to the directory");
    assert_eq!(listed[1].member.path.as_str(), "two.txt");
    assert_eq!(listed[1].position, 1);
    assert_eq!(store.member_plan(&vault(), "ZIP", 0).unwrap(), None);
    let span = ByteRange::new(0, (1 << 20) - 1).unwrap();
    let member_plan = plan(&mut store, span);
    let part = PeekPart {
        plan: member_plan,
        range: span,
    };
    store.record_member_plan(&vault(), "ZIP", 0, part).unwrap();
    store.record_member_plan(&vault(), "ZIP", 0, part).unwrap();
    assert_eq!(store.member_plan(&vault(), "ZIP", 0).unwrap(), Some(part));
    assert_eq!(store.member_plan(&vault(), "ZIP", 1).unwrap(), None);
    assert_eq!(
        store.listed_archives(&vault()).unwrap(),
        std::collections::HashSet::from(["ZIP".to_owned()])
    );
}

#[test]
fn a_file_that_is_not_a_zip_is_remembered_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let tail = ByteRange::new(0, 999).unwrap();
    let first = plan(&mut store, tail);
    store
        .record_peek_part(
            &vault(),
            "ZIP",
            1000,
            PeekPart {
                plan: first,
                range: tail,
            },
            at(1),
        )
        .unwrap();
    store
        .record_peek_finding(
            &vault(),
            "ZIP",
            &Finding::NotZip {
                reason: "no end record",
            },
            at(2),
        )
        .unwrap();
    let entry = store.peek(&vault(), "ZIP").unwrap().unwrap();
    assert_eq!(
        entry.finding,
        Some(PeekFinding::NotZip {
            reason: "no end record".into()
        })
    );
    assert!(store.zip_members(&vault(), "ZIP").unwrap().is_empty());
    assert!(store.listed_archives(&vault()).unwrap().is_empty());
}

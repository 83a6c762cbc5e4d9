use time::macros::datetime;

use super::*;
use crate::domain::treehash::sha256;
use crate::sandbox::vaults::create_vault;

fn ctx() -> AccountContext {
    AccountContext {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
    }
}

fn new_archive() -> NewArchive {
    NewArchive {
        description: "notes.txt".into(),
        size: 5,
        tree_hash: sha256(b"hello"),
    }
}

#[test]
fn descriptions_are_printable_ascii_up_to_1024_bytes() {
    assert_eq!(parse_description(None).unwrap(), "");
    assert_eq!(parse_description(Some(b"a b~")).unwrap(), "a b~");
    assert!(parse_description(Some(&[b'x'; 1024])).is_ok());
    for bad in [
        &[b'x'; 1025][..],
        b"tab\there",
        "caf\u{e9}".as_bytes(),
        b"\x7f",
    ] {
        let err = parse_description(Some(bad)).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException");
    }
}

#[test]
fn digest_headers_are_required_64_hex_digits() {
    let hex = sha256(b"x").to_string();
    assert_eq!(
        parse_digest_header("h", Some(hex.as_bytes())).unwrap(),
        sha256(b"x")
    );
    let missing = parse_digest_header("x-amz-sha256-tree-hash", None).unwrap_err();
    assert_eq!(missing.code, "MissingParameterValueException");
    assert!(missing.message.contains("x-amz-sha256-tree-hash"));
    for bad in [&b"abc"[..], &[b'g'; 64][..], &[b'0'; 65][..]] {
        let err = parse_digest_header("h", Some(bad)).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException");
    }
}

#[test]
fn byte_counts_are_plain_whole_numbers() {
    assert_eq!(parse_byte_count("n", Some(b"0")).unwrap(), 0);
    assert_eq!(parse_byte_count("n", Some(b"4096")).unwrap(), 4096);
    for bad in [
        &b""[..],
        b"-1",
        b"+1",
        b"1.5",
        b" 1",
        b"99999999999999999999",
    ] {
        assert!(parse_byte_count("n", Some(bad)).is_err(), "{bad:?}");
    }
    assert_eq!(
        parse_byte_count("n", None).unwrap_err().code,
        "MissingParameterValueException"
    );
}

#[test]
fn one_request_carries_at_most_4_gib() {
    assert!(check_single_upload_size(MAX_SINGLE_UPLOAD).is_ok());
    assert!(check_single_upload_size(MAX_SINGLE_UPLOAD + 1).is_err());
}

#[test]
fn checksums_must_match_what_arrived() {
    let received = ReceivedBody {
        size: 5,
        tree_hash: sha256(b"hello"),
        sha256: sha256(b"hello"),
    };
    assert!(check_checksums(&received, sha256(b"hello"), sha256(b"hello")).is_ok());
    let wrong_tree = check_checksums(&received, sha256(b"other"), sha256(b"hello")).unwrap_err();
    assert!(wrong_tree.message.starts_with("Checksum mismatch"));
    let wrong_linear = check_checksums(&received, sha256(b"hello"), sha256(b"other")).unwrap_err();
    assert!(wrong_linear.message.contains("x-amz-content-sha256"));
}

#[test]
fn stored_archives_get_distinct_ids_and_the_time_of_upload() {
    let mut state = SandboxState::default();
    let now = datetime!(2026-02-01 12:00 UTC);
    create_vault(&mut state, "v", now).unwrap();
    let mut placed = Vec::new();
    let first = store_archive(&mut state, &ctx(), "v", new_archive(), now, |id| {
        placed.push(id.to_owned());
        Ok(())
    })
    .unwrap();
    let second = store_archive(&mut state, &ctx(), "v", new_archive(), now, |_| Ok(())).unwrap();
    assert_ne!(first, second);
    assert_eq!(placed, std::slice::from_ref(&first));
    assert_eq!(first.len(), ARCHIVE_ID_LEN);
    let archive = &state.vaults["v"].archives[&first];
    assert_eq!(archive.created, now);
    assert_eq!(archive.content, ArchiveContent::Stored);
    assert_eq!(archive.tree_hash, sha256(b"hello").to_string());
}

#[test]
fn nothing_is_placed_for_a_missing_vault() {
    let mut state = SandboxState::default();
    let now = datetime!(2026-02-01 12:00 UTC);
    let err = store_archive(&mut state, &ctx(), "nope", new_archive(), now, |_| {
        panic!("must not place bytes")
    })
    .unwrap_err();
    assert_eq!(err.code, "ResourceNotFoundException");
}

#[test]
fn deletion_leaves_a_tombstone_and_a_second_one_is_not_found() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-02-01 12:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    let id = store_archive(&mut state, &ctx(), "v", new_archive(), t0, |_| Ok(())).unwrap();
    let t1 = t0 + time::Duration::minutes(5);
    delete_archive(&mut state, &ctx(), "v", &id, t1).unwrap();
    let archive = &state.vaults["v"].archives[&id];
    assert_eq!(archive.deleted, Some(t1));
    assert!(archive.existed_at(t0) && !archive.existed_at(t1));
    let again = delete_archive(&mut state, &ctx(), "v", &id, t1).unwrap_err();
    assert_eq!(again.code, "ResourceNotFoundException");
    let unknown = delete_archive(&mut state, &ctx(), "v", "nope", t1).unwrap_err();
    assert_eq!(unknown.code, "ResourceNotFoundException");
}

#[test]
fn bytes_stay_in_use_while_an_archive_or_a_job_needs_them() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-02-01 12:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    let id = store_archive(&mut state, &ctx(), "v", new_archive(), t0, |_| Ok(())).unwrap();
    assert!(stored_ids_in_use(&state).contains(id.as_str()));
    state.vaults.get_mut("v").unwrap().archives.clear();
    assert!(stored_ids_in_use(&state).is_empty());
}

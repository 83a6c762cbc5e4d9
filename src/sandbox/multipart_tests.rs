use time::macros::datetime;

use super::listing::{list_parts, list_uploads};
use super::*;
use crate::domain::treehash::{TreeHasher, sha256};
use crate::sandbox::vaults::create_vault;

fn ctx() -> AccountContext {
    AccountContext {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
    }
}

const T0: OffsetDateTime = datetime!(2026-03-01 08:00 UTC);

fn state_with_upload(part_size: u64) -> (SandboxState, String) {
    let mut state = SandboxState::default();
    create_vault(&mut state, "v", T0).unwrap();
    let id = initiate(&mut state, &ctx(), "v", "big.tar".into(), part_size, T0).unwrap();
    (state, id)
}

fn upload<'a>(state: &'a mut SandboxState, id: &str) -> &'a mut MultipartUpload {
    state
        .vaults
        .get_mut("v")
        .unwrap()
        .uploads
        .get_mut(id)
        .unwrap()
}

fn tree_hash(data: &[u8]) -> TreeHash {
    let mut hasher = TreeHasher::new();
    hasher.update(data);
    hasher.finish()
}

/// Uploads `data` as parts of `part_size` into the upload, as the routes would.
fn add_parts(upload: &mut MultipartUpload, data: &[u8]) {
    for (index, chunk) in data.chunks(upload.part_size as usize).enumerate() {
        let part = Part {
            size: chunk.len() as u64,
            tree_hash: tree_hash(chunk).to_string(),
        };
        upload.parts.insert(index as u64, part);
    }
}

#[test]
fn part_sizes_are_power_of_two_mib_from_1_mib_to_4_gib() {
    for good in [MIB, 2 * MIB, 64 * MIB, 4096 * MIB] {
        assert_eq!(
            parse_part_size(Some(good.to_string().as_bytes())).unwrap(),
            good
        );
    }
    for bad in [0, 1000, MIB / 2, 3 * MIB, MIB + 1, 8192 * MIB] {
        let err = parse_part_size(Some(bad.to_string().as_bytes())).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException", "{bad}");
    }
    assert!(parse_part_size(Some(b"1MiB")).is_err());
    assert_eq!(
        parse_part_size(None).unwrap_err().code,
        "MissingParameterValueException"
    );
}

#[test]
fn content_ranges_parse_as_glacier_writes_them() {
    let range = parse_content_range(Some(b"bytes 0-1048575/*")).unwrap();
    assert_eq!(
        range,
        ContentRange {
            start: 0,
            end: 1_048_575
        }
    );
    assert_eq!(range.byte_count(), MIB);
    assert!(parse_content_range(Some(b"bytes 5-9/10")).is_ok());
    for bad in [
        &b"bytes 0-1048575"[..],
        b"0-1048575/*",
        b"bytes=0-9/*",
        b"bytes 9-0/*",
        b"bytes -9/*",
        b"bytes 0-9/5",
        b"bytes a-9/*",
        b"bytes 0-+9/*",
    ] {
        let err = parse_content_range(Some(bad)).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException", "{bad:?}");
    }
    assert_eq!(
        parse_content_range(None).unwrap_err().code,
        "MissingParameterValueException"
    );
}

#[test]
fn parts_start_on_a_part_boundary_and_hold_at_most_a_part() {
    let (mut state, id) = state_with_upload(2 * MIB);
    let upload = upload(&mut state, &id);
    let range = |start: u64, end: u64| ContentRange { start, end };
    assert_eq!(
        part_index(upload, range(0, 2 * MIB - 1), 2 * MIB).unwrap(),
        0
    );
    assert_eq!(
        part_index(upload, range(4 * MIB, 6 * MIB - 1), 2 * MIB).unwrap(),
        2
    );
    // A short part is accepted when uploaded; completion decides if it was the last.
    assert_eq!(
        part_index(upload, range(2 * MIB, 2 * MIB + 9), 10).unwrap(),
        1
    );
    assert!(part_index(upload, range(MIB, 3 * MIB - 1), 2 * MIB).is_err());
    assert!(part_index(upload, range(0, 2 * MIB), 2 * MIB + 1).is_err());
    let mismatch = part_index(upload, range(0, 9), 11).unwrap_err();
    assert!(mismatch.message.contains("Content-Length"));
    let too_many = range(MAX_PARTS * 2 * MIB, MAX_PARTS * 2 * MIB + 1);
    assert!(part_index(upload, too_many, 2).is_err());
}

#[test]
fn completion_checks_size_coverage_and_tree_hash() {
    let (mut state, id) = state_with_upload(MIB);
    let data: Vec<u8> = (0..(3 * MIB + 500)).map(|i| (i % 251) as u8).collect();
    add_parts(upload(&mut state, &id), &data);
    let whole = tree_hash(&data);
    let size = data.len() as u64;
    let upload = upload(&mut state, &id);
    assert_eq!(check_completion(upload, size, whole).unwrap(), [0, 1, 2, 3]);
    let wrong_hash = check_completion(upload, size, sha256(b"x")).unwrap_err();
    assert!(wrong_hash.message.starts_with("Checksum mismatch"));
    assert!(check_completion(upload, size - 1, whole).is_err());
    assert!(check_completion(upload, size + 1, whole).is_err());
    // Claiming fewer parts than were uploaded fails too.
    assert!(check_completion(upload, 3 * MIB, whole).is_err());
    assert!(check_completion(upload, 0, whole).is_err());
    let part_one = upload.parts.remove(&1).unwrap();
    let missing = check_completion(upload, size, whole).unwrap_err();
    assert!(
        missing.message.contains("bytes 1048576-2097151"),
        "{}",
        missing.message
    );
    // A short part that is not the last makes completion fail.
    upload.parts.insert(
        1,
        Part {
            size: 10,
            ..part_one
        },
    );
    assert!(check_completion(upload, size, whole).is_err());
}

#[test]
fn completion_marks_the_upload_and_a_repeat_returns_the_same_archive() {
    let (mut state, id) = state_with_upload(MIB);
    let data = vec![7u8; (MIB + 3) as usize];
    add_parts(upload(&mut state, &id), &data);
    let whole = tree_hash(&data);
    let size = data.len() as u64;
    let first = begin_completion(&mut state, &ctx(), "v", &id, size, whole).unwrap();
    assert!(
        matches!(first, Completing::Assemble { ref part_indexes, .. } if part_indexes == &[0, 1])
    );
    // While assembling, parts cannot change and a second completion is refused.
    assert!(changeable_upload(&mut state, &ctx(), "v", &id).is_err());
    assert!(begin_completion(&mut state, &ctx(), "v", &id, size, whole).is_err());
    let done = Completion {
        archive_id: "archive-1".into(),
        size,
        tree_hash: whole.to_string(),
        at: T0,
    };
    finish_completion(&mut state, "v", &id, done);
    let repeat = begin_completion(&mut state, &ctx(), "v", &id, size, whole).unwrap();
    assert_eq!(
        repeat,
        Completing::Repeat {
            archive_id: "archive-1".into()
        }
    );
    let different = begin_completion(&mut state, &ctx(), "v", &id, size + 1, whole).unwrap_err();
    assert_eq!(different.code, "ResourceNotFoundException");
    // A completed upload is gone for every other operation.
    assert!(open_upload(&state.vaults["v"], &id).is_err());
    assert!(abort(&mut state, &ctx(), "v", &id).is_err());
    let vault = state.vaults.get_mut("v").unwrap();
    forget_old_completions(vault, T0 + COMPLETE_REPEAT_WINDOW);
    assert!(vault.uploads.is_empty());
}

#[test]
fn a_failed_assembly_leaves_the_upload_open() {
    let (mut state, id) = state_with_upload(MIB);
    add_parts(upload(&mut state, &id), b"abc");
    begin_completion(&mut state, &ctx(), "v", &id, 3, tree_hash(b"abc")).unwrap();
    cancel_assembly(&mut state, "v", &id);
    assert!(changeable_upload(&mut state, &ctx(), "v", &id).is_ok());
}

#[test]
fn abort_removes_the_upload() {
    let (mut state, id) = state_with_upload(MIB);
    abort(&mut state, &ctx(), "v", &id).unwrap();
    let again = abort(&mut state, &ctx(), "v", &id).unwrap_err();
    assert_eq!(again.code, "ResourceNotFoundException");
}

#[test]
fn upload_ids_are_distinct_and_glacier_shaped() {
    let (mut state, first) = state_with_upload(MIB);
    let second = initiate(&mut state, &ctx(), "v", String::new(), MIB, T0).unwrap();
    assert_ne!(first, second);
    assert_eq!(first.len(), UPLOAD_ID_LEN);
    let missing = initiate(&mut state, &ctx(), "nope", String::new(), MIB, T0).unwrap_err();
    assert_eq!(missing.code, "ResourceNotFoundException");
}

#[test]
fn list_parts_pages_by_range() {
    let (mut state, id) = state_with_upload(MIB);
    add_parts(upload(&mut state, &id), &vec![1u8; (4 * MIB + 1) as usize]);
    let upload = &state.vaults["v"].uploads[&id];
    let first = list_parts(upload, "arn", None, Some("2")).unwrap();
    assert_eq!(first["Parts"].as_array().unwrap().len(), 2);
    assert_eq!(first["Parts"][1]["RangeInBytes"], "1048576-2097151");
    assert_eq!(first["ArchiveDescription"], "big.tar");
    assert_eq!(first["PartSizeInBytes"], MIB);
    let marker = first["Marker"].as_str().unwrap().to_owned();
    let second = list_parts(upload, "arn", Some(&marker), Some("2")).unwrap();
    let third_marker = second["Marker"].as_str().unwrap().to_owned();
    let last = list_parts(upload, "arn", Some(&third_marker), Some("2")).unwrap();
    assert_eq!(last["Parts"][0]["RangeInBytes"], "4194304-4194304");
    assert!(last["Marker"].is_null());
    assert!(list_parts(upload, "arn", Some("12"), None).is_err());
    assert!(list_parts(upload, "arn", None, Some("51")).is_err());
}

#[test]
fn list_uploads_shows_open_uploads_oldest_first() {
    let (mut state, first) = state_with_upload(MIB);
    let later = T0 + time::Duration::seconds(1);
    let second = initiate(&mut state, &ctx(), "v", String::new(), 2 * MIB, later).unwrap();
    let third = initiate(&mut state, &ctx(), "v", String::new(), MIB, later).unwrap();
    upload(&mut state, &third).completed = Some(Completion {
        archive_id: "a".into(),
        size: 1,
        tree_hash: String::new(),
        at: later,
    });
    let vault = &state.vaults["v"];
    let page = list_uploads(vault, &ctx(), None, Some("1")).unwrap();
    assert_eq!(page["UploadsList"][0]["MultipartUploadId"], first.as_str());
    assert_eq!(page["Marker"], second.as_str());
    let rest = list_uploads(vault, &ctx(), Some(&second), None).unwrap();
    assert_eq!(rest["UploadsList"].as_array().unwrap().len(), 1);
    assert!(rest["UploadsList"][0]["ArchiveDescription"].is_null());
    assert!(rest["Marker"].is_null());
    assert!(list_uploads(vault, &ctx(), Some("bogus"), None).is_err());
}

//! The reader against zips the `zip` crate writes, as other tools make them:
//! stored and deflated members, a long comment, zip64, a stub before the zip,
//! CP437 and hostile names; and against bytes that are no zip at all.

use std::io::{Cursor, Write as _};

use proptest::prelude::*;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use super::*;

const LOCAL_SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x03, 0x04];

fn options(method: CompressionMethod) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(zip::DateTime::from_date_and_time(2019, 8, 20, 8, 1, 2).unwrap())
}

/// A zip of `members` (name, bytes, method), with `comment`.
fn zip_of(members: &[(&str, Vec<u8>, CompressionMethod)], comment: &str) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, method) in members {
        writer.start_file(*name, options(*method)).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.set_comment(comment);
    writer.finish().unwrap().into_inner()
}

/// The listing read from the last `tail` bytes of `file`, as a peek would.
fn listing(file: &[u8], tail: usize) -> Result<(Directory, Vec<Member>), ZipProblem> {
    let size = file.len() as u64;
    let tail_bytes = &file[file.len().saturating_sub(tail)..];
    let EndLookup::Found(directory) = find_directory(tail_bytes, size)? else {
        panic!("the end records were expected within the tail");
    };
    let (first, last) = directory
        .range()
        .unwrap_or((directory.offset, directory.offset));
    let bytes = &file[first as usize..=(last as usize).min(file.len() - 1)];
    let members = parse_central_directory(bytes, &directory)?;
    Ok((directory, members))
}

fn text(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"lorem ipsum dolor "[i % 18]).collect()
}

#[test]
fn stored_and_deflated_members_are_listed_with_their_facts_and_offsets() {
    let noise: Vec<u8> = (0..50_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let file = zip_of(
        &[
            (
                "docs/report.txt",
                text(100_000),
                CompressionMethod::Deflated,
            ),
            ("photos/raw.bin", noise.clone(), CompressionMethod::Stored),
            ("empty/", Vec::new(), CompressionMethod::Stored),
        ],
        "",
    );
    let (directory, members) = listing(&file, 1 << 20).unwrap();
    assert_eq!(directory.entries, 3);
    assert!(!directory.zip64);
    assert_eq!(directory.shift, 0);
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["docs/report.txt", "photos/raw.bin", "empty/"]);
    let report = &members[0];
    assert_eq!(report.method, Method::Deflated);
    assert_eq!(report.size, 100_000);
    assert!(
        report.compressed_size < 10_000,
        "{}",
        report.compressed_size
    );
    assert_eq!(report.crc32, crc32fast::hash(&text(100_000)));
    assert_eq!(report.modified.unwrap().to_string(), "2019-08-20 8:01:02.0");
    let raw = &members[1];
    assert_eq!(
        (raw.method, raw.size, raw.compressed_size),
        (Method::Stored, 50_000, 50_000)
    );
    assert_eq!(raw.crc32, crc32fast::hash(&noise));
    assert!(members[2].is_dir);
    for member in &members {
        let at = member.local_header as usize;
        assert_eq!(file[at..at + 4], LOCAL_SIGNATURE, "{}", member.name);
        assert!(!member.encrypted);
    }
}

#[test]
fn the_end_record_is_found_behind_the_longest_comment() {
    let comment = "c".repeat(65_535);
    let file = zip_of(&[("a.txt", text(10), CompressionMethod::Stored)], &comment);
    let (_, members) = listing(&file, END_RECORD_LEN as usize + 65_535).unwrap();
    assert_eq!(members[0].name, "a.txt");
    // A comment that holds a fake end record does not fool the search.
    let fake = "PK\u{5}\u{6}".to_owned() + &"x".repeat(30);
    let file = zip_of(&[("b.txt", text(10), CompressionMethod::Stored)], &fake);
    let (_, members) = listing(&file, 4096).unwrap();
    assert_eq!(members[0].name, "b.txt");
}

#[test]
fn bytes_that_are_no_zip_say_so() {
    let bytes = text(300_000);
    assert_eq!(
        find_directory(&bytes[200_000..], 300_000),
        Err(ZipProblem::NotZip { searched: 100_000 })
    );
    assert!(matches!(
        find_directory(&[], 0),
        Err(ZipProblem::NotZip { .. })
    ));
}

#[test]
fn a_stub_before_the_zip_shifts_every_offset() {
    let zip = zip_of(
        &[("inner.txt", text(5000), CompressionMethod::Deflated)],
        "",
    );
    let mut file = b"#!/bin/sh\necho self-extracting\nexit 0\n".to_vec();
    let stub = file.len() as u64;
    file.extend_from_slice(&zip);
    let (directory, members) = listing(&file, 1 << 20).unwrap();
    assert_eq!(directory.shift, stub);
    let at = members[0].local_header as usize;
    assert_eq!(file[at..at + 4], LOCAL_SIGNATURE);
}

#[test]
fn zip64_end_records_are_read_and_asked_for_when_the_tail_misses_them() {
    // More than 65,535 entries need the zip64 end record.
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..65_540u32 {
        writer
            .start_file(format!("f/{index}"), options(CompressionMethod::Stored))
            .unwrap();
    }
    let file = writer.finish().unwrap().into_inner();
    let (directory, members) = listing(&file, 4 << 20).unwrap();
    assert!(directory.zip64);
    assert_eq!(directory.entries, 65_540);
    assert_eq!(members.len(), 65_540);
    assert_eq!(members[65_539].name, "f/65539");
    // With only the end record and the locator in hand, the zip64 record is
    // asked for by its offset.
    let size = file.len() as u64;
    let short = &file[file.len() - 50..];
    let Ok(EndLookup::NeedFrom(from)) = find_directory(short, size) else {
        panic!("the zip64 record lies before the tail");
    };
    assert_eq!(from, size - 22 - 20 - 56);
    assert_eq!(
        &file[from as usize..from as usize + 4],
        &[0x50, 0x4b, 0x06, 0x06]
    );
}

#[test]
fn a_member_marked_large_carries_its_sizes_in_the_zip64_field() {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    writer
        .start_file(
            "big.bin",
            options(CompressionMethod::Stored).large_file(true),
        )
        .unwrap();
    writer.write_all(&text(1000)).unwrap();
    let file = writer.finish().unwrap().into_inner();
    let (_, members) = listing(&file, 1 << 20).unwrap();
    assert_eq!((members[0].size, members[0].compressed_size), (1000, 1000));
}

#[test]
fn cp437_names_are_decoded_and_hostile_names_made_safe() {
    let mut file = zip_of(
        &[
            ("R?sum?.txt", text(10), CompressionMethod::Stored),
            ("../../etc/passwd", text(10), CompressionMethod::Stored),
            ("/abs/root.txt", text(10), CompressionMethod::Stored),
            ("C:\\Windows\\evil.dll", text(10), CompressionMethod::Stored),
            (
                "clear\u{1b}[2Jscreen\u{202e}txt.exe",
                text(10),
                CompressionMethod::Stored,
            ),
        ],
        "",
    );
    // DOS wrote é as 0x82, with no UTF-8 flag: patch both copies of the name.
    let ascii = b"R?sum?.txt";
    let spots: Vec<usize> = (0..file.len() - ascii.len())
        .filter(|&at| &file[at..at + ascii.len()] == ascii)
        .collect();
    assert_eq!(spots.len(), 2);
    for at in spots {
        file[at + 1] = 0x82;
        file[at + 5] = 0x82;
    }
    let (_, members) = listing(&file, 1 << 20).unwrap();
    assert_eq!(members[0].name, "Résumé.txt");
    assert_eq!(members[0].path.as_str(), "Résumé.txt");
    assert_eq!(members[1].path.as_str(), "etc/passwd");
    assert_eq!(members[2].path.as_str(), "abs/root.txt");
    assert_eq!(members[3].path.as_str(), "Windows/evil.dll");
    let hostile = members[4].path.as_str();
    assert!(
        !hostile.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{hostile:?}"
    );
    assert!(hostile.starts_with("clear"), "{hostile:?}");
}

#[test]
fn a_directory_short_of_its_entries_is_damaged() {
    let file = zip_of(
        &[
            ("a.txt", text(10), CompressionMethod::Stored),
            ("b.txt", text(10), CompressionMethod::Stored),
        ],
        "",
    );
    let size = file.len() as u64;
    let Ok(EndLookup::Found(directory)) = find_directory(&file, size) else {
        panic!("a zip");
    };
    let (first, last) = directory.range().unwrap();
    let cut = &file[first as usize..last as usize - 10];
    assert!(matches!(
        parse_central_directory(cut, &directory),
        Err(ZipProblem::Damaged { .. })
    ));
    let one_less = Directory {
        entries: 1,
        ..directory
    };
    let whole = &file[first as usize..=last as usize];
    assert!(matches!(
        parse_central_directory(whole, &one_less),
        Err(ZipProblem::Damaged { .. })
    ));
}

#[test]
fn each_member_spans_to_the_next_header_and_its_data_is_found_there() {
    let members_in = [
        ("a.txt", text(5000), CompressionMethod::Deflated),
        ("b.bin", text(300), CompressionMethod::Stored),
        ("c/d.txt", text(70_000), CompressionMethod::Deflated),
    ];
    let file = zip_of(&members_in, "note");
    let (directory, members) = listing(&file, 1 << 20).unwrap();
    let ends = span_ends(&members, directory.offset);
    assert_eq!(ends[0], members[1].local_header);
    assert_eq!(ends[1], members[2].local_header);
    assert_eq!(ends[2], directory.offset);
    for ((member, end), (_, bytes, method)) in members.iter().zip(&ends).zip(&members_in) {
        let range = member_range(member, *end).unwrap();
        let span = &file[range.start as usize..=range.end as usize];
        let data = &span[member_data(span, member).unwrap()];
        let unpacked = match method {
            CompressionMethod::Stored => data.to_vec(),
            _ => {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(data), &mut out)
                    .unwrap();
                out
            }
        };
        assert_eq!(&unpacked, bytes);
        assert_eq!(crc32fast::hash(&unpacked), member.crc32);
    }
    // A span cut short, or a header not where the directory says, is damaged.
    let first = member_range(&members[0], ends[0]).unwrap();
    let short = &file[first.start as usize..first.end as usize - 10];
    assert!(matches!(
        member_data(short, &members[0]),
        Err(ZipProblem::Damaged { .. })
    ));
    let misplaced = &file[first.start as usize + 1..=first.end as usize];
    assert!(matches!(
        member_data(misplaced, &members[0]),
        Err(ZipProblem::Damaged { .. })
    ));
}

#[test]
fn a_span_is_never_shorter_than_its_entry_says() {
    let file = zip_of(&[("a.txt", text(100), CompressionMethod::Stored)], "");
    let (directory, mut members) = listing(&file, 1 << 20).unwrap();
    // A second entry pointing at the same header (as a crafted zip may).
    members.push(members[0].clone());
    let ends = span_ends(&members, directory.offset);
    assert_eq!(ends, vec![directory.offset, directory.offset]);
    // A directory that claims to start inside the member still leaves it whole.
    let ends = span_ends(&members[..1], 10);
    assert!(ends[0] >= members[0].local_header + 30 + 5 + 100);
}

proptest! {
    /// Whatever the bytes, the reader answers without panicking.
    #[test]
    fn any_bytes_are_answered_without_a_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        extra in 0u64..1_000_000,
    ) {
        let size = bytes.len() as u64 + extra;
        if let Ok(EndLookup::Found(directory)) = find_directory(&bytes, size) {
            let _ = parse_central_directory(&bytes, &directory);
        }
        let directory = Directory { offset: 0, size: bytes.len() as u64, entries: 3, zip64: false, shift: 0 };
        let _ = parse_central_directory(&bytes, &directory);
    }

    /// A real zip's end record, with any prefix of junk, is found.
    #[test]
    fn a_zip_behind_any_junk_is_found(junk in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let zip = zip_of(&[("x.txt", text(100), CompressionMethod::Stored)], "");
        let mut file = junk.clone();
        file.extend_from_slice(&zip);
        let (directory, members) = listing(&file, 1 << 20).unwrap();
        prop_assert_eq!(directory.shift, junk.len() as u64);
        prop_assert_eq!(members.len(), 1);
    }
}

use std::convert::Infallible;
use std::io::{self, Read};

use super::*;
use crate::domain::inventory::{DuplicateIds, Timestamp};

const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

type Outcome = Result<(InventorySummary, Vec<InventoryArchive>), InventoryError>;

fn read_with(json: &[u8], options: ReadOptions) -> Outcome {
    let mut archives = Vec::new();
    let summary = read_json(json, options, |archive| {
        archives.push(archive);
        Ok::<(), Infallible>(())
    })
    .map_err(|error| match error {
        ReadError::Inventory(error) => error,
        ReadError::Stopped(never) => match never {},
    })?;
    Ok((summary, archives))
}

fn read(json: &str) -> Outcome {
    read_with(json.as_bytes(), ReadOptions::default())
}

fn archive_json(id: &str, size: &str) -> String {
    format!(
        r#"{{"ArchiveId":"{id}","ArchiveDescription":"d","CreationDate":"2012-03-20T17:03:43.221Z","Size":{size},"SHA256TreeHash":"{HASH}"}}"#
    )
}

fn document(archives: &[String]) -> String {
    format!(
        r#"{{"VaultARN":"arn:aws:glacier:us-east-1:111122223333:vaults/photos","InventoryDate":"2026-11-01T04:10:22Z","ArchiveList":[{}]}}"#,
        archives.join(",")
    )
}

/// The problem and its position, for a read that must fail.
fn failure(json: &str) -> (Problem, usize, usize, Option<u64>) {
    match read(json) {
        Err(InventoryError::Json {
            line,
            column,
            archive,
            problem,
        }) => (problem, line, column, archive),
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

fn problem(json: &str) -> Problem {
    failure(json).0
}

#[test]
fn reads_header_and_archives() {
    let json = document(&[archive_json("a", "5"), archive_json("b", "0")]);
    let (summary, archives) = read(&json).unwrap();
    let header = summary.header.unwrap();
    assert_eq!(
        header.vault_arn,
        "arn:aws:glacier:us-east-1:111122223333:vaults/photos"
    );
    assert_eq!(header.inventory_date.to_string(), "2026-11-01T04:10:22Z");
    assert_eq!(summary.archive_count, 2);
    assert_eq!(summary.total_size, 5);
    assert_eq!(
        archives[0],
        InventoryArchive {
            archive_id: "a".into(),
            description: "d".into(),
            creation_date: Timestamp::parse("2012-03-20T17:03:43.221Z").unwrap(),
            size: 5,
            sha256_tree_hash: HASH.parse().unwrap(),
        }
    );
    assert_eq!(archives[1].archive_id, "b");
}

#[test]
fn keys_come_in_any_order_and_unknown_ones_are_skipped() {
    let json = format!(
        r#"
        {{
          "Extra": {{"nested": [1, {{"ArchiveList": 3}}]}},
          "ArchiveList": [
            {{"SHA256TreeHash": "{HASH}", "Size": 7, "Unknown": [null, true],
              "CreationDate": "2012-03-20T17:03:43Z", "ArchiveDescription": null,
              "ArchiveId": "x"}}
          ],
          "InventoryDate": "2026-11-01T04:10:22.5Z",
          "VaultARN": "arn"
        }}
        "#
    );
    let (summary, archives) = read(&json).unwrap();
    assert_eq!(summary.header.unwrap().vault_arn, "arn");
    assert_eq!(archives[0].size, 7);
    assert_eq!(archives[0].description, "");
    assert_eq!(
        archives[0].creation_date.to_string(),
        "2012-03-20T17:03:43Z"
    );
}

#[test]
fn an_empty_list_is_an_empty_vault() {
    let (summary, archives) = read(&document(&[])).unwrap();
    assert_eq!(summary.archive_count, 0);
    assert!(archives.is_empty());
}

#[test]
fn every_cut_short_document_is_refused() {
    let json = document(&[archive_json("a", "5"), archive_json("b", "12")]);
    for end in 0..json.len() {
        let prefix = &json[..end];
        assert_eq!(problem(prefix), Problem::Truncated, "{prefix}");
    }
}

#[test]
fn errors_give_line_column_and_archive() {
    let json = format!(
        "{{\"VaultARN\":\"v\",\"InventoryDate\":\"2026-11-01T04:10:22Z\",\"ArchiveList\":[\n{},\n{}\n]}}",
        archive_json("a", "5"),
        archive_json("b", "-12")
    );
    let (problem, line, column, archive) = failure(&json);
    assert_eq!(problem, Problem::NegativeSize { text: "-12".into() });
    assert_eq!(line, 3);
    // At the value, or at the byte after it that ended the number.
    let value_end = archive_json("b", "-12").find("-12").unwrap() + 3;
    assert!((value_end..=value_end + 1).contains(&column), "{column}");
    assert_eq!(archive, Some(2));
}

#[test]
fn header_errors_have_no_archive_number() {
    let json = r#"{"ArchiveList":[],"VaultARN":"v","InventoryDate":"yesterday"}"#;
    let (problem, line, _, archive) = failure(json);
    assert!(
        matches!(
            problem,
            Problem::BadDate {
                field: Field::InventoryDate,
                ..
            }
        ),
        "{problem:?}"
    );
    assert_eq!((line, archive), (1, None));
}

#[test]
fn wrong_types_name_the_field() {
    let cases = [
        (r#""Size":"5""#, Field::Size, "a string"),
        (r#""ArchiveId":5"#, Field::ArchiveId, "a number"),
        (r#""CreationDate":[]"#, Field::CreationDate, "a list"),
        (r#""SHA256TreeHash":{}"#, Field::Sha256TreeHash, "an object"),
        (
            r#""ArchiveDescription":false"#,
            Field::ArchiveDescription,
            "true or false",
        ),
    ];
    for (replacement, field, found) in cases {
        let key = replacement.split(':').next().unwrap();
        let archive = archive_json("a", "5");
        let start = archive.find(key).unwrap();
        let end = archive[start..].find([',', '}']).unwrap() + start;
        let broken = format!("{}{}{}", &archive[..start], replacement, &archive[end..]);
        assert_eq!(
            problem(&document(&[broken])),
            Problem::WrongType { field, found },
            "{replacement}"
        );
    }
    assert_eq!(
        problem(r#"{"VaultARN":null,"InventoryDate":"2026-11-01T04:10:22Z","ArchiveList":[]}"#),
        Problem::WrongType {
            field: Field::VaultArn,
            found: "null"
        }
    );
}

#[test]
fn documents_of_another_shape_are_refused() {
    for json in [
        "[]",
        "42",
        r#"{"VaultARN":"v","InventoryDate":"2026-11-01T04:10:22Z","ArchiveList":[5]}"#,
    ] {
        assert!(
            matches!(problem(json), Problem::WrongShape { .. }),
            "{json}: {:?}",
            problem(json)
        );
    }
}

#[test]
fn archive_list_must_be_a_list() {
    let json = r#"{"VaultARN":"v","InventoryDate":"2026-11-01T04:10:22Z","ArchiveList":{}}"#;
    assert_eq!(
        problem(json),
        Problem::WrongType {
            field: Field::ArchiveList,
            found: "an object"
        }
    );
}

#[test]
fn a_value_too_long_for_any_inventory_is_refused() {
    let huge = io::repeat(b'a').take(MAX_VALUE_BYTES as u64 + 1);
    let reader = io::Read::chain(&b"{\"Extra\":\""[..], huge).chain(&b"\"}"[..]);
    let outcome = read_json(reader, ReadOptions::default(), |_| Ok::<(), Infallible>(()));
    let Err(ReadError::Inventory(error)) = outcome else {
        panic!("expected an inventory error, got {outcome:?}");
    };
    assert_eq!(
        error.problem(),
        Some(&Problem::ValueTooLarge {
            limit: MAX_VALUE_BYTES
        })
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let json = format!("\u{feff}{}", document(&[archive_json("a", "5")]));
    assert_eq!(read(&json).unwrap().0.archive_count, 1);
    assert!(matches!(problem("\u{feff}"), Problem::Truncated));
}

#[test]
fn sizes_must_fit() {
    let json = document(&[archive_json("a", "18446744073709551616")]);
    assert_eq!(problem(&json), Problem::SizeTooLarge);
    let json = document(&[archive_json("a", "18446744073709551615")]);
    assert_eq!(read(&json).unwrap().0.total_size, u128::from(u64::MAX));
}

#[test]
fn bad_values_are_named() {
    let json = document(&[archive_json("", "5")]);
    assert_eq!(problem(&json), Problem::EmptyArchiveId);
    let json = document(&[archive_json("a", "5").replace(HASH, "abc")]);
    assert_eq!(problem(&json), Problem::BadTreeHash { text: "abc".into() });
}

#[test]
fn missing_and_repeated_keys_are_refused() {
    assert_eq!(
        problem(r#"{"VaultARN":"v","InventoryDate":"2026-11-01T04:10:22Z"}"#),
        Problem::MissingArchiveList
    );
    assert_eq!(
        problem(r#"{"InventoryDate":"2026-11-01T04:10:22Z","ArchiveList":[]}"#),
        Problem::MissingField {
            field: Field::VaultArn
        }
    );
    assert_eq!(
        problem(
            r#"{"VaultARN":"v","InventoryDate":"2026-11-01T04:10:22Z","ArchiveList":[],"ArchiveList":[]}"#
        ),
        Problem::DuplicateField {
            field: Field::ArchiveList
        }
    );
    let without_size = archive_json("a", "5").replace(r#","Size":5"#, "");
    assert_eq!(
        problem(&document(&[without_size])),
        Problem::MissingField { field: Field::Size }
    );
    let twice = archive_json("a", "5").replace(r#""Size":5"#, r#""Size":5,"Size":6"#);
    assert_eq!(
        problem(&document(&[twice])),
        Problem::DuplicateField { field: Field::Size }
    );
}

#[test]
fn duplicate_ids_are_refused_unless_allowed() {
    let json = document(&[
        archive_json("a", "1"),
        archive_json("b", "2"),
        archive_json("a", "3"),
    ]);
    let (problem, _, _, archive) = failure(&json);
    assert_eq!(problem, Problem::DuplicateArchiveId { id: "a".into() });
    assert_eq!(archive, Some(3));
    let options = ReadOptions {
        duplicate_ids: DuplicateIds::Allow,
    };
    let (summary, _) = read_with(json.as_bytes(), options).unwrap();
    assert_eq!(summary.archive_count, 3);
}

#[test]
fn text_that_is_not_utf8_is_refused() {
    let mut json = document(&[archive_json("a", "5")]).into_bytes();
    let at = json.windows(3).position(|w| w == b"\"d\"").unwrap() + 1;
    json[at] = 0xff;
    let error = read_with(&json, ReadOptions::default()).unwrap_err();
    assert_eq!(error.problem(), Some(&Problem::InvalidUtf8));
}

#[test]
fn only_whitespace_may_follow_the_document() {
    let json = document(&[archive_json("a", "5")]);
    assert!(read(&format!("{json} \n\t")).is_ok());
    assert!(matches!(
        problem(&format!("{json}x")),
        Problem::Syntax { .. }
    ));
    assert!(matches!(
        problem(&format!("{json}{json}")),
        Problem::Syntax { .. }
    ));
}

#[test]
fn the_consumer_can_stop_the_reading() {
    let json = document(&[archive_json("a", "1"), archive_json("b", "2")]);
    let mut seen = Vec::new();
    let outcome = read_json(json.as_bytes(), ReadOptions::default(), |archive| {
        seen.push(archive.archive_id);
        Err("disk full")
    });
    assert!(matches!(outcome, Err(ReadError::Stopped("disk full"))));
    assert_eq!(seen, ["a"]);
}

/// Gives its bytes, then fails: a download that breaks off.
struct BreaksOff<'a>(&'a [u8]);

impl Read for BreaksOff<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
        }
        let count = buffer.len().min(self.0.len());
        buffer[..count].copy_from_slice(&self.0[..count]);
        self.0 = &self.0[count..];
        Ok(count)
    }
}

#[test]
fn archives_arrive_while_reading_and_read_failures_are_io_errors() {
    let json = document(&[archive_json("a", "1"), archive_json("b", "2")]);
    let cut = json.find(r#"{"ArchiveId":"b""#).unwrap();
    let mut seen = Vec::new();
    let outcome = read_json(
        BreaksOff(&json.as_bytes()[..cut]),
        ReadOptions::default(),
        |archive| {
            seen.push(archive.archive_id);
            Ok::<(), Infallible>(())
        },
    );
    assert!(
        matches!(outcome, Err(ReadError::Inventory(InventoryError::Io(_)))),
        "{outcome:?}"
    );
    assert_eq!(seen, ["a"]);
}

use std::convert::Infallible;

use super::*;
use crate::domain::inventory::DuplicateIds;

const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const HEADER: &str = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash";

type Outcome = Result<(InventorySummary, Vec<InventoryArchive>), InventoryError>;

fn read_with(csv: &[u8], options: ReadOptions) -> Outcome {
    let mut archives = Vec::new();
    let summary = read_csv(csv, options, |archive| {
        archives.push(archive);
        Ok::<(), Infallible>(())
    })
    .map_err(|error| match error {
        ReadError::Inventory(error) => error,
        ReadError::Stopped(never) => match never {},
    })?;
    Ok((summary, archives))
}

fn read(csv: &str) -> Outcome {
    read_with(csv.as_bytes(), ReadOptions::default())
}

fn descriptions(csv: &str) -> Vec<String> {
    let (_, archives) = read(csv).unwrap();
    archives.into_iter().map(|a| a.description).collect()
}

fn row(id: &str, description: &str) -> String {
    format!("{id},{description},2012-03-20T17:03:43.221Z,5,{HASH}")
}

fn failure(csv: &str) -> (u64, Problem) {
    match read(csv) {
        Err(InventoryError::Csv { row, problem }) => (row, problem),
        other => panic!("expected a CSV error, got {other:?}"),
    }
}

#[test]
fn reads_rows_in_header_order() {
    let csv = format!("{HEADER}\n{}\n{}\n", row("a", "one"), row("b", ""));
    let (summary, archives) = read(&csv).unwrap();
    assert_eq!(summary.header, None);
    assert_eq!(summary.archive_count, 2);
    assert_eq!(summary.total_size, 10);
    assert_eq!(archives[0].archive_id, "a");
    assert_eq!(archives[0].description, "one");
    assert_eq!(archives[0].size, 5);
    assert_eq!(
        archives[0].creation_date.to_string(),
        "2012-03-20T17:03:43.221Z"
    );
    assert_eq!(archives[1].description, "");
}

#[test]
fn columns_may_come_in_any_order_with_extra_ones() {
    let csv = format!(
        "Size,Extra,SHA256TreeHash,ArchiveDescription,More,CreationDate,ArchiveId\r\n\
         7,\"x,y\",{HASH},\"a,b\",,2026-11-01T04:10:22Z,id1\r\n"
    );
    let (_, archives) = read(&csv).unwrap();
    assert_eq!(archives[0].archive_id, "id1");
    assert_eq!(archives[0].description, "a,b");
    assert_eq!(archives[0].size, 7);
}

#[test]
fn any_field_may_be_quoted() {
    let csv = format!(
        "\"ArchiveId\",ArchiveDescription,\"CreationDate\",Size,SHA256TreeHash\n\
         \"a\",\"d\",\"2012-03-20T17:03:43Z\",\"5\",\"{HASH}\"\n"
    );
    let (_, archives) = read(&csv).unwrap();
    assert_eq!(archives[0].archive_id, "a");
    assert_eq!(archives[0].size, 5);
}

/// The rule for backslashes (see `row`): Glacier escapes only quotes, so a
/// backslash before the closing quote is text, and the row is read from the right.
#[test]
fn backslashes_before_a_closing_quote_are_text() {
    let rows = [
        row("a", r"C:\dir\"),
        row("b", r#""C:\my docs, 2019\""#),
        row("c", r#""say \"hi\", then""#),
        row("d", r#""\"C:\dir\\"""#),
        row("e", r#""\""#),
    ];
    let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
    assert_eq!(
        descriptions(&csv),
        [
            r"C:\dir\",
            r"C:\my docs, 2019\",
            r#"say "hi", then"#,
            r#""C:\dir\""#,
            r"\",
        ]
    );
}

#[test]
fn line_breaks_blank_lines_and_a_byte_order_mark_are_tolerated() {
    let csv = format!(
        "\u{feff}{HEADER}\r\n\r\n{}\r\n\n{}",
        row("a", "x"),
        row("b", "y")
    );
    assert_eq!(descriptions(&csv), ["x", "y"]);
}

#[test]
fn a_missing_column_is_named() {
    let csv = "ArchiveId,ArchiveDescription,CreationDate,SHA256TreeHash\n";
    assert_eq!(
        failure(csv),
        (
            1,
            Problem::MissingColumn {
                column: Field::Size
            }
        )
    );
    let csv = "ArchiveId,Size,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n";
    assert_eq!(
        failure(csv),
        (
            1,
            Problem::DuplicateColumn {
                column: Field::Size
            }
        )
    );
}

#[test]
fn an_empty_file_has_no_header() {
    assert_eq!(failure(""), (1, Problem::NoHeader));
    assert_eq!(failure("\n\n"), (1, Problem::NoHeader));
}

#[test]
fn broken_rows_are_refused_with_their_number() {
    let good = row("a", "x");
    let cases = [
        (
            "a,x,2012-03-20T17:03:43Z,5".to_string(),
            Problem::FieldCount {
                expected: 5,
                found: 4,
            },
        ),
        (
            format!("{good},extra"),
            Problem::FieldCount {
                expected: 5,
                found: 6,
            },
        ),
        (
            format!("b,\"unclosed,2012-03-20T17:03:43Z,5,{HASH}"),
            Problem::UnclosedQuote,
        ),
        (
            row("b", "x").replace(",5,", ",-5,"),
            Problem::NegativeSize { text: "-5".into() },
        ),
        (
            row("b", "x").replace(",5,", ",99999999999999999999,"),
            Problem::SizeTooLarge,
        ),
        (
            row("b", "x").replace(",5,", ",,"),
            Problem::SizeNotWhole {
                text: String::new(),
            },
        ),
        (row("", "x"), Problem::EmptyArchiveId),
        (
            row("a", "again"),
            Problem::DuplicateArchiveId { id: "a".into() },
        ),
    ];
    for (bad, expected) in cases {
        let csv = format!("{HEADER}\n{good}\n\n{bad}\n{}\n", row("z", "after"));
        assert_eq!(failure(&csv), (4, expected), "{bad}");
    }
}

#[test]
fn a_row_cut_short_is_refused() {
    let whole = format!("{HEADER}\n{}\n{}\n", row("a", "x"), row("b", "\"y,z\""));
    let last_row_start = whole.len() - row("b", "\"y,z\"").len() - 1;
    for end in last_row_start + 1..whole.len() - 1 {
        let cut = &whole[..end];
        assert!(read(cut).is_err(), "{cut}");
    }
    // Cut at a line break, the rows before are a whole CSV file: nothing tells.
    assert_eq!(read(&whole[..last_row_start]).unwrap().0.archive_count, 1);
}

#[test]
fn rows_that_are_not_utf8_or_far_too_long_are_refused() {
    let mut csv = format!("{HEADER}\n{}\n", row("a", "x")).into_bytes();
    let at = csv.iter().rposition(|&b| b == b'x').unwrap();
    csv[at] = 0xfe;
    assert_eq!(
        read_with(&csv, ReadOptions::default())
            .unwrap_err()
            .problem(),
        Some(&Problem::InvalidUtf8)
    );
    let long = format!("{HEADER}\n{}\n", row("a", &"x".repeat(MAX_ROW_BYTES)));
    assert_eq!(
        failure(&long),
        (
            2,
            Problem::RowTooLong {
                limit: MAX_ROW_BYTES
            }
        )
    );
}

#[test]
fn duplicates_may_be_left_to_the_caller() {
    let csv = format!("{HEADER}\n{}\n{}\n", row("a", "x"), row("a", "y"));
    let options = ReadOptions {
        duplicate_ids: DuplicateIds::Allow,
    };
    assert_eq!(
        read_with(csv.as_bytes(), options).unwrap().0.archive_count,
        2
    );
}

#[test]
fn the_consumer_can_stop_the_reading() {
    let csv = format!("{HEADER}\n{}\n{}\n", row("a", "x"), row("b", "y"));
    let mut seen = 0;
    let outcome = read_csv(csv.as_bytes(), ReadOptions::default(), |_| {
        seen += 1;
        Err("disk full")
    });
    assert!(matches!(outcome, Err(ReadError::Stopped("disk full"))));
    assert_eq!(seen, 1);
}

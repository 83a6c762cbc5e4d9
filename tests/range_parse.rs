//! The range and size grammar, form by form and error by error, through the public API.

use defrost::domain::range::{ByteRange, MIB, RangeError, RangeSpec, parse_size};

fn range(input: &str, size: Option<u64>) -> Result<ByteRange, RangeError> {
    RangeSpec::parse(input)?.resolve(size)
}

fn bytes(start: u64, end: u64) -> Result<ByteRange, RangeError> {
    Ok(ByteRange { start, end })
}

/// The reason of a `Parse` error, so tests can check it explains itself.
fn reason(result: Result<impl std::fmt::Debug, RangeError>) -> String {
    match result {
        Err(RangeError::Parse { reason, .. }) => reason,
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn sizes_in_plain_bytes_and_every_unit() {
    let cases = [
        ("0", 0),
        ("1048576", MIB),
        ("1_048_576", MIB),
        ("  42  ", 42),
        ("7B", 7),
        ("1KiB", 1024),
        ("4MiB", 4 * MIB),
        ("2GiB", 2 << 30),
        ("40TiB", 40 << 40),
        ("3kB", 3_000),
        ("3KB", 3_000),
        ("5MB", 5_000_000),
        ("6GB", 6_000_000_000),
        ("7TB", 7_000_000_000_000),
        ("4mib", 4 * MIB),
        ("4MIB", 4 * MIB),
        ("4 MiB", 4 * MIB),
        ("1.5GiB", 3 << 29),
        ("0.5KiB", 512),
        ("2.50MB", 2_500_000),
        ("3.0", 3),
        ("1_000.25kB", 1_000_250),
        ("18446744073709551615", u64::MAX),
        // 2^-20 written out takes exactly the 20 decimal places allowed.
        ("1.00000095367431640625MiB", MIB + 1),
    ];
    for (input, expected) in cases {
        assert_eq!(parse_size(input), Ok(expected), "{input}");
    }
}

#[test]
fn size_errors_say_what_is_wrong_and_how_to_write_it() {
    let cases = [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "does not start with a number"),
        ("-5", "does not start with a number"),
        ("4XB", "`XB` is not a unit"),
        ("4 M", "`M` is not a unit"),
        ("1.3B", "not a whole number of bytes"),
        ("1.5", "not a whole number of bytes"),
        ("0.1KiB", "not a whole number of bytes"),
        ("1.2.3MiB", "more than one decimal point"),
        ("5.MiB", "no digits follow the decimal point"),
        (".5MiB", "digit before the decimal point"),
        ("_1", "between two digits"),
        ("1__0", "between two digits"),
        ("1_", "between two digits"),
        ("1_.5KiB", "between two digits"),
        ("18446744073709551616", "too large"),
        ("16777216TiB", "too large"),
        ("99999999999999999999999999999999999999999TB", "too large"),
        ("1.000000000000000000001KiB", "decimal places"),
    ];
    for (input, expected) in cases {
        let why = reason(parse_size(input));
        assert!(why.contains(expected), "{input}: {why}");
    }
    let message = parse_size("4XB").unwrap_err().to_string();
    assert!(
        message.starts_with("`4XB` is not a byte range or size"),
        "{message}"
    );
    let message = parse_size("1.3B").unwrap_err().to_string();
    assert!(message.contains("such as 4MiB"), "{message}");
}

#[test]
fn plain_start_end_is_inclusive() {
    assert_eq!(range("0-1048575", None), bytes(0, MIB - 1));
    assert_eq!(range("5-5", None), bytes(5, 5));
    assert_eq!(range(" 10 - 20 ", Some(100)), bytes(10, 20));
    assert_eq!(range("1_000-2_000", None), bytes(1000, 2000));
}

#[test]
fn an_end_with_a_unit_is_a_boundary() {
    assert_eq!(range("4MiB-8MiB", None), bytes(4 * MIB, 8 * MIB - 1));
    assert_eq!(range("0-1MiB", None), bytes(0, MIB - 1));
    assert_eq!(range("100-200B", None), bytes(100, 199));
    assert_eq!(range("1MiB-1048577", None), bytes(MIB, MIB + 1));
    assert_eq!(range("4 MiB - 8 MiB", None), bytes(4 * MIB, 8 * MIB - 1));
}

#[test]
fn open_end_runs_to_the_last_byte_and_needs_the_size() {
    assert_eq!(range("1MiB-", Some(3 * MIB)), bytes(MIB, 3 * MIB - 1));
    assert_eq!(range("0-", Some(1)), bytes(0, 0));
    assert_eq!(range(" 9 - ", Some(10)), bytes(9, 9));
    assert_eq!(
        range("1GiB-", None),
        Err(RangeError::NeedsSize {
            input: "1GiB-".into()
        })
    );
    assert_eq!(
        range("10-", Some(10)),
        Err(RangeError::StartBeyondEnd {
            start: 10,
            size: 10
        })
    );
    assert_eq!(range("0-", Some(0)), Err(RangeError::EmptyArchive));
}

#[test]
fn a_length_alone_is_the_first_bytes() {
    assert_eq!(range("512KiB", None), bytes(0, 512 * 1024 - 1));
    assert_eq!(range("100", Some(100)), bytes(0, 99));
    assert_eq!(range("1", None), bytes(0, 0));
}

#[test]
fn start_plus_length() {
    assert_eq!(range("4MiB+100MiB", None), bytes(4 * MIB, 104 * MIB - 1));
    assert_eq!(range("10 + 1", None), bytes(10, 10));
    assert_eq!(
        range("18446744073709551614+2", None),
        bytes(u64::MAX - 1, u64::MAX)
    );
}

#[test]
fn malformed_ranges_are_parse_errors_with_reasons() {
    let cases = [
        ("", "empty"),
        ("  ", "empty"),
        ("-", "start before `-` is missing"),
        ("-5", "start before `-` is missing"),
        ("+5", "start before `+` is missing"),
        ("5+", "length after `+` is missing"),
        ("1-2-3", "more than one"),
        ("1-+3", "more than one"),
        ("abc", "its length `abc` is wrong"),
        ("x-5", "its start `x` is wrong"),
        ("5-y", "its end `y` is wrong"),
        ("5+1.5", "its length `1.5` is wrong"),
        ("0", "length is zero"),
        ("0KiB", "length is zero"),
        ("7+0", "length is zero"),
        ("4MiB-4MiB", "zero bytes"),
        ("0-0B", "zero bytes"),
        ("5-0B", "end of zero"),
        ("18446744073709551615+2", "largest byte offset"),
    ];
    for (input, expected) in cases {
        let why = reason(RangeSpec::parse(input));
        assert!(why.contains(expected), "{input}: {why}");
    }
    let message = RangeSpec::parse("-").unwrap_err().to_string();
    assert!(message.contains("START-END"), "{message}");
}

#[test]
fn end_before_start() {
    assert_eq!(
        range("5-3", None),
        Err(RangeError::EndBeforeStart { start: 5, end: 3 })
    );
    assert_eq!(
        range("8MiB-4MiB", None),
        Err(RangeError::EndBeforeStart {
            start: 8 * MIB,
            end: 4 * MIB - 1
        })
    );
}

#[test]
fn with_a_size_the_range_must_lie_inside_the_archive() {
    assert_eq!(range("0-9", Some(0)), Err(RangeError::EmptyArchive));
    assert_eq!(
        range("10-12", Some(10)),
        Err(RangeError::StartBeyondEnd {
            start: 10,
            size: 10
        })
    );
    assert_eq!(
        range("0-10", Some(10)),
        Err(RangeError::EndBeyondArchive { end: 10, size: 10 })
    );
    assert_eq!(
        range("2MiB", Some(MIB)),
        Err(RangeError::EndBeyondArchive {
            end: 2 * MIB - 1,
            size: MIB
        })
    );
    assert_eq!(range("0-9", Some(10)), bytes(0, 9));
}

#[test]
fn from_str_and_input_agree_with_parse() {
    let spec: RangeSpec = " 1MiB- ".parse().unwrap();
    assert_eq!(spec, RangeSpec::parse(" 1MiB- ").unwrap());
    assert_eq!(spec.input(), " 1MiB- ");
}

//! Parsing ranges and sizes as people write them: `0-1048575`, `4MiB-8MiB`, `1GiB-`,
//! `512KiB`, `4MiB+100MiB`.
//!
//! # Sizes
//! A size is a whole number of bytes, with optional `_` between digits (`1_048_576`),
//! or a number followed by a unit: binary `KiB MiB GiB TiB` (powers of 1024), decimal
//! `kB KB MB GB TB` (powers of 1000), or `B`. Units ignore case and may follow one or
//! more spaces. A decimal point is allowed when the result is a whole number of bytes
//! (`1.5GiB`, `0.5KiB`; not `1.3B`), with at most 20 significant decimal places.
//!
//! # Ranges
//! | written       | means                                                          |
//! |---------------|----------------------------------------------------------------|
//! | `0-1048575`   | bytes 0 to 1048575, both included (Glacier's own form)         |
//! | `4MiB-8MiB`   | from offset 4 MiB up to 8 MiB, not included: 4194304-8388607   |
//! | `1GiB-`       | from offset 1 GiB to the archive's last byte (needs the size)  |
//! | `512KiB`      | the first 512 KiB: 0-524287                                    |
//! | `4MiB+100MiB` | 100 MiB starting at offset 4 MiB                               |
//!
//! A start is always an offset, the first byte wanted. An end written as a plain number
//! is the last byte wanted; an end written with a unit (`B` included) is a boundary,
//! the first byte not wanted, so that `4MiB-8MiB` reads as it would on a ruler.
//! Whitespace around the parts is ignored. A range never holds zero bytes.

use std::str::FromStr;

use super::{ByteRange, RangeError};

/// How to write a range, quoted by every error about a range's shape.
const RANGE_FORMS: &str =
    "write START-END (0-1048575), START- (1GiB-), LEN (512KiB) or START+LEN (4MiB+100MiB)";

/// The units a size may carry, lowercase, with their value in bytes.
const UNITS: [(&str, u64); 9] = [
    ("b", 1),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("tib", 1 << 40),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("tb", 1_000_000_000_000),
];

/// Beyond this many significant decimal places the exact arithmetic below could leave
/// `u128`; nobody writes a size that way.
const MAX_DECIMAL_PLACES: usize = 20;

/// A range as written, checked for shape, before it is resolved against an archive size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSpec {
    input: String,
    shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Both ends known from the text alone.
    Fixed(ByteRange),
    /// `START-`: the end is the archive's last byte.
    ToEnd { start: u64 },
}

impl RangeSpec {
    /// Reads one of the forms in the module documentation. Fails on text that is not a
    /// range, on a range of zero bytes and on an end before its start.
    pub fn parse(input: &str) -> Result<Self, RangeError> {
        let shape = parse_shape(input.trim()).map_err(|problem| match problem {
            Problem::Reason(reason) => RangeError::Parse {
                input: input.to_owned(),
                reason,
            },
            Problem::Range(err) => err,
        })?;
        Ok(Self {
            input: input.to_owned(),
            shape,
        })
    }

    /// The inclusive byte range meant. With the archive size it also checks that the
    /// range lies inside the archive; an open end (`START-`) needs the size.
    pub fn resolve(&self, archive_size: Option<u64>) -> Result<ByteRange, RangeError> {
        match (self.shape, archive_size) {
            (Shape::Fixed(range), None) => Ok(range),
            (Shape::Fixed(range), Some(size)) => range.check_within(size).map(|()| range),
            (Shape::ToEnd { .. }, None) => Err(RangeError::NeedsSize {
                input: self.input.clone(),
            }),
            (Shape::ToEnd { start }, Some(size)) => {
                // Checked here rather than by `check_within`, which would report an
                // end before the start when the start lies past the archive.
                let last = size.checked_sub(1).ok_or(RangeError::EmptyArchive)?;
                if start > last {
                    return Err(RangeError::StartBeyondEnd { start, size });
                }
                Ok(ByteRange { start, end: last })
            }
        }
    }

    /// The text the range was parsed from.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl FromStr for RangeSpec {
    type Err = RangeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

/// A byte count: plain bytes (`1048576`, `1_048_576`) or with a unit (`10GiB`,
/// `1.5 TB`). Fails on anything else, on fractions of a byte and on sizes past `u64`.
pub fn parse_size(input: &str) -> Result<u64, RangeError> {
    parse_quantity(input.trim())
        .map(|quantity| quantity.bytes)
        .map_err(|reason| RangeError::Parse {
            input: input.to_owned(),
            reason,
        })
}

/// Why range text was refused: either a shape problem, explained for the
/// `RangeError::Parse` message, or a well-formed range that is still unusable.
enum Problem {
    Reason(String),
    Range(RangeError),
}

impl From<String> for Problem {
    fn from(reason: String) -> Self {
        Self::Reason(reason)
    }
}

fn parse_shape(text: &str) -> Result<Shape, Problem> {
    if text.is_empty() {
        return Err(format!("it is empty; {RANGE_FORMS}").into());
    }
    let Some(at) = text.find(['-', '+']) else {
        let length = parse_part(text, "length")?;
        return Ok(Shape::Fixed(span(0, length.bytes)?));
    };
    let (separator, left, right) = (&text[at..=at], text[..at].trim(), text[at + 1..].trim());
    if right.contains(['-', '+']) {
        return Err(format!("it has more than one `-` or `+`; {RANGE_FORMS}").into());
    }
    if left.is_empty() {
        return Err(format!("the start before `{separator}` is missing; {RANGE_FORMS}").into());
    }
    let start = parse_part(left, "start")?.bytes;
    match (separator, right.is_empty()) {
        ("-", true) => Ok(Shape::ToEnd { start }),
        ("-", false) => bounded(start, parse_part(right, "end")?),
        (_, true) => Err(format!("the length after `+` is missing; {RANGE_FORMS}").into()),
        (_, false) => Ok(Shape::Fixed(span(
            start,
            parse_part(right, "length")?.bytes,
        )?)),
    }
}

/// `length` bytes from offset `start`.
fn span(start: u64, length: u64) -> Result<ByteRange, Problem> {
    if length == 0 {
        return Err(String::from(
            "its length is zero, so nothing is wanted; give a length of at least one byte",
        )
        .into());
    }
    let end = start.checked_add(length - 1).ok_or_else(|| {
        String::from("it runs past the largest byte offset there is; give a shorter length")
    })?;
    Ok(ByteRange { start, end })
}

/// `START-END`, where an end with a unit is a boundary and a plain end the last byte.
fn bounded(start: u64, end: Quantity) -> Result<Shape, Problem> {
    let last = if end.has_unit {
        if end.bytes == start {
            return Err(String::from(
                "it holds zero bytes: an end with a unit is the first byte not wanted; \
                 give an end beyond the start",
            )
            .into());
        }
        end.bytes.checked_sub(1).ok_or_else(|| {
            String::from(
                "an end of zero with a unit leaves nothing before it; give an end beyond the start",
            )
        })?
    } else {
        end.bytes
    };
    ByteRange::new(start, last)
        .map(Shape::Fixed)
        .map_err(Problem::Range)
}

fn parse_part(text: &str, part: &str) -> Result<Quantity, Problem> {
    parse_quantity(text).map_err(|reason| format!("its {part} `{text}` is wrong: {reason}").into())
}

/// A size as written: its value, and whether it carried a unit.
struct Quantity {
    bytes: u64,
    has_unit: bool,
}

/// Reads trimmed size text; the error is the reason, phrased to follow "is wrong:".
fn parse_quantity(text: &str) -> Result<Quantity, String> {
    const HOW: &str = "use a whole number of bytes or a unit such as 4MiB";
    if text.is_empty() {
        return Err(format!("it is empty; {HOW}"));
    }
    let number_len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = (&text[..number_len], text[number_len..].trim_start());
    if number.is_empty() {
        return Err(format!("it does not start with a number; {HOW}"));
    }
    let multiplier = unit_bytes(unit)?;
    let decimal = Decimal::parse(number)?;
    let bytes = decimal
        .times(multiplier)
        .ok_or_else(|| format!("{text} is not a whole number of bytes; {HOW}"))?;
    let bytes = u64::try_from(bytes)
        .map_err(|_| format!("it is too large; the largest size is {} bytes", u64::MAX))?;
    Ok(Quantity {
        bytes,
        has_unit: !unit.is_empty(),
    })
}

fn unit_bytes(unit: &str) -> Result<u64, String> {
    if unit.is_empty() {
        return Ok(1);
    }
    let lower = unit.to_ascii_lowercase();
    UNITS
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, bytes)| *bytes)
        .ok_or_else(|| {
            format!(
                "`{unit}` is not a unit; use B, KiB, MiB, GiB, TiB (powers of 1024) \
                 or kB, MB, GB, TB (powers of 1000)"
            )
        })
}

/// A non-negative decimal number as `whole + fraction / 10^places`, exactly.
struct Decimal {
    whole: u128,
    fraction: u128,
    places: u32,
}

impl Decimal {
    fn parse(number: &str) -> Result<Self, String> {
        let (whole_text, fraction_text) = match number.split_once('.') {
            None => (number, ""),
            Some((_, after)) if after.contains('.') => {
                return Err("it has more than one decimal point; write one, as in 1.5GiB".into());
            }
            Some((before, "")) => {
                return Err(format!(
                    "no digits follow the decimal point; write {before}"
                ));
            }
            Some((before, after)) => (before, after),
        };
        if whole_text.is_empty() {
            return Err(format!(
                "write a digit before the decimal point, as in 0.{fraction_text}"
            ));
        }
        let whole = digits(whole_text)?
            .parse::<u128>()
            .map_err(|_| format!("it is too large; the largest size is {} bytes", u64::MAX))?;
        let fraction_digits = digits(fraction_text)?;
        let significant = fraction_digits.trim_end_matches('0');
        if significant.len() > MAX_DECIMAL_PLACES {
            return Err(format!(
                "it has more than {MAX_DECIMAL_PLACES} decimal places; write the size in bytes"
            ));
        }
        Ok(Self {
            whole,
            // At most 20 digits, so it fits; an empty fraction is zero.
            fraction: significant.parse().unwrap_or(0),
            places: u32::try_from(significant.len()).unwrap_or(u32::MAX),
        })
    }

    /// The number times `multiplier`, or `None` when that leaves a fraction of a byte.
    /// A product past `u128` saturates, which is past `u64` all the same.
    fn times(&self, multiplier: u64) -> Option<u128> {
        let multiplier = u128::from(multiplier);
        // Both below 2^107 by the decimal-place limit, so neither overflows.
        let scale = 10u128.pow(self.places);
        let scaled_fraction = self.fraction * multiplier;
        if !scaled_fraction.is_multiple_of(scale) {
            return None;
        }
        Some(
            self.whole
                .saturating_mul(multiplier)
                .saturating_add(scaled_fraction / scale),
        )
    }
}

/// The digits of `text` with its `_` separators removed; each `_` must sit between
/// two digits.
fn digits(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let misplaced = bytes.iter().enumerate().any(|(i, &b)| {
        b == b'_'
            && !(i > 0
                && bytes[i - 1].is_ascii_digit()
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
    });
    if misplaced {
        return Err("put `_` only between two digits, as in 1_048_576".into());
    }
    Ok(text.chars().filter(|&c| c != '_').collect())
}

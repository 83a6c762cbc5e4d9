//! Inventory dates: ISO 8601 in UTC, with or without fractions of a second, as
//! Glacier writes `InventoryDate` and `CreationDate`. They print back as they came.

use std::fmt;
use std::str::FromStr;

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::domain::calendar::{self, PieceProblem, digits};

/// A moment in UTC, remembering how many digits of a second it was written with so
/// that `2012-03-20T17:03:43.221Z` and `2026-11-01T04:10:22Z` print back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    moment: PrimitiveDateTime,
    fraction_digits: u8,
}

/// Why a text is not an inventory date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    #[error("is not a date in the form 2012-03-20T17:03:43.221Z or 2012-03-20T17:03:43Z")]
    Shape,
    #[error("has no such {component} on the calendar or the clock")]
    NotOnCalendar { component: &'static str },
}

impl Timestamp {
    /// Reads `YYYY-MM-DDTHH:MM:SSZ` with an optional `.` and 1 to 9 digits before
    /// the `Z`. Other offsets are refused: Glacier writes UTC only, so anything else
    /// means the text is not an inventory date.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        Self::parse_bytes(text.as_bytes())
    }

    /// [`Timestamp::parse`] on bytes, which need not be UTF-8: the form is ASCII,
    /// so the JSON reader need not check the text first.
    pub(in crate::domain::inventory) fn parse_bytes(bytes: &[u8]) -> Result<Self, TimestampError> {
        let Some((date, rest)) = bytes.split_at_checked(10) else {
            return Err(TimestampError::Shape);
        };
        let [b'T', rest @ ..] = rest else {
            return Err(TimestampError::Shape);
        };
        let Some((clock, rest)) = rest.split_at_checked(8) else {
            return Err(TimestampError::Shape);
        };
        let (nanosecond, fraction_digits) = parse_fraction_and_zone(rest)?;
        let date = parse_date(date)?;
        let time = parse_clock(clock, nanosecond)?;
        Ok(Self {
            moment: PrimitiveDateTime::new(date, time),
            fraction_digits,
        })
    }

    /// The moment as a `time` value in UTC.
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.moment.assume_utc()
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// The form it was read in.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (date, time) = (self.moment.date(), self.moment.time());
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            date.year(),
            u8::from(date.month()),
            date.day(),
            time.hour(),
            time.minute(),
            time.second()
        )?;
        if self.fraction_digits > 0 {
            let digits = u32::from(self.fraction_digits);
            let fraction = time.nanosecond() / 10u32.pow(9 - digits);
            write!(f, ".{fraction:0width$}", width = digits as usize)?;
        }
        f.write_str("Z")
    }
}

/// `Z` or `.` + 1 to 9 digits + `Z`: the nanoseconds and how many digits there were.
fn parse_fraction_and_zone(text: &[u8]) -> Result<(u32, u8), TimestampError> {
    match text {
        b"Z" => Ok((0, 0)),
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            let value = digits(fraction).ok_or(TimestampError::Shape)?;
            // At most nine digits, so the count fits a u8 and the scale a u32.
            let count = fraction.len() as u32;
            Ok((value * 10u32.pow(9 - count), count as u8))
        }
        _ => Err(TimestampError::Shape),
    }
}

fn parse_date(text: &[u8]) -> Result<Date, TimestampError> {
    calendar::parse_date(text).map_err(TimestampError::from)
}

/// `HH:MM:SS`, exactly.
fn parse_clock(text: &[u8], nanosecond: u32) -> Result<Time, TimestampError> {
    let fields = calendar::clock_fields(text)?;
    Ok(calendar::clock_time(fields, nanosecond)?)
}

impl From<PieceProblem> for TimestampError {
    fn from(problem: PieceProblem) -> Self {
        match problem {
            PieceProblem::Shape => TimestampError::Shape,
            PieceProblem::NotOnCalendar { component } => {
                TimestampError::NotOnCalendar { component }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn round_trip(text: &str) -> String {
        Timestamp::parse(text).unwrap().to_string()
    }

    #[test]
    fn prints_back_as_written() {
        for text in [
            "2026-11-01T04:10:22Z",
            "2012-03-20T17:03:43.221Z",
            "2012-03-20T17:03:43.000Z",
            "2012-03-20T17:03:43.5Z",
            "2012-03-20T17:03:43.123456789Z",
        ] {
            assert_eq!(round_trip(text), text);
        }
    }

    #[test]
    fn milliseconds_are_kept_in_the_moment() {
        let stamp = Timestamp::parse("2012-03-20T17:03:43.221Z").unwrap();
        assert_eq!(
            stamp.to_offset_date_time(),
            datetime!(2012-03-20 17:03:43.221 UTC)
        );
    }

    #[test]
    fn order_follows_time() {
        let earlier = Timestamp::parse("2012-03-20T17:03:43.221Z").unwrap();
        let later = Timestamp::parse("2012-03-20T17:03:44Z").unwrap();
        assert!(earlier < later);
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "",
            "2012-03-20",
            "2012-03-20T17:03:43",
            "2012-03-20T17:03:43+00:00",
            "2012-03-20T17:03:43z",
            "2012-03-20T17:03:43.Z",
            "2012-03-20T17:03:43.1234567890Z",
            "2012-03-20 17:03:43Z",
            "2012-3-20T17:03:43Z",
            "2012-03-20T17:03:4aZ",
            "2012-03-20T17:03:43.22xZ",
            "２０１２-03-20T17:03:43Z",
        ] {
            assert_eq!(Timestamp::parse(text), Err(TimestampError::Shape), "{text}");
        }
    }

    #[test]
    fn impossible_components_are_named() {
        for (text, component) in [
            ("2012-13-20T17:03:43Z", "month"),
            ("2023-02-29T17:03:43Z", "day"),
            ("2012-03-20T24:03:43Z", "hour"),
            ("2012-03-20T17:60:43Z", "minute"),
            ("2012-03-20T17:03:60Z", "second"),
        ] {
            assert_eq!(
                Timestamp::parse(text),
                Err(TimestampError::NotOnCalendar { component }),
                "{text}"
            );
        }
    }
}

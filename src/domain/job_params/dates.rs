//! Inventory filter dates: ISO 8601 in UTC to the second, the one form Glacier takes.
//! A date alone means midnight UTC and is written back in the full form.

use std::fmt;

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::DateProblem;
use crate::domain::calendar::{self, PieceProblem};

/// A moment in UTC, to the second, as StartDate and EndDate carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlacierDate(PrimitiveDateTime);

impl GlacierDate {
    /// Reads `2024-01-31T00:00:00Z` or `2024-01-31` (midnight UTC). Any other offset
    /// than `Z`, fractions of a second and impossible dates are refused rather than
    /// adjusted, so that the filter is exactly the one the user meant.
    pub fn parse(input: &str) -> Result<Self, DateProblem> {
        let bytes = input.as_bytes();
        let (date_part, time_part) = match bytes.iter().position(|&b| b == b'T') {
            Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
            None => (bytes, None),
        };
        let date = parse_date(date_part)?;
        let time = match time_part {
            Some(clock_and_zone) => parse_utc_time(clock_and_zone)?,
            None => Time::MIDNIGHT,
        };
        Ok(Self(PrimitiveDateTime::new(date, time)))
    }

    /// The moment as a `time` value.
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.0.assume_utc()
    }
}

/// Glacier's form: `2024-01-31T00:00:00Z`.
impl fmt::Display for GlacierDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (date, time) = (self.0.date(), self.0.time());
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            date.year(),
            u8::from(date.month()),
            date.day(),
            time.hour(),
            time.minute(),
            time.second()
        )
    }
}

fn parse_date(text: &[u8]) -> Result<Date, DateProblem> {
    calendar::parse_date(text).map_err(DateProblem::from)
}

/// `HH:MM:SSZ`, exactly; says why when the zone or the precision is the problem.
fn parse_utc_time(text: &[u8]) -> Result<Time, DateProblem> {
    let Some((clock, zone)) = text.split_at_checked(8) else {
        return Err(DateProblem::Shape);
    };
    let fields = calendar::clock_fields(clock)?;
    match zone {
        b"Z" => {}
        [b'.' | b',', ..] => return Err(DateProblem::Fraction),
        [] | [b'+' | b'-', ..] => return Err(DateProblem::NotUtc),
        _ => return Err(DateProblem::Shape),
    }
    Ok(calendar::clock_time(fields, 0)?)
}

impl From<PieceProblem> for DateProblem {
    fn from(problem: PieceProblem) -> Self {
        match problem {
            PieceProblem::Shape => DateProblem::Shape,
            PieceProblem::NotOnCalendar { component } => DateProblem::NotOnCalendar { component },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> Result<String, DateProblem> {
        GlacierDate::parse(input).map(|date| date.to_string())
    }

    #[test]
    fn full_form_is_kept() {
        assert_eq!(
            parsed("2024-01-31T23:59:58Z"),
            Ok("2024-01-31T23:59:58Z".into())
        );
    }

    #[test]
    fn date_alone_means_midnight_utc() {
        assert_eq!(parsed("2024-01-31"), Ok("2024-01-31T00:00:00Z".into()));
    }

    #[test]
    fn leap_day_exists_only_in_leap_years() {
        assert_eq!(parsed("2024-02-29"), Ok("2024-02-29T00:00:00Z".into()));
        assert_eq!(
            parsed("2023-02-29"),
            Err(DateProblem::NotOnCalendar { component: "day" })
        );
    }

    #[test]
    fn impossible_components_are_named() {
        for (input, component) in [
            ("2024-13-01", "month"),
            ("2024-00-10", "month"),
            ("2024-04-31", "day"),
            ("2024-01-31T24:00:00Z", "hour"),
            ("2024-01-31T10:60:00Z", "minute"),
            ("2024-01-31T10:00:60Z", "second"),
        ] {
            assert_eq!(
                parsed(input),
                Err(DateProblem::NotOnCalendar { component }),
                "{input}"
            );
        }
    }

    #[test]
    fn offsets_other_than_z_are_refused() {
        for input in [
            "2024-01-31T00:00:00+01:00",
            "2024-01-31T00:00:00-05:00",
            "2024-01-31T00:00:00+00:00",
            "2024-01-31T00:00:00",
        ] {
            assert_eq!(parsed(input), Err(DateProblem::NotUtc), "{input}");
        }
    }

    #[test]
    fn fractions_of_a_second_are_refused() {
        assert_eq!(parsed("2024-01-31T00:00:00.5Z"), Err(DateProblem::Fraction));
    }

    #[test]
    fn other_shapes_are_refused() {
        for input in [
            "",
            "yesterday",
            "2024-1-31",
            "24-01-31",
            "2024/01/31",
            "20240131",
            "2024-01-31T",
            "2024-01-31T00:00Z",
            "2024-01-31 00:00:00Z",
            "2024-01-31T00:00:00z",
            "2024-01-31T00:00:00ZZ",
            "２０２４-01-31",
            "2024-01-31T0é:00:00Z",
        ] {
            assert_eq!(parsed(input), Err(DateProblem::Shape), "{input}");
        }
    }

    #[test]
    fn converts_to_a_utc_moment() {
        let date = GlacierDate::parse("2024-01-31T10:20:30Z").unwrap();
        assert_eq!(
            date.to_offset_date_time(),
            time::macros::datetime!(2024-01-31 10:20:30 UTC)
        );
    }

    #[test]
    fn order_follows_time() {
        let earlier = GlacierDate::parse("2024-01-31T23:59:59Z").unwrap();
        let later = GlacierDate::parse("2024-02-01").unwrap();
        assert!(earlier < later);
    }
}

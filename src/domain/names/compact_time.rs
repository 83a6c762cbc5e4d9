//! The compact UTC times tools write into descriptions: `YYYYMMDDTHHMMSSZ`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Reads `20120821T170824Z` (surrounding whitespace allowed); `None` for anything
/// else. A 60th second reads as the 59th, as mt-aws-glacier drops leap seconds.
pub(super) fn parse_compact_utc(text: &str) -> Option<OffsetDateTime> {
    let bytes = text.trim().as_bytes();
    let [
        y0,
        y1,
        y2,
        y3,
        mo0,
        mo1,
        d0,
        d1,
        b'T',
        h0,
        h1,
        mi0,
        mi1,
        s0,
        s1,
        b'Z',
    ] = *bytes
    else {
        return None;
    };
    let year = digits(&[y0, y1, y2, y3])?;
    let month = Month::try_from(digits(&[mo0, mo1])? as u8).ok()?;
    let date = Date::from_calendar_date(year as i32, month, digits(&[d0, d1])? as u8).ok()?;
    let second = digits(&[s0, s1])?.min(59);
    let time = Time::from_hms(
        digits(&[h0, h1])? as u8,
        digits(&[mi0, mi1])? as u8,
        second as u8,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// The value of a run of at most four ASCII digits, so casts to narrower types fit.
fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn reads_the_compact_form() {
        assert_eq!(
            parse_compact_utc("20120821T170824Z"),
            Some(datetime!(2012-08-21 17:08:24 UTC))
        );
        assert_eq!(
            parse_compact_utc(" 19691231T235960Z "),
            Some(datetime!(1969-12-31 23:59:59 UTC))
        );
    }

    #[test]
    fn refuses_other_forms() {
        for text in [
            "",
            "2012-08-21T17:08:24Z",
            "20120821T170824",
            "20120821t170824Z",
            "20121321T170824Z",
            "20120230T170824Z",
            "20120821T250824Z",
            "2012082aT170824Z",
        ] {
            assert_eq!(parse_compact_utc(text), None, "{text}");
        }
    }
}

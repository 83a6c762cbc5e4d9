//! The fixed-width pieces of ISO 8601 that both inventory dates and job
//! parameter dates are made of: `YYYY-MM-DD`, `HH:MM:SS` and runs of digits.
//! Each reader says in its own error what the whole date should look like.

use time::{Date, Month, Time};

/// What is wrong with one piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::domain) enum PieceProblem {
    /// Not the fixed shape, or a digit where one is needed is not one.
    Shape,
    /// The right shape, but no such day or time (`2024-02-30`, `25:00:00`).
    NotOnCalendar { component: &'static str },
}

/// `YYYY-MM-DD`, exactly.
pub(in crate::domain) fn parse_date(text: &[u8]) -> Result<Date, PieceProblem> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text else {
        return Err(PieceProblem::Shape);
    };
    let year = digits(&[y0, y1, y2, y3]).ok_or(PieceProblem::Shape)?;
    let month = digits(&[m0, m1]).ok_or(PieceProblem::Shape)?;
    let day = digits(&[d0, d1]).ok_or(PieceProblem::Shape)?;
    // Four digits and two digits always fit the narrower types.
    let month = Month::try_from(month as u8).map_err(not_on_calendar)?;
    Date::from_calendar_date(year as i32, month, day as u8).map_err(not_on_calendar)
}

/// The hour, minute and second of `HH:MM:SS`, exactly, not yet checked
/// against the clock (a caller may have the zone to look at first).
pub(in crate::domain) fn clock_fields(text: &[u8]) -> Result<(u8, u8, u8), PieceProblem> {
    let [h0, h1, b':', m0, m1, b':', s0, s1] = *text else {
        return Err(PieceProblem::Shape);
    };
    let hour = digits(&[h0, h1]).ok_or(PieceProblem::Shape)?;
    let minute = digits(&[m0, m1]).ok_or(PieceProblem::Shape)?;
    let second = digits(&[s0, s1]).ok_or(PieceProblem::Shape)?;
    // Two digits always fit a u8.
    Ok((hour as u8, minute as u8, second as u8))
}

/// The time of day from [`clock_fields`] and a nanosecond.
pub(in crate::domain) fn clock_time(
    (hour, minute, second): (u8, u8, u8),
    nanosecond: u32,
) -> Result<Time, PieceProblem> {
    Time::from_hms_nano(hour, minute, second, nanosecond).map_err(not_on_calendar)
}

/// The value of a run of ASCII digits (at most nine); `None` if any byte is not a digit.
pub(in crate::domain) fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |value, &b| {
        b.is_ascii_digit().then(|| value * 10 + u32::from(b - b'0'))
    })
}

fn not_on_calendar(err: time::error::ComponentRange) -> PieceProblem {
    PieceProblem::NotOnCalendar {
        component: err.name(),
    }
}

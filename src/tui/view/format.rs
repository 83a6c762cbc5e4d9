//! How sizes, dates and durations read on the screen.

use std::time::Duration;

use humansize::{BINARY, format_size};

pub fn size(bytes: u64) -> String {
    format_size(bytes, BINARY)
}

pub fn size_u128(bytes: u128) -> String {
    u64::try_from(bytes).map_or_else(|_| format!("{bytes} B"), size)
}

/// Glacier's `2018-04-03T21:40:11.000Z` as `2018-04-03 21:40`.
pub fn glacier_date(date: &str) -> String {
    date.get(..16)
        .map_or_else(|| date.to_owned(), |head| head.replace('T', " "))
}

/// "3 days ago", "just now".
pub fn ago(elapsed: time::Duration) -> String {
    let seconds = elapsed.whole_seconds();
    if seconds < 60 {
        return "just now".into();
    }
    format!("{} ago", span(Duration::from_secs(seconds.unsigned_abs())))
}

/// "2 h 15 min", "40 s", "3 days".
pub fn span(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min", seconds / 60),
        3600..86_400 => {
            let minutes = (seconds % 3600) / 60;
            if minutes == 0 {
                format!("{} h", seconds / 3600)
            } else {
                format!("{} h {minutes} min", seconds / 3600)
            }
        }
        _ => {
            let days = seconds / 86_400;
            format!("{days} day{}", if days == 1 { "" } else { "s" })
        }
    }
}

/// "3 h to 5 h" with `joiner` " to " (or "3 h–5 h"); "under 1 s" when even
/// the latest is, as on a sandbox whose clock runs fast, where both ends
/// would read "0 s".
pub fn span_between(earliest: Duration, latest: Duration, joiner: &str) -> String {
    if latest < Duration::from_secs(1) {
        return "under 1 s".to_owned();
    }
    format!("{}{joiner}{}", span(earliest), span(latest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_under_a_second_reads_as_one() {
        let ms = Duration::from_millis;
        assert_eq!(span_between(ms(170), ms(830), "–"), "under 1 s");
        assert_eq!(span_between(ms(500), ms(2500), " to "), "0 s to 2 s");
        let hours = |h: u64| Duration::from_secs(h * 3600);
        assert_eq!(span_between(hours(3), hours(5), " to "), "3 h to 5 h");
    }

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(Duration::from_secs(40)), "40 s");
        assert_eq!(span(Duration::from_secs(8100)), "2 h 15 min");
        assert_eq!(span(Duration::from_secs(7200)), "2 h");
        assert_eq!(span(Duration::from_secs(86_400)), "1 day");
        assert_eq!(span(Duration::from_secs(3 * 86_400)), "3 days");
        assert_eq!(ago(time::Duration::seconds(5)), "just now");
        assert_eq!(ago(time::Duration::days(3)), "3 days ago");
        assert_eq!(glacier_date("2018-04-03T21:40:11.000Z"), "2018-04-03 21:40");
        assert_eq!(glacier_date("short"), "short");
        assert_eq!(size(1 << 20), "1 MiB");
    }
}

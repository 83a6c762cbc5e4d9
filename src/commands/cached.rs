//! What the commands that read the inventory cache share: opening it, choosing a
//! snapshot, and showing sizes, dates and ages. The vault is chosen by
//! `shared_args::VaultChoice`.

use humansize::{BINARY, format_size};
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::store::{Snapshot, SnapshotInfo, Store, StoreError, Vault};

/// Opens the cache under the chosen data directory, for a command that changes
/// it: a data directory it cannot write is refused here, before any work.
pub fn open_store(global: &GlobalOpts) -> anyhow::Result<Store> {
    let data_dir = global.resolved_data_dir()?;
    Store::open(&data_dir).map_err(with_remedy)
}

/// Opens the cache under the chosen data directory, for a command that only
/// reads it: read-only when the data directory cannot be written.
pub fn open_store_to_read(global: &GlobalOpts) -> anyhow::Result<Store> {
    let data_dir = global.resolved_data_dir()?;
    Store::open_for_reading(&data_dir).map_err(with_remedy)
}

/// The cache names the problem; the command line adds the fix in its own terms.
fn with_remedy(err: StoreError) -> anyhow::Error {
    match &err {
        StoreError::ReadOnly { dir } => BadInput(format!(
            "{err}; give --data-dir a directory you can write, or make {} writable",
            dir.display()
        ))
        .into(),
        _ => err.into(),
    }
}

/// A snapshot of the chosen vault (its newest without `--snapshot`), opened.
pub fn open_snapshot(
    store: &Store,
    vault: &Vault,
    id: Option<i64>,
) -> anyhow::Result<(SnapshotInfo, Snapshot)> {
    let info = store.snapshot_of(vault, id)?;
    let snapshot = store.open_snapshot(&info)?;
    Ok((info, snapshot))
}

/// Bytes in binary units: `1.50 GiB`.
pub fn size(bytes: u128) -> String {
    // humansize takes u64; past that (16 EiB) say so plainly.
    match u64::try_from(bytes) {
        Ok(bytes) => format_size(bytes, BINARY),
        Err(_) => format!("{bytes} B"),
    }
}

/// A wait as people say it, rounded up to the minute: `5 h`, `3 h 30 min`,
/// `12 min` (never `0 min`).
pub fn wait(duration: std::time::Duration) -> String {
    let minutes = duration.as_secs().div_ceil(60);
    match (minutes / 60, minutes % 60) {
        (0, minutes) => format!("{} min", minutes.max(1)),
        (hours, 0) => format!("{hours} h"),
        (hours, minutes) => format!("{hours} h {minutes} min"),
    }
}

/// A count with thousands separators: `1,000,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// How long ago, to two units: `28d 4h`, `3h 12m`, `45s`; `in the future` for
/// dates after `now` (a clock set wrong somewhere).
pub fn age(then: OffsetDateTime, now: OffsetDateTime) -> String {
    let seconds = (now - then).whole_seconds();
    if seconds < 0 {
        return "in the future".into();
    }
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_hours_and_minutes() {
        let wait_of = |seconds| wait(std::time::Duration::from_secs(seconds));
        assert_eq!(wait_of(0), "1 min");
        assert_eq!(wait_of(12 * 60), "12 min");
        assert_eq!(wait_of(5 * 3600), "5 h");
        assert_eq!(wait_of(3 * 3600 + 30 * 60), "3 h 30 min");
        assert_eq!(wait_of(3600 + 59 * 60 + 30), "2 h");
    }

    #[test]
    fn counts_and_ages_read_naturally() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        let now = OffsetDateTime::from_unix_timestamp(1_000_000_000).unwrap();
        let ago = |s: i64| age(now - time::Duration::seconds(s), now);
        assert_eq!(ago(45), "45s");
        assert_eq!(ago(125), "2m");
        assert_eq!(ago(3 * 3600 + 12 * 60), "3h 12m");
        assert_eq!(ago(28 * 86_400 + 4 * 3600), "28d 4h");
        assert_eq!(ago(-5), "in the future");
        assert_eq!(size(1536), "1.50 KiB");
        assert_eq!(size(u128::from(u64::MAX) + 1), "18446744073709551616 B");
    }
}

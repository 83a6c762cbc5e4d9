//! What a peek retrieves: first the archive's tail, the smallest MiB-aligned
//! range sure to hold the end record (the last MiB, or the last two when the
//! last is too short to hold a record with the longest comment); then, when
//! the end record points before the tail, the aligned range of what is
//! missing (the central directory's start, or a zip64 end record).

use super::end::{END_RECORD_LEN, MAX_COMMENT_LEN};
use crate::domain::range::{ByteRange, RangeError, snap_mib};

/// The most bytes an end record with its comment takes.
const LONGEST_END: u64 = END_RECORD_LEN + MAX_COMMENT_LEN;

/// The first retrieval of a peek at an archive of `size` bytes.
pub fn tail_range(size: u64) -> Result<ByteRange, RangeError> {
    let first = size.saturating_sub(LONGEST_END);
    let want = ByteRange::new(first, size.checked_sub(1).ok_or(RangeError::EmptyArchive)?)?;
    snap_mib(size, want)
}

/// The retrieval that brings the archive's bytes from `from` up to `have`,
/// the range already retrieved (which ends at the archive's end); `None`
/// when `have` already starts at or before `from`.
pub fn missing_before(
    size: u64,
    have: ByteRange,
    from: u64,
) -> Result<Option<ByteRange>, RangeError> {
    if from >= have.start {
        return Ok(None);
    }
    let want = ByteRange::new(from, have.start - 1)?;
    snap_mib(size, want).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::range::MIB;

    #[test]
    fn the_tail_is_the_last_mib_unless_a_record_could_straddle_it() {
        // The last chunk holds 1 MiB: it holds any end record.
        assert_eq!(
            tail_range(20 * MIB).unwrap(),
            ByteRange::new(19 * MIB, 20 * MIB - 1).unwrap()
        );
        // The last chunk holds 100,000 bytes: more than the longest record.
        assert_eq!(
            tail_range(20 * MIB + 100_000).unwrap(),
            ByteRange::new(20 * MIB, 20 * MIB + 99_999).unwrap()
        );
        // 1,000 bytes: a record with a long comment may start in the chunk before.
        assert_eq!(
            tail_range(20 * MIB + 1000).unwrap(),
            ByteRange::new(19 * MIB, 20 * MIB + 999).unwrap()
        );
        // A small archive is retrieved whole.
        assert_eq!(tail_range(5000).unwrap(), ByteRange::new(0, 4999).unwrap());
        assert!(tail_range(0).is_err());
    }

    #[test]
    fn what_is_missing_before_the_tail_is_snapped_to_mib() {
        let size = 40 * MIB + 10;
        let have = tail_range(size).unwrap();
        assert_eq!(missing_before(size, have, have.start).unwrap(), None);
        assert_eq!(
            missing_before(size, have, 37 * MIB + 5).unwrap(),
            Some(ByteRange::new(37 * MIB, have.start - 1).unwrap())
        );
    }
}

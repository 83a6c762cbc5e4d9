//! How an archive is cut into S3 parts: each part a power-of-two number of
//! MiB, starting at a multiple of its size, so each is a subtree of the
//! archive's tree hash (Glacier checks each ranged fetch, and the parts' hashes
//! combine into the archive's), at least S3's 5 MiB, and at most S3's 10,000
//! parts.

use crate::domain::range::MIB;

/// S3 takes at most this many parts in one upload.
pub const MAX_PARTS: u64 = 10_000;

/// The smallest part: above S3's 5 MiB minimum, and small enough that a
/// refetched part costs little.
pub const SMALLEST_PART: u64 = 8 * MIB;

/// S3's largest part.
pub const LARGEST_PART: u64 = 5 * 1024 * MIB;

/// The part size for an archive of `size` bytes; `None` when even S3's largest
/// parts cannot hold it (beyond about 39 TiB; Glacier stores at most 40 TB).
pub fn part_size(size: u64) -> Option<u64> {
    let mut part = SMALLEST_PART;
    while size.div_ceil(part) > MAX_PARTS {
        part = part.checked_mul(2)?;
    }
    (part <= LARGEST_PART).then_some(part)
}

/// The archive's bytes of part `number` (from 1): first and last, inclusive.
pub fn part_range(size: u64, part: u64, number: u32) -> Option<(u64, u64)> {
    let first = u64::from(number).checked_sub(1)?.checked_mul(part)?;
    (first < size).then(|| (first, (first + part).min(size) - 1))
}

/// How many parts an archive of `size` bytes has (one, empty, for 0 bytes).
pub fn part_count(size: u64, part: u64) -> u32 {
    u32::try_from(size.div_ceil(part).max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn small_archives_take_eight_mib_parts_and_the_largest_stay_under_ten_thousand() {
        assert_eq!(part_size(0), Some(8 * MIB));
        assert_eq!(part_size(80_000 * MIB), Some(8 * MIB));
        assert_eq!(part_size(80_000 * MIB + 1), Some(16 * MIB));
        // Glacier's largest archive, 40 TB, in 9,314 parts of 4 GiB.
        let forty_tb = 40_000_000_000_000;
        assert_eq!(part_size(forty_tb), Some(4096 * MIB));
        assert_eq!(
            part_range(20 * MIB, 8 * MIB, 3),
            Some((16 * MIB, 20 * MIB - 1))
        );
        assert_eq!(part_range(20 * MIB, 8 * MIB, 4), None);
        assert_eq!(part_range(20 * MIB, 8 * MIB, 0), None);
        assert_eq!(part_count(20 * MIB, 8 * MIB), 3);
    }

    proptest! {
        #[test]
        fn parts_cover_the_archive_once_within_s3s_limits(size in 0u64..(45u64 << 40)) {
            let Some(part) = part_size(size) else {
                prop_assert!(size > 10_000 * LARGEST_PART / 2);
                return Ok(());
            };
            prop_assert!(part.is_power_of_two() && (SMALLEST_PART..=LARGEST_PART).contains(&part));
            let count = part_count(size, part);
            prop_assert!(u64::from(count) <= MAX_PARTS);
            if size > 0 {
                let (_, last) = part_range(size, part, count).unwrap();
                prop_assert_eq!(last, size - 1);
                prop_assert!(part_range(size, part, count + 1).is_none());
            }
        }
    }
}

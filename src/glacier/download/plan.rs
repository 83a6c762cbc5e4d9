//! Cutting a job's output into download chunks.
//!
//! Chunks are a power-of-two number of MiB and start at multiples of their size, so
//! each chunk is a subtree of the output's tree hash: its root can be checked
//! against the service's `x-amz-sha256-tree-hash` header, and the chunk roots,
//! combined in order, give the whole output's tree hash.

use super::DownloadError;
use crate::domain::range::MIB;

/// The chunk size when the caller has no preference: large enough that request
/// fees and round trips do not dominate, small enough that a chunk refetched after
/// a failed check costs little.
pub const DEFAULT_CHUNK_SIZE: u64 = 64 * MIB;

/// The largest chunk accepted: a chunk that fails its check is fetched again
/// whole, so larger ones would waste more.
pub const MAX_CHUNK_SIZE: u64 = 1024 * MIB;

/// One piece of the output, fetched with one ranged GetJobOutput.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub index: u64,
    /// First byte, relative to the job's output.
    pub first: u64,
    /// Last byte (inclusive), relative to the job's output.
    pub last: u64,
}

impl Chunk {
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// A chunk always holds at least one byte; this exists for clippy's sake.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Checks that `chunk_size` is 2^k MiB (and not absurdly large); other sizes
/// would straddle tree-hash subtrees and make the chunk hashes uncombinable.
pub fn validate_chunk_size(chunk_size: u64) -> Result<(), DownloadError> {
    let whole_mib = chunk_size > 0 && chunk_size.is_multiple_of(MIB);
    if !whole_mib || !(chunk_size / MIB).is_power_of_two() || chunk_size > MAX_CHUNK_SIZE {
        return Err(DownloadError::BadChunkSize { chunk_size });
    }
    Ok(())
}

/// A chunk size for an output of `output_length` bytes fetched `parallel` chunks
/// at a time: the default, or for small outputs the smallest 2^k MiB that still
/// gives every parallel request a share, so small downloads also run side by side.
pub fn default_chunk_size(output_length: u64, parallel: usize) -> u64 {
    let parallel = (parallel.max(1)) as u64;
    let mib_per_request = output_length.div_ceil(MIB).div_ceil(parallel).max(1);
    let size = mib_per_request
        .checked_next_power_of_two()
        .map_or(DEFAULT_CHUNK_SIZE, |mib| mib.saturating_mul(MIB));
    size.min(DEFAULT_CHUNK_SIZE)
}

/// How many chunks an output has.
pub fn chunk_count(output_length: u64, chunk_size: u64) -> u64 {
    output_length.div_ceil(chunk_size)
}

/// The chunks of an output, in order: `[i*chunk, min((i+1)*chunk, len) - 1]`.
/// A zero-length output has none. `chunk_size` must have been validated.
pub fn plan_chunks(output_length: u64, chunk_size: u64) -> impl Iterator<Item = Chunk> {
    (0..chunk_count(output_length, chunk_size)).map(move |index| {
        let first = index * chunk_size;
        let last = first.saturating_add(chunk_size).min(output_length) - 1;
        Chunk { index, first, last }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_output_and_the_last_one_is_short() {
        let length = 5 * MIB + 123;
        let chunks: Vec<Chunk> = plan_chunks(length, 2 * MIB).collect();
        assert_eq!(
            chunks,
            vec![
                Chunk {
                    index: 0,
                    first: 0,
                    last: 2 * MIB - 1
                },
                Chunk {
                    index: 1,
                    first: 2 * MIB,
                    last: 4 * MIB - 1
                },
                Chunk {
                    index: 2,
                    first: 4 * MIB,
                    last: 5 * MIB + 122
                },
            ]
        );
        assert_eq!(chunks.iter().map(Chunk::len).sum::<u64>(), length);
        assert_eq!(chunk_count(length, 2 * MIB), 3);
    }

    #[test]
    fn an_exact_multiple_has_no_short_chunk_and_a_tiny_output_has_one_chunk() {
        let chunks: Vec<Chunk> = plan_chunks(4 * MIB, MIB).collect();
        assert_eq!(chunks.len(), 4);
        assert!(chunks.iter().all(|c| c.len() == MIB));
        let tiny: Vec<Chunk> = plan_chunks(1, 64 * MIB).collect();
        assert_eq!(
            tiny,
            vec![Chunk {
                index: 0,
                first: 0,
                last: 0
            }]
        );
    }

    #[test]
    fn a_zero_length_output_has_no_chunks() {
        assert_eq!(plan_chunks(0, MIB).count(), 0);
        assert_eq!(chunk_count(0, MIB), 0);
    }

    #[test]
    fn a_huge_output_plans_without_overflow() {
        let length = 40_000 * 1024 * MIB;
        let last = plan_chunks(length, MAX_CHUNK_SIZE).last().unwrap();
        assert_eq!(last.last, length - 1);
        assert_eq!(last.index, 39_999);
    }

    #[test]
    fn only_power_of_two_mib_sizes_are_accepted() {
        for good in [MIB, 2 * MIB, 4 * MIB, 64 * MIB, MAX_CHUNK_SIZE] {
            assert!(validate_chunk_size(good).is_ok(), "{good}");
        }
        for bad in [0, 1, MIB - 1, MIB + 1, 3 * MIB, 6 * MIB, 2 * MAX_CHUNK_SIZE] {
            let err = validate_chunk_size(bad).unwrap_err();
            assert!(err.to_string().contains("power of two"), "{err}");
        }
    }

    #[test]
    fn the_default_size_shrinks_for_small_outputs() {
        assert_eq!(default_chunk_size(10 * 1024 * MIB, 4), DEFAULT_CHUNK_SIZE);
        assert_eq!(default_chunk_size(0, 4), MIB);
        assert_eq!(default_chunk_size(100, 4), MIB);
        // 5 MiB and a bit over 4 requests: 2 MiB each.
        assert_eq!(default_chunk_size(5 * MIB + 123, 4), 2 * MIB);
        assert_eq!(default_chunk_size(5 * MIB, 0), 8 * MIB);
        for length in [1, MIB, 3 * MIB + 1, 700 * MIB, u64::MAX] {
            assert!(validate_chunk_size(default_chunk_size(length, 3)).is_ok());
        }
    }
}

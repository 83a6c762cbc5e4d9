//! Alignment checks and the three retrieval plans for a wanted range.
//!
//! Arithmetic is on chunk indices (1 MiB each) in `u64`, which covers the largest
//! archives Glacier holds (about 40 TiB, 4·10^7 chunks) with room to spare.

use serde::{Deserialize, Serialize};

use super::{ByteRange, MIB, RangeError};

/// Number of 1 MiB chunks (the last maybe shorter) in an archive of `size` bytes.
pub fn chunk_count(size: u64) -> u64 {
    size.div_ceil(MIB)
}

/// Byte range of the chunks `first..end_excl`, clipped to the archive's last byte.
/// For an archive within a MiB of `u64::MAX` bytes, `end_excl · MIB` does not fit in a
/// `u64`; saturating keeps the clip to `size` right there.
fn chunks_to_bytes(size: u64, first: u64, end_excl: u64) -> ByteRange {
    ByteRange {
        start: first * MIB,
        end: end_excl.saturating_mul(MIB).min(size) - 1,
    }
}

/// InitiateJob's rule: starts on a MiB boundary and ends one byte before one, or at
/// the archive's last byte.
pub fn is_mib_aligned(size: u64, range: ByteRange) -> bool {
    range.check_within(size).is_ok()
        && range.start.is_multiple_of(MIB)
        && ((range.end + 1).is_multiple_of(MIB) || range.end == size - 1)
}

/// True when the range is exactly one node of the archive's tree hash (the clipped
/// last node included), so Glacier can return a checksum for it.
pub fn is_tree_aligned(size: u64, range: ByteRange) -> bool {
    is_mib_aligned(size, range) && snap_tree(size, range) == Ok(range)
}

/// The smallest MiB-aligned range covering `want`: fewest bytes, no checksum promised.
pub fn snap_mib(size: u64, want: ByteRange) -> Result<ByteRange, RangeError> {
    want.check_within(size)?;
    let first = want.start / MIB;
    let end_excl = want.end / MIB + 1;
    Ok(chunks_to_bytes(size, first, end_excl))
}

/// The smallest tree-hash-aligned range covering `want`. It can be far larger than
/// `want`: chunks 7 and 8 are only covered together by the node over chunks 0..16.
pub fn snap_tree(size: u64, want: ByteRange) -> Result<ByteRange, RangeError> {
    want.check_within(size)?;
    let (first, last) = (want.start / MIB, want.end / MIB);
    // The lowest level at which both chunks fall under one node.
    let level = u64::BITS - (first ^ last).leading_zeros();
    let node_first = (first >> level) << level;
    let node_end = node_first
        .saturating_add(1u64 << level)
        .min(chunk_count(size));
    Ok(chunks_to_bytes(size, node_first, node_end))
}

/// The MiB-aligned cover of `want`, cut into consecutive tree-hash-aligned jobs:
/// no extra bytes, a checksum for every job, at most about 2·log2(chunks) jobs.
pub fn split_tree(size: u64, want: ByteRange) -> Result<Vec<ByteRange>, RangeError> {
    let cover = snap_mib(size, want)?;
    let chunks = chunk_count(size);
    let end_excl = cover.end / MIB + 1;
    let mut jobs = Vec::new();
    let mut first = cover.start / MIB;
    while first < end_excl {
        // The largest node starting at `first` that does not run past the cover.
        let mut level = if first == 0 {
            u64::BITS - 1
        } else {
            first.trailing_zeros()
        };
        let node_end = loop {
            let node_end = first.saturating_add(1u64 << level).min(chunks);
            if node_end <= end_excl {
                break node_end;
            }
            level -= 1; // level 0 always fits, as `first < end_excl`
        };
        jobs.push(chunks_to_bytes(size, first, node_end));
        first = node_end;
    }
    Ok(jobs)
}

/// How a wanted range is turned into jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    /// One job over the smallest MiB-aligned cover.
    Mib,
    /// One job over the smallest tree-hash-aligned cover.
    Tree,
    /// Several tree-hash-aligned jobs that tile the MiB-aligned cover.
    Split,
}

impl PlanKind {
    pub const ALL: [PlanKind; 3] = [PlanKind::Mib, PlanKind::Tree, PlanKind::Split];
}

/// The jobs one plan needs and what they cost in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub plan: PlanKind,
    pub jobs: Vec<ByteRange>,
    /// Bytes retrieved (and billed) over all jobs.
    pub bytes: u64,
    /// Bytes retrieved beyond the wanted range.
    pub extra_bytes: u64,
    /// True when every job is tree-hash aligned, so Glacier returns its checksum.
    pub checksum: bool,
}

/// The plan of the given kind for retrieving `want` from an archive of `size` bytes.
pub fn plan(size: u64, want: ByteRange, kind: PlanKind) -> Result<Plan, RangeError> {
    let jobs = match kind {
        PlanKind::Mib => vec![snap_mib(size, want)?],
        PlanKind::Tree => vec![snap_tree(size, want)?],
        PlanKind::Split => split_tree(size, want)?,
    };
    let bytes = jobs.iter().map(ByteRange::len).sum::<u64>();
    let checksum = jobs.iter().all(|job| is_tree_aligned(size, *job));
    Ok(Plan {
        plan: kind,
        jobs,
        bytes,
        extra_bytes: bytes - want.len(),
        checksum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(first: u64, last: u64) -> ByteRange {
        ByteRange {
            start: first * MIB,
            end: (last + 1) * MIB - 1,
        }
    }

    #[test]
    fn glacier_md_example_chunks_7_and_8() {
        let size = 32 * MIB;
        let want = chunks(7, 8);
        assert_eq!(snap_tree(size, want), Ok(chunks(0, 15)));
        assert_eq!(split_tree(size, want), Ok(vec![chunks(7, 7), chunks(8, 8)]));
        assert_eq!(snap_mib(size, want), Ok(want));
    }

    #[test]
    fn clipped_last_node_is_aligned() {
        let size = 5 * MIB + 10;
        let last = ByteRange {
            start: 4 * MIB,
            end: size - 1,
        };
        assert!(is_tree_aligned(size, last));
        assert!(is_tree_aligned(size, ByteRange::whole(size).unwrap()));
        // Chunks 2..=5 are MiB-aligned but not one node.
        let tail = ByteRange {
            start: 2 * MIB,
            end: size - 1,
        };
        assert!(is_mib_aligned(size, tail));
        assert!(!is_tree_aligned(size, tail));
    }

    #[test]
    fn forty_tib_archive_does_not_overflow() {
        let size = 40 * (1u64 << 40) + 12345;
        let want = ByteRange {
            start: size - 2 * MIB,
            end: size - 1,
        };
        let whole = snap_tree(
            size,
            ByteRange {
                start: 0,
                end: size - 1,
            },
        )
        .unwrap();
        assert_eq!(whole, ByteRange::whole(size).unwrap());
        let split = split_tree(size, want).unwrap();
        assert_eq!(split.last().unwrap().end, size - 1);
        assert!(split.iter().all(|job| is_tree_aligned(size, *job)));
    }
}

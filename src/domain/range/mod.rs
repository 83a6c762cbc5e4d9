//! Byte ranges of an archive and Glacier's two alignment rules.
//!
//! Ranges are inclusive (`start-end`), as Glacier writes them. InitiateJob only
//! accepts MiB-aligned ranges; only tree-hash-aligned ranges come back with a
//! checksum. See `plan` for snapping a wanted range to either rule.

mod assemble;
mod parse;
mod plan;
mod zoom;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use assemble::{AssembleError, Slice, slices};
pub use parse::{RangeSpec, parse_size};
pub use plan::{
    Plan, PlanKind, chunk_count, is_mib_aligned, is_tree_aligned, plan, snap_mib, snap_tree,
    split_tree,
};
pub use zoom::{
    Level, NARROWEST, Window, Zoom, is_node_at, node_bytes, node_level, top_level, window,
};

/// One mebibyte, Glacier's chunk and alignment unit.
pub const MIB: u64 = 1 << 20;

/// An inclusive byte range `start..=end` within an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

impl ByteRange {
    /// A range from `start` to `end`, both included.
    pub fn new(start: u64, end: u64) -> Result<Self, RangeError> {
        if end < start {
            return Err(RangeError::EndBeforeStart { start, end });
        }
        Ok(Self { start, end })
    }

    /// Every byte of an archive of `size` bytes.
    pub fn whole(size: u64) -> Result<Self, RangeError> {
        if size == 0 {
            return Err(RangeError::EmptyArchive);
        }
        Ok(Self {
            start: 0,
            end: size - 1,
        })
    }

    /// How many bytes the range holds (never zero). Saturates for the one range
    /// whose length does not fit in u64, `0-18446744073709551615`, which no archive
    /// can hold.
    pub fn len(&self) -> u64 {
        (self.end - self.start).saturating_add(1)
    }

    /// A range always holds at least one byte; this exists for clippy's sake.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Checks that the range is well formed and lies inside an archive of `size` bytes.
    pub fn check_within(&self, size: u64) -> Result<(), RangeError> {
        if size == 0 {
            return Err(RangeError::EmptyArchive);
        }
        if self.end < self.start {
            return Err(RangeError::EndBeforeStart {
                start: self.start,
                end: self.end,
            });
        }
        if self.start >= size {
            return Err(RangeError::StartBeyondEnd {
                start: self.start,
                size,
            });
        }
        if self.end >= size {
            return Err(RangeError::EndBeyondArchive {
                end: self.end,
                size,
            });
        }
        Ok(())
    }
}

/// Glacier's form: `start-end`.
impl fmt::Display for ByteRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// Why a range cannot be used. Each message says what to do instead, in words any
/// front end can use; the command line names its options itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error(
        "the archive is empty (0 bytes), so it has no byte range to retrieve; retrieve it whole instead"
    )]
    EmptyArchive,
    #[error(
        "the range starts at byte {start}, beyond the end of the {size}-byte archive; give a start below {size}"
    )]
    StartBeyondEnd { start: u64, size: u64 },
    #[error(
        "the range ends at byte {end}, before its start at byte {start}; give an end at or after the start"
    )]
    EndBeforeStart { start: u64, end: u64 },
    #[error(
        "the range ends at byte {end}, beyond the end of the {size}-byte archive; end at byte {} or leave the end open (START-)",
        size.saturating_sub(1)
    )]
    EndBeyondArchive { end: u64, size: u64 },
    #[error(
        "the range {range} is not MiB-aligned for a {size}-byte archive: its start must be a multiple of 1048576 and its end one byte before a multiple of 1048576 or the archive's last byte; snap it to MiB"
    )]
    NotMibAligned { range: ByteRange, size: u64 },
    #[error("`{input}` is not a byte range or size: {reason}")]
    Parse { input: String, reason: String },
    #[error(
        "the range `{input}` is open-ended, so it needs the archive size; give the archive's size in bytes"
    )]
    NeedsSize { input: String },
}

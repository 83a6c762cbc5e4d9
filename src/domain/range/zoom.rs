//! Which part of an archive the range planner's picture spans, how its bytes fall
//! into a row of cells, and which levels of the tree-hash tree are worth a row.
//!
//! Drawn whole, a 14 GiB archive 100 cells wide gives each cell 143 MiB, so a
//! 300 MiB range and its 4 MiB jobs all but vanish. Zoomed in, the picture spans
//! only the chosen plan's jobs and the wanted range with a margin, its edges on a
//! multiple of a power of two MiB, so each job gets cells of its own. Plain
//! integer arithmetic: exact from a 1-byte archive to the largest Glacier holds.

use std::collections::BTreeSet;
use std::ops::Range;

use super::{ByteRange, MIB, chunk_count, is_tree_aligned};

/// The narrowest row of cells a zoomed-in window is chosen for; a wider row only
/// gives every node more cells.
pub const NARROWEST: usize = 20;

/// Nodes narrower than this many cells are not outlined one by one: their `├┤`
/// would run together. Such a level gets a row only for the lit nodes on it.
const OUTLINE_CELLS: u128 = 3;

/// Whether the picture shows the part of the archive around the wanted range or
/// the whole archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zoom {
    #[default]
    Around,
    Whole,
}

impl Zoom {
    /// The other view.
    pub fn toggled(self) -> Zoom {
        match self {
            Zoom::Around => Zoom::Whole,
            Zoom::Whole => Zoom::Around,
        }
    }
}

/// The bytes `start..end` of an archive of `archive_size` bytes that the picture
/// spans (empty only for an empty archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: u64,
    /// One past the last byte shown.
    pub end: u64,
    pub archive_size: u64,
}

/// One row of the tree above the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// The level's nodes cover 2^level MiB (the archive's last one maybe less).
    pub level: u32,
    pub node_bytes: u64,
    /// Whether every node is wide enough to be outlined; when not, only the lit
    /// nodes are drawn.
    pub outlined: bool,
}

/// The window of `zoom` for `want` and the chosen plan's `jobs` in an archive of
/// `size` bytes. Around the range, it holds every job and the wanted bytes with a
/// quarter of their span to either side, clipped to the archive.
pub fn window(size: u64, want: ByteRange, jobs: &[ByteRange], zoom: Zoom) -> Window {
    let whole = Window {
        start: 0,
        end: size,
        archive_size: size,
    };
    if zoom == Zoom::Whole || size == 0 {
        return whole;
    }
    let last_byte = size - 1;
    let first = jobs
        .iter()
        .map(|job| job.start)
        .fold(want.start, u64::min)
        .min(last_byte);
    let last = jobs
        .iter()
        .map(|job| job.end)
        .fold(want.end, u64::max)
        .clamp(first, last_byte);
    let (first_chunk, last_chunk) = (first / MIB, last / MIB);
    let span = last_chunk - first_chunk + 1;
    let margin = (span / 4).max(1);
    // Edges on a multiple of a quarter of the span's power of two read as round
    // offsets, and keep the window within about 2.5 spans: at the narrowest row
    // a cell is then under an eighth of the span, while the split plan's largest
    // jobs are each over a quarter of it.
    let unit = (span.next_power_of_two() / 4).max(1);
    let from = first_chunk.saturating_sub(margin) / unit * unit;
    let to = (last_chunk + 1 + margin)
        .div_ceil(unit)
        .saturating_mul(unit);
    Window {
        start: from * MIB,
        end: to.saturating_mul(MIB).min(size),
        archive_size: size,
    }
}

/// The bytes of a node at `level`: 2^level MiB.
pub fn node_bytes(level: u32) -> u64 {
    1u64.checked_shl(level)
        .map_or(u64::MAX, |chunks| chunks.saturating_mul(MIB))
}

/// The level of the archive's root: its nodes cover the whole archive.
pub fn top_level(size: u64) -> u32 {
    ceil_log2(chunk_count(size).max(1))
}

/// The lowest level at which `range` is exactly one node, when it is one.
pub fn node_level(size: u64, range: ByteRange) -> Option<u32> {
    // A node starts on a multiple of its own size, so the smallest power of two
    // holding its chunks gives a node that starts there and ends where it does.
    is_tree_aligned(size, range).then(|| ceil_log2(range.len().div_ceil(MIB)))
}

/// Whether `range` is exactly the node at `level` that starts where it starts
/// (clipped to the archive, as the last node of a level is).
pub fn is_node_at(size: u64, range: ByteRange, level: u32) -> bool {
    let bytes = node_bytes(level);
    range.start.is_multiple_of(bytes)
        && range.end < size
        && range.end == range.start.saturating_add(bytes).min(size) - 1
}

fn ceil_log2(n: u64) -> u32 {
    u64::BITS - n.saturating_sub(1).leading_zeros()
}

impl Window {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Whether there is more archive before the window's first byte.
    pub fn more_before(&self) -> bool {
        self.start > 0
    }

    /// Whether there is more archive after the window's last byte.
    pub fn more_after(&self) -> bool {
        self.end < self.archive_size
    }

    /// How many bytes one of `width` cells stands for, rounded up.
    pub fn bytes_per_cell(&self, width: usize) -> u64 {
        self.len().div_ceil(width.max(1) as u64)
    }

    /// The cell in which byte `offset` falls, for a row `width` cells wide;
    /// `width` itself for the window's end. Offsets outside fall on the edges.
    pub fn column(&self, offset: u64, width: usize) -> usize {
        if self.is_empty() {
            return 0;
        }
        let into = offset.clamp(self.start, self.end) - self.start;
        let column = u128::from(into) * width as u128 / u128::from(self.len());
        usize::try_from(column).unwrap_or(width)
    }

    /// The cells `range` covers in a row `width` cells wide: at least one when it
    /// overlaps the window, so a range narrower than a cell still shows; `None`
    /// when it lies outside.
    pub fn cells(&self, range: ByteRange, width: usize) -> Option<Range<usize>> {
        if width == 0 || range.end < self.start || range.start >= self.end {
            return None;
        }
        let from = self.column(range.start, width).min(width - 1);
        let to = self
            .column(range.end.saturating_add(1), width)
            .max(from + 1);
        Some(from..to)
    }

    /// The nodes of `level` that overlap the window, in order. Only sensible for
    /// a level worth outlining, where they are few.
    pub fn nodes(&self, level: u32) -> impl Iterator<Item = ByteRange> + '_ {
        let bytes = node_bytes(level);
        let first = self.start / bytes;
        let last = self.end.saturating_sub(1) / bytes;
        let count = if self.is_empty() { 0 } else { last - first + 1 };
        (first..first + count).map(move |index| {
            let start = index * bytes;
            ByteRange {
                start,
                end: start.saturating_add(bytes).min(self.archive_size) - 1,
            }
        })
    }

    /// The tree's levels worth a row in a picture `width` cells wide with `rows`
    /// rows for them, root side first: every level with a lit node among `jobs`,
    /// then as many levels outlined node by node as fit, largest nodes first.
    /// Levels above the one whose nodes span the window are left out: each would
    /// be one node across the whole row.
    pub fn levels(&self, width: usize, rows: usize, jobs: &[ByteRange]) -> Vec<Level> {
        if width == 0 || rows == 0 || self.is_empty() {
            return Vec::new();
        }
        let spanning = ceil_log2(self.len().div_ceil(MIB)).min(top_level(self.archive_size));
        let lit: BTreeSet<u32> = jobs
            .iter()
            .filter(|job| self.cells(**job, width).is_some())
            .filter_map(|job| node_level(self.archive_size, *job))
            .collect();
        let mut shown: Vec<u32> = lit.iter().rev().take(rows).copied().collect();
        let room = rows - shown.len();
        shown.extend(
            (0..=spanning)
                .rev()
                .filter(|level| !lit.contains(level) && self.outlines(*level, width))
                .take(room),
        );
        shown.sort_unstable_by(|a, b| b.cmp(a));
        shown
            .into_iter()
            .map(|level| Level {
                level,
                node_bytes: node_bytes(level),
                outlined: self.outlines(level, width),
            })
            .collect()
    }

    /// Whether the nodes of `level` are each wide enough to outline.
    fn outlines(&self, level: u32, width: usize) -> bool {
        u128::from(node_bytes(level)) * width as u128 >= OUTLINE_CELLS * u128::from(self.len())
    }
}

#[cfg(test)]
#[path = "zoom_tests.rs"]
mod tests;

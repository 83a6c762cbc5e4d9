//! The picture's window: where it lies, how bytes fall into cells, which levels
//! get a row, for every archive size Glacier holds.

use proptest::prelude::*;

use super::*;
use crate::domain::range::{PlanKind, plan};

const GIB: u64 = 1 << 30;
/// 40 TB, the largest archive Glacier holds.
const LARGEST: u64 = 40_000_000_000_000;

fn chunks(first: u64, last: u64) -> ByteRange {
    ByteRange {
        start: first * MIB,
        end: (last + 1) * MIB - 1,
    }
}

#[test]
fn around_a_range_in_the_middle_the_window_is_a_round_slice_of_it() {
    let size = 14 * GIB;
    let want = ByteRange {
        start: 7 * GIB,
        end: 7 * GIB + 300 * MIB - 1,
    };
    let split = plan(size, want, PlanKind::Split).unwrap();
    let window = window(size, want, &split.jobs, Zoom::Around);
    // 300 MiB, 75 MiB to either side, edges on multiples of 128 MiB.
    assert_eq!(window.start, 7040 * MIB);
    assert_eq!(window.end, 7552 * MIB);
    assert!(window.more_before() && window.more_after());
    // The 4 MiB job at the end gets a cell of its own in a row 100 cells wide.
    let width = 100;
    let last_job = *split.jobs.last().unwrap();
    assert_eq!(last_job.len(), 4 * MIB);
    let cells = window.cells(last_job, width).unwrap();
    assert!(!cells.is_empty() && cells.end <= width);
    let levels: Vec<u32> = window
        .levels(width, 12, &split.jobs)
        .iter()
        .map(|level| level.level)
        .collect();
    // The jobs' levels (256, 32, 8 and 4 MiB) and the outlined ones down to 16 MiB.
    assert_eq!(levels, [9, 8, 7, 6, 5, 4, 3, 2]);
}

#[test]
fn the_whole_view_is_the_whole_archive() {
    let size = 14 * GIB;
    let want = chunks(10, 12);
    let window = window(size, want, &[chunks(8, 15)], Zoom::Whole);
    assert_eq!((window.start, window.end), (0, size));
    assert!(!window.more_before() && !window.more_after());
    assert_eq!(Zoom::Whole.toggled(), Zoom::Around);
    assert_eq!(Zoom::default().toggled(), Zoom::Whole);
}

#[test]
fn near_the_end_of_forty_terabytes_the_window_stops_at_the_last_byte() {
    let want = ByteRange {
        start: LARGEST - 6 * MIB,
        end: LARGEST - MIB - 1,
    };
    let split = plan(LARGEST, want, PlanKind::Split).unwrap();
    let window = window(LARGEST, want, &split.jobs, Zoom::Around);
    assert!(window.start <= want.start && window.len() <= 16 * MIB);
    assert!(window.more_before());
    // The archive's last, short chunk is inside the margin.
    assert_eq!(window.end, LARGEST);
    assert!(!window.more_after());
    let levels = window.levels(88, 12, &split.jobs);
    assert!(levels.iter().all(|level| level.outlined), "{levels:?}");
    assert_eq!(levels.last().map(|level| level.node_bytes), Some(MIB));
}

#[test]
fn lit_levels_too_narrow_to_outline_still_get_a_row() {
    let size = 14 * GIB;
    let want = chunks(7, 8);
    let jobs = [chunks(7, 7), chunks(8, 8)];
    let whole = window(size, want, &jobs, Zoom::Whole);
    let levels = whole.levels(100, 6, &jobs);
    assert_eq!(levels.len(), 6);
    let smallest = levels.last().unwrap();
    assert_eq!((smallest.level, smallest.outlined), (0, false));
    assert!(levels[..5].iter().all(|level| level.outlined));
    // The root is 16 GiB, clipped to the archive's 14.
    assert_eq!(levels[0].level, top_level(size));
    assert_eq!(levels[0].level, 14);
}

#[test]
fn nodes_and_levels_of_a_clipped_archive() {
    let size = 5 * MIB + 10;
    assert_eq!(top_level(size), 3);
    assert_eq!(node_level(size, ByteRange::whole(size).unwrap()), Some(3));
    let last = ByteRange {
        start: 4 * MIB,
        end: size - 1,
    };
    // Chunk 4 and the short chunk 5 are one node at levels 1 and 2 at once.
    assert_eq!(node_level(size, last), Some(1));
    assert!((1..=2).all(|level| is_node_at(size, last, level)));
    assert!(!is_node_at(size, last, 0) && !is_node_at(size, last, 3));
    assert_eq!(node_level(size, chunks(1, 2)), None);
    let whole = window(size, last, &[], Zoom::Whole);
    let nodes: Vec<ByteRange> = whole.nodes(1).collect();
    assert_eq!(nodes, [chunks(0, 1), chunks(2, 3), last]);
}

#[test]
fn tiny_and_empty_archives_do_not_divide_by_zero() {
    let one = window(1, ByteRange { start: 0, end: 0 }, &[], Zoom::Around);
    assert_eq!((one.start, one.end), (0, 1));
    assert_eq!(one.cells(ByteRange { start: 0, end: 0 }, 20), Some(0..20));
    assert_eq!(one.levels(20, 5, &[]).len(), 1);
    let empty = window(0, ByteRange { start: 0, end: 0 }, &[], Zoom::Around);
    assert!(empty.is_empty());
    assert_eq!(empty.cells(ByteRange { start: 0, end: 0 }, 20), None);
    assert_eq!(empty.column(5, 20), 0);
    assert!(empty.levels(20, 5, &[]).is_empty());
    assert_eq!(empty.nodes(0).count(), 0);
    assert_eq!(node_bytes(200), u64::MAX);
}

/// An archive size from 1 byte to 40 TB, small ones as likely as large ones.
fn archive_size() -> impl Strategy<Value = u64> {
    prop_oneof![1..=64 * MIB, 1..=LARGEST]
}

/// A range inside `size`, from two fractions of it.
fn range_in(size: u64, a: f64, b: f64) -> ByteRange {
    let at = |fraction: f64| ((size - 1) as f64 * fraction) as u64;
    let (start, end) = (at(a.min(b)), at(a.max(b)));
    ByteRange { start, end }
}

fn covers(window: &Window, range: &ByteRange) -> bool {
    window.start <= range.start && range.end < window.end
}

proptest! {
    #[test]
    fn every_job_and_the_wanted_range_are_in_view_with_cells_of_their_own(
        size in archive_size(),
        a in 0.0f64..=1.0,
        b in 0.0f64..=1.0,
        kind in prop::sample::select(PlanKind::ALL.to_vec()),
        width in NARROWEST..400,
        rows in 0usize..16,
    ) {
        let want = range_in(size, a, b);
        let jobs = plan(size, want, kind).unwrap().jobs;
        for zoom in [Zoom::Around, Zoom::Whole] {
            let window = window(size, want, &jobs, zoom);
            prop_assert!(window.end <= size && !window.is_empty());
            prop_assert!(covers(&window, &want), "{window:?} {want:?}");
            prop_assert!(jobs.iter().all(|job| covers(&window, job)), "{window:?} {jobs:?}");
            for range in jobs.iter().chain([&want]) {
                let cells = window.cells(*range, width).unwrap();
                prop_assert!(cells.start < cells.end && cells.end <= width);
            }
            prop_assert!(window.levels(width, rows, &jobs).len() <= rows);
        }
        let around = window(size, want, &jobs, Zoom::Around);
        lit_nodes_get_rows_and_cells_apart(&around, &jobs, width)?;
    }
}

/// Every lit node's level gets a row when rows are plenty, and two lit nodes of
/// one level never share a cell.
fn lit_nodes_get_rows_and_cells_apart(
    window: &Window,
    jobs: &[ByteRange],
    width: usize,
) -> Result<(), TestCaseError> {
    let levels = window.levels(width, 64, jobs);
    for job in jobs {
        let Some(level) = node_level(window.archive_size, *job) else {
            continue;
        };
        prop_assert!(
            levels.iter().any(|shown| shown.level == level),
            "{levels:?}"
        );
        let cells = window.cells(*job, width).unwrap();
        for other in jobs.iter().filter(|other| *other != job) {
            if node_level(window.archive_size, *other) == Some(level) {
                let theirs = window.cells(*other, width).unwrap();
                prop_assert!(
                    cells.end <= theirs.start || theirs.end <= cells.start,
                    "{job:?} {other:?} share a cell in {window:?}"
                );
            }
        }
    }
    Ok(())
}

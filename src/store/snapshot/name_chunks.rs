//! The name order cut into chunks for the snapshot file. The names are sorted in
//! two halves at once; when both fit in memory, the merged order is split at a
//! chunk boundary and each part is merged and cut on a thread of its own, so the
//! import's last serial step takes half as long. Halves spilled to disk (ten
//! million names and more) are merged as one stream.

use std::cmp::Ordering;
use std::path::Path;

use super::layout::push_name_entry;
use super::schema::CHUNK_ENTRIES;
use super::writer::sorted;
use crate::store::error::{StoreError, io_error};
use crate::store::sorter::{ExternalSorter, NameRecord, SortedRecords};

/// One chunk of the name order, ready to insert.
pub struct NameChunk {
    /// Its place in the name order (chunks may arrive out of order).
    pub(super) index: i64,
    pub(super) first_name: Vec<u8>,
    pub(super) entries: Vec<u8>,
}

/// Sorts the names and cuts them into chunks, handing each to `send`, which may
/// be called from two threads at once and in any order of chunks; runs on a
/// thread of its own while the writer checks ids and writes the key orders.
/// Stops early once `send` returns false.
pub fn name_chunks(
    [first_half, second_half]: [ExternalSorter<NameRecord>; 2],
    spill_dir: &Path,
    send: impl Fn(NameChunk) -> bool + Sync,
) -> Result<(), StoreError> {
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| sorted(second_half, spill_dir));
        let first = sorted(first_half, spill_dir);
        let second = second
            .join()
            .unwrap_or_else(|_| Err(StoreError::refused("sorting the names failed unexpectedly")));
        (first, second)
    });
    tracing::debug!("import: names sorted");
    let (first, second) = match (first?.into_memory(), second?.into_memory()) {
        (Ok(mut first), Ok(mut second)) => {
            chunks_in_two_parts(&mut first, &mut second, &send);
            return Ok(());
        }
        (first, second) => (
            first.map_or_else(|stream| stream, SortedRecords::from),
            second.map_or_else(|stream| stream, SortedRecords::from),
        ),
    };
    let merged = MergeTwo {
        left: first.peekable(),
        right: second.peekable(),
    };
    let mut cutter = ChunkCutter::new(0);
    for record in merged {
        let record = record.map_err(io_error("read a sort run for", spill_dir))?;
        if let Some(full) = cutter.push(&record)
            && !send(full)
        {
            return Ok(());
        }
    }
    if let Some(last) = cutter.finish() {
        send(last);
    }
    Ok(())
}

/// Merges two sorted halves held in memory into whole chunks, in two parts at
/// once: the records before a chunk boundary near the middle of the merged
/// order, and those after it. Each name is freed once it is in its chunk.
fn chunks_in_two_parts(
    first: &mut [NameRecord],
    second: &mut [NameRecord],
    send: &(impl Fn(NameChunk) -> bool + Sync),
) {
    let total = first.len() + second.len();
    let lower_chunks = total.div_ceil(CHUNK_ENTRIES) / 2;
    let (in_first, in_second) = split_merged(first, second, lower_chunks * CHUNK_ENTRIES);
    let (lower_first, upper_first) = first.split_at_mut(in_first);
    let (lower_second, upper_second) = second.split_at_mut(in_second);
    std::thread::scope(|scope| {
        scope.spawn(|| merge_into_chunks(upper_first, upper_second, lower_chunks as i64, send));
        merge_into_chunks(lower_first, lower_second, 0, send);
    });
}

/// How many records of `first` and of `second` come among the `count` smallest
/// of the two together (both sorted, no record in both): a binary search for
/// the split whose every record on the left is below every record on the right.
fn split_merged<R: Ord>(first: &[R], second: &[R], count: usize) -> (usize, usize) {
    let (mut low, mut high) = (count.saturating_sub(second.len()), count.min(first.len()));
    loop {
        let in_first = low + (high - low) / 2;
        let in_second = count - in_first;
        if in_first > 0 && in_second < second.len() && first[in_first - 1] > second[in_second] {
            high = in_first - 1;
        } else if in_second > 0 && in_first < first.len() && second[in_second - 1] > first[in_first]
        {
            low = in_first + 1;
        } else {
            return (in_first, in_second);
        }
    }
}

/// Merges two sorted runs of records into chunks numbered from `first_index`,
/// freeing each name once it is in its chunk, so that the names' memory shrinks
/// as the chunks grow.
fn merge_into_chunks<'a>(
    mut left: &'a mut [NameRecord],
    mut right: &'a mut [NameRecord],
    first_index: i64,
    send: &impl Fn(NameChunk) -> bool,
) {
    let mut cutter = ChunkCutter::new(first_index);
    loop {
        let take_right = match (left.first(), right.first()) {
            (Some(l), Some(r)) => l.cmp(r) == Ordering::Greater,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let side = if take_right { &mut right } else { &mut left };
        let Some((record, rest)) = std::mem::take(side).split_first_mut() else {
            break;
        };
        *side = rest;
        let full = cutter.push(record);
        drop(std::mem::take(&mut record.name));
        if let Some(full) = full
            && !send(full)
        {
            return;
        }
    }
    if let Some(last) = cutter.finish() {
        send(last);
    }
}

/// Gathers records into chunks of [`CHUNK_ENTRIES`].
struct ChunkCutter {
    chunk: NameChunk,
    in_chunk: usize,
}

impl ChunkCutter {
    fn new(first_index: i64) -> Self {
        Self {
            chunk: empty_chunk(first_index),
            in_chunk: 0,
        }
    }

    /// Adds a record; returns the chunk once it is full.
    fn push(&mut self, record: &NameRecord) -> Option<NameChunk> {
        if self.in_chunk == 0 {
            self.chunk.first_name = record.name.to_vec();
        }
        push_name_entry(
            &mut self.chunk.entries,
            record.position,
            record.size,
            &record.name,
        );
        self.in_chunk += 1;
        if self.in_chunk < CHUNK_ENTRIES {
            return None;
        }
        self.in_chunk = 0;
        let next = empty_chunk(self.chunk.index + 1);
        Some(std::mem::replace(&mut self.chunk, next))
    }

    /// The last chunk, unless it is empty.
    fn finish(self) -> Option<NameChunk> {
        (self.in_chunk > 0).then_some(self.chunk)
    }
}

fn empty_chunk(index: i64) -> NameChunk {
    NameChunk {
        index,
        first_name: Vec::new(),
        entries: Vec::with_capacity(CHUNK_ENTRIES * 64),
    }
}

/// Two ascending streams as one; an error from either ends it.
struct MergeTwo<I: Iterator> {
    left: std::iter::Peekable<I>,
    right: std::iter::Peekable<I>,
}

impl<I: Iterator<Item = std::io::Result<NameRecord>>> Iterator for MergeTwo<I> {
    type Item = std::io::Result<NameRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        let take_left = match (self.left.peek(), self.right.peek()) {
            (Some(Ok(left)), Some(Ok(right))) => left <= right,
            (Some(Err(_)), _) | (Some(_), None) => true,
            (_, Some(_)) => false,
            (None, None) => return None,
        };
        if take_left {
            self.left.next()
        } else {
            self.right.next()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(name: &str, position: u32) -> NameRecord {
        NameRecord::new(name.as_bytes().into(), position, u64::from(position) * 10)
    }

    /// Every chunk, in chunk order, as (position, name) pairs.
    fn entries_of(chunks: Vec<NameChunk>) -> Vec<(u32, Vec<u8>)> {
        let mut chunks = chunks;
        chunks.sort_by_key(|chunk| chunk.index);
        for (expected, chunk) in chunks.iter().enumerate() {
            assert_eq!(chunk.index, expected as i64, "chunk numbers have no gaps");
        }
        chunks
            .iter()
            .flat_map(|chunk| {
                let entries: Vec<_> = super::super::layout::NameEntries::new(&chunk.entries)
                    .map(|entry| (entry.position, entry.name.to_vec()))
                    .collect();
                assert_eq!(chunk.first_name, entries[0].1);
                entries
            })
            .collect()
    }

    #[test]
    fn two_parts_give_the_merged_order_in_whole_chunks() {
        // Interleaved names, long runs from one half, and equal names (ordered
        // by position), across several chunks and a short last one.
        let mut all: Vec<NameRecord> = (0..(CHUNK_ENTRIES * 5 + 123) as u32)
            .map(|position| {
                let name = match position % 7 {
                    0 => "same".to_owned(),
                    1 | 2 => format!("b/{:08}", position / 3),
                    _ => format!("a/{:08}", position * 7 % 1000),
                };
                record(&name, position)
            })
            .collect();
        let (mut first, mut second): (Vec<_>, Vec<_>) = all
            .drain(..)
            .partition(|record| record.position % 3 != 0 || record.name[0] == b'b');
        first.sort();
        second.sort();
        let mut expected: Vec<_> = first.iter().chain(&second).cloned().collect();
        expected.sort();

        let sent = std::sync::Mutex::new(Vec::new());
        chunks_in_two_parts(&mut first, &mut second, &|chunk| {
            sent.lock().unwrap().push(chunk);
            true
        });
        let expected: Vec<_> = expected
            .iter()
            .map(|record| (record.position, record.name.to_vec()))
            .collect();
        assert_eq!(entries_of(sent.into_inner().unwrap()), expected);
    }

    #[test]
    fn halves_in_memory_on_disk_or_one_of_each_give_the_same_chunks() {
        let names: Vec<NameRecord> = (1..=(CHUNK_ENTRIES * 2 + 7) as u32)
            .map(|position| record(&format!("n{:05}", position * 7919 % 10007), position))
            .collect();
        let mut expected: Vec<_> = names.clone();
        expected.sort();
        let expected: Vec<_> = expected
            .iter()
            .map(|record| (record.position, record.name.to_vec()))
            .collect();
        let spill_dir = std::env::temp_dir();
        let (memory, disk) = (usize::MAX, 64 << 10);
        for (first_budget, second_budget) in [(memory, memory), (disk, disk), (disk, memory)] {
            let mut halves = [
                ExternalSorter::new(first_budget, &spill_dir),
                ExternalSorter::new(second_budget, &spill_dir),
            ];
            for record in &names {
                halves[record.position as usize % 2]
                    .push(record.clone())
                    .unwrap();
            }
            let sent = std::sync::Mutex::new(Vec::new());
            name_chunks(halves, &spill_dir, |chunk| {
                sent.lock().unwrap().push(chunk);
                true
            })
            .unwrap();
            assert_eq!(
                entries_of(sent.into_inner().unwrap()),
                expected,
                "budgets {first_budget} and {second_budget}"
            );
        }
    }

    #[test]
    fn splits_are_exact_at_the_edges() {
        let first: Vec<u32> = vec![1, 3, 5, 7];
        let second: Vec<u32> = vec![2, 4, 6, 8, 10, 12];
        for count in 0..=first.len() + second.len() {
            let (a, b) = split_merged(&first, &second, count);
            assert_eq!(a + b, count);
            let mut merged: Vec<u32> = first.iter().chain(&second).copied().collect();
            merged.sort();
            let mut lower: Vec<u32> = first[..a].iter().chain(&second[..b]).copied().collect();
            lower.sort();
            assert_eq!(lower, merged[..count]);
        }
        assert_eq!(split_merged::<u32>(&[], &[1, 2], 1), (0, 1));
        assert_eq!(split_merged::<u32>(&[1, 2], &[], 2), (2, 0));
    }
}

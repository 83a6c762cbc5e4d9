//! The range math against the tree hash's tree built node by node, for every archive
//! of 1 to 300 chunks and every pair of first and last chunk wanted.

mod range_support;

use defrost::domain::range::{ByteRange, MIB, chunk_count};
use range_support::{TreeModel, check_want};

const MAX_CHUNKS: u64 = 300;

/// One archive's tree as the tree hash builds it: level 0 holds the chunks, each level
/// pairs neighbours left to right, and an odd node at the end moves up unchanged.
struct ExplicitTree {
    size: u64,
    chunks: u64,
    /// Each level's nodes as chunk intervals `[first, end)`, leaves first.
    levels: Vec<Vec<(u64, u64)>>,
    /// `owner[level * chunks + chunk]`: the index of the node on that level holding
    /// the chunk. Flat, as the lookups run millions of times in a debug build.
    owner: Vec<u32>,
    /// `node_ends[first]`: the ends of the distinct nodes starting at chunk `first`.
    node_ends: Vec<Vec<u64>>,
    /// `is_node[first * chunks + end - 1]`.
    is_node: Vec<bool>,
}

impl ExplicitTree {
    fn new(size: u64) -> Self {
        let chunks = chunk_count(size);
        let mut levels = vec![(0..chunks).map(|c| (c, c + 1)).collect::<Vec<_>>()];
        while levels[levels.len() - 1].len() > 1 {
            let below = &levels[levels.len() - 1];
            let above = below
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => (left.0, right.1),
                    [odd] => *odd,
                    _ => unreachable!("chunks(2) yields one or two"),
                })
                .collect();
            levels.push(above);
        }
        let slots = usize::try_from(chunks).unwrap();
        let mut owner = vec![0; levels.len() * slots];
        let mut node_ends = vec![Vec::new(); slots];
        let mut is_node = vec![false; slots * slots];
        for (level, nodes) in levels.iter().enumerate() {
            for (index, &(first, end)) in nodes.iter().enumerate() {
                let (first, end) = (first as usize, end as usize);
                owner[level * slots + first..level * slots + end].fill(index as u32);
                if !is_node[first * slots + end - 1] {
                    is_node[first * slots + end - 1] = true;
                    node_ends[first].push(end as u64);
                }
            }
        }
        Self {
            size,
            chunks,
            levels,
            owner,
            node_ends,
            is_node,
        }
    }

    /// `fewest[k]`: the fewest nodes that tile chunks `[k, end)`, found by trying every
    /// node at every step.
    fn fewest_tiles_ending_at(&self, end: u64) -> Vec<usize> {
        let mut fewest = vec![usize::MAX; end as usize + 1];
        fewest[end as usize] = 0;
        for first in (0..end as usize).rev() {
            fewest[first] = self.node_ends[first]
                .iter()
                .filter(|&&node_end| node_end <= end)
                .map(|&node_end| fewest[node_end as usize].saturating_add(1))
                .min()
                .unwrap_or(usize::MAX);
        }
        fewest
    }
}

impl TreeModel for ExplicitTree {
    fn size(&self) -> u64 {
        self.size
    }

    fn chunks(&self) -> u64 {
        self.chunks
    }

    /// Walks up from the leaves to the first level where one node holds both chunks.
    fn smallest_cover(&self, first: u64, last: u64) -> (u64, u64) {
        let slots = self.chunks as usize;
        let (mut first_at, mut last_at) = (first as usize, last as usize);
        let mut level = 0;
        while self.owner[first_at] != self.owner[last_at] {
            (first_at, last_at, level) = (first_at + slots, last_at + slots, level + 1);
        }
        self.levels[level][self.owner[first_at] as usize]
    }

    fn is_node(&self, first: u64, end: u64) -> bool {
        let slots = self.chunks as usize;
        self.is_node[first as usize * slots + end as usize - 1]
    }
}

/// Offsets inside a chunk of `len` bytes where off-by-one mistakes show.
fn offset_in_chunk(len: u64, pick: u64) -> u64 {
    match pick % 4 {
        0 => 0,
        1 => len - 1,
        2 => len / 2,
        _ => 1.min(len - 1),
    }
}

/// Every pair of first and last chunk, with byte offsets inside them sampled so that
/// over the pairs each chunk is entered at its first, second, middle and last byte.
/// Also checks that split's job count is the fewest nodes that tile the range.
fn check_every_pair(size: u64) {
    let tree = ExplicitTree::new(size);
    let chunk_len = |chunk: u64| (chunk * MIB + MIB).min(size) - chunk * MIB;
    for last in 0..tree.chunks {
        let fewest = tree.fewest_tiles_ending_at(last + 1);
        for first in 0..=last {
            let mut start = first * MIB + offset_in_chunk(chunk_len(first), first + last);
            let mut end = last * MIB + offset_in_chunk(chunk_len(last), first * 3 + last / 2);
            if start > end {
                (start, end) = (end, start);
            }
            let with_plans = (first + last) % 8 == 0;
            let jobs = check_want(&tree, ByteRange { start, end }, with_plans);
            assert_eq!(
                jobs, fewest[first as usize],
                "split of {start}-{end} in {size}"
            );
        }
    }
}

/// A last chunk of 1 byte up to MiB − 1 bytes, varied with the chunk count.
fn partial_size(chunks: u64) -> u64 {
    let last_len = match chunks % 3 {
        0 => 1,
        1 => MIB - 1,
        _ => (chunks * 7919) % (MIB - 1) + 1,
    };
    (chunks - 1) * MIB + last_len
}

// Four tests of about equal work, so that the test threads share it.

#[test]
fn every_range_of_whole_chunk_archives_odd_chunk_counts() {
    (1..=MAX_CHUNKS)
        .step_by(2)
        .for_each(|n| check_every_pair(n * MIB));
}

#[test]
fn every_range_of_whole_chunk_archives_even_chunk_counts() {
    (2..=MAX_CHUNKS)
        .step_by(2)
        .for_each(|n| check_every_pair(n * MIB));
}

#[test]
fn every_range_of_archives_with_a_short_last_chunk_odd_chunk_counts() {
    (1..=MAX_CHUNKS)
        .step_by(2)
        .for_each(|n| check_every_pair(partial_size(n)));
}

#[test]
fn every_range_of_archives_with_a_short_last_chunk_even_chunk_counts() {
    (2..=MAX_CHUNKS)
        .step_by(2)
        .for_each(|n| check_every_pair(partial_size(n)));
}

#[test]
fn explicit_tree_matches_its_definition_on_a_small_archive() {
    // Five chunks: [0,1,2,3,4] → [01,23,4] → [0123,4] → [01234].
    let tree = ExplicitTree::new(5 * MIB);
    assert_eq!(tree.levels[1], vec![(0, 2), (2, 4), (4, 5)]);
    assert_eq!(tree.levels[2], vec![(0, 4), (4, 5)]);
    assert_eq!(tree.levels[3], vec![(0, 5)]);
    assert_eq!(tree.smallest_cover(3, 4), (0, 5));
    assert_eq!(tree.smallest_cover(2, 3), (2, 4));
    assert!(tree.is_node(4, 5) && !tree.is_node(2, 5));
}

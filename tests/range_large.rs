//! The range math on archives too large to build the tree for (up to 40 TiB, and any
//! size a `u64` holds), against GLACIER.md's definition of a node; and every error.

mod range_support;

use defrost::domain::range::{
    ByteRange, MIB, PlanKind, RangeError, chunk_count, is_mib_aligned, is_tree_aligned, plan,
    snap_mib, snap_tree, split_tree,
};
use proptest::prelude::*;
use range_support::{TreeModel, check_want, chunk_bytes};

/// The largest archive Glacier holds is about 40 TiB.
const FORTY_TIB: u64 = 40 << 40;

/// An archive's tree known only through the definition: a node is the chunks
/// `[P·2^L, min((P+1)·2^L, chunks))` for some level `L` and position `P`.
struct DefinedTree {
    size: u64,
    chunks: u64,
}

impl DefinedTree {
    fn new(size: u64) -> Self {
        Self {
            size,
            chunks: chunk_count(size),
        }
    }

    /// The node of width `2^level` holding `chunk`, in `u128` so no level overflows.
    fn node_at(&self, level: u32, chunk: u64) -> (u128, u128) {
        let width = 1u128 << level;
        let first = u128::from(chunk) / width * width;
        (first, (first + width).min(u128::from(self.chunks)))
    }
}

impl TreeModel for DefinedTree {
    fn size(&self) -> u64 {
        self.size
    }

    fn chunks(&self) -> u64 {
        self.chunks
    }

    /// The first level, walking up from the leaves, whose node holds both chunks.
    fn smallest_cover(&self, first: u64, last: u64) -> (u64, u64) {
        let level = (0..=64)
            .find(|&level| self.node_at(level, first) == self.node_at(level, last))
            .expect("at level 64 one node holds every u64 chunk index");
        let (node_first, node_end) = self.node_at(level, first);
        (node_first as u64, node_end as u64)
    }

    fn is_node(&self, first: u64, end: u64) -> bool {
        first < self.chunks
            && (0..=64).any(|level| self.node_at(level, first) == (first.into(), end.into()))
    }
}

/// Archive sizes up to `max`: any, whole chunks, a short last chunk, and power-of-two
/// chunk counts give or take one, where the tree is full or just not.
fn archive_size(max: u64) -> impl Strategy<Value = u64> {
    let max_chunks = chunk_count(max);
    prop_oneof![
        1..=max,
        (1..=max / MIB).prop_map(|chunks| chunks * MIB),
        (1..=max_chunks, 1..MIB).prop_map(|(chunks, last_len)| (chunks - 1) * MIB + last_len),
        (0..=max_chunks.ilog2(), 0u64..=2, 0..MIB).prop_map(move |(level, step, extra)| {
            let chunks = ((1u64 << level) + step).saturating_sub(1).max(1);
            (chunks - 1)
                .saturating_mul(MIB)
                .saturating_add(extra + 1)
                .min(max)
        }),
    ]
}

/// An archive and a range inside it, with ends often on chunk boundaries and often
/// short, as people ask for them.
fn archive_and_want(max: u64) -> impl Strategy<Value = (u64, ByteRange)> {
    archive_size(max)
        .prop_flat_map(|size| {
            let chunks = chunk_count(size);
            let offset = prop_oneof![
                0..size,
                (0..chunks).prop_map(|chunk| chunk * MIB),
                (0..chunks).prop_map(move |chunk| ((chunk + 1) * MIB).min(size) - 1),
            ];
            let length = prop_oneof![1..=size, 1..=3 * MIB];
            (
                Just(size),
                offset.clone(),
                prop_oneof![offset.prop_map(Ok), length.prop_map(Err)],
            )
        })
        .prop_map(|(size, start, end_or_length)| {
            let end = match end_or_length {
                Ok(end) => end,
                Err(length) => start.saturating_add(length - 1).min(size - 1),
            };
            (
                size,
                ByteRange {
                    start: start.min(end),
                    end: start.max(end),
                },
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn archives_up_to_forty_tib((size, want) in archive_and_want(FORTY_TIB)) {
        check_want(&DefinedTree::new(size), want, true);
    }

    #[test]
    fn archives_of_any_u64_size((size, want) in archive_and_want(u64::MAX)) {
        check_want(&DefinedTree::new(size), want, true);
    }
}

#[test]
fn largest_possible_archives_do_not_overflow() {
    for size in [u64::MAX, u64::MAX - 1, u64::MAX - MIB + 1, u64::MAX - MIB] {
        let tree = DefinedTree::new(size);
        for want in [
            ByteRange {
                start: 0,
                end: size - 1,
            },
            ByteRange {
                start: size - 1,
                end: size - 1,
            },
            ByteRange {
                start: size - 3 * MIB,
                end: size - 2,
            },
            ByteRange {
                start: 5,
                end: size - MIB,
            },
        ] {
            check_want(&tree, want, true);
        }
    }
}

#[test]
fn forty_tib_boundary() {
    let whole_chunks = DefinedTree::new(FORTY_TIB);
    let whole = ByteRange {
        start: 0,
        end: FORTY_TIB - 1,
    };
    assert_eq!(snap_tree(FORTY_TIB, whole), Ok(whole));
    assert_eq!(split_tree(FORTY_TIB, whole), Ok(vec![whole]));
    assert!(is_tree_aligned(FORTY_TIB, whole));
    // 40·2^20 chunks: the last two share a level-1 node.
    let last_two = chunk_bytes(FORTY_TIB, (40 << 20) - 2, 40 << 20);
    let last_byte = ByteRange {
        start: FORTY_TIB - 1,
        end: FORTY_TIB - 1,
    };
    let across = ByteRange {
        start: FORTY_TIB - MIB - 1,
        end: FORTY_TIB - 1,
    };
    assert_eq!(
        snap_tree(FORTY_TIB, last_byte),
        Ok(chunk_bytes(FORTY_TIB, (40 << 20) - 1, 40 << 20))
    );
    assert_eq!(snap_tree(FORTY_TIB, across), Ok(last_two));
    check_want(&whole_chunks, across, true);

    // One byte more adds a one-byte chunk, which only the node from 32 TiB holds
    // together with the chunk before it.
    let size = FORTY_TIB + 1;
    let across = ByteRange {
        start: FORTY_TIB - 1,
        end: FORTY_TIB,
    };
    let from_32_tib = ByteRange {
        start: 32 << 40,
        end: FORTY_TIB,
    };
    assert_eq!(snap_tree(size, across), Ok(from_32_tib));
    assert_eq!(
        split_tree(size, across),
        Ok(vec![
            chunk_bytes(size, (40 << 20) - 1, 40 << 20),
            ByteRange {
                start: FORTY_TIB,
                end: FORTY_TIB
            },
        ])
    );
    check_want(&DefinedTree::new(size), across, true);
    assert_eq!(
        snap_mib(
            size,
            ByteRange {
                start: FORTY_TIB,
                end: FORTY_TIB + 1
            }
        ),
        Err(RangeError::EndBeyondArchive {
            end: FORTY_TIB + 1,
            size
        })
    );
}

/// Every function of the range math refuses `want` with `expected`, and neither
/// alignment check holds.
fn refused_everywhere(size: u64, want: ByteRange, expected: RangeError) {
    assert_eq!(snap_mib(size, want), Err(expected.clone()));
    assert_eq!(snap_tree(size, want), Err(expected.clone()));
    assert_eq!(split_tree(size, want), Err(expected.clone()));
    for kind in PlanKind::ALL {
        assert_eq!(plan(size, want, kind), Err(expected.clone()));
    }
    assert!(!is_mib_aligned(size, want));
    assert!(!is_tree_aligned(size, want));
}

#[test]
fn empty_archive() {
    let first_byte = ByteRange { start: 0, end: 0 };
    refused_everywhere(0, first_byte, RangeError::EmptyArchive);
    assert_eq!(ByteRange::whole(0), Err(RangeError::EmptyArchive));
}

#[test]
fn start_beyond_end() {
    let want = ByteRange { start: 10, end: 12 };
    refused_everywhere(
        10,
        want,
        RangeError::StartBeyondEnd {
            start: 10,
            size: 10,
        },
    );
    let want = ByteRange {
        start: FORTY_TIB,
        end: FORTY_TIB,
    };
    refused_everywhere(
        FORTY_TIB,
        want,
        RangeError::StartBeyondEnd {
            start: FORTY_TIB,
            size: FORTY_TIB,
        },
    );
}

#[test]
fn end_before_start() {
    // Only a range built by hand can be reversed; `ByteRange::new` refuses it.
    let want = ByteRange { start: 5, end: 3 };
    refused_everywhere(10, want, RangeError::EndBeforeStart { start: 5, end: 3 });
    assert_eq!(
        ByteRange::new(5, 3),
        Err(RangeError::EndBeforeStart { start: 5, end: 3 })
    );
}

#[test]
fn end_beyond_archive() {
    let want = ByteRange { start: 0, end: 10 };
    refused_everywhere(10, want, RangeError::EndBeyondArchive { end: 10, size: 10 });
    let want = ByteRange {
        start: MIB,
        end: u64::MAX,
    };
    refused_everywhere(
        2 * MIB,
        want,
        RangeError::EndBeyondArchive {
            end: u64::MAX,
            size: 2 * MIB,
        },
    );
}

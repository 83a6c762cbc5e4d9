//! The hashers against a brute-force model that builds the tree level by level,
//! exactly as the rules describe it.

use proptest::prelude::*;
use sha2::{Digest, Sha256};

use super::tests::{MIB, pseudo_random};
use super::*;

fn model_leaves(data: &[u8]) -> Vec<[u8; 32]> {
    data.chunks(MIB)
        .map(|chunk| Sha256::digest(chunk).into())
        .collect()
}

/// Pairs neighbours level by level; an odd last node moves up unchanged.
fn model_root(leaves: Vec<[u8; 32]>) -> TreeHash {
    if leaves.is_empty() {
        return TreeHash(Sha256::digest(b"").into());
    }
    let mut level = leaves;
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => Sha256::new()
                    .chain_update(left)
                    .chain_update(right)
                    .finalize()
                    .into(),
                _ => pair[0],
            })
            .collect();
    }
    TreeHash(level[0])
}

fn model_tree_hash(data: &[u8]) -> TreeHash {
    model_root(model_leaves(data))
}

fn streamed(data: &[u8]) -> TreeHash {
    let mut hasher = TreeHasher::new();
    for write in data.chunks(300_007) {
        hasher.update(write);
    }
    hasher.finish()
}

fn arbitrary_leaves(count: usize, seed: u64) -> Vec<[u8; 32]> {
    pseudo_random(count * 32, seed)
        .chunks(32)
        .map(|bytes| bytes.try_into().expect("chunks of 32"))
        .collect()
}

#[test]
fn the_model_agrees_with_the_small_published_vectors() {
    for vector in super::tests::vectors()
        .iter()
        .filter(|v| v.length <= 2 * MIB)
    {
        assert_eq!(
            model_tree_hash(&vector.input()).to_string(),
            vector.treehash
        );
    }
}

#[test]
fn boundary_lengths_hash_as_the_model_does() {
    // Every case is a prefix of one buffer, so one streaming pass serves them all:
    // a clone of the hasher is finished at each length.
    let data = pseudo_random(17 * MIB + 1, 17);
    let leaves = ModelLeaves::of(&data);
    let mut lengths = vec![0, 1, MIB - 1, MIB, MIB + 1];
    for mib in 2..=17 {
        lengths.extend([mib * MIB - 1, mib * MIB, mib * MIB + 1]);
    }
    let mut hasher = TreeHasher::new();
    for length in lengths {
        let streamed_so_far = hasher.bytes_hashed() as usize;
        hasher.update(&data[streamed_so_far..length]);
        let expected = model_root(leaves.of_prefix(&data, length));
        assert_eq!(
            hasher.clone().finish(),
            expected,
            "streamed, {length} bytes"
        );
        if length <= 2 * MIB + 1 {
            assert_eq!(
                hash_piece(&data[..length]),
                expected,
                "whole, {length} bytes"
            );
        }
    }
}

/// The leaves of every prefix of one buffer, without hashing the buffer once
/// per prefix.
struct ModelLeaves {
    whole: Vec<[u8; 32]>,
    /// The digest of each whole chunk but its last byte.
    all_but_last_byte: Vec<[u8; 32]>,
}

impl ModelLeaves {
    fn of(data: &[u8]) -> Self {
        let mut leaves = Self {
            whole: Vec::new(),
            all_but_last_byte: Vec::new(),
        };
        for chunk in data.chunks(MIB) {
            let (head, last) = chunk.split_at(chunk.len() - 1);
            let head_hasher = Sha256::new().chain_update(head);
            leaves
                .all_but_last_byte
                .push(head_hasher.clone().finalize().into());
            leaves
                .whole
                .push(head_hasher.chain_update(last).finalize().into());
        }
        leaves
    }

    /// The leaves of `data[..length]`: the whole chunks it shares with `data`,
    /// then the digest of its shorter last chunk if it has one.
    fn of_prefix(&self, data: &[u8], length: usize) -> Vec<[u8; 32]> {
        let full_chunks = length / MIB;
        let mut leaves = self.whole[..full_chunks].to_vec();
        match length % MIB {
            0 => {}
            short if short == MIB - 1 => leaves.push(self.all_but_last_byte[full_chunks]),
            _ => leaves.push(Sha256::digest(&data[full_chunks * MIB..length]).into()),
        }
        leaves
    }
}

#[test]
fn every_leaf_count_up_to_130_combines_as_the_model_does() {
    // Past 2^7 leaves, every shape of the tree's right edge has been seen.
    for count in 0..=130 {
        let leaves = arbitrary_leaves(count, count as u64);
        assert_eq!(
            root_from_leaves(&leaves),
            model_root(leaves.clone()),
            "{count} leaves"
        );
    }
}

/// The roots of consecutive groups of `group` leaves, as pieces of `group` MiB.
fn group_roots(leaves: &[[u8; 32]], group: usize) -> Vec<TreeHash> {
    leaves.chunks(group).map(root_from_leaves).collect()
}

#[test]
fn groups_of_three_leaves_do_not_combine() {
    let leaves = arbitrary_leaves(4, 3);
    assert_ne!(combine_pieces(&group_roots(&leaves, 3)), model_root(leaves));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn root_from_leaves_matches_the_model_for_any_leaves(count in 0usize..1200, seed: u64) {
        let leaves = arbitrary_leaves(count, seed);
        prop_assert_eq!(root_from_leaves(&leaves), model_root(leaves));
    }

    #[test]
    fn subtrees_of_two_to_the_k_leaves_combine_into_the_root(
        count in 0usize..600,
        k in 0u32..=6,
        seed: u64,
    ) {
        let leaves = arbitrary_leaves(count, seed);
        let pieces = group_roots(&leaves, 1 << k);
        prop_assert_eq!(combine_pieces(&pieces), model_root(leaves));
    }
}

// Inputs of megabytes are slow to hash in a debug build: few cases each.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn root_from_leaf_digests_equals_streaming(length in 0..3 * MIB, seed: u64) {
        let data = pseudo_random(length, seed);
        prop_assert_eq!(root_from_leaves(&model_leaves(&data)), streamed(&data));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3))]

    #[test]
    fn pieces_of_two_to_the_k_mib_combine_into_the_whole(
        length in 0..20 * MIB,
        k in 0u32..=3,
        seed: u64,
    ) {
        let data = pseudo_random(length, seed);
        let pieces: Vec<TreeHash> = data.chunks(MIB << k).map(streamed).collect();
        prop_assert_eq!(combine_pieces(&pieces), model_tree_hash(&data));
    }
}

//! Hashing bytes into a tree hash: streamed in writes of any size, or a whole
//! piece held in memory.

use sha2::{Digest, Sha256};

use super::{LEAF_SIZE, NodeCombiner, TreeHash, root_from_leaves};

/// The plain SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> TreeHash {
    TreeHash(Sha256::digest(data).into())
}

/// The tree hash of a buffer held whole in memory.
///
/// When the buffer is a 2^k MiB piece of a longer stream, starting at a multiple of
/// its size (or the stream's shorter last piece), this is the root of that piece's
/// subtree, ready for [`super::combine_pieces`].
pub fn hash_piece(piece: &[u8]) -> TreeHash {
    // The leaves do not depend on each other, so they are hashed side by side
    // (several messages interleaved on the CPU's SHA unit), which is about twice
    // as fast per core as hashing them one after another.
    let chunks: Vec<&[u8]> = piece.chunks(LEAF_SIZE).collect();
    let mut leaves = vec![[0u8; 32]; chunks.len()];
    // Cannot panic: hash_many only refuses inputs and outputs of different counts.
    tape_sha256::hash_many(&chunks, &mut leaves);
    root_from_leaves(&leaves)
}

/// A tree hash computed over a stream fed in writes of any size. Its memory does
/// not grow with the data: one leaf's SHA-256 state and one node per tree height.
#[derive(Debug, Clone, Default)]
pub struct TreeHasher {
    leaves: NodeCombiner,
    /// The SHA-256 of the leaf being filled.
    leaf: Sha256,
    leaf_filled: usize,
    bytes_hashed: u64,
}

impl TreeHasher {
    /// A hasher that has seen no bytes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Hashes the next bytes of the stream.
    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let room = LEAF_SIZE - self.leaf_filled;
            let (into_leaf, rest) = data.split_at(room.min(data.len()));
            self.leaf.update(into_leaf);
            self.leaf_filled += into_leaf.len();
            self.bytes_hashed += into_leaf.len() as u64;
            if self.leaf_filled == LEAF_SIZE {
                self.close_leaf();
            }
            data = rest;
        }
    }

    /// How many bytes have been hashed so far.
    pub fn bytes_hashed(&self) -> u64 {
        self.bytes_hashed
    }

    /// The tree hash of every byte written.
    pub fn finish(mut self) -> TreeHash {
        // A leaf is closed as soon as it is full, so an open leaf with no bytes is
        // not a leaf at all (empty input, or a length that is a multiple of 1 MiB).
        if self.leaf_filled > 0 {
            self.close_leaf();
        }
        self.leaves.finish()
    }

    fn close_leaf(&mut self) {
        let digest = self.leaf.finalize_reset();
        self.leaves.push(TreeHash(digest.into()));
        self.leaf_filled = 0;
    }
}

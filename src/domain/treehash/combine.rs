//! Building a root from the nodes of one level of the tree, pushed left to right.

use sha2::{Digest, Sha256};

use super::{TreeHash, sha256};

/// Builds a tree-hash root from the nodes of one level, pushed in order, holding
/// one pending subtree per height: memory grows with log2 of the node count.
///
/// The nodes may be leaf digests (SHA-256 of 1 MiB chunks) or the tree hashes of
/// consecutive 2^k MiB pieces; see [`combine_pieces`] for why only those sizes work.
#[derive(Debug, Clone, Default)]
pub struct NodeCombiner {
    /// Complete subtrees waiting for a right neighbour, heights strictly falling
    /// from the first to the last, like the bits of the node count.
    pending: Vec<(u32, TreeHash)>,
    nodes_pushed: u64,
}

impl NodeCombiner {
    /// A combiner that has seen no nodes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next node to the right of those pushed so far.
    pub fn push(&mut self, node: TreeHash) {
        let mut height = 0;
        let mut subtree = node;
        while let Some(&(left_height, left)) = self.pending.last()
            && left_height == height
        {
            self.pending.pop();
            subtree = parent(&left, &subtree);
            height += 1;
        }
        self.pending.push((height, subtree));
        self.nodes_pushed += 1;
    }

    /// How many nodes have been pushed.
    pub fn nodes_pushed(&self) -> u64 {
        self.nodes_pushed
    }

    /// The root over every node pushed; with none, the tree hash of empty data
    /// (the SHA-256 of nothing).
    pub fn finish(self) -> TreeHash {
        // Folding the pending subtrees from the right reproduces the rule that an
        // odd node at the end of a level moves up unchanged: the shorter right part
        // is finished first, then joined under each larger left subtree in turn.
        let mut from_right = self.pending.into_iter().rev().map(|(_, node)| node);
        let Some(mut root) = from_right.next() else {
            return sha256(&[]);
        };
        for left in from_right {
            root = parent(&left, &root);
        }
        root
    }
}

/// The parent of two neighbouring nodes: SHA-256 over their binary digests.
fn parent(left: &TreeHash, right: &TreeHash) -> TreeHash {
    let digest = Sha256::new()
        .chain_update(left.0)
        .chain_update(right.0)
        .finalize();
    TreeHash(digest.into())
}

/// The root over leaf digests (the SHA-256 of each 1 MiB chunk, in order).
/// No leaves means empty data, whose tree hash is the SHA-256 of nothing.
pub fn root_from_leaves(leaves: &[[u8; 32]]) -> TreeHash {
    let mut combiner = NodeCombiner::new();
    for leaf in leaves {
        combiner.push(TreeHash(*leaf));
    }
    combiner.finish()
}

/// The tree hash of a whole stream from the tree hashes of its consecutive pieces,
/// in order, when every piece is 2^k MiB for one k, starting at a multiple of that
/// size (only the last piece may be shorter).
///
/// Only such pieces are subtrees of the whole tree. Pieces of other sizes (3 MiB,
/// say) straddle subtrees and give a different, wrong, root.
pub fn combine_pieces(pieces: &[TreeHash]) -> TreeHash {
    let mut combiner = NodeCombiner::new();
    for piece in pieces {
        combiner.push(*piece);
    }
    combiner.finish()
}

//! SHA-256 tree hashes as Glacier computes them: the digest type, a streaming
//! hasher, and the rules for building a root from leaves or from hashed pieces.
//!
//! The tree: leaves are the SHA-256 of each 1 MiB chunk (the last may be shorter);
//! each level pairs neighbours left to right into SHA-256(left || right) of the
//! 32-byte digests, and an odd node at the end of a level moves up unchanged. Empty
//! input hashes to the SHA-256 of nothing; up to 1 MiB of data hashes to its plain
//! SHA-256.

mod combine;
mod hasher;
#[cfg(test)]
mod model_tests;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use combine::{NodeCombiner, combine_pieces, root_from_leaves};
pub use hasher::{TreeHasher, hash_piece, sha256};

/// The size of a leaf chunk: one mebibyte.
pub const LEAF_SIZE: usize = 1 << 20;

/// A tree hash (or any SHA-256 digest), printed as 64 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TreeHash(pub [u8; 32]);

impl fmt::Display for TreeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// Why a text is not a tree hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseTreeHashError {
    #[error(
        "a tree hash is 64 hex digits but this one has {length} characters; \
         copy the whole hash, for example e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )]
    WrongLength { length: usize },
    #[error(
        "a tree hash is 64 hex digits (0-9, a-f) but character {position} is {found:?}; \
         copy the hash again without other characters"
    )]
    NotHex { position: usize, found: char },
}

impl FromStr for TreeHash {
    type Err = ParseTreeHashError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Check characters first so that a stray multi-byte character is named
        // rather than reported as a length mismatch.
        if let Some((index, found)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_hexdigit())
        {
            return Err(ParseTreeHashError::NotHex {
                position: index + 1,
                found,
            });
        }
        let mut digest = [0u8; 32];
        hex::decode_to_slice(text, &mut digest)
            .map_err(|_| ParseTreeHashError::WrongLength { length: text.len() })?;
        Ok(TreeHash(digest))
    }
}

impl Serialize for TreeHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TreeHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

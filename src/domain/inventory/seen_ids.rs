//! Duplicate archive ids in little memory: a set of 64-bit hashes of the ids,
//! 8 bytes per archive plus the hash table's slack, instead of the ids themselves.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, DefaultHasher, Hasher};

/// The ids seen so far, as hashes. Two different ids share a hash with a chance of
/// about n²/2⁶⁵ for n archives (one in 3·10⁵ inventories of 10 million archives);
/// then a whole inventory is refused, and reading with the check off and letting a
/// database's unique key decide is the way out.
#[derive(Debug, Default)]
pub(super) struct SeenIds {
    hashes: HashSet<u64, BuildHasherDefault<AlreadyHashed>>,
}

impl SeenIds {
    /// Records the id; false if it (or an id with the same hash) was seen before.
    pub(super) fn insert(&mut self, id: &str) -> bool {
        // Fixed keys: the same id always gives the same hash within a run.
        let mut hasher = DefaultHasher::new();
        hasher.write(id.as_bytes());
        self.hashes.insert(hasher.finish())
    }
}

/// The keys are already uniform hashes, so hashing them again would only cost time.
#[derive(Debug, Default)]
struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are stored; fold anything else in rather than lose it.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_id_is_caught() {
        let mut seen = SeenIds::default();
        assert!(seen.insert("a"));
        assert!(seen.insert("b"));
        assert!(!seen.insert("a"));
        assert!(seen.insert("ab"));
    }
}

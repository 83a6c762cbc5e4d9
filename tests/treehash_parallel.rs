//! The parallel reader against the published vectors and the streaming hasher,
//! with short reads, read errors and every batch size it may use.

use std::io::{self, Read};

use defrost::domain::treehash::{TreeHash, TreeHasher};
use defrost::hashing::{HashSettings, hash_reader, hash_reader_with};
use proptest::prelude::*;

const MIB: usize = 1 << 20;

#[derive(serde::Deserialize)]
struct VectorFile {
    vectors: Vec<Vector>,
}

#[derive(serde::Deserialize)]
struct Vector {
    pattern: String,
    length: usize,
    treehash: String,
}

impl Vector {
    fn input(&self) -> Vec<u8> {
        let copies = self.length.div_ceil(self.pattern.len().max(1));
        let mut input = self.pattern.repeat(copies).into_bytes();
        input.truncate(self.length);
        input
    }
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/treehash-vectors.json");
    let file: VectorFile = serde_json::from_str(text).expect("the vector file is valid JSON");
    file.vectors
}

/// Cheap deterministic bytes, fast enough to make megabytes in a debug build.
fn pseudo_random(length: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = Vec::with_capacity(length + 8);
    while bytes.len() < length {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(length);
    bytes
}

fn streamed(data: &[u8]) -> TreeHash {
    let mut hasher = TreeHasher::new();
    hasher.update(data);
    hasher.finish()
}

/// Hands out at most `limit` bytes per read, as pipes do.
struct ShortReads<'a> {
    data: &'a [u8],
    limit: usize,
}

impl Read for ShortReads<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let count = self.limit.min(buffer.len()).min(self.data.len());
        buffer[..count].copy_from_slice(&self.data[..count]);
        self.data = &self.data[count..];
        Ok(count)
    }
}

/// Yields `good` bytes, then fails; interrupts the first read, which must be
/// retried.
struct FailsAfter {
    good: usize,
    interrupted: bool,
}

impl Read for FailsAfter {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if !self.interrupted {
            self.interrupted = true;
            return Err(io::ErrorKind::Interrupted.into());
        }
        if self.good == 0 {
            return Err(io::Error::other("the disk went away"));
        }
        let count = self.good.min(buffer.len());
        buffer[..count].fill(b'x');
        self.good -= count;
        Ok(count)
    }
}

#[test]
fn every_published_vector_hashes_in_parallel() {
    for vector in vectors() {
        let hashed = hash_reader(vector.input().as_slice()).unwrap();
        assert_eq!(hashed.tree_hash.to_string(), vector.treehash);
        assert_eq!(hashed.size, vector.length as u64);
    }
}

#[test]
fn every_published_vector_hashes_in_one_mib_batches_from_short_reads() {
    for vector in vectors() {
        let input = vector.input();
        let reader = ShortReads {
            data: &input,
            limit: 100_003,
        };
        let hashed = hash_reader_with(reader, HashSettings::new(3, 0)).unwrap();
        assert_eq!(hashed.tree_hash.to_string(), vector.treehash);
        assert_eq!(hashed.size, vector.length as u64);
    }
}

#[test]
fn empty_input_hashes_to_the_sha256_of_nothing() {
    let hashed = hash_reader(io::empty()).unwrap();
    assert_eq!(
        hashed.tree_hash.to_string(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(hashed.size, 0);
}

#[test]
fn a_read_error_is_returned_not_panicked() {
    for good in [0, 10, 3 * MIB + 5] {
        for threads in [1, 2, 4] {
            let reader = FailsAfter {
                good,
                interrupted: false,
            };
            let err = hash_reader_with(reader, HashSettings::new(threads, 0)).unwrap_err();
            assert_eq!(err.to_string(), "the disk went away");
        }
    }
}

#[test]
fn settings_stay_within_their_limits() {
    let settings = HashSettings::new(0, 99);
    assert_eq!(settings.threads(), 1);
    assert_eq!(
        settings.batch_size(),
        MIB << HashSettings::MAX_BATCH_MIB_LOG2
    );
    assert_eq!(
        HashSettings::new(1000, 0).threads(),
        HashSettings::MAX_THREADS
    );
    let here = HashSettings::for_this_machine();
    assert!((1..=HashSettings::MAX_THREADS).contains(&here.threads()));
    assert!(here.batch_size().is_power_of_two() && here.batch_size() >= MIB);
}

// Inputs of megabytes are slow to hash in a debug build: few cases.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(4))]

    #[test]
    fn parallel_equals_streaming(
        length in 0..12 * MIB,
        threads in 1usize..=4,
        batch_mib_log2 in 0u32..=3,
        read_limit in 1000usize..3 * MIB,
        seed: u64,
    ) {
        let data = pseudo_random(length, seed);
        let reader = ShortReads { data: &data, limit: read_limit };
        let hashed = hash_reader_with(reader, HashSettings::new(threads, batch_mib_log2)).unwrap();
        prop_assert_eq!(hashed.tree_hash, streamed(&data));
        prop_assert_eq!(hashed.size, length as u64);
    }
}

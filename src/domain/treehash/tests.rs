//! Published vectors, the digest's text forms, and streaming properties.

use proptest::prelude::*;

use super::*;

pub(super) const MIB: usize = LEAF_SIZE;

#[derive(serde::Deserialize)]
struct VectorFile {
    vectors: Vec<Vector>,
}

#[derive(serde::Deserialize)]
pub(super) struct Vector {
    pattern: String,
    pub(super) length: usize,
    pub(super) treehash: String,
}

impl Vector {
    pub(super) fn input(&self) -> Vec<u8> {
        // Whole copies of the pattern, not a byte iterator, which is slow in a
        // debug build.
        let copies = self.length.div_ceil(self.pattern.len().max(1));
        let mut input = self.pattern.repeat(copies).into_bytes();
        input.truncate(self.length);
        input
    }
}

pub(super) fn vectors() -> Vec<Vector> {
    let text = include_str!("../../../tests/data/treehash-vectors.json");
    let file: VectorFile = serde_json::from_str(text).expect("the vector file is valid JSON");
    assert!(!file.vectors.is_empty());
    file.vectors
}

/// Cheap deterministic bytes (xorshift), so that megabytes of test input cost
/// little to make in a debug build.
pub(super) fn pseudo_random(length: usize, seed: u64) -> Vec<u8> {
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

fn streamed_in_writes_of(data: &[u8], write_size: usize) -> TreeHash {
    let mut hasher = TreeHasher::new();
    for write in data.chunks(write_size) {
        hasher.update(write);
    }
    assert_eq!(hasher.bytes_hashed(), data.len() as u64);
    hasher.finish()
}

#[test]
fn every_published_vector_streams_to_its_tree_hash() {
    // Writes of an odd size cross every leaf boundary somewhere inside a write.
    for vector in vectors() {
        let root = streamed_in_writes_of(&vector.input(), 65_537);
        assert_eq!(root.to_string(), vector.treehash, "{} bytes", vector.length);
    }
}

#[test]
fn small_published_vectors_hash_whole_in_one_write_and_in_memory() {
    // The larger vectors go through hash_piece in the parallel reader's tests.
    for vector in vectors().iter().filter(|v| v.length <= 2 * MIB) {
        let input = vector.input();
        assert_eq!(
            streamed_in_writes_of(&input, usize::MAX).to_string(),
            vector.treehash
        );
        assert_eq!(hash_piece(&input).to_string(), vector.treehash);
    }
}

#[test]
fn nothing_hashes_to_the_sha256_of_nothing() {
    let expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(TreeHasher::new().finish().to_string(), expected);
    assert_eq!(hash_piece(&[]).to_string(), expected);
    assert_eq!(root_from_leaves(&[]).to_string(), expected);
    assert_eq!(combine_pieces(&[]).to_string(), expected);
    assert_eq!(NodeCombiner::new().finish().to_string(), expected);
}

#[test]
fn up_to_one_mib_the_tree_hash_is_the_plain_sha256() {
    for length in [1, 1000, MIB] {
        let data = pseudo_random(length, length as u64);
        assert_eq!(streamed_in_writes_of(&data, 4096), sha256(&data));
    }
}

#[test]
fn the_combiner_counts_its_nodes() {
    let mut combiner = NodeCombiner::new();
    for seed in 0..5 {
        combiner.push(sha256(&[seed]));
    }
    assert_eq!(combiner.nodes_pushed(), 5);
}

#[test]
fn prints_as_64_lowercase_hex_digits_and_parses_back_in_either_case() {
    let hash = sha256(b"abc");
    let text = hash.to_string();
    assert_eq!(
        text,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(text.parse::<TreeHash>(), Ok(hash));
    assert_eq!(text.to_uppercase().parse::<TreeHash>(), Ok(hash));
}

#[test]
fn a_short_text_is_refused_with_its_length_and_an_example() {
    let err = "abc123".parse::<TreeHash>().unwrap_err();
    assert_eq!(err, ParseTreeHashError::WrongLength { length: 6 });
    let message = err.to_string();
    assert!(message.contains("64 hex digits"), "{message}");
    assert!(message.contains("has 6 characters"), "{message}");
}

#[test]
fn a_text_with_a_non_hex_character_is_refused_naming_it() {
    let text = format!("{}g", "a".repeat(63));
    let err = text.parse::<TreeHash>().unwrap_err();
    assert_eq!(
        err,
        ParseTreeHashError::NotHex {
            position: 64,
            found: 'g'
        }
    );
    assert!(err.to_string().contains("character 64 is 'g'"), "{err}");
    let with_accent = format!("{}é", "a".repeat(63));
    assert!(matches!(
        with_accent.parse::<TreeHash>(),
        Err(ParseTreeHashError::NotHex { found: 'é', .. })
    ));
}

#[test]
fn serializes_as_the_hex_string_and_back() {
    let hash = sha256(b"abc");
    let json = serde_json::to_string(&hash).unwrap();
    assert_eq!(json, format!("\"{hash}\""));
    assert_eq!(serde_json::from_str::<TreeHash>(&json).unwrap(), hash);
    let err = serde_json::from_str::<TreeHash>("\"not a hash\"").unwrap_err();
    assert!(err.to_string().contains("64 hex digits"), "{err}");
}

proptest! {
    // Inputs of megabytes are slow to hash in a debug build: few cases, each
    // crossing a leaf boundary or two.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn any_split_into_writes_gives_the_same_root(
        length in 0..2 * MIB + 10,
        seed: u64,
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let data = pseudo_random(length, seed);
        let mut offsets: Vec<usize> = cuts.iter().map(|cut| cut.index(length + 1)).collect();
        offsets.push(0);
        offsets.push(length);
        offsets.sort_unstable();
        let mut hasher = TreeHasher::new();
        for bounds in offsets.windows(2) {
            hasher.update(&data[bounds[0]..bounds[1]]);
        }
        prop_assert_eq!(hasher.bytes_hashed(), length as u64);
        prop_assert_eq!(hasher.finish(), hash_piece(&data));
    }
}

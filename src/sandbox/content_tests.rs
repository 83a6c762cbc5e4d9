use futures_util::TryStreamExt;

use super::*;
use crate::domain::range::{is_tree_aligned, split_tree};

fn collect_virtual(archive: VirtualArchive, range: ByteRange) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(range.len() as usize);
    for piece in archive.bytes(range) {
        bytes.extend_from_slice(&piece);
    }
    bytes
}

#[test]
fn virtual_bytes_hash_to_the_virtual_tree_hash() {
    for size in [
        1,
        1000,
        MIB - 1,
        MIB,
        MIB + 1,
        5 * MIB + 77,
        64 * MIB,
        64 * MIB + 1,
        130 * MIB + 9,
    ] {
        let archive = VirtualArchive { seed: 42, size };
        let whole = ByteRange::whole(size).unwrap();
        let bytes = collect_virtual(archive, whole);
        assert_eq!(bytes.len() as u64, size);
        let mut hasher = TreeHasher::new();
        hasher.update(&bytes);
        assert_eq!(hasher.finish(), virtual_tree_hash(42, size), "size {size}");
    }
    assert_eq!(virtual_tree_hash(1, 0), sha256(&[]));
}

#[test]
fn ranges_are_consistent_with_the_whole() {
    let size = 9 * MIB + 5;
    let archive = VirtualArchive { seed: 7, size };
    let whole = collect_virtual(archive, ByteRange::whole(size).unwrap());
    let range = ByteRange::new(MIB - 3, 4 * MIB + 10).unwrap();
    assert_eq!(
        collect_virtual(archive, range),
        whole[(MIB - 3) as usize..=(4 * MIB + 10) as usize]
    );
    // Every tree-aligned job's hash is the tree hash of its bytes.
    for job in split_tree(size, ByteRange::new(MIB, size - 1).unwrap()).unwrap() {
        assert!(is_tree_aligned(size, job));
        let mut hasher = TreeHasher::new();
        hasher.update(&whole[job.start as usize..=job.end as usize]);
        assert_eq!(archive.tree_hash(job), hasher.finish());
    }
}

#[test]
fn seeds_give_different_content_and_the_same_seed_the_same() {
    let size = 16 * MIB;
    assert_ne!(virtual_tree_hash(1, size), virtual_tree_hash(2, size));
    assert_eq!(virtual_tree_hash(1, size), virtual_tree_hash(1, size));
}

#[test]
fn tens_of_gib_archives_hash_from_the_pool() {
    // Leaf hashes come from the pool: 40,960 parent hashes, not 40 GiB of data.
    let size = 40 << 30;
    let archive = VirtualArchive { seed: 3, size };
    // Pieces of 8 GiB (2^13 MiB) combine into the whole, as the tree-hash rule says.
    let piece = 8u64 << 30;
    let pieces: Vec<TreeHash> = (0..size / piece)
        .map(|i| archive.tree_hash(ByteRange::new(i * piece, (i + 1) * piece - 1).unwrap()))
        .collect();
    let combined = crate::domain::treehash::combine_pieces(&pieces);
    assert_eq!(combined, virtual_tree_hash(3, size));
}

#[tokio::test]
async fn stored_archives_stream_and_hash_their_range() {
    let store = StateStore::open(None).unwrap();
    let data: Vec<u8> = (0..3 * MIB + 100).map(|i| (i % 251) as u8).collect();
    std::fs::write(store.archive_path("abc"), &data).unwrap();
    let size = data.len() as u64;
    let range = ByteRange::new(MIB, size - 1).unwrap();
    let streamed: Vec<u8> = open_range(&store, "abc", ArchiveContent::Stored, size, range)
        .map_ok(|bytes| bytes.to_vec())
        .try_concat()
        .await
        .unwrap();
    assert_eq!(streamed, data[MIB as usize..]);
    let mut hasher = TreeHasher::new();
    hasher.update(&data[MIB as usize..]);
    assert_eq!(
        range_tree_hash(&store, "abc", ArchiveContent::Stored, size, range).unwrap(),
        hasher.finish()
    );
    let missing = open_range(&store, "nope", ArchiveContent::Stored, size, range)
        .map_ok(|bytes| bytes.to_vec())
        .try_concat()
        .await;
    assert!(missing.is_err());
}

#[tokio::test]
async fn patched_archives_stream_and_hash_as_their_bytes() {
    use patched::{Patch, encode};
    let store = StateStore::open(None).unwrap();
    let size = 5 * MIB + 300;
    let patches = vec![
        Patch {
            offset: 10,
            bytes: vec![1; 100],
        },
        Patch {
            offset: 2 * MIB - 50,
            bytes: vec![2; 100],
        },
        Patch {
            offset: size - 20,
            bytes: vec![3; 20],
        },
    ];
    std::fs::write(store.archive_path("p"), encode(&patches)).unwrap();
    let whole = ByteRange::whole(size).unwrap();
    let mut expected = collect_virtual(VirtualArchive { seed: 5, size }, whole);
    for patch in &patches {
        let at = patch.offset as usize;
        expected[at..at + patch.bytes.len()].copy_from_slice(&patch.bytes);
    }
    let content = ArchiveContent::Patched { seed: 5 };
    for (start, end) in [
        (0, size - 1),
        (MIB, 3 * MIB - 1),
        (2 * MIB - 60, 2 * MIB + 60),
    ] {
        let range = ByteRange::new(start, end).unwrap();
        let streamed: Vec<u8> = open_range(&store, "p", content, size, range)
            .map_ok(|bytes| bytes.to_vec())
            .try_concat()
            .await
            .unwrap();
        assert_eq!(streamed, expected[start as usize..=end as usize]);
    }
    for job in split_tree(size, whole).unwrap() {
        let mut hasher = TreeHasher::new();
        hasher.update(&expected[job.start as usize..=job.end as usize]);
        let hash = range_tree_hash(&store, "p", content, size, job).unwrap();
        assert_eq!(hash, hasher.finish());
    }
    // A missing or damaged file is an error to report, never a panic.
    std::fs::write(
        store.archive_path("bad"),
        b"DFPATCH1\xff\xff\xff\xff\xff\xff\xff\xff",
    )
    .unwrap();
    for id in ["bad", "missing"] {
        assert!(range_tree_hash(&store, id, content, size, whole).is_err());
        let streamed = open_range(&store, id, content, size, whole)
            .map_ok(|bytes| bytes.to_vec())
            .try_concat()
            .await;
        assert!(streamed.is_err());
    }
}

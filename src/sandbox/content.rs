//! The bytes of sandbox archives, served as streams of `Bytes`: stored archives are
//! read from their file; virtual ones are generated on demand and never stored;
//! patched ones are virtual with real parts from their file (`patched`).
//!
//! A virtual archive is a sequence of 64 MiB blocks, each one of a few fixed
//! patterns (chosen by the archive's seed and the block's index), and each pattern a
//! sequence of 1 MiB chunks from a small fixed pool. Serving is then zero-copy
//! slicing, and a tree hash needs only the patterns' subtree hashes, so terabytes of
//! seeded archives are hashed in milliseconds, yet every archive's bytes and hashes
//! are real and consistent.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::OnceLock;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt, stream};
use tokio::io::AsyncSeekExt;
use tokio_util::io::ReaderStream;

use super::model::ArchiveContent;
use super::store::StateStore;
use crate::domain::range::{ByteRange, MIB};
use crate::domain::treehash::{NodeCombiner, TreeHash, TreeHasher, combine_pieces, sha256};

/// Distinct chunks virtual archives are made of: enough that neighbouring chunks
/// differ, few enough to keep the pool's memory small (8 MiB).
const POOL_CHUNKS: usize = 8;

/// Chunks per block: blocks are whole subtrees of the tree hash (2^6 MiB).
const BLOCK_CHUNKS: u64 = 64;

/// Distinct block patterns; their subtree hashes are computed once.
const PATTERNS: u64 = 16;

/// How much of a stored archive is read per stream item.
const STORED_READ_SIZE: usize = 256 * 1024;

struct ChunkPool {
    chunks: Vec<Bytes>,
    leaf_hashes: Vec<TreeHash>,
    /// The subtree hash of each whole block pattern.
    pattern_hashes: Vec<TreeHash>,
}

fn pool() -> &'static ChunkPool {
    static POOL: OnceLock<ChunkPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let chunks: Vec<Bytes> = (0..POOL_CHUNKS)
            .map(|index| Bytes::from(pseudo_random_chunk(index as u64)))
            .collect();
        let leaf_hashes: Vec<TreeHash> = chunks.iter().map(|chunk| sha256(chunk)).collect();
        let pattern_hashes = (0..PATTERNS)
            .map(|pattern| {
                let mut combiner = NodeCombiner::new();
                for offset in 0..BLOCK_CHUNKS {
                    combiner.push(leaf_hashes[pattern_chunk(pattern, offset)]);
                }
                combiner.finish()
            })
            .collect();
        ChunkPool {
            chunks,
            leaf_hashes,
            pattern_hashes,
        }
    })
}

/// The pool chunk at `offset` within a block of pattern `pattern`.
fn pattern_chunk(pattern: u64, offset: u64) -> usize {
    (splitmix(0x5EED_B10C ^ (pattern * BLOCK_CHUNKS + offset)) % POOL_CHUNKS as u64) as usize
}

/// One step of SplitMix64: a fast, well-mixed function of a counter.
fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pseudo_random_chunk(index: u64) -> Vec<u8> {
    let base = splitmix(0xDEF2_05A1 ^ index);
    (0..MIB / 8)
        .flat_map(|word| splitmix(base.wrapping_add(word)).to_le_bytes())
        .collect()
}

/// A virtual archive: `size` bytes determined by `seed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VirtualArchive {
    pub seed: u64,
    pub size: u64,
}

impl VirtualArchive {
    fn block_pattern(&self, block: u64) -> u64 {
        splitmix(self.seed ^ block.wrapping_mul(0xA24B_AED4_963E_E407)) % PATTERNS
    }

    fn pool_index(&self, chunk: u64) -> usize {
        pattern_chunk(
            self.block_pattern(chunk / BLOCK_CHUNKS),
            chunk % BLOCK_CHUNKS,
        )
    }

    /// Length of chunk `chunk`: 1 MiB, or less for the last one.
    fn chunk_len(&self, chunk: u64) -> u64 {
        (self.size - chunk * MIB).min(MIB)
    }

    /// The SHA-256 of one chunk: the pool's, or computed for a short last chunk.
    fn leaf_hash(&self, chunk: u64) -> TreeHash {
        let pool = pool();
        let index = self.pool_index(chunk);
        let len = self.chunk_len(chunk);
        if len == MIB {
            pool.leaf_hashes[index]
        } else {
            sha256(&pool.chunks[index][..len as usize])
        }
    }

    /// The tree hash of a range that starts on a MiB boundary and ends one byte
    /// before one or at the archive's end (a MiB-aligned range).
    pub fn tree_hash(&self, range: ByteRange) -> TreeHash {
        let (first, last) = (range.start / MIB, range.end / MIB);
        if first % BLOCK_CHUNKS != 0 {
            return self.leaves_hash(first, last);
        }
        // From a block boundary the range is a run of 2^6 MiB pieces (the last maybe
        // shorter), which combine into its tree hash; whole blocks are patterns.
        let pieces: Vec<TreeHash> = (first..=last)
            .step_by(BLOCK_CHUNKS as usize)
            .map(|piece_first| {
                let piece_last = (piece_first + BLOCK_CHUNKS - 1).min(last);
                let whole_block = piece_last - piece_first + 1 == BLOCK_CHUNKS
                    && self.chunk_len(piece_last) == MIB;
                if whole_block {
                    pool().pattern_hashes[self.block_pattern(piece_first / BLOCK_CHUNKS) as usize]
                } else {
                    self.leaves_hash(piece_first, piece_last)
                }
            })
            .collect();
        combine_pieces(&pieces)
    }

    fn leaves_hash(&self, first: u64, last: u64) -> TreeHash {
        let mut combiner = NodeCombiner::new();
        for chunk in first..=last {
            combiner.push(self.leaf_hash(chunk));
        }
        combiner.finish()
    }

    /// The bytes of `range`, as slices of the pool (no copying).
    pub fn bytes(self, range: ByteRange) -> impl Iterator<Item = Bytes> + Send + 'static {
        (range.start / MIB..=range.end / MIB).map(move |chunk| {
            let (from, to) = self.chunk_slice(chunk, range);
            self.pool_chunk(chunk).slice(from..=to)
        })
    }

    /// The first and last byte of chunk `chunk` inside `range`, relative to the chunk.
    fn chunk_slice(&self, chunk: u64, range: ByteRange) -> (usize, usize) {
        let chunk_start = chunk * MIB;
        let from = range.start.max(chunk_start) - chunk_start;
        let to = range.end.min(chunk_start + self.chunk_len(chunk) - 1) - chunk_start;
        (from as usize, to as usize)
    }

    /// The pool chunk that chunk `chunk` is (all of it, even for a short last chunk).
    fn pool_chunk(&self, chunk: u64) -> Bytes {
        pool().chunks[self.pool_index(chunk)].clone()
    }
}

/// The whole tree hash of a virtual archive (SHA-256 of nothing when empty).
pub fn virtual_tree_hash(seed: u64, size: u64) -> TreeHash {
    match ByteRange::whole(size) {
        Ok(whole) => VirtualArchive { seed, size }.tree_hash(whole),
        Err(_) => sha256(&[]),
    }
}

/// A stream of the bytes of `range` of an archive (`range` inside the archive).
pub fn open_range(
    store: &StateStore,
    archive_id: &str,
    content: ArchiveContent,
    archive_size: u64,
    range: ByteRange,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    match content {
        ArchiveContent::Virtual { seed } => {
            let archive = VirtualArchive {
                seed,
                size: archive_size,
            };
            stream::iter(archive.bytes(range).map(Ok))
                .left_stream()
                .left_stream()
        }
        ArchiveContent::Patched { seed } => {
            let archive = VirtualArchive {
                seed,
                size: archive_size,
            };
            patched::open_range(store.archive_path(archive_id), archive, range).right_stream()
        }
        ArchiveContent::Stored => {
            let path = store.archive_path(archive_id);
            let opened = async move {
                let mut file = tokio::fs::File::open(&path).await?;
                file.seek(SeekFrom::Start(range.start)).await?;
                let limited = tokio::io::AsyncReadExt::take(file, range.len());
                Ok::<_, io::Error>(ReaderStream::with_capacity(limited, STORED_READ_SIZE))
            };
            stream::once(opened)
                .try_flatten()
                .right_stream()
                .left_stream()
        }
    }
}

/// The tree hash of a MiB-aligned `range` of an archive. Blocking for stored
/// archives (it reads the range), so call it off the async runtime.
pub fn range_tree_hash(
    store: &StateStore,
    archive_id: &str,
    content: ArchiveContent,
    archive_size: u64,
    range: ByteRange,
) -> io::Result<TreeHash> {
    match content {
        ArchiveContent::Virtual { seed } => Ok(VirtualArchive {
            seed,
            size: archive_size,
        }
        .tree_hash(range)),
        ArchiveContent::Patched { seed } => patched::range_tree_hash(
            store.archive_path(archive_id),
            VirtualArchive {
                seed,
                size: archive_size,
            },
            range,
        ),
        ArchiveContent::Stored => {
            let mut file = std::fs::File::open(store.archive_path(archive_id))?;
            file.seek(SeekFrom::Start(range.start))?;
            let mut limited = file.take(range.len());
            let mut hasher = TreeHasher::new();
            let mut buffer = vec![0u8; MIB as usize];
            loop {
                let read = limited.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                hasher.update(&buffer[..read]);
            }
            if hasher.bytes_hashed() != range.len() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the stored archive is shorter than recorded",
                ));
            }
            Ok(hasher.finish())
        }
    }
}

#[path = "virtual_crc.rs"]
mod crc;
#[path = "patched.rs"]
pub mod patched;

#[cfg(test)]
#[path = "content_tests.rs"]
mod tests;

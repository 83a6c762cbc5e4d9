//! Patched archives: a virtual archive with real bytes written over parts of it.
//! A seeded zip is one: its headers, central directory and compressed members
//! are real, the data of its large stored members is the virtual bytes beneath.
//! So a zip with a 5 GiB member takes a few KiB of disk, and its tree hash
//! hashes only the MiB chunks that real bytes touch; the others are the pool's.
//!
//! The archive's file holds the patches: `DFPATCH1`, their count (u64 LE), each
//! one's offset and length (u64 LE each, in order, not overlapping), then their
//! bytes one after another.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt, stream};

use super::VirtualArchive;
use crate::domain::range::{ByteRange, MIB};
use crate::domain::treehash::{NodeCombiner, TreeHash, sha256};

const MAGIC: &[u8; 8] = b"DFPATCH1";
const HEADER_LEN: u64 = 16;
const SPAN_LEN: u64 = 16;

/// Real bytes that go at `offset` of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    pub offset: u64,
    pub bytes: Vec<u8>,
}

/// The bytes of a patch file holding `patches` (sorted by offset, not overlapping).
pub fn encode(patches: &[Patch]) -> Vec<u8> {
    let data: usize = patches.iter().map(|patch| patch.bytes.len()).sum();
    let mut out = Vec::with_capacity(16 + patches.len() * 16 + data);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(patches.len() as u64).to_le_bytes());
    for patch in patches {
        out.extend_from_slice(&patch.offset.to_le_bytes());
        out.extend_from_slice(&(patch.bytes.len() as u64).to_le_bytes());
    }
    for patch in patches {
        out.extend_from_slice(&patch.bytes);
    }
    out
}

/// Where the patch file's bytes come from: a file, or its bytes in memory at seed time.
pub trait PatchData {
    fn read_at(&mut self, at: u64, into: &mut [u8]) -> io::Result<()>;
    fn total_len(&self) -> io::Result<u64>;
}

impl PatchData for &[u8] {
    fn total_len(&self) -> io::Result<u64> {
        Ok(<[u8]>::len(self) as u64)
    }

    fn read_at(&mut self, at: u64, into: &mut [u8]) -> io::Result<()> {
        let from = usize::try_from(at).unwrap_or(usize::MAX);
        let bytes = from
            .checked_add(into.len())
            .and_then(|to| self.get(from..to))
            .ok_or_else(|| short("the patch data is shorter than its index"))?;
        into.copy_from_slice(bytes);
        Ok(())
    }
}

impl PatchData for File {
    fn total_len(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }

    fn read_at(&mut self, at: u64, into: &mut [u8]) -> io::Result<()> {
        self.seek(SeekFrom::Start(at))?;
        self.read_exact(into)
    }
}

fn short(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// One patch: where it goes and where its bytes are in the patch data.
#[derive(Debug, Clone, Copy)]
struct Span {
    offset: u64,
    len: u64,
    data_at: u64,
}

/// A patch file's index, and its bytes to read patches from.
pub struct Patches<D> {
    spans: Vec<Span>,
    data: D,
}

impl<D: PatchData> Patches<D> {
    /// Reads the index of a patch file.
    pub fn read(mut data: D) -> io::Result<Self> {
        let mut header = [0u8; HEADER_LEN as usize];
        data.read_at(0, &mut header)?;
        let (magic, count) = header.split_at(8);
        if magic != MAGIC {
            return Err(short("not a patched archive's file"));
        }
        let count = u64::from_le_bytes(count.try_into().map_err(|_| short("no count"))?);
        let file_len = data.total_len()?;
        // Checked against the file before anything is allocated for it.
        let index_len = count
            .checked_mul(SPAN_LEN)
            .filter(|len| HEADER_LEN + len <= file_len)
            .ok_or_else(|| short("the patch count is damaged"))?;
        let mut index = vec![0u8; index_len as usize];
        data.read_at(HEADER_LEN, &mut index)?;
        let mut data_at = HEADER_LEN + index_len;
        let mut spans: Vec<Span> = Vec::with_capacity(count as usize);
        for entry in index.chunks_exact(SPAN_LEN as usize) {
            let (offset, len) = entry.split_at(8);
            let offset = u64::from_le_bytes(offset.try_into().map_err(|_| short("offset"))?);
            let len = u64::from_le_bytes(len.try_into().map_err(|_| short("length"))?);
            let after_previous = spans
                .last()
                .is_none_or(|last| last.offset + last.len <= offset);
            let inside = offset.checked_add(len).is_some()
                && data_at.checked_add(len).is_some_and(|end| end <= file_len);
            if !after_previous || !inside {
                return Err(short("the patches are out of order or past the file's end"));
            }
            spans.push(Span {
                offset,
                len,
                data_at,
            });
            data_at += len;
        }
        Ok(Self { spans, data })
    }

    /// The spans that touch bytes `start..end` of the archive.
    fn touching(&self, start: u64, end: u64) -> &[Span] {
        let first = self
            .spans
            .partition_point(|span| span.offset + span.len <= start);
        let after = self.spans.partition_point(|span| span.offset < end);
        &self.spans[first..after.max(first)]
    }

    /// The bytes of chunk `chunk` when a patch touches it; `None` when it is
    /// the virtual chunk unchanged.
    fn chunk(&mut self, archive: VirtualArchive, chunk: u64) -> io::Result<Option<Vec<u8>>> {
        let start = chunk * MIB;
        let end = (start + MIB).min(archive.size);
        let touching: Vec<Span> = self.touching(start, end).to_vec();
        if touching.is_empty() {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity((end - start) as usize);
        for piece in archive.bytes(ByteRange {
            start,
            end: end - 1,
        }) {
            bytes.extend_from_slice(&piece);
        }
        for span in touching {
            let from = span.offset.max(start);
            let to = (span.offset + span.len).min(end);
            let into = &mut bytes[(from - start) as usize..(to - start) as usize];
            self.data
                .read_at(span.data_at + (from - span.offset), into)?;
        }
        Ok(Some(bytes))
    }

    /// The tree hash of a MiB-aligned range: the pool's leaf hashes for the
    /// chunks no patch touches, the bytes' for the others.
    pub fn tree_hash(&mut self, archive: VirtualArchive, range: ByteRange) -> io::Result<TreeHash> {
        let mut combiner = NodeCombiner::new();
        for chunk in range.start / MIB..=range.end / MIB {
            let leaf = match self.chunk(archive, chunk)? {
                Some(bytes) => sha256(&bytes),
                None => archive.leaf_hash(chunk),
            };
            combiner.push(leaf);
        }
        Ok(combiner.finish())
    }

    /// The archive's bytes of `range`, gathered (for tests and small reads).
    pub fn bytes(&mut self, archive: VirtualArchive, range: ByteRange) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(range.len() as usize);
        for chunk in range.start / MIB..=range.end / MIB {
            let (from, to) = archive.chunk_slice(chunk, range);
            match self.chunk(archive, chunk)? {
                Some(bytes) => out.extend_from_slice(&bytes[from..=to]),
                None => out.extend_from_slice(&archive.pool_chunk(chunk)[from..=to]),
            }
        }
        Ok(out)
    }
}

/// The tree hash of a MiB-aligned range of a patched archive whose file is at `path`.
pub fn range_tree_hash(
    path: PathBuf,
    archive: VirtualArchive,
    range: ByteRange,
) -> io::Result<TreeHash> {
    Patches::read(File::open(path)?)?.tree_hash(archive, range)
}

/// A stream of the bytes of `range`: untouched chunks are slices of the pool,
/// touched ones are read (off the async threads) and patched.
pub fn open_range(
    path: PathBuf,
    archive: VirtualArchive,
    range: ByteRange,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    let opened = async move {
        let patches = blocking(move || Patches::read(File::open(path)?)).await?;
        let patches = Arc::new(Mutex::new(patches));
        let chunks = stream::iter(range.start / MIB..=range.end / MIB).then(move |chunk| {
            let patches = Arc::clone(&patches);
            async move {
                let patched = blocking(move || {
                    let mut patches = patches.lock().map_err(|_| short("a reader panicked"))?;
                    patches.chunk(archive, chunk)
                })
                .await?;
                let (from, to) = archive.chunk_slice(chunk, range);
                Ok::<_, io::Error>(match patched {
                    Some(bytes) => Bytes::from(bytes).slice(from..=to),
                    None => archive.pool_chunk(chunk).slice(from..=to),
                })
            }
        });
        Ok::<_, io::Error>(chunks)
    };
    stream::once(opened).try_flatten()
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|err| Err(io::Error::other(err)))
}

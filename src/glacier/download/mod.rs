//! Downloading a finished job's output in chunks: each chunk verified against
//! Glacier's checksum when it sends one, the whole against DescribeJob's tree hash,
//! and resumable after a crash, a full disk or a persistent fault.
//!
//! Files: bytes go to `DEST.part` at `archive_offset + chunk offset`; verified
//! chunks are listed in `DEST.part.progress` (see [`progress`]), and
//! `DEST.part.progress.lock` keeps a second process off the same download. Only
//! a fully verified output is renamed to `DEST`. All of them live in the
//! destination's confined folder: none is ever opened through a link.
//!
//! Assembling an archive from several range jobs (a split plan): run each range's
//! download with `keep_part: true` and its range start as `archive_offset`; they
//! share `DEST.part` and each keeps its own progress file. When all have succeeded,
//! [`finish_part`] checks that their progress files cover every byte (the file's
//! length cannot tell: the last range downloaded first leaves a hole before it)
//! and the whole tree hash, and only then renames it. A download with `keep_part: false` renames as soon as its own
//! output is verified, which is right for a whole archive or a single range.

mod disk;
mod error;
mod fetch;
mod plan;
mod progress;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt, stream};

pub use disk::finish_part;
pub use error::DownloadError;
pub use fetch::MAX_ATTEMPTS;
pub use plan::{
    Chunk, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, chunk_count, default_chunk_size, plan_chunks,
    validate_chunk_size,
};
pub use progress::{progress_name, progress_path};

use crate::confined::{ConfinedDir, ConfinedError};
use crate::domain::treehash::{TreeHash, combine_pieces};
use crate::glacier::GlacierApi;
use fetch::{BufferPool, Source, fetch_chunk};
use progress::Header;

/// Chunks in flight when the caller has no preference.
pub const DEFAULT_PARALLEL: usize = 4;

/// One job output to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRequest {
    pub vault: String,
    pub job_id: String,
    /// Bytes of output: DescribeJob's ArchiveSizeInBytes for a whole archive, or
    /// the retrieved range's length.
    pub output_length: u64,
    /// DescribeJob's SHA256TreeHash when Glacier gave one (whole archive, or a
    /// tree-aligned range).
    pub expected_tree_hash: Option<TreeHash>,
    /// Where the output's first byte goes in the destination file: 0 for a whole
    /// archive, the range's start for a range job.
    pub archive_offset: u64,
    /// The final file, in a folder the caller opened confined.
    pub destination: Destination,
    /// Bytes per chunk: a power of two number of MiB (see [`default_chunk_size`]).
    pub chunk_size: u64,
    /// Chunks in flight; each holds a few MiB in memory, whatever its size.
    pub parallel: usize,
    pub overwrite: bool,
    /// Leave the verified output in `DEST.part` for [`finish_part`] instead of
    /// renaming it (for the range jobs of a split plan).
    pub keep_part: bool,
}

/// Reported after each verified chunk (and once at the start, counting resumed ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    pub verified_bytes: u64,
    pub total_bytes: u64,
    pub retried_chunks: u32,
}

/// A verified download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadOutcome {
    /// `DEST`, or `DEST.part` when the request asked to keep it.
    pub path: PathBuf,
    /// The output's tree hash, from the chunk hashes.
    pub tree_hash: TreeHash,
    /// Chunks an earlier run had verified, not fetched again.
    pub resumed_chunks: u64,
    /// Chunks that needed more than one request.
    pub retried_chunks: u32,
    /// A progress file for another download (job, length, chunk size or offset)
    /// was found and discarded.
    pub started_over: bool,
}

/// Where a download ends: one file name in a confined folder. `NAME.part`, its
/// progress files and its lock sit beside it.
#[derive(Debug, Clone)]
pub struct Destination {
    pub dir: Arc<ConfinedDir>,
    /// One name, never a path.
    pub file_name: String,
}

impl Destination {
    /// `path`'s file name in `path`'s folder, which is opened as given (the
    /// caller chose it); nothing below it is ever reached through a link.
    pub fn at(path: &std::path::Path) -> Result<Self, ConfinedError> {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => std::path::Path::new("."),
        };
        let file_name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| ConfinedError::NotAName {
                name: path.display().to_string(),
            })?;
        Ok(Self {
            dir: Arc::new(ConfinedDir::open(folder)?),
            file_name: file_name.to_owned(),
        })
    }

    /// The file as shown to the user.
    pub fn shown(&self) -> PathBuf {
        self.dir.shown_child(&self.file_name)
    }

    /// `NAME.part`.
    pub fn part_name(&self) -> String {
        format!("{}.part", self.file_name)
    }

    /// `NAME.part` as shown to the user.
    pub fn part_shown(&self) -> PathBuf {
        self.dir.shown_child(&self.part_name())
    }
}

impl PartialEq for Destination {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.dir, &other.dir) && self.file_name == other.file_name
    }
}

impl Eq for Destination {}

/// Downloads, verifies and (unless `keep_part`) renames one job's output.
pub async fn download<G: GlacierApi>(
    api: &G,
    request: &DownloadRequest,
    mut progress: impl FnMut(DownloadProgress),
) -> Result<DownloadOutcome, DownloadError> {
    validate_chunk_size(request.chunk_size)?;
    if request.parallel == 0 {
        return Err(DownloadError::NoParallelism);
    }
    disk::refuse_existing(&request.destination, request.overwrite)?;
    let header = Header {
        job_id: request.job_id.clone(),
        output_length: request.output_length,
        chunk_size: request.chunk_size,
        archive_offset: request.archive_offset,
    };
    let prepared = disk::prepare(request.destination.clone(), header).await?;
    let part = prepared.writer.part_path().to_path_buf();
    if prepared.started_over {
        tracing::info!(
            "the progress file beside {} belonged to another download; starting over",
            part.display()
        );
    }
    let resumed_chunks = prepared.kept.len() as u64;
    let writer = Arc::new(prepared.writer);
    let fetched = fetch_missing(api, request, &writer, prepared.kept, &mut progress).await?;
    // The map is ordered by chunk index, and every chunk but the last is the same
    // 2^k MiB, aligned: exactly what combine_pieces requires.
    let pieces: Vec<TreeHash> = fetched.hashes.into_values().collect();
    let tree_hash = combine_pieces(&pieces);
    if let Some(expected) = request.expected_tree_hash
        && expected != tree_hash
    {
        return Err(DownloadError::WholeMismatch {
            expected,
            actual: tree_hash,
            part,
        });
    }
    let path = if request.keep_part {
        writer.sync().await?;
        part
    } else {
        let end = request.archive_offset + request.output_length;
        writer.finish(end, request.overwrite).await?;
        request.destination.shown()
    };
    Ok(DownloadOutcome {
        path,
        tree_hash,
        resumed_chunks,
        retried_chunks: fetched.retried_chunks,
        started_over: prepared.started_over,
    })
}

/// Every chunk's tree hash once all are verified on disk.
struct Fetched {
    hashes: BTreeMap<u64, TreeHash>,
    retried_chunks: u32,
}

/// Fetches, verifies and records the chunks an earlier run did not keep,
/// `request.parallel` at a time, reporting after each.
async fn fetch_missing<G: GlacierApi>(
    api: &G,
    request: &DownloadRequest,
    writer: &Arc<disk::Writer>,
    mut hashes: BTreeMap<u64, TreeHash>,
    progress: &mut impl FnMut(DownloadProgress),
) -> Result<Fetched, DownloadError> {
    let chunks: Vec<Chunk> = plan_chunks(request.output_length, request.chunk_size).collect();
    let (kept, wanted): (Vec<Chunk>, Vec<Chunk>) = chunks
        .into_iter()
        .partition(|chunk| hashes.contains_key(&chunk.index));
    let mut report = DownloadProgress {
        verified_bytes: kept.iter().map(Chunk::len).sum(),
        total_bytes: request.output_length,
        retried_chunks: 0,
    };
    progress(report);
    let buffers = BufferPool::default();
    let source = Source {
        vault: &request.vault,
        job_id: &request.job_id,
        part: writer.part_path(),
        writer,
        archive_offset: request.archive_offset,
        buffers: &buffers,
    };
    let mut fetched = stream::iter(wanted)
        .map(|chunk| fetch_chunk(api, &source, chunk))
        .buffer_unordered(request.parallel);
    // Each chunk is written, synced and recorded inside its own fetch, so the
    // chunks in flight never wait on one another's disk work.
    while let Some(chunk) = fetched.try_next().await? {
        hashes.insert(chunk.chunk.index, chunk.tree_hash);
        report.verified_bytes += chunk.chunk.len();
        report.retried_chunks += u32::from(chunk.retried);
        progress(report);
    }
    Ok(Fetched {
        hashes,
        retried_chunks: report.retried_chunks,
    })
}

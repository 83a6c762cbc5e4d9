//! Fetching one chunk and verifying it, with bounded retries. The bytes stream
//! into `DEST.part` as they arrive, a few MiB at a time, so memory stays small
//! whatever the chunk size; the chunk is recorded only once all of it checks out.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;

use super::DownloadError;
use super::disk::{self, PendingWrite, Writer};
use super::plan::Chunk;
use crate::domain::treehash::{TreeHash, TreeHasher};
use crate::glacier::{ByteChunks, GlacierApi, GlacierError};

/// Tries per chunk before giving up. A flipped byte, a dropped or a stalled
/// connection is usually a one-off; one that survives three fresh requests is not.
pub const MAX_ATTEMPTS: u32 = 3;

/// Bytes gathered before they are written; one batch is written while the next
/// fills, so a chunk in flight holds two.
const WRITE_BATCH: usize = 1 << 20;

/// A chunk written, synced, verified as far as the response allows, and recorded.
pub struct Fetched {
    pub chunk: Chunk,
    pub tree_hash: TreeHash,
    /// It took more than one request.
    pub retried: bool,
}

/// Who the chunk belongs to, for requests and error messages, and where its
/// bytes go.
pub struct Source<'a> {
    pub vault: &'a str,
    pub job_id: &'a str,
    pub part: &'a Path,
    pub writer: &'a Arc<Writer>,
    /// Where the output's first byte goes in `DEST.part`.
    pub archive_offset: u64,
    pub buffers: &'a BufferPool,
}

/// Write batches shared by the chunks in flight, so the download allocates two
/// per chunk in flight once, instead of fresh ones for every chunk (which the
/// allocator may not give back to the system).
#[derive(Default)]
pub struct BufferPool {
    free: std::sync::Mutex<Vec<Vec<u8>>>,
}

impl BufferPool {
    fn take(&self) -> Vec<u8> {
        self.lock()
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(WRITE_BATCH))
    }

    fn give(&self, mut buffer: Vec<u8>) {
        if buffer.capacity() < WRITE_BATCH {
            return;
        }
        buffer.clear();
        self.lock().push(buffer);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Vec<u8>>> {
        // The list stays valid even if a holder panicked: it only holds buffers.
        self.free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Why one request's bytes cannot be kept.
enum Failure {
    /// The bytes arrived wrong (short, long, or not matching the checksum).
    Unverified(String),
    /// Nothing came for the stall timeout: no answer, or no more of the body.
    Stalled,
    Glacier(GlacierError),
    /// Writing them failed: not worth another request.
    Disk(DownloadError),
}

/// Fetches `chunk` into place until its length and (when the service sends one)
/// its tree hash check out, at most [`MAX_ATTEMPTS`] times; then records it.
pub async fn fetch_chunk<G: GlacierApi>(
    api: &G,
    source: &Source<'_>,
    chunk: Chunk,
) -> Result<Fetched, DownloadError> {
    let mut tries = Tries {
        source,
        chunk,
        stall_timeout: api.stall_timeout(),
        attempt: 1,
        stalls: 0,
    };
    loop {
        let reason = match fetch_once(api, source, chunk).await {
            Ok(tree_hash) => {
                disk::record_chunk(Arc::clone(source.writer), chunk.index, tree_hash).await?;
                return Ok(Fetched {
                    chunk,
                    tree_hash,
                    retried: tries.attempt > 1,
                });
            }
            Err(failure) => tries.judge(failure)?,
        };
        tracing::warn!(
            first = chunk.first,
            last = chunk.last,
            attempt = tries.attempt,
            "refetching a chunk: {reason}"
        );
        // A short pause, so a transient fault on the service has a moment to clear.
        tokio::time::sleep(Duration::from_millis(50 * u64::from(tries.attempt))).await;
        tries.attempt += 1;
    }
}

/// The tries of one chunk so far.
struct Tries<'a> {
    source: &'a Source<'a>,
    chunk: Chunk,
    stall_timeout: Duration,
    attempt: u32,
    /// Tries that stalled.
    stalls: u32,
}

impl Tries<'_> {
    /// Why the try failed, when another is worth it; otherwise the error to stop
    /// with, which says what went wrong the last time.
    fn judge(&mut self, failure: Failure) -> Result<String, DownloadError> {
        let last = self.attempt >= MAX_ATTEMPTS;
        let (job_id, first, last_byte) = (
            self.source.job_id.to_owned(),
            self.chunk.first,
            self.chunk.last,
        );
        let part = self.source.part.to_path_buf();
        match failure {
            Failure::Unverified(reason) if last => Err(DownloadError::ChunkUnverified {
                job_id,
                first,
                last: last_byte,
                attempts: self.attempt,
                reason,
                part,
            }),
            Failure::Unverified(reason) => Ok(reason),
            Failure::Stalled => {
                self.stalls += 1;
                if !last {
                    return Ok(format!("no bytes came for {:?}", self.stall_timeout));
                }
                Err(DownloadError::Stalled {
                    job_id,
                    first,
                    last: last_byte,
                    after: self.stall_timeout,
                    times: self.stalls,
                    part,
                })
            }
            Failure::Glacier(err) if GlacierError::is_transient(&err) && !last => {
                Ok(err.to_string())
            }
            Failure::Glacier(err) => Err(DownloadError::Glacier {
                job_id,
                first,
                last: last_byte,
                part,
                source: err,
            }),
            Failure::Disk(err) => Err(err),
        }
    }
}

/// One request, its bytes written into place: their tree hash, or why they
/// cannot be trusted or the request failed.
async fn fetch_once<G: GlacierApi>(
    api: &G,
    source: &Source<'_>,
    chunk: Chunk,
) -> Result<TreeHash, Failure> {
    let stall = api.stall_timeout();
    let request = api.get_job_output(source.vault, source.job_id, Some((chunk.first, chunk.last)));
    let mut output = tokio::time::timeout(stall, request)
        .await
        .map_err(|_| Failure::Stalled)?
        .map_err(Failure::Glacier)?;
    let wanted = chunk.len();
    if output.content_length != wanted {
        return Err(Failure::Unverified(format!(
            "Glacier announced {} bytes for a {wanted}-byte range",
            output.content_length
        )));
    }
    let mut spool = Spool {
        writer: source.writer,
        buffers: source.buffers,
        next_offset: source.archive_offset + chunk.first,
        batch: source.buffers.take(),
        pending: None,
    };
    let mut hasher = TreeHasher::new();
    // Every write of this attempt ends before the next attempt writes the same
    // place, or before the chunk is recorded.
    let body = Body {
        chunks: &mut output.body,
        stall,
    };
    let received = match receive(body, &mut spool, &mut hasher, wanted).await {
        Ok(received) => {
            spool.finish().await.map_err(Failure::Disk)?;
            received
        }
        Err(failure) => {
            spool.settle().await;
            return Err(failure);
        }
    };
    if received != wanted {
        return Err(Failure::Unverified(format!(
            "the body ended after {received} of {wanted} bytes"
        )));
    }
    let tree_hash = hasher.finish();
    match output.checksum {
        Some(sent) if sent != tree_hash => Err(Failure::Unverified(format!(
            "its tree hash is {tree_hash} but Glacier's checksum header says {sent}"
        ))),
        _ => Ok(tree_hash),
    }
}

/// A response body and how long it may be silent.
struct Body<'a> {
    chunks: &'a mut ByteChunks,
    stall: Duration,
}

impl Body<'_> {
    /// The next piece, or the end; [`Failure::Stalled`] when nothing comes for
    /// the stall timeout (a read timeout, as the body has no deadline of its own).
    async fn next(&mut self) -> Result<Option<Result<bytes::Bytes, GlacierError>>, Failure> {
        tokio::time::timeout(self.stall, self.chunks.next())
            .await
            .map_err(|_| Failure::Stalled)
    }
}

/// Streams the body through the hasher into the spool; returns the bytes received.
async fn receive(
    mut body: Body<'_>,
    spool: &mut Spool<'_>,
    hasher: &mut TreeHasher,
    wanted: u64,
) -> Result<u64, Failure> {
    let mut received: u64 = 0;
    while let Some(piece) = body.next().await? {
        let piece = piece.map_err(|err| {
            Failure::Unverified(format!(
                "the body broke off after {received} of {wanted} bytes: {err}"
            ))
        })?;
        if received + piece.len() as u64 > wanted {
            return Err(Failure::Unverified(format!(
                "Glacier sent more than the {wanted} bytes asked for"
            )));
        }
        hasher.update(&piece);
        received += piece.len() as u64;
        spool.push(&piece).await.map_err(Failure::Disk)?;
    }
    Ok(received)
}

/// A chunk's bytes on their way to `DEST.part`: one batch filling while the one
/// before is written.
struct Spool<'a> {
    writer: &'a Arc<Writer>,
    buffers: &'a BufferPool,
    next_offset: u64,
    batch: Vec<u8>,
    pending: Option<PendingWrite>,
}

impl Spool<'_> {
    async fn push(&mut self, piece: &[u8]) -> Result<(), DownloadError> {
        // Written before it would outgrow its capacity, so a batch never grows.
        if !self.batch.is_empty() && self.batch.len() + piece.len() > WRITE_BATCH {
            self.write_batch().await?;
        }
        self.batch.extend_from_slice(piece);
        Ok(())
    }

    /// Waits for the write in progress, then starts writing the batch.
    async fn write_batch(&mut self) -> Result<(), DownloadError> {
        let emptied = match self.pending.take() {
            Some(pending) => pending.done().await?,
            None => self.buffers.take(),
        };
        let full = std::mem::replace(&mut self.batch, emptied);
        let offset = self.next_offset;
        self.next_offset += full.len() as u64;
        self.pending = Some(disk::start_write(self.writer, offset, full));
        Ok(())
    }

    /// Writes what is left, waits for every write and returns the buffers.
    async fn finish(mut self) -> Result<(), DownloadError> {
        if !self.batch.is_empty() {
            self.write_batch().await?;
        }
        let last = match self.pending.take() {
            Some(pending) => pending.done().await?,
            None => Vec::new(),
        };
        self.buffers.give(last);
        self.buffers.give(self.batch);
        Ok(())
    }

    /// Waits for the write in progress, whatever it gives (the attempt is being
    /// abandoned anyway), and returns the buffers.
    async fn settle(mut self) {
        if let Some(pending) = self.pending.take()
            && let Ok(buffer) = pending.done().await
        {
            self.buffers.give(buffer);
        }
        self.buffers.give(self.batch);
    }
}

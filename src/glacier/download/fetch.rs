//! Fetching one chunk into memory and verifying it, with bounded retries.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;

use super::DownloadError;
use super::plan::Chunk;
use crate::domain::treehash::{TreeHash, TreeHasher};
use crate::glacier::{GlacierApi, GlacierError};

/// Tries per chunk before giving up. A flipped byte or a dropped connection is
/// usually a one-off; one that survives three fresh requests is not.
pub const MAX_ATTEMPTS: u32 = 3;

/// A chunk's bytes, verified as far as the response allows.
pub struct Fetched {
    pub chunk: Chunk,
    pub bytes: Vec<u8>,
    pub tree_hash: TreeHash,
    /// It took more than one request.
    pub retried: bool,
}

/// Who the chunk belongs to, for requests and error messages.
pub struct Source<'a> {
    pub vault: &'a str,
    pub job_id: &'a str,
    pub part: &'a Path,
}

/// Fetches `chunk` until its length and (when the service sends one) its tree hash
/// check out, at most [`MAX_ATTEMPTS`] times.
pub async fn fetch_chunk<G: GlacierApi>(
    api: &G,
    source: &Source<'_>,
    chunk: Chunk,
) -> Result<Fetched, DownloadError> {
    let mut attempt = 1;
    loop {
        let reason = match fetch_once(api, source, chunk).await {
            Ok(Ok((bytes, tree_hash))) => {
                return Ok(Fetched {
                    chunk,
                    bytes,
                    tree_hash,
                    retried: attempt > 1,
                });
            }
            Ok(Err(reason)) => reason,
            Err(err) if is_transient(&err) && attempt < MAX_ATTEMPTS => err.to_string(),
            Err(err) => {
                return Err(DownloadError::Glacier {
                    job_id: source.job_id.to_owned(),
                    first: chunk.first,
                    last: chunk.last,
                    part: source.part.to_path_buf(),
                    source: err,
                });
            }
        };
        if attempt >= MAX_ATTEMPTS {
            return Err(DownloadError::ChunkUnverified {
                job_id: source.job_id.to_owned(),
                first: chunk.first,
                last: chunk.last,
                attempts: attempt,
                reason,
                part: source.part.to_path_buf(),
            });
        }
        tracing::warn!(
            first = chunk.first,
            last = chunk.last,
            attempt,
            "refetching a chunk: {reason}"
        );
        // A short pause, so a transient fault on the service has a moment to clear.
        tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
        attempt += 1;
    }
}

/// One request: the bytes and their tree hash, or why they cannot be trusted
/// (inner error), or why the request failed (outer error).
async fn fetch_once<G: GlacierApi>(
    api: &G,
    source: &Source<'_>,
    chunk: Chunk,
) -> Result<Result<(Vec<u8>, TreeHash), String>, GlacierError> {
    let mut output = api
        .get_job_output(source.vault, source.job_id, Some((chunk.first, chunk.last)))
        .await?;
    let wanted = chunk.len();
    if output.content_length != wanted {
        return Ok(Err(format!(
            "Glacier announced {} bytes for a {wanted}-byte range",
            output.content_length
        )));
    }
    // Only a capacity hint: the chunk size was validated to fit in memory.
    let mut bytes = Vec::with_capacity(usize::try_from(wanted).unwrap_or(0));
    let mut hasher = TreeHasher::new();
    while let Some(piece) = output.body.next().await {
        let piece = match piece {
            Ok(piece) => piece,
            Err(err) => {
                return Ok(Err(format!(
                    "the body broke off after {} of {wanted} bytes: {err}",
                    bytes.len()
                )));
            }
        };
        if bytes.len() as u64 + piece.len() as u64 > wanted {
            return Ok(Err(format!(
                "Glacier sent more than the {wanted} bytes asked for"
            )));
        }
        hasher.update(&piece);
        bytes.extend_from_slice(&piece);
    }
    if bytes.len() as u64 != wanted {
        return Ok(Err(format!(
            "the body ended after {} of {wanted} bytes",
            bytes.len()
        )));
    }
    let tree_hash = hasher.finish();
    match output.checksum {
        Some(sent) if sent != tree_hash => Ok(Err(format!(
            "its tree hash is {tree_hash} but Glacier's checksum header says {sent}"
        ))),
        _ => Ok(Ok((bytes, tree_hash))),
    }
}

/// Failures that a fresh request may not meet again.
fn is_transient(err: &GlacierError) -> bool {
    matches!(
        err,
        GlacierError::ServerError { .. }
            | GlacierError::Throttled { .. }
            | GlacierError::Network { .. }
            | GlacierError::Timeout { .. }
            | GlacierError::Body { .. }
    )
}

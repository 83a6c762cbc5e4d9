//! Receiving an upload body into a temporary file while computing its tree hash
//! and SHA-256, never holding the whole body in memory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use axum::{body::Body, http::HeaderMap};
use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::sync::mpsc;

use crate::domain::treehash::{TreeHash, TreeHasher};
use crate::sandbox::archives::{ReceivedBody, check_checksums, parse_digest_header};
use crate::sandbox::error::{GlacierError, GlacierResult};

/// Chunks in flight between the network and the writer thread.
const QUEUE_DEPTH: usize = 16;
const WRITE_BUFFER: usize = 1 << 20;

/// A body on disk. The file is removed when this is dropped without being kept,
/// so an aborted or refused upload leaves nothing behind.
pub struct ReceivedFile {
    pub file: TempPath,
    pub body: ReceivedBody,
}

/// The checksums a client claims for its body.
pub struct ClaimedChecksums {
    pub tree_hash: TreeHash,
    pub sha256: TreeHash,
}

pub fn claimed_checksums(headers: &HeaderMap) -> GlacierResult<ClaimedChecksums> {
    let header = |name: &str| headers.get(name).map(|value| value.as_bytes());
    Ok(ClaimedChecksums {
        tree_hash: parse_digest_header("x-amz-sha256-tree-hash", header("x-amz-sha256-tree-hash"))?,
        sha256: parse_digest_header("x-amz-content-sha256", header("x-amz-content-sha256"))?,
    })
}

/// Streams `body` (announced as `content_length` bytes) into a temporary file in
/// `dir`, hashing on a blocking thread, and checks it against `claimed`.
pub async fn receive(
    body: Body,
    dir: &Path,
    content_length: u64,
    claimed: &ClaimedChecksums,
) -> GlacierResult<ReceivedFile> {
    let (file, path) = tempfile::Builder::new()
        .prefix(".incoming-")
        .tempfile_in(dir)
        .map_err(storage_error)?
        .into_parts();
    let (sender, receiver) = mpsc::channel::<Bytes>(QUEUE_DEPTH);
    let writer = tokio::task::spawn_blocking(move || write_and_hash(file, receiver));
    let mut stream = body.into_data_stream();
    let mut received: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| {
            GlacierError::request_timeout(format!("The upload body was cut short: {err}"))
        })?;
        received += chunk.len() as u64;
        if received > content_length {
            return Err(length_mismatch(content_length));
        }
        if sender.send(chunk).await.is_err() {
            break; // The writer failed; its error is reported below.
        }
    }
    drop(sender);
    let body = writer
        .await
        .map_err(|err| GlacierError::service_unavailable(err.to_string()))?
        .map_err(storage_error)?;
    if body.size != content_length {
        return Err(length_mismatch(content_length));
    }
    check_checksums(&body, claimed.tree_hash, claimed.sha256)?;
    Ok(ReceivedFile { file: path, body })
}

fn write_and_hash(file: File, mut chunks: mpsc::Receiver<Bytes>) -> std::io::Result<ReceivedBody> {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut tree = TreeHasher::new();
    let mut linear = Sha256::new();
    let mut size: u64 = 0;
    while let Some(chunk) = chunks.blocking_recv() {
        tree.update(&chunk);
        linear.update(&chunk);
        out.write_all(&chunk)?;
        size += chunk.len() as u64;
    }
    out.flush()?;
    Ok(ReceivedBody {
        size,
        tree_hash: tree.finish(),
        sha256: TreeHash(linear.finalize().into()),
    })
}

fn length_mismatch(content_length: u64) -> GlacierError {
    GlacierError::invalid_parameter(format!(
        "The body does not hold the {content_length} bytes Content-Length announced"
    ))
}

pub fn storage_error(err: std::io::Error) -> GlacierError {
    GlacierError::service_unavailable(format!("The sandbox could not store the upload: {err}"))
}

/// The `Content-Length` header, required for uploads.
pub fn content_length(headers: &HeaderMap) -> GlacierResult<u64> {
    crate::sandbox::archives::parse_byte_count(
        "Content-Length",
        headers
            .get(axum::http::header::CONTENT_LENGTH)
            .map(|value| value.as_bytes()),
    )
}

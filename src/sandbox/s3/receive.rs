//! Receiving an object's or a part's body into a temporary file while hashing
//! it, never whole in memory, and checking it against what the request claims:
//! its length, `x-amz-content-sha256`, and a SHA-256 checksum sent as a header
//! or as an aws-chunked trailer.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::sync::mpsc;

use super::checksum::{Sha256Digest, parse_base64_sha256};
use super::chunked::ChunkedDecoder;
use super::error::{S3Failure, S3Result};

/// S3's largest single PUT, object or part.
pub const MAX_PUT_BYTES: u64 = 5 << 30;

const QUEUE_DEPTH: usize = 16;
const WRITE_BUFFER: usize = 1 << 20;

/// The prefix of files being received: a sandbox starting on the directory
/// removes those a killed one left (see `store`).
pub const INCOMING_PREFIX: &str = ".incoming-";

/// A checked body on disk; the file goes when this is dropped unkept.
pub struct ReceivedBody {
    pub file: TempPath,
    pub size: u64,
    pub sha256: Sha256Digest,
    /// The checksum algorithm the client sent a value for (`SHA256`, `CRC32`, …).
    pub checksum_algorithm: Option<String>,
}

/// Streams `body` into a file in `dir` and checks it.
pub async fn receive(headers: &HeaderMap, body: Body, dir: &Path) -> S3Result<ReceivedBody> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let content_sha256 = text("x-amz-content-sha256").unwrap_or_default();
    let chunked = text("content-encoding").is_some_and(|value| value.contains("aws-chunked"))
        || content_sha256.starts_with("STREAMING-");
    let length_header = if chunked {
        "x-amz-decoded-content-length"
    } else {
        "content-length"
    };
    let declared: u64 = text(length_header)
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| {
            S3Failure::new(
                StatusCode::LENGTH_REQUIRED,
                "MissingContentLength",
                "You must provide the Content-Length HTTP header.",
            )
        })?;
    if declared > MAX_PUT_BYTES {
        return Err(S3Failure::new(
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
        )
        .with("ProposedSize", declared.to_string())
        .with("MaxSizeAllowed", MAX_PUT_BYTES.to_string()));
    }
    let (size, sha256, file, trailers) =
        write_body(body, dir, chunked.then(ChunkedDecoder::default)).await?;
    if size != declared {
        return Err(S3Failure::new(
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length HTTP header",
        ));
    }
    if content_sha256.len() == 64 && !content_sha256.eq_ignore_ascii_case(&hex::encode(sha256)) {
        return Err(S3Failure::new(
            StatusCode::BAD_REQUEST,
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ));
    }
    let claimed = claimed_checksum(headers, &trailers);
    if let Some((algorithm, value)) = &claimed
        && algorithm == "SHA256"
        && parse_base64_sha256(value) != Some(sha256)
    {
        return Err(S3Failure::bad_digest("SHA256"));
    }
    Ok(ReceivedBody {
        file,
        size,
        sha256,
        checksum_algorithm: claimed.map(|(algorithm, _)| algorithm),
    })
}

/// The checksum a request carries, header or trailer, as (`SHA256`, value).
fn claimed_checksum(
    headers: &HeaderMap,
    trailers: &[(String, String)],
) -> Option<(String, String)> {
    let from_headers = headers.iter().find_map(|(name, value)| {
        let algorithm = name.as_str().strip_prefix("x-amz-checksum-")?;
        if matches!(algorithm, "algorithm" | "mode" | "type") {
            return None;
        }
        Some((algorithm, value.to_str().ok()?.to_owned()))
    });
    let from_trailers = trailers.iter().find_map(|(name, value)| {
        let algorithm = name.strip_prefix("x-amz-checksum-")?;
        Some((algorithm, value.clone()))
    });
    from_headers
        .or(from_trailers)
        .map(|(algorithm, value)| (algorithm.to_ascii_uppercase(), value))
}

type Written = (u64, Sha256Digest, TempPath, Vec<(String, String)>);

async fn write_body(
    body: Body,
    dir: &Path,
    mut decoder: Option<ChunkedDecoder>,
) -> S3Result<Written> {
    let (file, path) = tempfile::Builder::new()
        .prefix(INCOMING_PREFIX)
        .tempfile_in(dir)
        .map_err(S3Failure::internal)?
        .into_parts();
    let (sender, receiver) = mpsc::channel::<Bytes>(QUEUE_DEPTH);
    let writer = tokio::task::spawn_blocking(move || write_and_hash(file, receiver));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| {
            S3Failure::new(
                StatusCode::BAD_REQUEST,
                "RequestTimeout",
                format!("Your socket connection to the server was not read from or written to within the timeout period ({err})."),
            )
        })?;
        let pieces = match decoder.as_mut() {
            Some(decoder) => decoder.feed(chunk).map_err(|err| {
                S3Failure::new(StatusCode::BAD_REQUEST, "IncompleteBody", err.to_string())
            })?,
            None => vec![chunk],
        };
        for piece in pieces {
            if sender.send(piece).await.is_err() {
                break; // The writer failed; its error is reported below.
            }
        }
    }
    drop(sender);
    let (size, sha256) = writer
        .await
        .map_err(S3Failure::internal)?
        .map_err(S3Failure::internal)?;
    let trailers = match decoder {
        Some(decoder) => decoder.finish().map_err(|err| {
            S3Failure::new(StatusCode::BAD_REQUEST, "IncompleteBody", err.to_string())
        })?,
        None => Vec::new(),
    };
    Ok((size, sha256, path, trailers))
}

fn write_and_hash(
    file: File,
    mut chunks: mpsc::Receiver<Bytes>,
) -> std::io::Result<(u64, Sha256Digest)> {
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    while let Some(chunk) = chunks.blocking_recv() {
        hasher.update(&chunk);
        out.write_all(&chunk)?;
        size += chunk.len() as u64;
    }
    out.flush()?;
    Ok((size, hasher.finalize().into()))
}

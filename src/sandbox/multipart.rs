//! Multipart uploads as rules on the state: part sizes, content ranges, which
//! parts a completion needs and the checksum it must match. The routes move bytes.

pub mod listing;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::error::{GlacierError, GlacierResult};
use super::model::{SandboxState, Vault};
use super::vaults::{AccountContext, vault_mut};
use crate::domain::treehash::{TreeHash, combine_pieces};

pub const MIB: u64 = 1 << 20;
/// Part sizes run from 1 MiB to 4 GiB, in powers of two.
pub const MAX_PART_SIZE: u64 = 4 << 30;
/// Glacier accepts at most 10,000 parts per upload.
pub const MAX_PARTS: u64 = 10_000;
/// Glacier's upload ids are 92 characters, like job ids.
pub const UPLOAD_ID_LEN: usize = 92;
/// How long a repeated CompleteMultipartUpload still returns the same archive.
/// Real time, not scaled: it exists for clients retrying after a network fault.
pub const COMPLETE_REPEAT_WINDOW: Duration = Duration::from_secs(3600);

/// A multipart upload: its parts by index (`start / part_size`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MultipartUpload {
    pub id: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    pub part_size: u64,
    pub parts: BTreeMap<u64, Part>,
    /// Set once completed, so a repeated completion returns the same archive.
    #[serde(default)]
    pub completed: Option<Completion>,
    /// True while the parts are joined into the archive. Not saved: after a crash
    /// the upload is simply open again and can be completed anew.
    #[serde(skip)]
    pub assembling: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub size: u64,
    pub tree_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    pub archive_id: String,
    pub size: u64,
    pub tree_hash: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// An inclusive byte range from a `Content-Range: bytes S-E/*` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    pub start: u64,
    pub end: u64,
}

impl ContentRange {
    /// The number of bytes in the range (never zero: the end is inclusive). Saturates
    /// for `bytes 0-18446744073709551615`, one byte more than a u64 counts, which
    /// then fails the part-size check instead of wrapping to zero bytes.
    pub fn byte_count(self) -> u64 {
        (self.end - self.start).saturating_add(1)
    }
}

/// `x-amz-part-size`: a power-of-two number of MiB from 1 MiB to 4 GiB.
pub fn parse_part_size(header: Option<&[u8]>) -> GlacierResult<u64> {
    let bytes = header.ok_or_else(|| {
        GlacierError::missing_parameter("Required header x-amz-part-size is missing")
    })?;
    let size = std::str::from_utf8(bytes)
        .ok()
        .filter(|text| text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse::<u64>().ok());
    match size {
        Some(size)
            if (MIB..=MAX_PART_SIZE).contains(&size)
                && size % MIB == 0
                && (size / MIB).is_power_of_two() =>
        {
            Ok(size)
        }
        _ => Err(GlacierError::invalid_parameter(format!(
            "Invalid part size: {}; give 1 MiB (1048576) times a power of two, at most 4 GiB (4294967296)",
            String::from_utf8_lossy(bytes)
        ))),
    }
}

/// `Content-Range: bytes START-END/*` (a total instead of `*` is accepted too).
pub fn parse_content_range(header: Option<&[u8]>) -> GlacierResult<ContentRange> {
    let bytes = header.ok_or_else(|| {
        GlacierError::missing_parameter("Required header Content-Range is missing")
    })?;
    let invalid = || {
        GlacierError::invalid_parameter(format!(
            "Invalid Content-Range: {}; give bytes START-END/* with START a multiple of the part size",
            String::from_utf8_lossy(bytes)
        ))
    };
    let text = std::str::from_utf8(bytes).map_err(|_| invalid())?;
    let rest = text.strip_prefix("bytes ").ok_or_else(invalid)?;
    let (range, total) = rest.split_once('/').ok_or_else(invalid)?;
    let (start, end) = range.split_once('-').ok_or_else(invalid)?;
    let number = |digits: &str| {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u64>().ok())
            .flatten()
    };
    let (Some(start), Some(end)) = (number(start), number(end)) else {
        return Err(invalid());
    };
    let total_ok = total == "*" || number(total).is_some_and(|total| total > end);
    if end < start || !total_ok {
        return Err(invalid());
    }
    Ok(ContentRange { start, end })
}

/// Where a part goes: its index. The range must start at a multiple of the part
/// size and hold at most one part, and the body must be exactly the range. A short
/// part is accepted here even if it is not the last; completion refuses it, as
/// Glacier does.
pub fn part_index(
    upload: &MultipartUpload,
    range: ContentRange,
    content_length: u64,
) -> GlacierResult<u64> {
    let part_size = upload.part_size;
    if !range.start.is_multiple_of(part_size) || range.byte_count() > part_size {
        return Err(GlacierError::invalid_parameter(format!(
            "Content-Range bytes {}-{} does not align with the part size {part_size}: a part starts at a multiple of it and holds at most that many bytes",
            range.start, range.end
        )));
    }
    if range.byte_count() != content_length {
        return Err(GlacierError::invalid_parameter(format!(
            "Content-Range bytes {}-{} holds {} bytes but Content-Length is {content_length}",
            range.start,
            range.end,
            range.byte_count()
        )));
    }
    let index = range.start / part_size;
    if index >= MAX_PARTS {
        return Err(GlacierError::invalid_parameter(format!(
            "Content-Range bytes {}-{} is part {} of the upload; an upload has at most {MAX_PARTS} parts",
            range.start,
            range.end,
            index + 1
        )));
    }
    Ok(index)
}

/// InitiateMultipartUpload: a new open upload in `vault`; returns its id.
pub fn initiate(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault: &str,
    description: String,
    part_size: u64,
    now: OffsetDateTime,
) -> GlacierResult<String> {
    vault_mut(state, ctx, vault)?;
    let id = state.next_id(UPLOAD_ID_LEN, b"upload", vault.as_bytes());
    let upload = MultipartUpload {
        id: id.clone(),
        description,
        created: now,
        part_size,
        parts: BTreeMap::new(),
        completed: None,
        assembling: false,
    };
    let vault = vault_mut(state, ctx, vault)?;
    forget_old_completions(vault, now);
    vault.uploads.insert(id.clone(), upload);
    Ok(id)
}

fn upload_not_found(upload_id: &str) -> GlacierError {
    GlacierError::not_found(format!(
        "Multipart upload not found for upload ID: {upload_id}"
    ))
}

/// An upload that is neither completed nor aborted.
pub fn open_upload<'a>(vault: &'a Vault, upload_id: &str) -> GlacierResult<&'a MultipartUpload> {
    vault
        .uploads
        .get(upload_id)
        .filter(|upload| upload.completed.is_none())
        .ok_or_else(|| upload_not_found(upload_id))
}

/// An open upload that may change now (not being completed at this moment).
pub fn changeable_upload<'a>(
    state: &'a mut SandboxState,
    ctx: &AccountContext,
    vault: &str,
    upload_id: &str,
) -> GlacierResult<&'a mut MultipartUpload> {
    let upload = vault_mut(state, ctx, vault)?
        .uploads
        .get_mut(upload_id)
        .filter(|upload| upload.completed.is_none())
        .ok_or_else(|| upload_not_found(upload_id))?;
    if upload.assembling {
        return Err(GlacierError::invalid_parameter(format!(
            "Multipart upload {upload_id} is being completed; wait for the completion to answer"
        )));
    }
    Ok(upload)
}

/// AbortMultipartUpload: the upload is gone; its part files may be removed.
pub fn abort(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault: &str,
    upload_id: &str,
) -> GlacierResult<()> {
    changeable_upload(state, ctx, vault, upload_id)?;
    vault_mut(state, ctx, vault)?.uploads.remove(upload_id);
    Ok(())
}

/// What a CompleteMultipartUpload request leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completing {
    /// The same completion was already done: answer with the same archive.
    Repeat { archive_id: String },
    /// Join these parts, in this order, into the archive.
    Assemble {
        description: String,
        part_indexes: Vec<u64>,
    },
}

/// Checks a completion request and, when it is valid, marks the upload as being
/// assembled so no part changes underneath.
pub fn begin_completion(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault: &str,
    upload_id: &str,
    archive_size: u64,
    tree_hash: TreeHash,
) -> GlacierResult<Completing> {
    let upload = vault_mut(state, ctx, vault)?
        .uploads
        .get(upload_id)
        .ok_or_else(|| upload_not_found(upload_id))?;
    if let Some(done) = &upload.completed {
        if done.size == archive_size && done.tree_hash == tree_hash.to_string() {
            return Ok(Completing::Repeat {
                archive_id: done.archive_id.clone(),
            });
        }
        return Err(upload_not_found(upload_id));
    }
    let upload = changeable_upload(state, ctx, vault, upload_id)?;
    let part_indexes = check_completion(upload, archive_size, tree_hash)?;
    upload.assembling = true;
    Ok(Completing::Assemble {
        description: upload.description.clone(),
        part_indexes,
    })
}

/// The parts must cover `0..archive_size` exactly, every part but the last must be
/// a whole part, and their hashes must combine to `tree_hash`.
pub fn check_completion(
    upload: &MultipartUpload,
    archive_size: u64,
    tree_hash: TreeHash,
) -> GlacierResult<Vec<u64>> {
    let part_size = upload.part_size;
    if archive_size == 0 {
        return Err(GlacierError::invalid_parameter(
            "Invalid x-amz-archive-size: 0; a multipart upload holds at least one byte",
        ));
    }
    let expected_parts = archive_size.div_ceil(part_size);
    let mut hashes = Vec::new();
    for index in 0..expected_parts {
        let start = index * part_size;
        let want = part_size.min(archive_size - start);
        let part = upload.parts.get(&index).ok_or_else(|| {
            GlacierError::invalid_parameter(format!(
                "Missing content range: bytes {start}-{} was never uploaded",
                start + want - 1
            ))
        })?;
        if part.size != want {
            return Err(GlacierError::invalid_parameter(format!(
                "Invalid x-amz-archive-size: {archive_size}; the part at bytes {start}- holds {} bytes where the archive size calls for {want}",
                part.size
            )));
        }
        hashes.push(stored_hash(&part.tree_hash)?);
    }
    if let Some((&index, _)) = upload.parts.range(expected_parts..).next() {
        return Err(GlacierError::invalid_parameter(format!(
            "Invalid x-amz-archive-size: {archive_size}; a part was uploaded at bytes {}-, past the end",
            index * part_size
        )));
    }
    let combined = combine_pieces(&hashes);
    if combined != tree_hash {
        return Err(GlacierError::invalid_parameter(format!(
            "Checksum mismatch: expected {combined} (calculated from the parts), got {tree_hash}"
        )));
    }
    Ok((0..expected_parts).collect())
}

fn stored_hash(text: &str) -> GlacierResult<TreeHash> {
    text.parse()
        .map_err(|_| GlacierError::service_unavailable(format!("Damaged part checksum {text}")))
}

/// Ends an assembly that failed: the upload is open again, parts unchanged.
pub fn cancel_assembly(state: &mut SandboxState, vault: &str, upload_id: &str) {
    if let Some(upload) = state
        .vaults
        .get_mut(vault)
        .and_then(|vault| vault.uploads.get_mut(upload_id))
    {
        upload.assembling = false;
    }
}

/// Records a finished completion: the upload keeps only what a repeat needs.
pub fn finish_completion(
    state: &mut SandboxState,
    vault: &str,
    upload_id: &str,
    completion: Completion,
) {
    if let Some(upload) = state
        .vaults
        .get_mut(vault)
        .and_then(|vault| vault.uploads.get_mut(upload_id))
    {
        upload.parts.clear();
        upload.assembling = false;
        upload.completed = Some(completion);
    }
}

/// Forgets completions older than the repeat window.
pub fn forget_old_completions(vault: &mut Vault, now: OffsetDateTime) {
    vault.uploads.retain(|_, upload| {
        upload
            .completed
            .as_ref()
            .is_none_or(|done| now - done.at < COMPLETE_REPEAT_WINDOW)
    });
}

#[cfg(test)]
#[path = "multipart_tests.rs"]
mod tests;

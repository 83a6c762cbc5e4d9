//! UploadArchive and DeleteArchive as rules on the state: header checks, checksum
//! comparison, archive ids and deletion tombstones. The routes move the bytes.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::error::{GlacierError, GlacierResult};
use super::ids::ARCHIVE_ID_LEN;
use super::model::{Archive, ArchiveContent, JobKind, SandboxState};
use super::vaults::{AccountContext, vault_mut};
use crate::domain::treehash::TreeHash;

/// The largest archive one UploadArchive request may carry (4 GiB); larger ones
/// need a multipart upload.
pub const MAX_SINGLE_UPLOAD: u64 = 4 << 30;

/// Archive descriptions are at most 1,024 bytes of printable ASCII.
pub const MAX_DESCRIPTION_LEN: usize = 1024;

/// An `x-amz-archive-description` header: absent means an empty description.
pub fn parse_description(header: Option<&[u8]>) -> GlacierResult<String> {
    let Some(bytes) = header else {
        return Ok(String::new());
    };
    let printable = bytes.iter().all(|b| (0x20..=0x7e).contains(b));
    if !printable || bytes.len() > MAX_DESCRIPTION_LEN {
        return Err(GlacierError::invalid_parameter(format!(
            "Invalid archive description: it must be at most {MAX_DESCRIPTION_LEN} printable ASCII characters (0x20 to 0x7E); encode other names, for example in base64"
        )));
    }
    // Printable ASCII is valid UTF-8.
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// A required header holding a SHA-256 digest as 64 hex digits
/// (`x-amz-sha256-tree-hash`, `x-amz-content-sha256`).
pub fn parse_digest_header(name: &str, header: Option<&[u8]>) -> GlacierResult<TreeHash> {
    let bytes = header.ok_or_else(|| {
        GlacierError::missing_parameter(format!("Required header {name} is missing"))
    })?;
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|text| text.parse::<TreeHash>().ok())
        .ok_or_else(|| {
            GlacierError::invalid_parameter(format!(
                "Invalid {name}: {}; give 64 hexadecimal digits",
                String::from_utf8_lossy(bytes)
            ))
        })
}

/// A required whole-number header such as `Content-Length` or `x-amz-archive-size`.
pub fn parse_byte_count(name: &str, header: Option<&[u8]>) -> GlacierResult<u64> {
    let bytes = header.ok_or_else(|| {
        GlacierError::missing_parameter(format!("Required header {name} is missing"))
    })?;
    std::str::from_utf8(bytes)
        .ok()
        .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse::<u64>().ok())
        .ok_or_else(|| {
            GlacierError::invalid_parameter(format!(
                "Invalid {name}: {}; give a whole number of bytes",
                String::from_utf8_lossy(bytes)
            ))
        })
}

pub fn check_single_upload_size(content_length: u64) -> GlacierResult<()> {
    if content_length > MAX_SINGLE_UPLOAD {
        return Err(GlacierError::invalid_parameter(format!(
            "Invalid Content-Length: {content_length}; one UploadArchive request carries at most {MAX_SINGLE_UPLOAD} bytes, use a multipart upload for larger archives"
        )));
    }
    Ok(())
}

/// What the server computed while receiving a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceivedBody {
    pub size: u64,
    pub tree_hash: TreeHash,
    pub sha256: TreeHash,
}

/// The checksums the client sent must match the bytes that arrived.
pub fn check_checksums(
    received: &ReceivedBody,
    claimed_tree_hash: TreeHash,
    claimed_sha256: TreeHash,
) -> GlacierResult<()> {
    if received.tree_hash != claimed_tree_hash {
        return Err(GlacierError::invalid_parameter(format!(
            "Checksum mismatch: expected {} (calculated), got {claimed_tree_hash}",
            received.tree_hash
        )));
    }
    if received.sha256 != claimed_sha256 {
        return Err(GlacierError::invalid_parameter(format!(
            "x-amz-content-sha256 mismatch: expected {} (calculated), got {claimed_sha256}",
            received.sha256
        )));
    }
    Ok(())
}

/// A new archive whose bytes are about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArchive {
    pub description: String,
    pub size: u64,
    pub tree_hash: TreeHash,
}

/// Adds a stored archive to `vault` at `now` and returns its id. `place` puts the
/// bytes where the id says (it runs under the state lock, after the vault is known
/// to exist, so the file and the state never disagree).
pub fn store_archive(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault: &str,
    archive: NewArchive,
    now: OffsetDateTime,
    place: impl FnOnce(&str) -> GlacierResult<()>,
) -> GlacierResult<String> {
    vault_mut(state, ctx, vault)?;
    let id = state.next_id(ARCHIVE_ID_LEN, b"archive", vault.as_bytes());
    place(&id)?;
    let vault = vault_mut(state, ctx, vault)?;
    vault.archives.insert(
        id.clone(),
        Archive {
            id: id.clone(),
            description: archive.description,
            created: now,
            deleted: None,
            size: archive.size,
            tree_hash: archive.tree_hash.to_string(),
            content: ArchiveContent::Stored,
        },
    );
    Ok(id)
}

/// DeleteArchive: the archive gets a tombstone at `now`. It stays in the state (and
/// in the current inventory) until the next inventory records its absence.
pub fn delete_archive(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault: &str,
    archive_id: &str,
    now: OffsetDateTime,
) -> GlacierResult<()> {
    let vault = vault_mut(state, ctx, vault)?;
    match vault.archives.get_mut(archive_id) {
        Some(archive) if archive.deleted.is_none() && archive.created <= now => {
            archive.deleted = Some(now);
            Ok(())
        }
        _ => Err(GlacierError::not_found(format!(
            "Archive not found for ID: {archive_id}"
        ))),
    }
}

/// Ids of archives with a file (stored and patched) whose bytes someone may still read: archives not yet
/// purged, and archive jobs (which keep working after a deletion).
pub fn stored_ids_in_use(state: &SandboxState) -> BTreeSet<&str> {
    let mut in_use = BTreeSet::new();
    for vault in state.vaults.values() {
        let archives = vault
            .archives
            .values()
            .filter(|archive| archive.content.has_file())
            .map(|archive| archive.id.as_str());
        let jobs = vault.jobs.values().filter_map(|job| match &job.kind {
            JobKind::Archive(archive_job) if archive_job.content.has_file() => {
                Some(archive_job.archive_id.as_str())
            }
            _ => None,
        });
        in_use.extend(archives.chain(jobs));
    }
    in_use
}

#[cfg(test)]
#[path = "archives_tests.rs"]
mod tests;

//! Deletions in the journal: every archive defrost asks Glacier to delete is
//! written down first (with the proof that made it safe to delete: a verified
//! file, or a verified copy in S3), and marked done once Glacier said yes or
//! that the archive was gone already. A drain killed between the two asks
//! again: DeleteArchive of a deleted archive answers "not found", so nothing is
//! deleted twice and nothing is missed. An archive is deleted at most once per
//! vault, whatever runs.
//!
//! Also the tables a copy to S3 keeps: an upload per archive's plan (the S3
//! multipart upload, journaled before its first part is sent so an interrupted
//! upload resumes from its last part) and its parts; a completed upload whose
//! archive's tree hash was checked is the proof a drain reads for a copy.

mod read;
#[cfg(test)]
mod tests;
mod write;

use time::OffsetDateTime;

/// The deletion and upload tables (schema 6). `IF NOT EXISTS`, as for the
/// plan tables.
pub(super) const DELETIONS_DDL: &str = "
CREATE TABLE IF NOT EXISTS deletion (
    id          INTEGER PRIMARY KEY,
    vault_id    INTEGER NOT NULL REFERENCES vault(id),
    archive_id  TEXT NOT NULL,
    -- from the inventory the drain read
    size        INTEGER NOT NULL,
    created     TEXT,
    -- downloaded, copied, or none (deleting everything, on the user's word)
    proof       TEXT NOT NULL,
    -- the file and its tree hash, or the object; empty for none
    proof_text  TEXT NOT NULL,
    made_by     TEXT NOT NULL,
    -- written before DeleteArchive is sent
    asked_at    TEXT NOT NULL,
    -- Glacier's yes (deleted) or its 'not found' (gone already)
    done_at     TEXT,
    outcome     TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS deletion_by_archive ON deletion (vault_id, archive_id);
CREATE TABLE IF NOT EXISTS upload (
    id           INTEGER PRIMARY KEY,
    plan         INTEGER NOT NULL REFERENCES plan(id),
    bucket       TEXT NOT NULL,
    key          TEXT NOT NULL,
    -- the object's user metadata, as a JSON object of strings
    metadata     TEXT NOT NULL DEFAULT '{}',
    -- S3's multipart upload id, once S3 gave it
    upload_id    TEXT,
    started_at   TEXT NOT NULL,
    -- once S3 completed the object and the archive's tree hash was checked
    completed_at TEXT,
    etag         TEXT,
    checksum     TEXT,
    aborted_at   TEXT
);
CREATE INDEX IF NOT EXISTS upload_by_plan ON upload (plan);
CREATE TABLE IF NOT EXISTS upload_part (
    upload    INTEGER NOT NULL REFERENCES upload(id),
    number    INTEGER NOT NULL,
    size      INTEGER NOT NULL,
    etag      TEXT NOT NULL,
    -- the SHA-256 sent with the part, base64, as S3 checks it
    checksum  TEXT NOT NULL,
    -- the part's tree hash, checked against Glacier's: the parts' hashes
    -- combine into the archive's without fetching anything again
    tree_hash TEXT NOT NULL,
    PRIMARY KEY (upload, number)
);
-- where a batch copies to, when it copies to S3 rather than into a folder
CREATE TABLE IF NOT EXISTS batch_bucket (
    batch         INTEGER PRIMARY KEY REFERENCES batch(id),
    bucket        TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    storage_class TEXT NOT NULL,
    region        TEXT NOT NULL
);
";

/// The journal's key for a deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeletionId(pub i64);

/// What made an archive safe to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeletionProof {
    /// Downloaded whole and verified against its tree hash into this file.
    Downloaded { path: String },
    /// Copied whole to S3 and verified: `s3://bucket/key`.
    Copied { object: String },
    /// None: the user asked for every archive to go, typing the vault's name.
    None,
}

impl DeletionProof {
    fn kind(&self) -> &'static str {
        match self {
            DeletionProof::Downloaded { .. } => "downloaded",
            DeletionProof::Copied { .. } => "copied",
            DeletionProof::None => "none",
        }
    }

    fn text(&self) -> &str {
        match self {
            DeletionProof::Downloaded { path } => path,
            DeletionProof::Copied { object } => object,
            DeletionProof::None => "",
        }
    }

    fn from_stored(kind: &str, text: String) -> Option<Self> {
        Some(match kind {
            "downloaded" => DeletionProof::Downloaded { path: text },
            "copied" => DeletionProof::Copied { object: text },
            "none" => DeletionProof::None,
            _ => return None,
        })
    }
}

/// How a deletion ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionOutcome {
    /// Glacier deleted it.
    Deleted,
    /// Glacier did not hold it any more: an earlier request, whose answer was
    /// lost, had deleted it (or someone else did).
    Gone,
}

impl DeletionOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionOutcome::Deleted => "deleted",
            DeletionOutcome::Gone => "already gone",
        }
    }

    fn from_stored(text: &str) -> Option<Self> {
        match text {
            "deleted" => Some(DeletionOutcome::Deleted),
            "already gone" => Some(DeletionOutcome::Gone),
            _ => None,
        }
    }
}

/// An archive about to be deleted.
#[derive(Debug, Clone)]
pub struct DeletionIntent<'a> {
    pub archive_id: &'a str,
    pub size: u64,
    /// The archive's creation date, as the inventory gives it.
    pub created: Option<&'a str>,
    pub proof: &'a DeletionProof,
    pub made_by: &'a str,
    pub at: OffsetDateTime,
}

/// A deletion as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionEntry {
    pub id: DeletionId,
    pub archive_id: String,
    pub size: u64,
    pub created: Option<String>,
    pub proof: DeletionProof,
    pub made_by: String,
    pub asked_at: String,
    /// When Glacier answered, and how; `None` while the answer is unknown.
    pub done: Option<(String, DeletionOutcome)>,
}

/// How far the drains of a vault are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeletionTotals {
    /// Archives written down for deletion.
    pub asked: u64,
    /// Of them, with Glacier's answer (deleted, or gone already).
    pub done: u64,
    pub done_bytes: u64,
}

/// A whole archive downloaded and verified into a file, as the journal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadProof {
    pub archive_id: String,
    pub path: String,
    pub size: Option<u64>,
    pub tree_hash: Option<String>,
}

/// A whole archive copied to S3 and verified, as the journal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyProof {
    pub archive_id: String,
    pub bucket: String,
    pub key: String,
    pub tree_hash: Option<String>,
    pub checksum: Option<String>,
}

fn damaged(id: DeletionId) -> super::StoreError {
    super::StoreError::refused(format!(
        "the journal's record of deletion {} is damaged; the archive it names is not asked about again until it is mended",
        id.0
    ))
}

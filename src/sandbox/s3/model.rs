//! The S3 side of the sandbox's state: buckets, their objects and unfinished
//! multipart uploads. Plain data saved with the rest of the state; the bytes of
//! objects and parts live in files named by ids the sandbox makes, never by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One bucket, in one region.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub region: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// By key.
    #[serde(default)]
    pub objects: BTreeMap<String, StoredObject>,
    /// By upload id.
    #[serde(default)]
    pub uploads: BTreeMap<String, Upload>,
}

impl Bucket {
    pub fn empty(name: &str, region: &str, created: OffsetDateTime) -> Self {
        Self {
            name: name.to_owned(),
            region: region.to_owned(),
            created,
            objects: BTreeMap::new(),
            uploads: BTreeMap::new(),
        }
    }
}

/// What S3 says about an object besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectHeaders {
    /// As S3 names it (`STANDARD`, `DEEP_ARCHIVE`, …).
    pub storage_class: String,
    /// User metadata: names lower case, without `x-amz-meta-`.
    pub metadata: BTreeMap<String, String>,
    pub content_type: Option<String>,
}

/// A complete object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredObject {
    /// Names the file of its bytes under the state directory.
    pub file_id: String,
    pub size: u64,
    /// With its quotes, as S3 sends it: `"hex"` or `"hex-N"` for N parts.
    pub etag: String,
    /// Base64 SHA-256; for a multipart object the composite form `BASE64-N`.
    pub checksum_sha256: String,
    #[serde(with = "time::serde::rfc3339")]
    pub last_modified: OffsetDateTime,
    pub headers: ObjectHeaders,
}

/// An unfinished multipart upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub key: String,
    #[serde(with = "time::serde::rfc3339")]
    pub initiated: OffsetDateTime,
    /// Orders uploads of the same key, as S3 lists them: by initiation.
    pub sequence: u64,
    /// `SHA256` when the upload was created with that checksum algorithm.
    pub checksum_algorithm: Option<String>,
    pub headers: ObjectHeaders,
    /// By part number; the bytes are in the upload's folder of parts.
    #[serde(default)]
    pub parts: BTreeMap<u32, UploadedPart>,
}

/// One part received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedPart {
    pub size: u64,
    /// With its quotes.
    pub etag: String,
    /// The SHA-256 of the part's bytes, as the sandbox computed it.
    pub sha256: [u8; 32],
    #[serde(with = "time::serde::rfc3339")]
    pub last_modified: OffsetDateTime,
}

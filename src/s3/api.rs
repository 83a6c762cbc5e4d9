//! The S3 operations a migration uses, on one bucket, in defrost's own types.
//! Text S3 sends back (keys, ETags, checksums, upload ids) is kept exactly, as
//! it goes back to S3 in later requests; show it through `text::printable`.

use std::collections::BTreeMap;
use std::future::Future;

use bytes::Bytes;
use time::OffsetDateTime;

use super::S3Error;
use crate::domain::migrate::StorageClass;

/// Talks to one bucket. Every method returns a `Send` future, so callers can run
/// requests on tokio tasks.
pub trait ObjectStore: Send + Sync {
    /// The bucket this store writes to.
    fn bucket(&self) -> &str;

    /// The region the client signs for; requests to a bucket elsewhere fail.
    fn region(&self) -> &str;

    /// The region the bucket lives in (HeadBucket's `x-amz-bucket-region`), also
    /// when the client is set for another region.
    fn bucket_region(&self) -> impl Future<Output = Result<String, S3Error>> + Send;

    /// What S3 holds under `key`, or `None` when nothing is there. Checksums
    /// are asked for (checksum mode on).
    fn head_object(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<ObjectFacts>, S3Error>> + Send;

    /// Starts a multipart upload whose parts carry SHA-256 checksums, and
    /// returns its upload id.
    fn create_multipart_upload(
        &self,
        key: &str,
        storage_class: StorageClass,
        metadata: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<String, S3Error>> + Send;

    /// Sends part `part_number` (1 to 10,000) with the SHA-256 digest of its
    /// bytes, which S3 checks against what it receives.
    fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u32,
        body: PartBody,
        sha256: [u8; 32],
    ) -> impl Future<Output = Result<PartDone, S3Error>> + Send;

    /// The parts S3 holds for an upload, in order, following pages.
    fn list_parts(
        &self,
        key: &str,
        upload_id: &str,
    ) -> impl Future<Output = Result<Vec<PartFacts>, S3Error>> + Send;

    /// Joins the parts, in part-number order, into the object.
    fn complete_multipart_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> impl Future<Output = Result<ObjectDone, S3Error>> + Send;

    /// Drops an upload and the parts S3 holds for it, which are billed until then.
    fn abort_multipart_upload(
        &self,
        key: &str,
        upload_id: &str,
    ) -> impl Future<Output = Result<(), S3Error>> + Send;

    /// The bucket's unfinished uploads whose keys start with `prefix`, following
    /// pages.
    fn list_multipart_uploads(
        &self,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<UploadFacts>, S3Error>> + Send;

    /// Writes a small object (a manifest) in one request, with its SHA-256.
    fn put_object(
        &self,
        key: &str,
        body: Bytes,
        content_type: &str,
    ) -> impl Future<Output = Result<ObjectDone, S3Error>> + Send;

    /// An object's whole body, in memory: for manifests and tests, not archives.
    fn get_object(&self, key: &str) -> impl Future<Output = Result<Bytes, S3Error>> + Send;
}

/// HeadObject's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFacts {
    pub size: u64,
    /// User metadata, names without `x-amz-meta-` (S3 gives them lower case).
    pub metadata: BTreeMap<String, String>,
    /// As S3 names it; `None` for STANDARD, which S3 leaves out.
    pub storage_class: Option<String>,
    pub etag: Option<String>,
    /// Base64; for a multipart object, the SHA-256 of its parts' digests with
    /// `-N` (N parts) after it.
    pub checksum_sha256: Option<String>,
}

/// UploadPart's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartDone {
    pub etag: String,
    /// The part's SHA-256 as S3 computed it (base64), when it says so: AWS
    /// does, some S3-compatible servers do not.
    pub checksum_sha256: Option<String>,
}

/// One part of an unfinished upload, as ListParts reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFacts {
    pub number: u32,
    pub size: u64,
    pub etag: String,
    pub checksum_sha256: Option<String>,
}

/// A part's bytes: held in memory, or spooled to a file when a part is too
/// large to hold (the file is read again if the request is retried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartBody {
    Memory(Bytes),
    File { path: std::path::PathBuf, len: u64 },
}

impl PartBody {
    pub fn len(&self) -> u64 {
        match self {
            PartBody::Memory(bytes) => bytes.len() as u64,
            PartBody::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A part to join, as CompleteMultipartUpload wants it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    pub number: u32,
    pub etag: String,
    /// Required by AWS for an upload started with SHA-256 checksums.
    pub checksum_sha256: Option<String>,
}

impl From<&PartFacts> for CompletedPart {
    fn from(part: &PartFacts) -> Self {
        Self {
            number: part.number,
            etag: part.etag.clone(),
            checksum_sha256: part.checksum_sha256.clone(),
        }
    }
}

/// What S3 answers when an object is written whole or completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectDone {
    pub etag: Option<String>,
    pub checksum_sha256: Option<String>,
}

/// One unfinished upload, as ListMultipartUploads reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadFacts {
    pub key: String,
    pub upload_id: String,
    pub initiated: Option<OffsetDateTime>,
    pub storage_class: Option<String>,
}

//! The Glacier operations defrost uses, in defrost's own types, so that everything
//! above this seam can be written and tested without the SDK.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use serde::Serialize;
use time::OffsetDateTime;

use super::GlacierError;
use crate::domain::job::{ObservedStatus, ServiceSpeed};
use crate::domain::job_params::{JobKind, JobParams, Tier};
use crate::domain::treehash::TreeHash;

/// Talks to one account's vaults in one region. Every method returns a `Send`
/// future, so callers can run requests on tokio tasks.
pub trait GlacierApi: Send + Sync {
    /// The region this client talks to: the home of its vaults, where their
    /// cached inventories and jobs are filed.
    fn region(&self) -> &str;

    /// Every vault, following the service's pages.
    fn list_vaults(&self) -> impl Future<Output = Result<Vec<VaultInfo>, GlacierError>> + Send;

    fn describe_vault(
        &self,
        vault: &str,
    ) -> impl Future<Output = Result<VaultInfo, GlacierError>> + Send;

    /// Starts a retrieval job; it cannot be cancelled once started.
    fn initiate_job(
        &self,
        vault: &str,
        params: &JobParams,
    ) -> impl Future<Output = Result<JobStarted, GlacierError>> + Send;

    fn describe_job(
        &self,
        vault: &str,
        job_id: &str,
    ) -> impl Future<Output = Result<JobInfo, GlacierError>> + Send;

    /// Every job the vault lists (running and recently finished), following pages.
    fn list_jobs(
        &self,
        vault: &str,
    ) -> impl Future<Output = Result<Vec<JobInfo>, GlacierError>> + Send;

    /// A finished job's output, or the inclusive byte range `(first, last)` of it
    /// (relative to the output, not to the archive).
    fn get_job_output(
        &self,
        vault: &str,
        job_id: &str,
        range: Option<(u64, u64)>,
    ) -> impl Future<Output = Result<JobOutput, GlacierError>> + Send;

    fn get_data_retrieval_policy(
        &self,
    ) -> impl Future<Output = Result<RetrievalPolicy, GlacierError>> + Send;

    /// Deletes an archive for good. Glacier answers an archive it no longer
    /// holds (deleted before) with [`GlacierError::UnknownArchive`].
    fn delete_archive(
        &self,
        vault: &str,
        archive_id: &str,
    ) -> impl Future<Output = Result<(), GlacierError>> + Send;

    /// Deletes a vault, which Glacier does only when its last inventory lists
    /// no archive and nothing was written to it since.
    fn delete_vault(&self, vault: &str) -> impl Future<Output = Result<(), GlacierError>> + Send;

    /// The vault's notification topic and the events it is told of; `None` when
    /// the vault has no notification configuration.
    fn vault_notifications(
        &self,
        vault: &str,
    ) -> impl Future<Output = Result<Option<VaultNotifications>, GlacierError>> + Send;

    /// How fast the service's clock runs: Glacier's own pace unless this is a
    /// sandbox with a sped-up clock, whose jobs are then polled at its pace.
    fn service_speed(&self) -> ServiceSpeed {
        ServiceSpeed::GLACIER
    }

    /// How long a job-output body may send nothing before a download gives the
    /// request up as stalled and asks again.
    fn stall_timeout(&self) -> Duration {
        DEFAULT_STALL_TIMEOUT
    }
}

/// A minute without a byte: far beyond any pause of a working connection, even a
/// slow one, and soon enough that a stalled download does not look like a hang.
pub const DEFAULT_STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Where a vault sends word of its jobs: an SNS topic, told of these events
/// (`ArchiveRetrievalCompleted`, `InventoryRetrievalCompleted`). Both are as
/// the service sent them: show them through `text::printable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaultNotifications {
    pub topic: String,
    pub events: Vec<String>,
}

/// One vault as DescribeVault and ListVaults report it. The counts come from the
/// vault's last inventory, so they lag uploads and deletions by about a day. The
/// name and ARN are exactly what the service sent: show them through
/// `text::printable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaultInfo {
    pub name: String,
    pub arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created: OffsetDateTime,
    /// `None` when Glacier has never inventoried the vault: its counts are then
    /// zero whatever it holds, unlike an inventoried empty vault.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_inventory: Option<OffsetDateTime>,
    pub archive_count: u64,
    pub size_bytes: u64,
}

/// What InitiateJob answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStarted {
    pub job_id: String,
    /// The job's path on the service (`/{account}/vaults/{vault}/jobs/{id}`).
    pub location: Option<String>,
}

/// One job as DescribeJob and ListJobs report it. The job and archive ids are
/// exactly what the service sent (show them through `text::printable`); the
/// other text fields are made printable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    pub job_id: String,
    pub kind: JobKind,
    pub archive_id: Option<String>,
    pub tier: Option<Tier>,
    pub status: ObservedStatus,
    pub status_message: Option<String>,
    pub created: OffsetDateTime,
    pub completed: Option<OffsetDateTime>,
    /// The whole archive's size, for archive jobs.
    pub archive_size: Option<u64>,
    pub inventory_size: Option<u64>,
    /// The retrieved range's tree hash, when that range is tree-hash aligned.
    pub sha256_tree_hash: Option<TreeHash>,
    pub archive_sha256_tree_hash: Option<TreeHash>,
    /// Inclusive `(first, last)` bytes of the archive the job retrieves.
    pub retrieval_byte_range: Option<(u64, u64)>,
    pub description: Option<String>,
    pub sns_topic: Option<String>,
    /// For a finished inventory job run with a `Limit`: where the next page of the
    /// inventory starts (DescribeJob's `InventoryRetrievalParameters.Marker`);
    /// `None` on the last page.
    pub inventory_marker: Option<String>,
}

/// A job's output body as it arrives.
pub type ByteChunks = Pin<Box<dyn Stream<Item = Result<Bytes, GlacierError>> + Send>>;

/// GetJobOutput's answer; the body has not been read yet.
pub struct JobOutput {
    pub content_length: u64,
    /// The `x-amz-sha256-tree-hash` header: sent only when both the job's range and
    /// the requested range are tree-hash aligned, so never require it.
    pub checksum: Option<TreeHash>,
    pub body: ByteChunks,
}

impl fmt::Debug for JobOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobOutput")
            .field("content_length", &self.content_length)
            .field("checksum", &self.checksum)
            .finish_non_exhaustive()
    }
}

/// The account's data retrieval policy: it limits Standard retrievals only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetrievalPolicy {
    /// No limit.
    None,
    /// Only what the free tier allows.
    FreeTier,
    /// At most this many bytes retrieved per hour.
    BytesPerHour(u64),
    /// A strategy defrost does not know, as the service named it (printable).
    Other(String),
}

impl fmt::Display for RetrievalPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetrievalPolicy::None => f.write_str("no limit"),
            RetrievalPolicy::FreeTier => f.write_str("free tier only"),
            RetrievalPolicy::BytesPerHour(bytes) => write!(f, "at most {bytes} bytes per hour"),
            RetrievalPolicy::Other(name) => write!(f, "strategy {name}"),
        }
    }
}

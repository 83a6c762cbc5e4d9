//! GetJobOutput's decisions: whether the output can be had, which bytes a `Range`
//! asks for, and which headers go with them. Reading the bytes is the route's job.

use time::OffsetDateTime;

use super::archive_range::{is_range_tree_aligned, range_tree_hash, retrieved_range};
use super::inventory_output::InventoryOutput;
use super::{JobStatus, status};
use crate::domain::range::{ByteRange, is_tree_aligned};
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::model::{ArchiveContent, ArchiveJob, Job, JobKind};

/// Where the bytes of a download come from.
#[derive(Debug, Clone)]
pub enum OutputBody {
    /// Bytes `range` of an archive (absolute, not relative to the job).
    Archive {
        archive_id: String,
        content: ArchiveContent,
        archive_size: u64,
        range: ByteRange,
    },
    /// Bytes `start..=end` of an inventory output.
    Inventory {
        output: InventoryOutput,
        start: u64,
        end: u64,
    },
    /// The output of an empty archive.
    Empty,
}

/// What `x-amz-sha256-tree-hash` carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeHashHeader {
    /// No checksum is promised for these bytes.
    Absent,
    Known(String),
    /// The tree hash of this absolute archive range, still to be computed.
    Compute(ByteRange),
}

/// A GetJobOutput response, all but the bytes.
#[derive(Debug, Clone)]
pub struct OutputPlan {
    /// 206 when a `Range` was asked for, else 200.
    pub partial: bool,
    pub content_length: u64,
    /// `bytes S-E/TOTAL`, for a partial response.
    pub content_range: Option<String>,
    pub content_type: &'static str,
    pub archive_description: Option<String>,
    pub tree_hash: TreeHashHeader,
    pub body: OutputBody,
}

/// Plans the download of `job`'s output at `now`, or says why there is none.
pub fn plan_output(
    job: &Job,
    vault_arn: &str,
    range_header: Option<&str>,
    now: OffsetDateTime,
) -> GlacierResult<OutputPlan> {
    match status(job, now) {
        JobStatus::InProgress => {
            return Err(GlacierError::invalid_parameter(format!(
                "The job is not currently available for download: {}",
                job.id
            )));
        }
        JobStatus::Failed => {
            return Err(GlacierError::invalid_parameter(format!(
                "The job is not available for download because it failed ({}): {}",
                job.failure.as_deref().unwrap_or("Failed"),
                job.id
            )));
        }
        JobStatus::Succeeded => {}
    }
    match &job.kind {
        JobKind::Archive(archive) => plan_archive(archive, range_header),
        JobKind::Inventory(inventory) => {
            let output = InventoryOutput::of_job(inventory, vault_arn);
            let total = output.size();
            let wanted = range_header
                .map(|text| parse_range_header(text, total))
                .transpose()?;
            let range = wanted.unwrap_or(ByteRange {
                start: 0,
                end: total.saturating_sub(1),
            });
            Ok(OutputPlan {
                partial: wanted.is_some(),
                content_length: range.len(),
                content_range: wanted.map(|range| content_range(range, total)),
                content_type: output.content_type(),
                archive_description: None,
                tree_hash: TreeHashHeader::Absent,
                body: OutputBody::Inventory {
                    output,
                    start: range.start,
                    end: range.end,
                },
            })
        }
    }
}

fn plan_archive(job: &ArchiveJob, range_header: Option<&str>) -> GlacierResult<OutputPlan> {
    let retrieved = retrieved_range(job);
    let total = retrieved.map_or(0, |range| range.len());
    let wanted = range_header
        .map(|text| parse_range_header(text, total))
        .transpose()?;
    let description =
        (!job.archive_description.is_empty()).then(|| job.archive_description.clone());
    let Some(retrieved) = retrieved else {
        // An empty archive: nothing to send, and its checksum is the hash of nothing.
        return Ok(OutputPlan {
            partial: false,
            content_length: 0,
            content_range: None,
            content_type: "application/octet-stream",
            archive_description: description,
            tree_hash: TreeHashHeader::Known(job.archive_tree_hash.clone()),
            body: OutputBody::Empty,
        });
    };
    let absolute = wanted.map_or(retrieved, |relative| ByteRange {
        start: retrieved.start + relative.start,
        end: retrieved.start + relative.end,
    });
    Ok(OutputPlan {
        partial: wanted.is_some(),
        content_length: absolute.len(),
        content_range: wanted.map(|range| content_range(range, total)),
        content_type: "application/octet-stream",
        archive_description: description,
        tree_hash: archive_tree_hash_header(job, retrieved, absolute),
        body: OutputBody::Archive {
            archive_id: job.archive_id.clone(),
            content: job.content,
            archive_size: job.archive_size,
            range: absolute,
        },
    })
}

/// The strict rule: a checksum only when both the job's range and the downloaded
/// range are tree-hash aligned.
fn archive_tree_hash_header(
    job: &ArchiveJob,
    retrieved: ByteRange,
    downloaded: ByteRange,
) -> TreeHashHeader {
    if !is_range_tree_aligned(job) || !is_tree_aligned(job.archive_size, downloaded) {
        return TreeHashHeader::Absent;
    }
    match range_tree_hash(job) {
        Some(hash) if downloaded == retrieved => TreeHashHeader::Known(hash.to_owned()),
        _ => TreeHashHeader::Compute(downloaded),
    }
}

fn content_range(range: ByteRange, total: u64) -> String {
    format!("bytes {}-{}/{total}", range.start, range.end)
}

/// A `Range: bytes=S-E` or `bytes=S-` header, relative to an output of `total`
/// bytes. An end past the output is cut to its last byte; a start past it is refused.
pub fn parse_range_header(text: &str, total: u64) -> GlacierResult<ByteRange> {
    let invalid = |why: String| {
        GlacierError::invalid_parameter(format!("Invalid Range header `{text}`: {why}"))
    };
    let bounds = text.trim().strip_prefix("bytes=").and_then(|spec| {
        let (start, end) = spec.split_once('-')?;
        let number = |part: &str| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse::<u64>().ok())
                .flatten()
        };
        let end = if end.is_empty() {
            None
        } else {
            Some(number(end)?)
        };
        Some((number(start)?, end))
    });
    let Some((start, end)) = bounds else {
        return Err(invalid(
            "write it as bytes=START-END or bytes=START-, in bytes".to_owned(),
        ));
    };
    if start >= total {
        return Err(invalid(format!(
            "it starts at byte {start}, past the end of the {total}-byte output"
        )));
    }
    let end = end.unwrap_or(u64::MAX).min(total - 1);
    if end < start {
        return Err(invalid(format!("it ends at byte {end}, before its start")));
    }
    Ok(ByteRange { start, end })
}

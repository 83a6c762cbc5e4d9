//! Between SDK shapes and defrost's: job parameters out, vaults, jobs, job output
//! and the retrieval policy in. Identifiers the service sends (vault names, ARNs,
//! job and archive ids) are kept exactly, since they go back to it in later
//! requests and to scripts in JSON; every output path shows them through
//! `text::printable` or `text::terminal_json`. Free text (status messages,
//! descriptions) is made printable here as well.

use aws_sdk_glacier::operation::describe_job::DescribeJobOutput;
use aws_sdk_glacier::operation::describe_vault::DescribeVaultOutput as DescribedVault;
use aws_sdk_glacier::operation::get_job_output::GetJobOutputOutput;
use aws_sdk_glacier::types::{
    ActionCode, DataRetrievalPolicy, DescribeVaultOutput as ListedVault, GlacierJobDescription,
    InventoryRetrievalJobInput, JobParameters, StatusCode,
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::job::ObservedStatus;
use crate::domain::job_params::{JobKind, JobParams, Tier};
use crate::domain::treehash::TreeHash;
use crate::glacier::GlacierError;
use crate::glacier::api::{JobInfo, JobOutput, RetrievalPolicy, VaultInfo};
use crate::text::printable;

pub fn job_parameters(params: &JobParams) -> JobParameters {
    let builder = JobParameters::builder()
        .r#type(params.kind().as_str())
        .set_description(params.description().map(str::to_owned))
        .set_sns_topic(params.sns_topic().map(str::to_owned));
    match params {
        JobParams::Archive(job) => builder
            .archive_id(job.archive_id())
            .set_retrieval_byte_range(
                job.range()
                    .map(|range| format!("{}-{}", range.start, range.end)),
            )
            .set_tier(job.tier().map(|tier| tier.as_str().to_owned()))
            .build(),
        JobParams::Inventory(job) => {
            let filters = job.has_filters().then(|| {
                InventoryRetrievalJobInput::builder()
                    .set_start_date(job.start_date().map(|date| date.to_string()))
                    .set_end_date(job.end_date().map(|date| date.to_string()))
                    .set_limit(job.limit().map(|limit| limit.to_string()))
                    .set_marker(job.marker().map(str::to_owned))
                    .build()
            });
            builder
                .set_format(job.format().map(|format| format.as_str().to_owned()))
                .set_inventory_retrieval_parameters(filters)
                .build()
        }
    }
}

/// The fields ListVaults and DescribeVault share, from their two SDK shapes.
struct VaultFields<'a> {
    name: Option<&'a str>,
    arn: Option<&'a str>,
    created: Option<&'a str>,
    last_inventory: Option<&'a str>,
    archives: i64,
    size: i64,
}

pub fn listed_vault(vault: &ListedVault) -> Result<VaultInfo, GlacierError> {
    vault_info(VaultFields {
        name: vault.vault_name(),
        arn: vault.vault_arn(),
        created: vault.creation_date(),
        last_inventory: vault.last_inventory_date(),
        archives: vault.number_of_archives(),
        size: vault.size_in_bytes(),
    })
}

pub fn described_vault(vault: &DescribedVault) -> Result<VaultInfo, GlacierError> {
    vault_info(VaultFields {
        name: vault.vault_name(),
        arn: vault.vault_arn(),
        created: vault.creation_date(),
        last_inventory: vault.last_inventory_date(),
        archives: vault.number_of_archives(),
        size: vault.size_in_bytes(),
    })
}

fn vault_info(fields: VaultFields<'_>) -> Result<VaultInfo, GlacierError> {
    Ok(VaultInfo {
        name: required(fields.name, "VaultName")?.to_owned(),
        arn: fields.arn.unwrap_or_default().to_owned(),
        created: date(required(fields.created, "CreationDate")?, "CreationDate")?,
        last_inventory: optional_date(fields.last_inventory, "LastInventoryDate")?,
        archive_count: count(fields.archives, "NumberOfArchives")?,
        size_bytes: count(fields.size, "SizeInBytes")?,
    })
}

/// DescribeJob and ListJobs describe a job with the same fields in two SDK
/// shapes; this macro reads them alike.
macro_rules! job_fields {
    ($job:expr) => {
        JobFields {
            job_id: $job.job_id(),
            action: $job.action(),
            archive_id: $job.archive_id(),
            tier: $job.tier(),
            status: $job.status_code(),
            status_message: $job.status_message(),
            created: $job.creation_date(),
            completed: $job.completion_date(),
            archive_size: $job.archive_size_in_bytes(),
            inventory_size: $job.inventory_size_in_bytes(),
            tree_hash: $job.sha256_tree_hash(),
            archive_tree_hash: $job.archive_sha256_tree_hash(),
            range: $job.retrieval_byte_range(),
            description: $job.job_description(),
            sns_topic: $job.sns_topic(),
            inventory_marker: $job
                .inventory_retrieval_parameters()
                .and_then(|parameters| parameters.marker()),
        }
    };
}

struct JobFields<'a> {
    job_id: Option<&'a str>,
    action: Option<&'a ActionCode>,
    archive_id: Option<&'a str>,
    tier: Option<&'a str>,
    status: Option<&'a StatusCode>,
    status_message: Option<&'a str>,
    created: Option<&'a str>,
    completed: Option<&'a str>,
    archive_size: Option<i64>,
    inventory_size: Option<i64>,
    tree_hash: Option<&'a str>,
    archive_tree_hash: Option<&'a str>,
    range: Option<&'a str>,
    description: Option<&'a str>,
    sns_topic: Option<&'a str>,
    inventory_marker: Option<&'a str>,
}

pub fn described_job(job: &DescribeJobOutput) -> Result<JobInfo, GlacierError> {
    job_info(job_fields!(job))?.ok_or_else(|| GlacierError::Malformed {
        detail: "the job is a Select job, which defrost does not run".into(),
    })
}

/// `None` for a Select job.
pub fn listed_job(job: &GlacierJobDescription) -> Result<Option<JobInfo>, GlacierError> {
    job_info(job_fields!(job))
}

fn job_info(fields: JobFields<'_>) -> Result<Option<JobInfo>, GlacierError> {
    let kind = match required(fields.action, "Action")? {
        ActionCode::ArchiveRetrieval => JobKind::ArchiveRetrieval,
        ActionCode::InventoryRetrieval => JobKind::InventoryRetrieval,
        ActionCode::Select => return Ok(None),
        other => return Err(malformed("Action", other.as_str())),
    };
    let status = match required(fields.status, "StatusCode")? {
        StatusCode::InProgress => ObservedStatus::InProgress,
        StatusCode::Succeeded => ObservedStatus::Succeeded,
        StatusCode::Failed => ObservedStatus::Failed,
        other => return Err(malformed("StatusCode", other.as_str())),
    };
    Ok(Some(JobInfo {
        job_id: required(fields.job_id, "JobId")?.to_owned(),
        kind,
        archive_id: fields.archive_id.map(str::to_owned),
        tier: fields
            .tier
            .map(|tier| tier.parse::<Tier>().map_err(|_| malformed("Tier", tier)))
            .transpose()?,
        status,
        status_message: fields.status_message.map(printable),
        created: date(required(fields.created, "CreationDate")?, "CreationDate")?,
        completed: optional_date(fields.completed, "CompletionDate")?,
        archive_size: fields
            .archive_size
            .map(|size| count(size, "ArchiveSizeInBytes"))
            .transpose()?,
        inventory_size: fields
            .inventory_size
            .map(|size| count(size, "InventorySizeInBytes"))
            .transpose()?,
        sha256_tree_hash: tree_hash(fields.tree_hash, "SHA256TreeHash")?,
        archive_sha256_tree_hash: tree_hash(fields.archive_tree_hash, "ArchiveSHA256TreeHash")?,
        retrieval_byte_range: fields.range.map(byte_range).transpose()?,
        description: fields.description.map(printable),
        sns_topic: fields.sns_topic.map(printable),
        // Sent back verbatim in the next InitiateJob, so kept as the service sent it;
        // it is never shown.
        inventory_marker: fields
            .inventory_marker
            .filter(|marker| !marker.is_empty())
            .map(str::to_owned),
    }))
}

pub fn job_output(mut output: GetJobOutputOutput) -> Result<JobOutput, GlacierError> {
    let checksum = tree_hash(output.checksum(), "x-amz-sha256-tree-hash")?;
    let body = std::mem::take(&mut output.body);
    // GetJobOutput's model has no Content-Length member; the body knows it from
    // the header, and Content-Range gives it for a range otherwise.
    let content_length = match body.size_hint() {
        (low, Some(high)) if low == high => low,
        _ => output
            .content_range()
            .and_then(content_range_len)
            .ok_or_else(|| GlacierError::Malformed {
                detail: "the job output came without a Content-Length".into(),
            })?,
    };
    let chunks = futures_util::stream::unfold(body, |mut body| async move {
        let chunk = body.next().await?.map_err(|err| GlacierError::Body {
            detail: printable(&err.to_string()),
        });
        Some((chunk, body))
    });
    Ok(JobOutput {
        content_length,
        checksum,
        body: Box::pin(chunks),
    })
}

/// The length of `bytes S-E/TOTAL`.
fn content_range_len(header: &str) -> Option<u64> {
    let (first, last) = header
        .strip_prefix("bytes ")?
        .split_once('/')?
        .0
        .split_once('-')?;
    let (first, last): (u64, u64) = (first.parse().ok()?, last.parse().ok()?);
    last.checked_sub(first)?.checked_add(1)
}

pub fn policy(policy: Option<&DataRetrievalPolicy>) -> RetrievalPolicy {
    // The service holds one rule; no rule at all means no limit.
    let Some(rule) = policy.and_then(|policy| policy.rules().first()) else {
        return RetrievalPolicy::None;
    };
    match (rule.strategy(), rule.bytes_per_hour()) {
        (Some("None") | None, _) => RetrievalPolicy::None,
        (Some("FreeTier"), _) => RetrievalPolicy::FreeTier,
        (Some("BytesPerHour"), Some(bytes)) if bytes >= 0 => {
            RetrievalPolicy::BytesPerHour(bytes.unsigned_abs())
        }
        (Some(other), _) => RetrievalPolicy::Other(printable(other)),
    }
}

fn required<T>(value: Option<T>, field: &str) -> Result<T, GlacierError> {
    value.ok_or_else(|| GlacierError::Malformed {
        detail: format!("{field} is missing"),
    })
}

fn malformed(field: &str, value: &str) -> GlacierError {
    GlacierError::Malformed {
        detail: format!("{field} is {:?}", printable(value)),
    }
}

fn date(text: &str, field: &str) -> Result<OffsetDateTime, GlacierError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| malformed(field, text))
}

fn optional_date(text: Option<&str>, field: &str) -> Result<Option<OffsetDateTime>, GlacierError> {
    text.map(|text| date(text, field)).transpose()
}

fn count(value: i64, field: &str) -> Result<u64, GlacierError> {
    u64::try_from(value).map_err(|_| malformed(field, &value.to_string()))
}

fn tree_hash(text: Option<&str>, field: &str) -> Result<Option<TreeHash>, GlacierError> {
    text.map(|text| text.parse().map_err(|_| malformed(field, text)))
        .transpose()
}

/// `RetrievalByteRange` as Glacier writes it, `START-END`.
fn byte_range(text: &str) -> Result<(u64, u64), GlacierError> {
    text.split_once('-')
        .and_then(|(first, last)| Some((first.parse().ok()?, last.parse().ok()?)))
        .filter(|(first, last)| first <= last)
        .ok_or_else(|| malformed("RetrievalByteRange", text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_gives_the_length() {
        assert_eq!(content_range_len("bytes 0-1048575/3000000"), Some(1 << 20));
        assert_eq!(content_range_len("bytes 5-4/9"), None);
        assert_eq!(content_range_len("items 0-1/2"), None);
    }

    #[test]
    fn byte_ranges_read_as_glacier_writes_them() {
        assert_eq!(byte_range("0-1048575").unwrap(), (0, 1048575));
        assert!(byte_range("7-3").is_err());
        assert!(byte_range("x").is_err());
    }
}

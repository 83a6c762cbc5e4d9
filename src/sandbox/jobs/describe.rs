//! DescribeJob's body, which ListJobs lists and completion notices carry. Every field
//! is always present, null when it does not apply, as Glacier writes it.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::archive_range::{range_tree_hash, retrieved_range};
use super::{JobStatus, status};
use crate::sandbox::clock::glacier_date;
use crate::sandbox::model::{ArchiveJob, InventoryJob, Job, JobKind};

/// The job as DescribeJob shows it at `now`.
pub fn describe_job(job: &Job, vault_arn: &str, now: OffsetDateTime) -> Value {
    let status = status(job, now);
    let completed = status != JobStatus::InProgress;
    let succeeded = status == JobStatus::Succeeded;
    let status_message = match status {
        JobStatus::InProgress => "Operation in progress.",
        JobStatus::Succeeded => "Succeeded",
        JobStatus::Failed => job.failure.as_deref().unwrap_or("Failed"),
    };
    let mut body = json!({
        "Action": null,
        "ArchiveId": null,
        "ArchiveSHA256TreeHash": null,
        "ArchiveSizeInBytes": null,
        "Completed": completed,
        "CompletionDate": completed.then(|| glacier_date(job.completes_at)),
        "CreationDate": glacier_date(job.created),
        "InventoryRetrievalParameters": null,
        "InventorySizeInBytes": null,
        "JobDescription": job.description,
        "JobId": job.id,
        "RetrievalByteRange": null,
        "SHA256TreeHash": null,
        "SNSTopic": job.sns_topic,
        "StatusCode": status.as_str(),
        "StatusMessage": status_message,
        "Tier": null,
        "VaultARN": vault_arn,
    });
    let fields = match &job.kind {
        JobKind::Archive(archive) => archive_fields(archive, succeeded),
        JobKind::Inventory(inventory) => inventory_fields(inventory, succeeded),
    };
    if let Value::Object(map) = &mut body {
        map.extend(fields);
    }
    body
}

fn archive_fields(job: &ArchiveJob, succeeded: bool) -> Vec<(String, Value)> {
    let checksum = succeeded.then(|| range_tree_hash(job)).flatten();
    vec![
        field("Action", json!("ArchiveRetrieval")),
        field("ArchiveId", json!(job.archive_id)),
        field("ArchiveSHA256TreeHash", json!(job.archive_tree_hash)),
        field("ArchiveSizeInBytes", json!(job.archive_size)),
        field(
            "RetrievalByteRange",
            json!(retrieved_range(job).map(|range| range.to_string())),
        ),
        field("SHA256TreeHash", json!(checksum)),
        field("Tier", json!(job.tier)),
    ]
}

/// Once the job has succeeded, `Marker` is where the next page starts.
fn inventory_fields(job: &InventoryJob, succeeded: bool) -> Vec<(String, Value)> {
    let next_marker = succeeded.then_some(job.next_marker.as_deref()).flatten();
    vec![
        field("Action", json!("InventoryRetrieval")),
        field(
            "InventoryRetrievalParameters",
            json!({
                "EndDate": job.end_date,
                "Format": job.format,
                "Limit": job.limit,
                "Marker": next_marker,
                "StartDate": job.start_date,
            }),
        ),
        field(
            "InventorySizeInBytes",
            json!(succeeded.then_some(job.output_size)),
        ),
    ]
}

fn field(name: &str, value: Value) -> (String, Value) {
    (name.to_owned(), value)
}

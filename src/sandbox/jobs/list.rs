//! ListJobs: the jobs Glacier still knows, oldest first, filtered and paged.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{JobStatus, describe_job, is_current, status};
use crate::sandbox::clock::Speedup;
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::model::{Job, Vault};
use crate::sandbox::vaults::parse_limit;

/// ListJobs' query parameters, as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListJobsQuery<'a> {
    pub statuscode: Option<&'a str>,
    pub completed: Option<&'a str>,
    pub limit: Option<&'a str>,
    pub marker: Option<&'a str>,
}

/// ListJobs' body. The marker is the id of the first job of the next page; paging
/// resumes from that job's place even if it has changed status since.
pub fn list_jobs(
    vault: &Vault,
    vault_arn: &str,
    query: ListJobsQuery<'_>,
    now: OffsetDateTime,
    speedup: Speedup,
) -> GlacierResult<Value> {
    let limit = parse_limit(query.limit, 50, 50)?;
    let wanted_status = query
        .statuscode
        .map(|text| {
            JobStatus::parse(text).ok_or_else(|| {
                GlacierError::invalid_parameter(format!(
                    "The job status code is not valid: {text}; use InProgress, Succeeded or Failed"
                ))
            })
        })
        .transpose()?;
    let wanted_completed = query.completed.map(parse_completed).transpose()?;
    let from = query
        .marker
        .map(|marker| marker_key(vault, marker))
        .transpose()?;

    let mut listed: Vec<&Job> = vault
        .jobs
        .values()
        .filter(|job| is_current(job, now, speedup))
        .filter(|job| from.is_none_or(|from| order_key(job) >= from))
        .filter(|job| {
            let job_status = status(job, now);
            wanted_status.is_none_or(|wanted| job_status == wanted)
                && wanted_completed
                    .is_none_or(|wanted| (job_status != JobStatus::InProgress) == wanted)
        })
        .collect();
    listed.sort_by_key(|job| order_key(job));
    let next_marker = listed.get(limit).map(|job| job.id.clone());
    let page: Vec<Value> = listed
        .iter()
        .take(limit)
        .map(|job| describe_job(job, vault_arn, now))
        .collect();
    Ok(json!({ "JobList": page, "Marker": next_marker }))
}

fn order_key(job: &Job) -> (OffsetDateTime, &str) {
    (job.created, &job.id)
}

fn parse_completed(text: &str) -> GlacierResult<bool> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(GlacierError::invalid_parameter(format!(
            "Invalid completed value: {other}; use true or false"
        ))),
    }
}

fn marker_key<'a>(vault: &'a Vault, marker: &str) -> GlacierResult<(OffsetDateTime, &'a str)> {
    vault.jobs.get(marker).map(order_key).ok_or_else(|| {
        GlacierError::invalid_parameter(format!(
            "Invalid marker: {marker}; use the Marker a previous ListJobs returned"
        ))
    })
}

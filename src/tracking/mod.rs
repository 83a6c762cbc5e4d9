//! Keeping the job journal in step with Glacier: what ListJobs shows is recorded
//! (new states of known jobs, jobs started elsewhere adopted), so the journal is
//! the one place that knows every job of a vault, whoever started it.

pub mod batch;
pub mod download;
pub mod drain;
pub mod inventory;
pub mod migrate;
pub mod peek;
pub mod watch;

use std::collections::{HashMap, HashSet};

use serde_json::json;
use time::OffsetDateTime;

use crate::domain::job::{JobStatus, Observation, ServiceSpeed, TrackedJob, observe};
use crate::domain::range::ByteRange;
use crate::glacier::{GlacierApi, GlacierError, JobInfo};
use crate::store::{JournalEntry, Store, StoreError, VaultKey};

pub mod launch;

/// Why the journal could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum TrackingError {
    #[error(transparent)]
    Glacier(#[from] GlacierError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TrackingError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            TrackingError::Glacier(err) => err.is_bad_input(),
            TrackingError::Store(err) => err.is_bad_input(),
        }
    }
}

/// What one pass over a vault's jobs did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub adopted: usize,
    pub changed: usize,
    /// The ids of every job Glacier listed: the jobs it still knows, so the only
    /// ones whose output may still be fetched.
    pub listed: Vec<String>,
}

/// Lists the vault's jobs on Glacier and records them in the journal at `now`.
pub async fn sync_vault_jobs<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    now: OffsetDateTime,
) -> Result<SyncReport, TrackingError> {
    let listed = api.list_jobs(&vault.name).await?;
    let mut report = SyncReport {
        listed: listed.iter().map(|info| info.job_id.clone()).collect(),
        ..SyncReport::default()
    };
    // Only the journal's jobs this look can change: listed, or ready.
    let known: Vec<JournalEntry> = store.journal_to_list(vault, &report.listed)?;
    let by_id: HashMap<&str, &JournalEntry> = known
        .iter()
        .filter_map(|entry| Some((entry.job_id.as_deref()?, entry)))
        .collect();
    let mut observed = Vec::new();
    for info in &listed {
        let entry = by_id.get(info.job_id.as_str());
        match entry.and_then(|entry| entry.state.clone()) {
            Some(mut tracked) => {
                // The service that lists the job is the one running it.
                tracked.speed = api.service_speed();
                let before = tracked.status;
                let after = observe(tracked, observation_of(info), now);
                if after.status != before {
                    report.changed += 1;
                }
                observed.push(after);
            }
            None => {
                let adopted = adopt(info, &vault.name, api.service_speed(), now);
                if store.adopt_job(vault, &adopted, &params_of(info), now)? {
                    report.adopted += 1;
                }
            }
        }
    }
    store.record_job_states(&observed, now)?;
    report.changed += forget_unlisted(store, &known, &report.listed, now)?;
    Ok(report)
}

/// Marks expired the journal's ready jobs that Glacier no longer lists: it lists
/// every job whose output can still be fetched, so theirs is gone, even when
/// the journal's clock for their window says otherwise (a service running at
/// another speed, a clock that jumped).
fn forget_unlisted(
    store: &mut Store,
    known: &[JournalEntry],
    listed: &[String],
    now: OffsetDateTime,
) -> Result<usize, TrackingError> {
    let listed: HashSet<&str> = listed.iter().map(String::as_str).collect();
    let gone: Vec<TrackedJob> = known
        .iter()
        .filter_map(|entry| {
            let (job_id, tracked) = (entry.job_id.as_deref()?, entry.state.as_ref()?);
            let lost = tracked.status == JobStatus::Succeeded && !listed.contains(job_id);
            lost.then(|| TrackedJob {
                status: JobStatus::Expired,
                ..tracked.clone()
            })
        })
        .collect();
    store.record_job_states(&gone, now)?;
    Ok(gone.len())
}

/// A job found on Glacier, as the journal tracks it.
fn adopt(info: &JobInfo, vault: &str, speed: ServiceSpeed, now: OffsetDateTime) -> TrackedJob {
    let mut job = TrackedJob::started(
        info.job_id.clone(),
        vault.to_owned(),
        info.kind,
        info.tier,
        info.created,
    );
    job.archive_id = info.archive_id.clone();
    job.range = retrieved_range(info).and_then(|(first, last)| ByteRange::new(first, last).ok());
    job.adopted = true;
    job.speed = speed;
    observe(job, observation_of(info), now)
}

/// The part of the archive a job retrieves; `None` for all of it. DescribeJob
/// writes a whole-archive job's range out (`0-SIZE-1`), which is not a range
/// the user asked for: such a job is journaled, planned and restored as the
/// whole archive, under its own name.
fn retrieved_range(info: &JobInfo) -> Option<(u64, u64)> {
    let (first, last) = info.retrieval_byte_range?;
    let whole = first == 0
        && info
            .archive_size
            .is_some_and(|size| last.checked_add(1) == Some(size));
    (!whole).then_some((first, last))
}

pub(crate) fn observation_of(info: &JobInfo) -> Observation {
    Observation {
        status: info.status,
        completed_at: info.completed,
        status_message: info.status_message.clone(),
    }
}

/// The job's parameters as DescribeJob shows them, in InitiateJob's field names,
/// for the journal's record of an adopted job.
fn params_of(info: &JobInfo) -> String {
    let mut params = json!({ "Type": info.kind.as_str() });
    if let Some(archive) = &info.archive_id {
        params["ArchiveId"] = json!(archive);
    }
    if let Some(tier) = info.tier {
        params["Tier"] = json!(tier.as_str());
    }
    if let Some((first, last)) = retrieved_range(info) {
        params["RetrievalByteRange"] = json!(format!("{first}-{last}"));
    }
    if let Some(description) = &info.description {
        params["Description"] = json!(description);
    }
    if let Some(topic) = &info.sns_topic {
        params["SNSTopic"] = json!(topic);
    }
    params.to_string()
}

/// Whether a journaled job still needs watching.
pub fn is_open(entry: &JournalEntry, now: OffsetDateTime) -> bool {
    entry
        .state
        .as_ref()
        .is_some_and(|job| crate::domain::job::effective_status(job, now) == JobStatus::InProgress)
}

/// Who starts a job from this machine, for the journal: `defrost (user@host)`.
pub fn started_by_here() -> String {
    let user = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .unwrap_or_else(|| "unknown-user".into());
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|host| host.trim().to_owned())
        .filter(|host| !host.is_empty())
        .unwrap_or_else(|| "unknown-host".into());
    crate::text::printable(&format!("defrost ({user}@{host})"))
}

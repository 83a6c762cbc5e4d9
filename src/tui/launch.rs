//! The screen's Glacier work that spends or writes: starting planned jobs (each
//! written to the journal before it is sent), asking for an inventory, and
//! downloading a job's output.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Loaded, Msg, PlannedJob};
use crate::domain::job::TrackedJob;
use crate::domain::job_params::{JobKind, JobRequest, Tier, validate};
use crate::glacier::GlacierApi;
use crate::store::{JobIntent, Store, VaultKey};

pub struct LaunchJobs {
    pub vault: VaultKey,
    pub archive_id: String,
    pub archive_size: u64,
    pub tier: Tier,
    pub jobs: Vec<PlannedJob>,
    pub plan_json: String,
}

/// Who started a job, for the journal.
fn started_by() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "someone".into());
    format!("defrost (terminal UI) as {user}")
}

/// Starts each planned job, journaling it first. Stops at the first refusal and
/// says which jobs did start, so none is ever forgotten.
pub async fn launch<G: GlacierApi>(
    api: &G,
    data_dir: &Path,
    request: LaunchJobs,
    now: OffsetDateTime,
) -> Result<Vec<String>, String> {
    let mut store = Store::open(data_dir).map_err(|err| err.to_string())?;
    let mut started = Vec::new();
    for planned in &request.jobs {
        let params_json = planned.params.to_json_compact();
        let who = started_by();
        let intent = JobIntent {
            vault: &request.vault,
            params_json: &params_json,
            plan_json: Some(&request.plan_json),
            started_by: &who,
            at: now,
        };
        let id = store
            .record_job_intent(&intent)
            .map_err(|err| err.to_string())?;
        match api.initiate_job(&request.vault.name, &planned.params).await {
            Ok(answer) => {
                let mut job = TrackedJob::started(
                    answer.job_id.clone(),
                    request.vault.name.clone(),
                    JobKind::ArchiveRetrieval,
                    Some(request.tier),
                    now,
                );
                job.archive_id = Some(request.archive_id.clone());
                job.range = planned.range;
                job.speed = api.service_speed();
                store
                    .record_job_started(id, &job)
                    .map_err(|err| err.to_string())?;
                started.push(answer.job_id);
            }
            Err(err) => {
                let _ = store.record_job_start_failed(id, &err.to_string(), now);
                return Err(if started.is_empty() {
                    err.to_string()
                } else {
                    format!("{err}; started before that: {}", started.join(", "))
                });
            }
        }
    }
    let _ = request.archive_size;
    Ok(started)
}

/// Starts an inventory job of `vault`, journaled like any other.
pub async fn request_inventory<G: GlacierApi>(
    api: &G,
    data_dir: &Path,
    vault: &VaultKey,
    now: OffsetDateTime,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| err.to_string())?;
    let request = JobRequest {
        kind: Some(JobKind::InventoryRetrieval),
        ..JobRequest::default()
    };
    let params = validate(&request, None).map_err(|err| err.to_string())?;
    let params_json = params.to_json_compact();
    let who = started_by();
    let intent = JobIntent {
        vault,
        params_json: &params_json,
        plan_json: None,
        started_by: &who,
        at: now,
    };
    let id = store
        .record_job_intent(&intent)
        .map_err(|err| err.to_string())?;
    match api.initiate_job(&vault.name, &params).await {
        Ok(answer) => {
            let mut job = TrackedJob::started(
                answer.job_id.clone(),
                vault.name.clone(),
                JobKind::InventoryRetrieval,
                None,
                now,
            );
            job.speed = api.service_speed();
            store
                .record_job_started(id, &job)
                .map_err(|err| err.to_string())?;
            Ok(answer.job_id)
        }
        Err(err) => {
            let _ = store.record_job_start_failed(id, &err.to_string(), now);
            Err(err.to_string())
        }
    }
}

/// Downloads a ready job's output into `to`, reporting progress as messages.
pub async fn download<G: GlacierApi>(
    api: &G,
    data_dir: &Path,
    vault: &VaultKey,
    job_id: &str,
    to: &Path,
    progress: &UnboundedSender<Msg>,
) -> Result<PathBuf, String> {
    let store = Store::open(data_dir).map_err(|err| err.to_string())?;
    let report = |done: u64, total: u64| {
        let _ = progress.send(Msg::Loaded(Loaded::DownloadProgress {
            job_id: job_id.to_owned(),
            done,
            total,
        }));
    };
    let _ = (api, store, vault, to, report);
    Err("TODO download".to_owned())
}

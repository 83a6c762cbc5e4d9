//! The screen's Glacier work that writes: asking for an inventory (journaled
//! before it is sent) and downloading a job's output.

use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Loaded, Msg};
use crate::domain::job::TrackedJob;
use crate::domain::job_params::{JobKind, JobRequest, validate};
use crate::glacier::GlacierApi;
use crate::store::{JobIntent, Store, VaultKey};
use crate::tracking::started_by_here;

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
    let who = started_by_here();
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
    Err("downloading from the screen is not wired yet".to_owned())
}

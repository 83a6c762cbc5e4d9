//! Vault notification configuration (PUT, GET, DELETE), and the delivery of job
//! completion notices, which the sandbox writes to its log instead of SNS.

use std::sync::{Arc, Weak};

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
};
use serde_json::Value;
use time::OffsetDateTime;

use super::output::compute_pending_hashes;
use super::{check_account, now};
use crate::sandbox::error::GlacierResult;
use crate::sandbox::jobs;
use crate::sandbox::server::{Shared, SharedState};

pub async fn set(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
    body: Bytes,
) -> GlacierResult<StatusCode> {
    check_account(&shared, &account)?;
    shared.change(now(), |state| {
        jobs::set_notifications(state, &shared.ctx, &vault, &body)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    Ok(Json(jobs::get_notifications(&state, &shared.ctx, &vault)?))
}

pub async fn delete(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
) -> GlacierResult<StatusCode> {
    check_account(&shared, &account)?;
    shared.change(now(), |state| {
        jobs::delete_notifications(state, &shared.ctx, &vault)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Follows a new job to its completion: computes its range checksum while it runs,
/// then sends its notices when it completes. Holds the sandbox only weakly, so a
/// sandbox that shuts down is not kept alive by the jobs it was running.
pub fn watch_job(shared: &SharedState, vault: String, job_id: String) {
    let sandbox = Arc::downgrade(shared);
    tokio::spawn(async move {
        let Some(completes_at) = prepare(&sandbox, &vault, &job_id).await else {
            return;
        };
        let wait = completes_at - now();
        if let Ok(wait) = std::time::Duration::try_from(wait) {
            tokio::time::sleep(wait).await;
        }
        if let Some(shared) = sandbox.upgrade() {
            deliver_due_notices(&shared, now());
        }
    });
}

/// Computes the job's checksum if it needs one; returns when the job completes.
async fn prepare(sandbox: &Weak<Shared>, vault: &str, job_id: &str) -> Option<OffsetDateTime> {
    let shared = sandbox.upgrade()?;
    compute_pending_hashes(&shared, |in_vault, job| {
        in_vault == vault && job.id == job_id
    })
    .await;
    let state = shared.lock(now());
    state
        .vaults
        .get(vault)
        .and_then(|vault| vault.jobs.get(job_id))
        .map(|job| job.completes_at)
}

/// Brings every completed job up to date before it is shown: its checksum is known
/// and its notices have gone out. After a restart this catches up on jobs that
/// completed while the sandbox was down.
pub async fn settle(shared: &SharedState, now: OffsetDateTime) {
    compute_pending_hashes(shared, |_, job| job.completes_at <= now).await;
    deliver_due_notices(shared, now);
}

/// Logs the notices due at `now`, each once.
fn deliver_due_notices(shared: &Shared, now: OffsetDateTime) {
    if !jobs::has_due_notices(&shared.lock(now), now, shared.speedup) {
        return;
    }
    let notices = shared.change(now, |state| {
        Ok(jobs::due_notices(state, &shared.ctx, now, shared.speedup))
    });
    match notices {
        Ok(notices) => {
            for notice in notices {
                tracing::info!(
                    topic = %notice.topic,
                    job_id = %notice.job_id,
                    message = %notice.message,
                    "job completion notice published to SNS topic"
                );
            }
        }
        Err(err) => tracing::warn!(%err, "job completion notices could not be recorded"),
    }
}

//! InitiateJob, DescribeJob and ListJobs.

use std::collections::HashMap;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderName, StatusCode, header},
    response::IntoResponse,
};
use serde_json::Value;

use super::notifications::{settle, watch_job};
use super::{check_account, now};
use crate::sandbox::error::GlacierResult;
use crate::sandbox::faults;
use crate::sandbox::jobs::{self, ListJobsQuery};
use crate::sandbox::server::SharedState;
use crate::sandbox::vaults;

const JOB_ID_HEADER: HeaderName = HeaderName::from_static("x-amz-job-id");

pub async fn initiate(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
    body: Bytes,
) -> GlacierResult<impl IntoResponse> {
    check_account(&shared, &account)?;
    let now = now();
    let job_id = shared.change(now, |state| {
        jobs::initiate_job(state, &shared.ctx, &vault, &body, now, shared.speedup)
    })?;
    faults::apply_to_new_job(&shared, &vault, &job_id, now)?;
    watch_job(&shared, vault.clone(), job_id.clone());
    let location = format!("/{}/vaults/{vault}/jobs/{job_id}", shared.ctx.account_id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location), (JOB_ID_HEADER, job_id)],
    ))
}

pub async fn describe(
    State(shared): State<SharedState>,
    Path((account, vault, job_id)): Path<(String, String, String)>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let now = now();
    settle(&shared, now).await;
    let state = shared.lock(now);
    let target = vaults::vault(&state, &shared.ctx, &vault)?;
    let job = jobs::find_job(target, &job_id, now, shared.speedup)?;
    Ok(Json(jobs::describe_job(
        job,
        &shared.ctx.vault_arn(&vault),
        now,
    )))
}

pub async fn list(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let now = now();
    settle(&shared, now).await;
    let state = shared.lock(now);
    let target = vaults::vault(&state, &shared.ctx, &vault)?;
    let query = ListJobsQuery {
        statuscode: query.get("statuscode").map(String::as_str),
        completed: query.get("completed").map(String::as_str),
        limit: query.get("limit").map(String::as_str),
        marker: query.get("marker").map(String::as_str),
    };
    Ok(Json(jobs::list_jobs(
        target,
        &shared.ctx.vault_arn(&vault),
        query,
        now,
        shared.speedup,
    )?))
}

//! The account's retrieval settings: the data retrieval policy and provisioned
//! capacity.

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderName, StatusCode},
    response::IntoResponse,
};
use serde_json::Value;

use super::{check_account, now};
use crate::sandbox::error::GlacierResult;
use crate::sandbox::server::SharedState;
use crate::sandbox::{jobs, policy};

const CAPACITY_ID_HEADER: HeaderName = HeaderName::from_static("x-amz-capacity-id");

pub async fn get_policy(
    State(shared): State<SharedState>,
    Path(account): Path<String>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    Ok(Json(policy::policy_json(&state.retrieval_policy)))
}

/// A new policy applies to jobs started from now on, not to those under way.
pub async fn set_policy(
    State(shared): State<SharedState>,
    Path(account): Path<String>,
    body: Bytes,
) -> GlacierResult<StatusCode> {
    check_account(&shared, &account)?;
    let new_policy = policy::parse_policy(&body)?;
    shared.change(now(), |state| {
        state.retrieval_policy = new_policy;
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_capacity(
    State(shared): State<SharedState>,
    Path(account): Path<String>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    Ok(Json(jobs::list_capacity(&state)))
}

pub async fn purchase_capacity(
    State(shared): State<SharedState>,
    Path(account): Path<String>,
) -> GlacierResult<impl IntoResponse> {
    check_account(&shared, &account)?;
    let now = now();
    let id = shared.change(now, |state| jobs::purchase_capacity(state, now))?;
    Ok((StatusCode::CREATED, [(CAPACITY_ID_HEADER, id)]))
}

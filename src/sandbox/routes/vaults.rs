//! CreateVault, DescribeVault, ListVaults, DeleteVault.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::IntoResponse,
};
use serde_json::Value;

use super::{check_account, now};
use crate::sandbox::error::GlacierResult;
use crate::sandbox::server::SharedState;
use crate::sandbox::vaults;

pub async fn create(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
) -> GlacierResult<impl IntoResponse> {
    check_account(&shared, &account)?;
    shared.change(now(), |state| vaults::create_vault(state, &vault, now()))?;
    let location = format!("/{}/vaults/{vault}", shared.ctx.account_id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)]))
}

pub async fn describe(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    let vault = vaults::vault(&state, &shared.ctx, &vault)?;
    Ok(Json(vaults::describe_vault(vault, &shared.ctx)))
}

pub async fn list(
    State(shared): State<SharedState>,
    Path(account): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    let marker = query.get("marker").map(String::as_str);
    let limit = query.get("limit").map(String::as_str);
    Ok(Json(vaults::list_vaults(
        &state,
        &shared.ctx,
        marker,
        limit,
    )?))
}

pub async fn delete(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
) -> GlacierResult<StatusCode> {
    check_account(&shared, &account)?;
    shared.change(now(), |state| {
        vaults::delete_vault(state, &shared.ctx, &vault)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

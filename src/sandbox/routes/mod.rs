//! Glacier's REST routes (API version 2012-06-01), one file per resource.

mod admin;
mod archives;
mod incoming;
mod jobs;
mod multipart;
mod notifications;
mod output;
mod policy;
mod vaults;

pub use admin::admin_routes;

use axum::{
    Router,
    http::Method,
    routing::{delete, get, post},
};
use time::OffsetDateTime;

use super::error::{GlacierError, GlacierResult};
use super::server::{Shared, SharedState};

pub fn glacier_routes() -> Router<SharedState> {
    Router::new()
        .route("/{account}/vaults", get(vaults::list))
        .route(
            "/{account}/vaults/{vault}",
            get(vaults::describe)
                .put(vaults::create)
                .delete(vaults::delete),
        )
        .route(
            "/{account}/vaults/{vault}/jobs",
            post(jobs::initiate).get(jobs::list),
        )
        .route("/{account}/vaults/{vault}/jobs/{job}", get(jobs::describe))
        .route(
            "/{account}/vaults/{vault}/jobs/{job}/output",
            get(output::get_output),
        )
        .route(
            "/{account}/vaults/{vault}/notification-configuration",
            get(notifications::get)
                .put(notifications::set)
                .delete(notifications::delete),
        )
        .route(
            "/{account}/policies/data-retrieval",
            get(policy::get_policy).put(policy::set_policy),
        )
        .route(
            "/{account}/provisioned-capacity",
            get(policy::list_capacity).post(policy::purchase_capacity),
        )
        .route("/{account}/vaults/{vault}/archives", post(archives::upload))
        .route(
            "/{account}/vaults/{vault}/archives/{archive}",
            delete(archives::delete),
        )
        .route(
            "/{account}/vaults/{vault}/multipart-uploads",
            post(multipart::initiate).get(multipart::list_uploads),
        )
        .route(
            "/{account}/vaults/{vault}/multipart-uploads/{upload}",
            get(multipart::list_parts)
                .put(multipart::upload_part)
                .post(multipart::complete)
                .delete(multipart::abort),
        )
        .fallback(unknown_operation)
}

/// The clock the handlers read; the rules they call take it as an argument.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The account in the path must be `-` (the signer's) or the sandbox's own.
fn check_account(shared: &Shared, account: &str) -> GlacierResult<()> {
    if account == "-" || account == shared.ctx.account_id {
        return Ok(());
    }
    Err(GlacierError::access_denied(format!(
        "Access denied to account {account}; this sandbox answers as account {} (or use -)",
        shared.ctx.account_id
    )))
}

async fn unknown_operation(method: Method, uri: axum::http::Uri) -> GlacierError {
    GlacierError::unsupported(format!(
        "The sandbox does not implement {method} {}",
        uri.path()
    ))
}

//! Glacier's REST routes (API version 2012-06-01), one file per resource.

mod admin;
mod vaults;

pub use admin::admin_routes;

use axum::{Router, http::Method, routing::get};
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

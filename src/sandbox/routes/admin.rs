//! The sandbox's own admin endpoint, `/_sandbox/faults`: list, add and clear faults.
//! Outside Glacier's API (no version header), and served to loopback peers only.

use std::net::SocketAddr;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{ConnectInfo, FromRequestParts, Path, State},
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Response},
    routing::{delete, get},
};
use serde_json::{Value, json};

use super::now;
use crate::sandbox::error::GlacierError;
use crate::sandbox::faults::{self, BookError, FaultSpec};
use crate::sandbox::server::SharedState;

/// The admin routes; the prefix cannot clash with Glacier's, whose first path
/// segment is an account id (12 digits or `-`).
pub fn admin_routes() -> Router<SharedState> {
    Router::new()
        .route("/_sandbox/faults", get(list).post(add).delete(clear))
        .route("/_sandbox/faults/{id}", delete(remove))
}

/// Why an admin request was refused; the body is `{"error": "…"}`.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("the admin endpoint answers loopback peers only, and {0} is not one")]
    NotLoopback(String),
    #[error("the fault is not valid: {0}")]
    InvalidFault(String),
    #[error(transparent)]
    Book(#[from] BookError),
    #[error("no fault has id {0}; GET /_sandbox/faults lists them")]
    UnknownFault(u64),
    #[error("{}", .0.message)]
    Glacier(#[from] GlacierError),
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let status = match &self {
            AdminError::NotLoopback(_) => StatusCode::FORBIDDEN,
            AdminError::InvalidFault(_) | AdminError::Book(_) => StatusCode::BAD_REQUEST,
            AdminError::UnknownFault(_) => StatusCode::NOT_FOUND,
            AdminError::Glacier(err) => err.status,
        };
        (status, Json(json!({ "error": self.to_string() }))).into_response()
    }
}

/// Proof that the request comes from a loopback peer. A request whose peer is
/// unknown is refused too: the endpoint can change what every client sees.
pub struct LoopbackPeer;

impl<S: Send + Sync> FromRequestParts<S> for LoopbackPeer {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AdminError> {
        match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(ConnectInfo(peer)) if is_loopback(peer) => Ok(LoopbackPeer),
            Some(ConnectInfo(peer)) => Err(AdminError::NotLoopback(peer.ip().to_string())),
            None => Err(AdminError::NotLoopback("an unknown peer".into())),
        }
    }
}

/// Loopback, including an IPv4 loopback peer seen through a dual-stack socket.
fn is_loopback(peer: &SocketAddr) -> bool {
    peer.ip().to_canonical().is_loopback()
}

async fn list(_: LoopbackPeer, State(shared): State<SharedState>) -> Json<Value> {
    Json(json!({ "faults": shared.faults.lock().list() }))
}

async fn add(
    _: LoopbackPeer,
    State(shared): State<SharedState>,
    body: Bytes,
) -> Result<Response, AdminError> {
    // Parsed here rather than by `Json` so a missing content type is no obstacle
    // (curl -d sends a form type) and errors read as the seed's do.
    let spec: FaultSpec =
        serde_json::from_slice(&body).map_err(|err| AdminError::InvalidFault(err.to_string()))?;
    if let Some(job_id) = spec.fails_an_existing_job() {
        let job_id = job_id.to_owned();
        let message = spec.job_failure_message();
        let now = now();
        shared.change(now, |state| {
            faults::fail_job(state, spec.vault.as_deref(), &job_id, message, now)
        })?;
        return Ok(Json(json!({ "failed_job": job_id })).into_response());
    }
    let id = shared.faults.lock().add(spec)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

async fn clear(_: LoopbackPeer, State(shared): State<SharedState>) -> Json<Value> {
    Json(json!({ "cleared": shared.faults.lock().clear() }))
}

async fn remove(
    _: LoopbackPeer,
    State(shared): State<SharedState>,
    Path(id): Path<u64>,
) -> Result<StatusCode, AdminError> {
    if shared.faults.lock().remove(id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AdminError::UnknownFault(id))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::Request;

    use super::*;

    async fn peer_check(peer: Option<&str>) -> Result<(), String> {
        let mut builder = Request::builder().uri("/_sandbox/faults");
        if let Some(peer) = peer {
            let addr: SocketAddr = peer.parse().unwrap();
            builder = builder.extension(ConnectInfo(addr));
        }
        let (mut parts, ()) = builder.body(()).unwrap().into_parts();
        LoopbackPeer::from_request_parts(&mut parts, &())
            .await
            .map(|_| ())
            .map_err(|err| err.to_string())
    }

    #[tokio::test]
    async fn only_loopback_peers_pass() {
        for peer in [
            "127.0.0.1:5000",
            "127.8.9.10:1",
            "[::1]:80",
            "[::ffff:127.0.0.1]:9",
        ] {
            assert_eq!(peer_check(Some(peer)).await, Ok(()), "{peer}");
        }
        for peer in [
            "10.0.0.7:5000",
            "192.168.1.2:80",
            "[2001:db8::1]:80",
            "0.0.0.0:1",
        ] {
            let refused = peer_check(Some(peer)).await.unwrap_err();
            assert!(refused.contains("loopback peers only"), "{peer}: {refused}");
        }
        let unknown = peer_check(None).await.unwrap_err();
        assert!(unknown.contains("unknown peer"), "{unknown}");
    }
}

//! Glacier's error responses: a JSON body `{"code","message","type"}` and the status
//! code AWS uses, so SDKs and the aws CLI recognise each error by its code.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

/// An error the sandbox answers with, shaped as Glacier shapes it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct GlacierError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl GlacierError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "ResourceNotFoundException", message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValueException",
            message,
        )
    }

    pub fn missing_parameter(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MissingParameterValueException",
            message,
        )
    }

    pub fn policy_enforced(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "PolicyEnforcedException", message)
    }

    pub fn insufficient_capacity(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InsufficientCapacityException",
            message,
        )
    }

    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "LimitExceededException", message)
    }

    pub fn request_timeout(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            "RequestTimeoutException",
            message,
        )
    }

    pub fn throttling(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ThrottlingException", message)
    }

    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceUnavailableException",
            message,
        )
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "AccessDeniedException", message)
    }

    /// An operation Glacier has but the sandbox does not (tags, vault lock, select).
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValueException",
            message,
        )
    }

    /// "Client" errors are the caller's to fix; "Server" ones are worth a retry.
    fn fault_type(&self) -> &'static str {
        if self.status.is_server_error() || self.code == "ThrottlingException" {
            "Server"
        } else {
            "Client"
        }
    }
}

impl IntoResponse for GlacierError {
    fn into_response(self) -> Response {
        let body = json!({ "code": self.code, "message": self.message, "type": self.fault_type() });
        let mut response = (self.status, Json(body)).into_response();
        if let Ok(code) = self.code.parse() {
            response.headers_mut().insert("x-amzn-ErrorType", code);
        }
        response
    }
}

pub type GlacierResult<T> = Result<T, GlacierError>;

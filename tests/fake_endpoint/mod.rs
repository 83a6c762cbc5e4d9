//! A stand-in Glacier endpoint that answers with whatever a test hands it, for
//! what the sandbox rightly refuses to serve (a vault name Glacier would never
//! allow, a job id with control characters): each request's method and path go
//! to the test's function, which returns the status and JSON body to send.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

/// The reply to one request: status, body, and the error type header Glacier
/// sends with an error.
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self {
            status: StatusCode::OK,
            body,
        }
    }

    /// An error as Glacier shapes it: a JSON body with code, message and type.
    pub fn error(status: StatusCode, code: &str, message: &str) -> Self {
        let kind = if status.is_server_error() {
            "Server"
        } else {
            "Client"
        };
        Self {
            status,
            body: serde_json::json!({"code": code, "message": message, "type": kind}),
        }
    }
}

/// Serves on a loopback port for as long as it lives.
pub struct FakeEndpoint {
    pub url: String,
    _runtime: tokio::runtime::Runtime,
}

pub fn serve(answer: fn(&Method, &str) -> Reply) -> FakeEndpoint {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(move |request: Request<Body>| async move {
        let path = percent_decoded(request.uri().path());
        let reply = answer(request.method(), &path);
        let mut response = Response::builder()
            .status(reply.status)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(code) = reply.body.get("code").and_then(Value::as_str) {
            response = response.header("x-amzn-ErrorType", code);
        }
        response.body(Body::from(reply.body.to_string())).unwrap()
    });
    runtime.spawn(async move { axum::serve(listener, app).await });
    FakeEndpoint {
        url,
        _runtime: runtime,
    }
}

/// The path as the client meant it (`%E2%80%AE` back to U+202E).
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

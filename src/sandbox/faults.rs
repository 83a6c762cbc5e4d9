//! Fault injection: failed jobs, dropped, stalled or corrupted job output and error replies,
//! set by a seed or by the loopback-only admin endpoint, for rehearsing recovery.
//!
//! # Kinds
//! | `kind` | what it does | its own keys |
//! | --- | --- | --- |
//! | `fail_job` | a job initiated in scope ends `Failed` with `message` as its `StatusMessage` | `message` |
//! | `drop_output` | a GetJobOutput body ends with an error after `after_bytes` bytes, so the client reads a short body | `after_bytes` (required) |
//! | `stall_output` | a GetJobOutput body sends `after_bytes` bytes, then nothing more with the connection open, until the client gives up | `after_bytes` (required) |
//! | `flip_byte` | the byte at `offset` of the job's output (not of the request's range) is XORed with `xor` | `offset` (required), `xor` (1–255, default 255) |
//! | `service_unavailable` | requests in scope get 500 `ServiceUnavailableException` | `operation`, `message` |
//! | `throttling` | requests in scope get 400 `ThrottlingException` | `operation`, `message` |
//! | `access_denied` | requests in scope get 403 `AccessDeniedException`, as a vault lock or an access policy that forbids them answers | `operation`, `message` |
//!
//! Common keys: `vault` (only that vault's requests, jobs and outputs), `job_id`
//! (only that job's DescribeJob and GetJobOutput requests and its output),
//! `operation` (a Glacier operation name such as `GetJobOutput`, or one of the S3
//! endpoint's as `s3:UploadPart`, which S3 requests alone meet), and how long it
//! lasts: `count = N` (fires N times, default 1, then is gone) or `persistent = true`
//! (fires until cleared). An error reply may wait: `after_requests = N` lets the
//! first N requests in its scope through (counted in the listing as `passed`,
//! whichever fault answers them), so a failure can strike mid-run, and one that
//! never fires counts requests. A fault fires only when it shows: a drop or a stall only on
//! a body longer than `after_bytes`, a flip only on a body holding its byte. The oldest
//! matching fault fires first; one request gets at most one error reply.
//!
//! A `fail_job` fault with `job_id` is not a rule: given to the admin endpoint it
//! fails that job at once, if it is still in progress.
//!
//! # Admin endpoint (loopback peers only; no Glacier headers needed)
//! - `GET /_sandbox/faults` → `{"faults": [{"id": 1, "kind": …, "remaining": 2, "fired": 1}]}`
//! - `POST /_sandbox/faults` with one fault as JSON, e.g.
//!   `{"kind": "throttling", "operation": "DescribeJob", "count": 3}` → 201 `{"id": 4}`;
//!   `{"kind": "fail_job", "job_id": "…"}` → 200 `{"failed_job": "…"}`
//! - `DELETE /_sandbox/faults` → `{"cleared": N}`; `DELETE /_sandbox/faults/{id}` → 204
//!
//! # Seed
//! `[[faults]]` tables take the same keys; `[[vaults.faults]]` tables are scoped to
//! their vault. Faults live in memory, not in `--state`: a seed's faults are
//! installed each time the sandbox starts with it (`Faults::seeded`).
//!
//! # Hooks
//! Error replies come from the `reply_with_request_faults` layer. GetJobOutput
//! passes its response through `apply_to_output_response` (or its body stream
//! through `apply_to_output`); InitiateJob calls `apply_to_new_job` once the job exists.

mod book;
mod operations;
mod output;
mod spec;

#[cfg(test)]
mod tests;

use std::io;
use std::ops::Range;
use std::sync::{Mutex, MutexGuard};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures_util::{Stream, TryStreamExt};
use time::OffsetDateTime;

use super::error::{GlacierError, GlacierResult};
use super::model::SandboxState;
use super::seed::Seed;
use super::server::{Shared, SharedState};

pub use book::{BookError, FaultBook, ListedFault};
pub use operations::{OPERATIONS, RequestInfo, classify};
pub use output::OutputFaults;
pub use spec::{FaultKind, FaultSpec, Uses};

/// The fault book behind its own lock, apart from the state's, so that checking
/// a request for faults never waits on (or refreshes) the vault state.
#[derive(Debug, Default)]
pub struct Faults {
    book: Mutex<FaultBook>,
}

impl Faults {
    /// The book; it holds plain data, so a panic elsewhere cannot leave it torn.
    pub fn lock(&self) -> MutexGuard<'_, FaultBook> {
        self.book
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The faults of a seed, if any. `seed::parse` refuses faults that cannot be
    /// rules, so none is dropped here unless the seed was built by other means.
    pub fn seeded(seed: Option<&Seed>) -> Self {
        let faults = Self::default();
        let mut book = faults.lock();
        for spec in seed.map(Seed::all_faults).unwrap_or_default() {
            if let Err(err) = book.add(spec) {
                tracing::warn!(%err, "a seed fault was left out");
            }
        }
        drop(book);
        faults
    }

    /// Adds faults (a seed's), all or none.
    pub fn install(&self, specs: impl IntoIterator<Item = FaultSpec>) -> Result<(), BookError> {
        let specs: Vec<FaultSpec> = specs.into_iter().collect();
        if specs
            .iter()
            .any(|spec| spec.fails_an_existing_job().is_some())
        {
            return Err(BookError::JobFailureNeedsExistingJob);
        }
        let mut book = self.lock();
        for spec in specs {
            book.add(spec)?;
        }
        Ok(())
    }
}

/// The GetJobOutput hook: `body` is the stream of the bytes `body_range` of the job's
/// output (the whole output, or the asked range of it).
pub fn apply_to_output<S>(
    shared: &Shared,
    vault: &str,
    job_id: &str,
    body_range: Range<u64>,
    body: S,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static + use<S>
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    let faults = shared
        .faults
        .lock()
        .output_faults(vault, job_id, body_range);
    faults.apply(body)
}

/// The GetJobOutput hook at the response level: reads which bytes of the output the
/// body holds from the status, `Content-Range` and `Content-Length` the route set,
/// and rewraps the body only when a fault applies. Error responses pass untouched.
pub fn apply_to_output_response(
    shared: &Shared,
    vault: &str,
    job_id: &str,
    response: Response,
) -> Response {
    if !response.status().is_success() {
        return response;
    }
    let body_range = body_range_of(response.headers(), response.status());
    let faults = shared
        .faults
        .lock()
        .output_faults(vault, job_id, body_range);
    if faults.is_empty() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let stream = body.into_data_stream().map_err(io::Error::other);
    Response::from_parts(parts, Body::from_stream(faults.apply(stream)))
}

/// The bytes of the output a response body holds: all from 0, or those its
/// `Content-Range: bytes S-E/TOTAL` names.
fn body_range_of(headers: &HeaderMap, status: StatusCode) -> Range<u64> {
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let length = header_text(header::CONTENT_LENGTH)
        .and_then(|text| text.parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let start = match status {
        StatusCode::PARTIAL_CONTENT => header_text(header::CONTENT_RANGE)
            .and_then(|text| {
                let spec = text.strip_prefix("bytes ")?;
                spec.split_once('-')?.0.parse::<u64>().ok()
            })
            .unwrap_or(0),
        _ => 0,
    };
    start..start.saturating_add(length)
}

/// The InitiateJob hook, called once the job exists: a matching `fail_job` fault
/// marks it to end `Failed`.
pub fn apply_to_new_job(
    shared: &Shared,
    vault: &str,
    job_id: &str,
    now: OffsetDateTime,
) -> GlacierResult<()> {
    let Some(message) = shared.faults.lock().new_job_failure(vault) else {
        return Ok(());
    };
    shared.change(now, |state| {
        fail_job(state, Some(vault), job_id, message, now)
    })
}

/// Marks a job still in progress to end `Failed` with `message`; `vault` narrows
/// the search when given.
pub fn fail_job(
    state: &mut SandboxState,
    vault: Option<&str>,
    job_id: &str,
    message: String,
    now: OffsetDateTime,
) -> GlacierResult<()> {
    let job = state
        .vaults
        .iter_mut()
        .filter(|(name, _)| vault.is_none_or(|wanted| wanted == name.as_str()))
        .find_map(|(_, vault)| vault.jobs.get_mut(job_id))
        .ok_or_else(|| GlacierError::not_found(format!("The job ID was not found: {job_id}")))?;
    if job.completes_at <= now {
        return Err(GlacierError::invalid_parameter(format!(
            "The job {job_id} has already completed; a fault can only fail a job in progress"
        )));
    }
    job.failure = Some(message);
    Ok(())
}

/// Middleware for Glacier's routes: answers with an error fault's reply when one
/// matches the request, before any handler runs.
pub async fn reply_with_request_faults(
    State(shared): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    let info = classify(
        request.method(),
        request.uri().path(),
        request.uri().query(),
    );
    let reply = shared.faults.lock().request_error(&info);
    match reply {
        Some(err) => err.into_response(),
        None => next.run(request).await,
    }
}

//! A small S3 endpoint beside the Glacier sandbox, so that copying a vault to
//! S3 can be rehearsed with no account and no network: path-style addresses
//! (`/{bucket}/{key}`), the bucket, object and multipart upload operations a
//! migration uses, S3's checksums, XML bodies and errors. Signatures are not
//! checked, as the Glacier side does not check them; the region a request is
//! signed for is, as S3 refuses a bucket of another region.
//!
//! Object and part bytes are files under the state directory named by ids the
//! sandbox makes (keys are untrusted and never become paths); what S3 knows of
//! them is saved with the rest of the sandbox's state.

mod buckets;
mod checksum;
mod chunked;
mod completion;
mod error;
mod files;
mod headers;
mod listing;
pub mod model;
mod objects;
mod receive;
mod request;
mod uploads;
mod xml;

use axum::{
    Router,
    body::Body,
    extract::{Request, State},
    http::request::Parts,
    response::{IntoResponse, Response},
};
use time::OffsetDateTime;

pub use buckets::{DEFAULT_REGION, add_bucket, validate_bucket_name, validate_region};
pub use error::S3Failure;
pub use request::Operation;

use super::faults::FaultKind;
use super::server::{Shared, SharedState};
use error::S3Result;

/// The S3 endpoint's routes: one handler, since S3 tells its operations apart
/// by query parameters as much as by path.
pub fn router(shared: SharedState) -> Router {
    Router::new().fallback(dispatch).with_state(shared)
}

/// The clock the handlers read.
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

async fn dispatch(State(shared): State<SharedState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    match handle(&shared, &parts, body).await {
        Ok(response) => response,
        Err(failure) => {
            tracing::debug!(code = failure.code, method = %parts.method, "S3 request refused");
            failure.into_response()
        }
    }
}

async fn handle(shared: &SharedState, parts: &Parts, body: Body) -> S3Result<Response> {
    let request = request::parse(&parts.method, parts.uri.path(), parts.uri.query())?;
    if let Some(failure) = injected_fault(shared, request.operation) {
        discard(body).await;
        return Err(failure);
    }
    if request.operation != Operation::CreateBucket {
        let state = shared.lock(now());
        let bucket = state
            .buckets
            .get(&request.bucket)
            .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?;
        buckets::check_region(&parts.headers, bucket, request.operation)?;
    }
    let headers = &parts.headers;
    match request.operation {
        Operation::CreateBucket => objects::create_bucket(shared, &request, headers, body).await,
        Operation::HeadBucket => objects::head_bucket(shared, &request),
        Operation::HeadObject => objects::head_object(shared, &request, headers),
        Operation::GetObject => objects::get_object(shared, &request, headers),
        Operation::PutObject => objects::put_object(shared, &request, headers, body).await,
        Operation::ListMultipartUploads => uploads::list_uploads(shared, &request),
        Operation::CreateMultipartUpload => uploads::create(shared, &request, headers),
        Operation::UploadPart => uploads::upload_part(shared, &request, headers, body).await,
        Operation::ListParts => uploads::list_parts(shared, &request),
        Operation::CompleteMultipartUpload => {
            // In a task of its own: once S3 has the request, the object is made
            // even if the client goes away before the answer.
            let shared = shared.clone();
            tokio::spawn(async move { uploads::complete(&shared, request, body).await })
                .await
                .map_err(S3Failure::internal)?
        }
        Operation::AbortMultipartUpload => uploads::abort(shared, &request),
    }
}

/// The error an injected fault answers an S3 operation with: an outage is S3's
/// 500 InternalError and throttling its 503 SlowDown, both of which clients
/// retry.
fn injected_fault(shared: &Shared, operation: Operation) -> Option<S3Failure> {
    let (kind, message) = shared
        .faults
        .lock()
        .s3_request_fault(operation.fault_name())?;
    Some(match kind {
        FaultKind::Throttling => S3Failure::slow_down(
            message
                .unwrap_or_else(|| "Please reduce your request rate (an injected fault).".into()),
        ),
        FaultKind::AccessDenied => S3Failure::access_denied(
            message.unwrap_or_else(|| "Access Denied (an injected fault)".into()),
        ),
        _ => S3Failure::internal(message.as_deref().unwrap_or("an injected fault")),
    })
}

/// Reads a request's body to its end and drops it. An error answered before
/// the body is read would close the connection under a client still sending
/// a part, which then sees a broken pipe instead of S3's answer: an injected
/// 500 is to read as S3's 500, as AWS answers it once it has the request.
async fn discard(body: Body) {
    use futures_util::StreamExt as _;
    let mut stream = body.into_data_stream();
    while let Some(Ok(_)) = stream.next().await {}
}

/// A response with an XML body.
fn xml_response(body: String) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/xml")],
        body,
    )
        .into_response()
}

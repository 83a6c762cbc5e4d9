//! CreateBucket, HeadBucket, HeadObject, GetObject and PutObject.

use axum::{
    body::Body,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use tokio_util::io::ReaderStream;

use super::buckets::{DEFAULT_REGION, add_bucket, signed_region, validate_bucket_name};
use super::checksum::{base64_sha256, etag};
use super::error::{S3Failure, S3Result};
use super::files::{self, object_path, objects_dir};
use super::headers::{is_archival, object_headers, object_response_headers};
use super::model::StoredObject;
use super::receive::receive;
use super::request::S3Request;
use super::{now, xml};
use crate::sandbox::server::Shared;

/// Object file ids: long enough never to meet, short enough for any file system.
const FILE_ID_LEN: usize = 43;

/// A CreateBucketConfiguration is a few lines.
const MAX_CONFIGURATION_BYTES: usize = 64 * 1024;

/// How much of a stored object is read per body chunk.
const READ_SIZE: usize = 256 * 1024;

pub async fn create_bucket(
    shared: &Shared,
    request: &S3Request,
    headers: &HeaderMap,
    body: Body,
) -> S3Result<Response> {
    validate_bucket_name(&request.bucket).map_err(|message| {
        S3Failure::new(StatusCode::BAD_REQUEST, "InvalidBucketName", message)
            .with("BucketName", request.bucket.clone())
    })?;
    let body = axum::body::to_bytes(body, MAX_CONFIGURATION_BYTES)
        .await
        .map_err(|_| S3Failure::malformed_xml())?;
    let constraint = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let text = std::str::from_utf8(&body).map_err(|_| S3Failure::malformed_xml())?;
        let root = xml::parse(text).map_err(|_| S3Failure::malformed_xml())?;
        root.child_text("LocationConstraint")
            .filter(|region| !region.is_empty())
            .map(str::to_owned)
    };
    let region = constraint.unwrap_or_else(|| DEFAULT_REGION.to_owned());
    if signed_region(headers).is_some_and(|signed| signed != region) {
        return Err(S3Failure::new(
            StatusCode::BAD_REQUEST,
            "IllegalLocationConstraintException",
            format!(
                "The {region} location constraint is incompatible for the region specific endpoint this request was sent to."
            ),
        ));
    }
    let at = now();
    let added = shared.change_or(
        at,
        |state| Ok(add_bucket(&mut state.buckets, &request.bucket, &region, at)),
        S3Failure::internal,
    )?;
    // us-east-1 answers a repeat by its owner with success, other regions not.
    if !added && region != DEFAULT_REGION {
        return Err(S3Failure::new(
            StatusCode::CONFLICT,
            "BucketAlreadyOwnedByYou",
            "Your previous request to create the named bucket succeeded and you already own it.",
        )
        .with("BucketName", request.bucket.clone()));
    }
    Ok(([(header::LOCATION, format!("/{}", request.bucket))]).into_response())
}

pub fn head_bucket(shared: &Shared, request: &S3Request) -> S3Result<Response> {
    let state = shared.lock(now());
    let bucket = state
        .buckets
        .get(&request.bucket)
        .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?;
    Ok(([("x-amz-bucket-region", bucket.region.clone())]).into_response())
}

fn find_object(shared: &Shared, request: &S3Request) -> S3Result<StoredObject> {
    let state = shared.lock(now());
    state
        .buckets
        .get(&request.bucket)
        .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?
        .objects
        .get(&request.key)
        .cloned()
        .ok_or_else(|| S3Failure::no_such_key(&request.key))
}

pub fn head_object(
    shared: &Shared,
    request: &S3Request,
    headers: &HeaderMap,
) -> S3Result<Response> {
    let object = find_object(shared, request)?;
    let mut response = Response::new(Body::empty());
    *response.headers_mut() = object_response_headers(&object, headers);
    Ok(response)
}

pub fn get_object(shared: &Shared, request: &S3Request, headers: &HeaderMap) -> S3Result<Response> {
    if headers.contains_key(header::RANGE) {
        return Err(S3Failure::not_implemented("ranged GetObject"));
    }
    // Opened under the state's lock, so a PutObject replacing the object cannot
    // remove the file in between.
    let (object, file) = {
        let state = shared.lock(now());
        let object = state
            .buckets
            .get(&request.bucket)
            .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?
            .objects
            .get(&request.key)
            .cloned()
            .ok_or_else(|| S3Failure::no_such_key(&request.key))?;
        if is_archival(&object.headers.storage_class) {
            return Err(S3Failure::new(
                StatusCode::FORBIDDEN,
                "InvalidObjectState",
                "The operation is not valid for the object's storage class",
            )
            .with("StorageClass", object.headers.storage_class.clone()));
        }
        let file = std::fs::File::open(object_path(&shared.store, &object.file_id)?)
            .map_err(S3Failure::internal)?;
        (object, file)
    };
    let stream = ReaderStream::with_capacity(tokio::fs::File::from_std(file), READ_SIZE);
    let mut response = Response::new(Body::from_stream(stream));
    *response.headers_mut() = object_response_headers(&object, headers);
    Ok(response)
}

pub async fn put_object(
    shared: &Shared,
    request: &S3Request,
    headers: &HeaderMap,
    body: Body,
) -> S3Result<Response> {
    let written_with = object_headers(headers)?;
    let received = receive(headers, body, shared.store.dir()).await?;
    std::fs::create_dir_all(objects_dir(&shared.store)).map_err(S3Failure::internal)?;
    let at = now();
    let object = shared.change_or(
        at,
        |state| {
            let file_id = state.next_id(FILE_ID_LEN, b"s3-object", request.bucket.as_bytes());
            let bucket = state
                .buckets
                .get_mut(&request.bucket)
                .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?;
            received
                .file
                .persist(object_path(&shared.store, &file_id)?)
                .map_err(|err| S3Failure::internal(err.error))?;
            let object = StoredObject {
                file_id,
                size: received.size,
                etag: etag(&received.sha256),
                checksum_sha256: base64_sha256(&received.sha256),
                last_modified: at,
                headers: written_with,
            };
            let replaced = bucket.objects.insert(request.key.clone(), object.clone());
            Ok((object, replaced))
        },
        S3Failure::internal,
    );
    let (object, replaced) = object?;
    if let Some(old) = replaced {
        files::remove_quietly(object_path(&shared.store, &old.file_id));
    }
    let mut response = ([(header::ETAG, object.etag.clone())]).into_response();
    if received.checksum_algorithm.as_deref() == Some("SHA256")
        && let Ok(value) = object.checksum_sha256.parse()
    {
        response
            .headers_mut()
            .insert("x-amz-checksum-sha256", value);
    }
    Ok(response)
}

//! CreateMultipartUpload, UploadPart, ListParts, CompleteMultipartUpload,
//! AbortMultipartUpload and ListMultipartUploads. Every operation on an upload
//! answers NoSuchUpload for an id the bucket does not hold for that key, as
//! AWS does.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use axum::{
    body::Body,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use tempfile::TempPath;

use super::checksum::{base64_sha256, etag};
use super::completion::{self, Assembly};
use super::error::{S3Failure, S3Result};
use super::files::{self, object_path, objects_dir, part_path, parts_dir};
use super::headers::{checksum_algorithm, object_headers};
use super::listing;
use super::model::{StoredObject, Upload, UploadedPart};
use super::receive::{INCOMING_PREFIX, receive};
use super::request::S3Request;
use super::xml::XmlWriter;
use super::{now, xml_response};
use crate::sandbox::model::SandboxState;
use crate::sandbox::server::Shared;

/// S3's upload ids are long and opaque.
const UPLOAD_ID_LEN: usize = 64;
const FILE_ID_LEN: usize = 43;
const MAX_PART_NUMBER: u32 = 10_000;
/// Ten thousand parts, each named with its ETag and checksum.
const MAX_COMPLETE_BODY: usize = 4 << 20;

fn upload<'a>(state: &'a SandboxState, request: &S3Request) -> S3Result<&'a Upload> {
    state
        .buckets
        .get(&request.bucket)
        .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?
        .uploads
        .get(request.upload_id())
        .filter(|upload| upload.key == request.key)
        .ok_or_else(|| S3Failure::no_such_upload(request.upload_id()))
}

fn upload_mut<'a>(state: &'a mut SandboxState, request: &S3Request) -> S3Result<&'a mut Upload> {
    state
        .buckets
        .get_mut(&request.bucket)
        .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?
        .uploads
        .get_mut(request.upload_id())
        .filter(|upload| upload.key == request.key)
        .ok_or_else(|| S3Failure::no_such_upload(request.upload_id()))
}

pub fn create(shared: &Shared, request: &S3Request, headers: &HeaderMap) -> S3Result<Response> {
    let written_with = object_headers(headers)?;
    let algorithm = checksum_algorithm(headers)?;
    let at = now();
    let upload_id = shared.change_or(
        at,
        |state| {
            let upload_id = state.next_id(UPLOAD_ID_LEN, b"s3-upload", request.bucket.as_bytes());
            let sequence = state.id_counter;
            let bucket = state
                .buckets
                .get_mut(&request.bucket)
                .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?;
            let upload = Upload {
                key: request.key.clone(),
                initiated: at,
                sequence,
                checksum_algorithm: algorithm.clone(),
                headers: written_with,
                parts: Default::default(),
            };
            bucket.uploads.insert(upload_id.clone(), upload);
            Ok(upload_id)
        },
        S3Failure::internal,
    )?;
    let mut xml = XmlWriter::document();
    xml.open_root("InitiateMultipartUploadResult");
    xml.element("Bucket", &request.bucket);
    xml.element("Key", &request.key);
    xml.element("UploadId", &upload_id);
    xml.close("InitiateMultipartUploadResult");
    let mut response = xml_response(xml.finish());
    if let Some(value) = algorithm.and_then(|algorithm| algorithm.parse().ok()) {
        response
            .headers_mut()
            .insert("x-amz-checksum-algorithm", value);
    }
    Ok(response)
}

fn part_number(request: &S3Request) -> S3Result<u32> {
    request
        .param("partNumber")
        .and_then(|text| text.parse::<u32>().ok())
        .filter(|number| (1..=MAX_PART_NUMBER).contains(number))
        .ok_or_else(|| {
            S3Failure::invalid_argument(
                "Part number must be an integer between 1 and 10000, inclusive",
            )
            .with("ArgumentName", "partNumber")
        })
}

pub async fn upload_part(
    shared: &Shared,
    request: &S3Request,
    headers: &HeaderMap,
    body: Body,
) -> S3Result<Response> {
    let number = part_number(request)?;
    let expected_algorithm = {
        let state = shared.lock(now());
        upload(&state, request)?.checksum_algorithm.clone()
    };
    let received = receive(headers, body, shared.store.dir()).await?;
    if let (Some(expected), Some(sent)) = (&expected_algorithm, &received.checksum_algorithm)
        && expected != sent
    {
        return Err(S3Failure::invalid_request(format!(
            "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
            expected.to_ascii_lowercase(),
            sent.to_ascii_lowercase()
        )));
    }
    let part = UploadedPart {
        size: received.size,
        etag: etag(&received.sha256),
        sha256: received.sha256,
        last_modified: now(),
    };
    shared.change_or(
        part.last_modified,
        |state| {
            // The upload may have been completed or aborted while the body came.
            let upload_id = request.upload_id();
            let upload = upload_mut(state, request)?;
            std::fs::create_dir_all(parts_dir(&shared.store, upload_id)?)
                .map_err(S3Failure::internal)?;
            received
                .file
                .persist(part_path(&shared.store, upload_id, number)?)
                .map_err(|err| S3Failure::internal(err.error))?;
            upload.parts.insert(number, part.clone());
            Ok(())
        },
        S3Failure::internal,
    )?;
    let mut response = ([(header::ETAG, part.etag.clone())]).into_response();
    let echoed = expected_algorithm.as_deref() == Some("SHA256")
        || received.checksum_algorithm.as_deref() == Some("SHA256");
    if echoed && let Ok(value) = base64_sha256(&part.sha256).parse() {
        response
            .headers_mut()
            .insert("x-amz-checksum-sha256", value);
    }
    Ok(response)
}

pub fn list_parts(shared: &Shared, request: &S3Request) -> S3Result<Response> {
    let state = shared.lock(now());
    let upload = upload(&state, request)?;
    Ok(xml_response(listing::list_parts(request, upload)?))
}

pub fn list_uploads(shared: &Shared, request: &S3Request) -> S3Result<Response> {
    let state = shared.lock(now());
    let bucket = state
        .buckets
        .get(&request.bucket)
        .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?;
    Ok(xml_response(listing::list_uploads(request, bucket)?))
}

pub fn abort(shared: &Shared, request: &S3Request) -> S3Result<Response> {
    shared.change_or(
        now(),
        |state| {
            upload(state, request)?;
            if let Some(bucket) = state.buckets.get_mut(&request.bucket) {
                bucket.uploads.remove(request.upload_id());
            }
            Ok(())
        },
        S3Failure::internal,
    )?;
    files::remove_quietly(parts_dir(&shared.store, request.upload_id()));
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Checks the parts named, joins their files into the object's and records it.
pub async fn complete(shared: &Shared, request: S3Request, body: Body) -> S3Result<Response> {
    let body = axum::body::to_bytes(body, MAX_COMPLETE_BODY)
        .await
        .map_err(|_| S3Failure::malformed_xml())?;
    let (assembly, sources) = {
        let state = shared.lock(now());
        let upload = upload(&state, &request)?;
        let text = std::str::from_utf8(&body).map_err(|_| S3Failure::malformed_xml())?;
        let asked = completion::read_request(text)?;
        let assembly = completion::check(upload, &asked)?;
        let sources = assembly
            .numbers
            .iter()
            .map(|number| part_path(&shared.store, request.upload_id(), *number))
            .collect::<S3Result<Vec<PathBuf>>>()?;
        (assembly, sources)
    };
    let state_dir = shared.store.dir().to_path_buf();
    let joined = tokio::task::spawn_blocking(move || join_parts(&state_dir, &sources))
        .await
        .map_err(S3Failure::internal)?
        .map_err(S3Failure::internal)?;
    let object = record_object(shared, &request, &assembly, joined)?;
    files::remove_quietly(parts_dir(&shared.store, request.upload_id()));
    let mut xml = XmlWriter::document();
    xml.open_root("CompleteMultipartUploadResult");
    xml.element("Location", &format!("/{}/{}", request.bucket, request.key));
    xml.element("Bucket", &request.bucket);
    xml.element("Key", &request.key);
    xml.element("ETag", &object.etag);
    xml.element("ChecksumSHA256", &object.checksum_sha256);
    xml.element("ChecksumType", "COMPOSITE");
    xml.close("CompleteMultipartUploadResult");
    Ok(xml_response(xml.finish()))
}

fn record_object(
    shared: &Shared,
    request: &S3Request,
    assembly: &Assembly,
    joined: TempPath,
) -> S3Result<StoredObject> {
    std::fs::create_dir_all(objects_dir(&shared.store)).map_err(S3Failure::internal)?;
    let at = now();
    let (object, replaced) = shared.change_or(
        at,
        |state| {
            let file_id = state.next_id(FILE_ID_LEN, b"s3-object", request.bucket.as_bytes());
            // Aborted while the parts were joined: the abort stands.
            let headers = upload(state, request)?.headers.clone();
            let bucket = state
                .buckets
                .get_mut(&request.bucket)
                .ok_or_else(|| S3Failure::no_such_bucket(&request.bucket))?;
            joined
                .persist(object_path(&shared.store, &file_id)?)
                .map_err(|err| S3Failure::internal(err.error))?;
            let object = StoredObject {
                file_id,
                size: assembly.size,
                etag: assembly.etag.clone(),
                checksum_sha256: assembly.checksum_sha256.clone(),
                last_modified: at,
                headers,
            };
            bucket.uploads.remove(request.upload_id());
            let replaced = bucket.objects.insert(request.key.clone(), object.clone());
            Ok((object, replaced))
        },
        S3Failure::internal,
    )?;
    if let Some(old) = replaced {
        files::remove_quietly(object_path(&shared.store, &old.file_id));
    }
    Ok(object)
}

/// Concatenates the part files, in order, into a temporary file.
fn join_parts(state_dir: &std::path::Path, parts: &[PathBuf]) -> std::io::Result<TempPath> {
    let (file, path) = tempfile::Builder::new()
        .prefix(INCOMING_PREFIX)
        .tempfile_in(state_dir)?
        .into_parts();
    let mut out = BufWriter::new(file);
    for part in parts {
        std::io::copy(&mut File::open(part)?, &mut out)?;
    }
    out.flush()?;
    Ok(path)
}

//! InitiateMultipartUpload, UploadMultipartPart, CompleteMultipartUpload,
//! AbortMultipartUpload, ListParts and ListMultipartUploads. Parts are files under
//! `multipart/<upload id>/` in the state directory until the upload completes.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use axum::{
    Json,
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::Value;
use tempfile::TempPath;

use super::archives::archive_created;
use super::incoming::{claimed_checksums, content_length, receive, storage_error};
use super::{check_account, now};
use crate::domain::treehash::TreeHash;
use crate::sandbox::archives::{
    self, NewArchive, parse_byte_count, parse_description, parse_digest_header,
};
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::multipart::{self, Completing, Completion, Part, listing};
use crate::sandbox::server::{Shared, SharedState};
use crate::sandbox::store::StateStore;
use crate::sandbox::vaults;

type UploadPath = Path<(String, String, String)>;

pub async fn initiate(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
    headers: HeaderMap,
) -> GlacierResult<Response> {
    check_account(&shared, &account)?;
    let part_size = multipart::parse_part_size(header(&headers, "x-amz-part-size"))?;
    let description = parse_description(header(&headers, "x-amz-archive-description"))?;
    let at = now();
    let upload_id = shared.change(at, |state| {
        multipart::initiate(state, &shared.ctx, &vault, description, part_size, at)
    })?;
    let location = format!(
        "/{}/vaults/{vault}/multipart-uploads/{upload_id}",
        shared.ctx.account_id
    );
    Ok((
        StatusCode::CREATED,
        [
            ("location", location),
            ("x-amz-multipart-upload-id", upload_id),
        ],
    )
        .into_response())
}

pub async fn upload_part(
    State(shared): State<SharedState>,
    Path((account, vault, upload_id)): UploadPath,
    headers: HeaderMap,
    body: Body,
) -> GlacierResult<Response> {
    check_account(&shared, &account)?;
    let length = content_length(&headers)?;
    let range = multipart::parse_content_range(header(&headers, "content-range"))?;
    let claimed = claimed_checksums(&headers)?;
    {
        let mut state = shared.lock(now());
        let upload = multipart::changeable_upload(&mut state, &shared.ctx, &vault, &upload_id)?;
        multipart::part_index(upload, range, length)?;
    }
    let received = receive(body, shared.store.dir(), length, &claimed).await?;
    let part_dir = parts_dir(&shared.store, &upload_id);
    std::fs::create_dir_all(&part_dir).map_err(storage_error)?;
    shared.change(now(), |state| {
        // The upload may have been aborted or completed while the body arrived.
        let upload = multipart::changeable_upload(state, &shared.ctx, &vault, &upload_id)?;
        let index = multipart::part_index(upload, range, length)?;
        received
            .file
            .persist(part_dir.join(index.to_string()))
            .map_err(|err| storage_error(err.error))?;
        let part = Part {
            size: received.body.size,
            tree_hash: received.body.tree_hash.to_string(),
        };
        upload.parts.insert(index, part);
        Ok(())
    })?;
    Ok((
        StatusCode::NO_CONTENT,
        [("x-amz-sha256-tree-hash", claimed.tree_hash.to_string())],
    )
        .into_response())
}

/// The completion runs in its own task: once Glacier has the request, the archive
/// is made even if the client goes away before the answer.
pub async fn complete(
    State(shared): State<SharedState>,
    Path((account, vault, upload_id)): UploadPath,
    headers: HeaderMap,
) -> GlacierResult<Response> {
    check_account(&shared, &account)?;
    let size = parse_byte_count("x-amz-archive-size", header(&headers, "x-amz-archive-size"))?;
    let tree_hash = parse_digest_header(
        "x-amz-sha256-tree-hash",
        header(&headers, "x-amz-sha256-tree-hash"),
    )?;
    let task_shared = shared.clone();
    let task_vault = vault.clone();
    let archive_id = tokio::spawn(async move {
        complete_upload(&task_shared, &task_vault, &upload_id, size, tree_hash).await
    })
    .await
    .map_err(|err| GlacierError::service_unavailable(err.to_string()))??;
    Ok(archive_created(&shared, &vault, &archive_id, tree_hash))
}

async fn complete_upload(
    shared: &Shared,
    vault: &str,
    upload_id: &str,
    size: u64,
    tree_hash: TreeHash,
) -> GlacierResult<String> {
    let completing = {
        let mut state = shared.lock(now());
        multipart::begin_completion(&mut state, &shared.ctx, vault, upload_id, size, tree_hash)?
    };
    let (description, part_indexes) = match completing {
        Completing::Repeat { archive_id } => return Ok(archive_id),
        Completing::Assemble {
            description,
            part_indexes,
        } => (description, part_indexes),
    };
    let part_dir = parts_dir(&shared.store, upload_id);
    let state_dir = shared.store.dir().to_path_buf();
    let joined =
        tokio::task::spawn_blocking(move || join_parts(&state_dir, &part_dir, &part_indexes))
            .await
            .map_err(|err| std::io::Error::other(err.to_string()))
            .and_then(|result| result);
    let result = match joined {
        Ok(file) => record_archive(shared, vault, upload_id, description, size, tree_hash, file),
        Err(err) => Err(storage_error(err)),
    };
    match &result {
        Ok(_) => {
            let _ = std::fs::remove_dir_all(parts_dir(&shared.store, upload_id));
        }
        Err(_) => multipart::cancel_assembly(&mut shared.lock(now()), vault, upload_id),
    }
    result
}

fn record_archive(
    shared: &Shared,
    vault: &str,
    upload_id: &str,
    description: String,
    size: u64,
    tree_hash: TreeHash,
    file: TempPath,
) -> GlacierResult<String> {
    let at = now();
    shared.change(at, |state| {
        let archive = NewArchive {
            description,
            size,
            tree_hash,
        };
        let archive_id = archives::store_archive(state, &shared.ctx, vault, archive, at, |id| {
            file.persist(shared.store.archive_path(id))
                .map_err(|err| storage_error(err.error))
        })?;
        let completion = Completion {
            archive_id: archive_id.clone(),
            size,
            tree_hash: tree_hash.to_string(),
            at,
        };
        multipart::finish_completion(state, vault, upload_id, completion);
        if let Some(vault) = state.vaults.get_mut(vault) {
            multipart::forget_old_completions(vault, at);
        }
        Ok(archive_id)
    })
}

/// Concatenates the part files, in order, into a temporary file.
fn join_parts(
    state_dir: &std::path::Path,
    part_dir: &std::path::Path,
    part_indexes: &[u64],
) -> std::io::Result<TempPath> {
    let (file, path) = tempfile::Builder::new()
        .prefix(".assembling-")
        .tempfile_in(state_dir)?
        .into_parts();
    let mut out = BufWriter::new(file);
    for index in part_indexes {
        let mut part = File::open(part_dir.join(index.to_string()))?;
        std::io::copy(&mut part, &mut out)?;
    }
    out.flush()?;
    Ok(path)
}

pub async fn abort(
    State(shared): State<SharedState>,
    Path((account, vault, upload_id)): UploadPath,
) -> GlacierResult<StatusCode> {
    check_account(&shared, &account)?;
    shared.change(now(), |state| {
        multipart::abort(state, &shared.ctx, &vault, &upload_id)
    })?;
    let _ = std::fs::remove_dir_all(parts_dir(&shared.store, &upload_id));
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_parts(
    State(shared): State<SharedState>,
    Path((account, vault, upload_id)): UploadPath,
    Query(query): Query<HashMap<String, String>>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    let vault = vaults::vault(&state, &shared.ctx, &vault)?;
    let upload = multipart::open_upload(vault, &upload_id)?;
    Ok(Json(listing::list_parts(
        upload,
        &shared.ctx.vault_arn(&vault.name),
        query.get("marker").map(String::as_str),
        query.get("limit").map(String::as_str),
    )?))
}

pub async fn list_uploads(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> GlacierResult<Json<Value>> {
    check_account(&shared, &account)?;
    let state = shared.lock(now());
    let vault = vaults::vault(&state, &shared.ctx, &vault)?;
    Ok(Json(listing::list_uploads(
        vault,
        &shared.ctx,
        query.get("marker").map(String::as_str),
        query.get("limit").map(String::as_str),
    )?))
}

/// Where the parts of one upload wait. Upload ids are made by the sandbox from
/// `[A-Za-z0-9_-]`, so they are safe folder names; other ids never reach here
/// because every route looks the upload up first.
fn parts_dir(store: &StateStore, upload_id: &str) -> PathBuf {
    store.dir().join("multipart").join(upload_id)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a [u8]> {
    headers.get(name).map(|value| value.as_bytes())
}

//! UploadArchive and DeleteArchive.

use std::path::PathBuf;

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::incoming::{ReceivedFile, claimed_checksums, content_length, receive, storage_error};
use super::{check_account, now};
use crate::sandbox::archives::{self, NewArchive, check_single_upload_size, parse_description};
use crate::sandbox::error::GlacierResult;
use crate::sandbox::model::SandboxState;
use crate::sandbox::server::{Shared, SharedState};
use crate::sandbox::vaults;

pub async fn upload(
    State(shared): State<SharedState>,
    Path((account, vault)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> GlacierResult<Response> {
    check_account(&shared, &account)?;
    let description = parse_description(header(&headers, "x-amz-archive-description"))?;
    let length = content_length(&headers)?;
    check_single_upload_size(length)?;
    let claimed = claimed_checksums(&headers)?;
    // Refuse at once rather than after receiving gigabytes for a missing vault.
    vaults::vault(&shared.lock(now()), &shared.ctx, &vault)?;
    let received = receive(body, shared.store.dir(), length, &claimed).await?;
    let archive = NewArchive {
        description,
        size: received.body.size,
        tree_hash: received.body.tree_hash,
    };
    let archive_id = keep_archive(&shared, &vault, archive, received)?;
    Ok(archive_created(
        &shared,
        &vault,
        &archive_id,
        claimed.tree_hash,
    ))
}

/// Adds the archive to the state and moves its file into place, both under the
/// state lock so that a concurrent sweep never sees one without the other.
pub fn keep_archive(
    shared: &Shared,
    vault: &str,
    archive: NewArchive,
    received: ReceivedFile,
) -> GlacierResult<String> {
    let at = now();
    shared.change(at, |state| {
        archives::store_archive(state, &shared.ctx, vault, archive, at, |id| {
            received
                .file
                .persist(shared.store.archive_path(id))
                .map_err(|err| storage_error(err.error))
        })
    })
}

/// The 201 answer of UploadArchive and CompleteMultipartUpload.
pub fn archive_created(
    shared: &Shared,
    vault: &str,
    archive_id: &str,
    tree_hash: impl std::fmt::Display,
) -> Response {
    let location = format!(
        "/{}/vaults/{vault}/archives/{archive_id}",
        shared.ctx.account_id
    );
    (
        StatusCode::CREATED,
        [
            ("location", location),
            ("x-amz-archive-id", archive_id.to_owned()),
            ("x-amz-sha256-tree-hash", tree_hash.to_string()),
        ],
    )
        .into_response()
}

pub async fn delete(
    State(shared): State<SharedState>,
    Path((account, vault, archive_id)): Path<(String, String, String)>,
) -> GlacierResult<StatusCode> {
    check_account(&shared, &account)?;
    let at = now();
    shared.change(at, |state| {
        archives::delete_archive(state, &shared.ctx, &vault, &archive_id, at)?;
        remove_unused_archive_files(&shared, state);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes stored bytes nobody can read any more: archives whose deletion an
/// inventory has recorded, and that no job still retrieves. Runs under the state
/// lock (uploads place their file under it too). Failures only leave a file behind.
fn remove_unused_archive_files(shared: &Shared, state: &SandboxState) {
    let in_use = archives::stored_ids_in_use(state);
    // The folder `archive_path` puts every stored archive in.
    let Some(dir) = shared.store.archive_path("any").parent().map(PathBuf::from) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if let Some(id) = name.to_str()
            && !in_use.contains(id)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a [u8]> {
    headers.get(name).map(|value| value.as_bytes())
}

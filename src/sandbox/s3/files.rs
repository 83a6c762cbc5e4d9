//! Where S3 bytes live under the state directory: `s3/objects/{file id}` and
//! `s3/parts/{upload id}/{part number}`. Only ids the sandbox made become
//! names; anything else is refused here, whatever a caller passes.

use std::path::PathBuf;

use super::error::{S3Failure, S3Result};
use crate::sandbox::store::StateStore;

/// Ids the sandbox makes are of `[A-Za-z0-9_-]` (see `ids`).
fn checked(id: &str) -> S3Result<&str> {
    let safe = !id.is_empty()
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if safe {
        Ok(id)
    } else {
        Err(S3Failure::internal(
            "an id the sandbox did not make reached its files",
        ))
    }
}

pub fn objects_dir(store: &StateStore) -> PathBuf {
    store.dir().join("s3").join("objects")
}

pub fn object_path(store: &StateStore, file_id: &str) -> S3Result<PathBuf> {
    Ok(objects_dir(store).join(checked(file_id)?))
}

pub fn parts_dir(store: &StateStore, upload_id: &str) -> S3Result<PathBuf> {
    Ok(store
        .dir()
        .join("s3")
        .join("parts")
        .join(checked(upload_id)?))
}

pub fn part_path(store: &StateStore, upload_id: &str, number: u32) -> S3Result<PathBuf> {
    Ok(parts_dir(store, upload_id)?.join(number.to_string()))
}

/// Removes files no longer needed; one left behind costs only disk.
pub fn remove_quietly(path: S3Result<PathBuf>) {
    if let Ok(path) = path {
        let _ = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

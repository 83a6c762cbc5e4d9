//! ListParts and ListMultipartUploads: pages of parts and of open uploads, with
//! Glacier's opaque markers.

use serde_json::{Value, json};

use super::MultipartUpload;
use crate::sandbox::clock::glacier_date;
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::model::Vault;
use crate::sandbox::vaults::{AccountContext, parse_limit};

/// Both listings return at most 50 entries a page, 50 by default.
const MAX_PAGE: usize = 50;

/// ListParts: parts in range order; the marker is the start byte of the next part.
pub fn list_parts(
    upload: &MultipartUpload,
    vault_arn: &str,
    marker: Option<&str>,
    limit: Option<&str>,
) -> GlacierResult<Value> {
    let limit = parse_limit(limit, MAX_PAGE, MAX_PAGE)?;
    let first_index = match marker {
        None => 0,
        Some(marker) => marker
            .parse::<u64>()
            .ok()
            .filter(|start| start.is_multiple_of(upload.part_size))
            .map(|start| start / upload.part_size)
            .ok_or_else(|| invalid_marker(marker))?,
    };
    let mut remaining = upload.parts.range(first_index..);
    let parts: Vec<Value> = remaining
        .by_ref()
        .take(limit)
        .map(|(index, part)| {
            let start = index * upload.part_size;
            json!({
                "RangeInBytes": format!("{start}-{}", start + part.size.max(1) - 1),
                "SHA256TreeHash": part.tree_hash,
            })
        })
        .collect();
    let next = remaining
        .next()
        .map(|(index, _)| (index * upload.part_size).to_string());
    Ok(json!({
        "ArchiveDescription": description(upload),
        "CreationDate": glacier_date(upload.created),
        "Marker": next,
        "MultipartUploadId": upload.id,
        "PartSizeInBytes": upload.part_size,
        "Parts": parts,
        "VaultARN": vault_arn,
    }))
}

/// ListMultipartUploads: open uploads, oldest first; the marker is the id of the
/// first upload of the next page.
pub fn list_uploads(
    vault: &Vault,
    ctx: &AccountContext,
    marker: Option<&str>,
    limit: Option<&str>,
) -> GlacierResult<Value> {
    let limit = parse_limit(limit, MAX_PAGE, MAX_PAGE)?;
    let mut open: Vec<&MultipartUpload> = vault
        .uploads
        .values()
        .filter(|upload| upload.completed.is_none())
        .collect();
    open.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    let start = match marker {
        None => 0,
        Some(marker) => open
            .iter()
            .position(|upload| upload.id == marker)
            .ok_or_else(|| invalid_marker(marker))?,
    };
    let vault_arn = ctx.vault_arn(&vault.name);
    let page: Vec<Value> = open
        .iter()
        .skip(start)
        .take(limit)
        .map(|upload| {
            json!({
                "ArchiveDescription": description(upload),
                "CreationDate": glacier_date(upload.created),
                "MultipartUploadId": upload.id,
                "PartSizeInBytes": upload.part_size,
                "VaultARN": vault_arn,
            })
        })
        .collect();
    let next = open.get(start + limit).map(|upload| upload.id.clone());
    Ok(json!({ "Marker": next, "UploadsList": page }))
}

/// Glacier gives no description as null rather than as an empty string.
fn description(upload: &MultipartUpload) -> Option<&str> {
    (!upload.description.is_empty()).then_some(upload.description.as_str())
}

fn invalid_marker(marker: &str) -> GlacierError {
    GlacierError::invalid_parameter(format!(
        "Invalid marker: {marker}; pass the Marker of the previous page unchanged"
    ))
}

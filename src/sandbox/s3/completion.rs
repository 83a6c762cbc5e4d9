//! CompleteMultipartUpload's rules, as S3 applies them: the parts named in
//! ascending order, each one uploaded with that ETag (and that checksum, which
//! an upload made with SHA-256 checksums must give), every part but the last
//! 5 MiB at least; the object's ETag and composite checksum from its parts.

use axum::http::StatusCode;

use super::checksum::{
    Sha256Digest, base64_sha256, composite_sha256, multipart_etag, parse_base64_sha256, same_etag,
};
use super::error::{S3Failure, S3Result};
use super::model::Upload;
use super::xml;

/// S3's smallest part, but for the last.
pub const MIN_PART_BYTES: u64 = 5 << 20;

/// A part as the request names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedPart {
    pub number: u32,
    pub etag: String,
    pub checksum_sha256: Option<String>,
}

/// The object the parts make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assembly {
    pub numbers: Vec<u32>,
    pub size: u64,
    pub etag: String,
    pub checksum_sha256: String,
}

/// The parts a `<CompleteMultipartUpload>` body names, in its order.
pub fn read_request(body: &str) -> S3Result<Vec<AskedPart>> {
    let root = xml::parse(body).map_err(|_| S3Failure::malformed_xml())?;
    if root.name != "CompleteMultipartUpload" {
        return Err(S3Failure::malformed_xml());
    }
    root.children("Part")
        .map(|part| {
            let number = part
                .child_text("PartNumber")
                .and_then(|text| text.trim().parse().ok())
                .ok_or_else(S3Failure::malformed_xml)?;
            let etag = part
                .child_text("ETag")
                .ok_or_else(S3Failure::malformed_xml)?;
            Ok(AskedPart {
                number,
                etag: etag.to_owned(),
                checksum_sha256: part.child_text("ChecksumSHA256").map(str::to_owned),
            })
        })
        .collect()
}

/// Checks the asked parts against the upload and says what they make.
pub fn check(upload: &Upload, asked: &[AskedPart]) -> S3Result<Assembly> {
    if asked.is_empty() {
        return Err(S3Failure::malformed_xml());
    }
    if asked
        .windows(2)
        .any(|pair| pair[0].number >= pair[1].number)
    {
        return Err(S3Failure::new(
            StatusCode::BAD_REQUEST,
            "InvalidPartOrder",
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
        ));
    }
    let with_sha256 = upload.checksum_algorithm.as_deref() == Some("SHA256");
    let mut digests: Vec<Sha256Digest> = Vec::with_capacity(asked.len());
    let mut size = 0;
    for (index, wanted) in asked.iter().enumerate() {
        let not_found = || {
            S3Failure::invalid_part(
                "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            )
            .with("PartNumber", wanted.number.to_string())
            .with("ETag", wanted.etag.clone())
        };
        let part = upload.parts.get(&wanted.number).ok_or_else(not_found)?;
        if !same_etag(&part.etag, &wanted.etag) {
            return Err(not_found());
        }
        match &wanted.checksum_sha256 {
            Some(given) if parse_base64_sha256(given) != Some(part.sha256) => {
                return Err(S3Failure::invalid_part(format!(
                    "The checksum given for part {} is not the SHA-256 of the part S3 holds ({}).",
                    wanted.number,
                    base64_sha256(&part.sha256)
                ))
                .with("PartNumber", wanted.number.to_string()));
            }
            None if with_sha256 => {
                return Err(S3Failure::invalid_request(format!(
                    "The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part {} in the request.",
                    wanted.number
                )));
            }
            _ => {}
        }
        let last = index + 1 == asked.len();
        if !last && part.size < MIN_PART_BYTES {
            return Err(S3Failure::new(
                StatusCode::BAD_REQUEST,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed object size.",
            )
            .with("ProposedSize", part.size.to_string())
            .with("MinSizeAllowed", MIN_PART_BYTES.to_string())
            .with("PartNumber", wanted.number.to_string())
            .with("ETag", part.etag.clone()));
        }
        digests.push(part.sha256);
        size += part.size;
    }
    Ok(Assembly {
        numbers: asked.iter().map(|part| part.number).collect(),
        size,
        etag: multipart_etag(&digests),
        checksum_sha256: composite_sha256(&digests),
    })
}

#[cfg(test)]
#[path = "completion_tests.rs"]
mod tests;

//! ListParts and ListMultipartUploads: which page of parts or uploads a query
//! asks for, and its XML, as S3 pages them (markers, `max-*`, `IsTruncated`).

use super::checksum::base64_sha256;
use super::error::{S3Failure, S3Result};
use super::headers::iso_date;
use super::model::{Bucket, Upload};
use super::request::{S3Request, percent_encode};
use super::xml::XmlWriter;

/// S3's default and largest page.
const MAX_PAGE: usize = 1000;

/// The sandbox answers as one owner for every upload.
const OWNER_ID: &str = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
const OWNER_NAME: &str = "sandbox";

fn page_size(request: &S3Request, name: &str) -> S3Result<usize> {
    match request.param(name) {
        None => Ok(MAX_PAGE),
        Some(text) => text
            .parse::<usize>()
            .map(|size| size.min(MAX_PAGE))
            .map_err(|_| {
                S3Failure::invalid_argument(format!(
                    "Provided {name} not an integer or within integer range"
                ))
                .with("ArgumentName", name)
                .with("ArgumentValue", text)
            }),
    }
}

/// One page of an upload's parts.
pub fn list_parts(request: &S3Request, upload: &Upload) -> S3Result<String> {
    let max = page_size(request, "max-parts")?;
    let marker: u32 = match request.param("part-number-marker") {
        None | Some("") => 0,
        Some(text) => text.parse().map_err(|_| {
            S3Failure::invalid_argument(
                "Provided part-number-marker not an integer or within integer range",
            )
        })?,
    };
    let mut after = upload.parts.range(marker.saturating_add(1)..);
    let page: Vec<_> = after.by_ref().take(max).collect();
    let truncated = after.next().is_some();
    let mut xml = XmlWriter::document();
    xml.open_root("ListPartsResult");
    xml.element("Bucket", &request.bucket);
    xml.element("Key", &request.key);
    xml.element("UploadId", request.upload_id());
    xml.element("PartNumberMarker", &marker.to_string());
    if let Some((last, _)) = page.last() {
        xml.element("NextPartNumberMarker", &last.to_string());
    }
    xml.element("MaxParts", &max.to_string());
    xml.element("IsTruncated", if truncated { "true" } else { "false" });
    let with_sha256 = upload.checksum_algorithm.as_deref() == Some("SHA256");
    for (number, part) in &page {
        xml.open("Part");
        xml.element("PartNumber", &number.to_string());
        xml.element("LastModified", &iso_date(part.last_modified));
        xml.element("ETag", &part.etag);
        xml.element("Size", &part.size.to_string());
        if with_sha256 {
            xml.element("ChecksumSHA256", &base64_sha256(&part.sha256));
        }
        xml.close("Part");
    }
    owner(&mut xml, "Initiator");
    owner(&mut xml, "Owner");
    xml.element("StorageClass", &upload.headers.storage_class);
    if let Some(algorithm) = &upload.checksum_algorithm {
        xml.element("ChecksumAlgorithm", algorithm);
    }
    xml.close("ListPartsResult");
    Ok(xml.finish())
}

/// One page of a bucket's unfinished uploads under `prefix`, ordered by key
/// and, for one key, by when each began.
pub fn list_uploads(request: &S3Request, bucket: &Bucket) -> S3Result<String> {
    if request.param("delimiter").is_some() {
        return Err(S3Failure::not_implemented(
            "a delimiter in ListMultipartUploads",
        ));
    }
    let max = page_size(request, "max-uploads")?;
    let prefix = request.param("prefix").unwrap_or_default();
    let key_marker = request.param("key-marker").unwrap_or_default();
    let id_marker = request.param("upload-id-marker").unwrap_or_default();
    let url_encoded = request.param("encoding-type") == Some("url");
    let shown = |text: &str| {
        if url_encoded {
            percent_encode(text)
        } else {
            text.to_owned()
        }
    };
    let mut uploads: Vec<(&String, &Upload)> = bucket
        .uploads
        .iter()
        .filter(|(_, upload)| upload.key.starts_with(prefix))
        .collect();
    uploads.sort_by(|a, b| (&a.1.key, a.1.sequence).cmp(&(&b.1.key, b.1.sequence)));
    // After the marker: later keys, or, with an upload id, the same key's
    // later uploads too.
    let marker_sequence = bucket
        .uploads
        .get(id_marker)
        .filter(|upload| upload.key == key_marker)
        .map(|upload| upload.sequence);
    let mut after = uploads.into_iter().filter(|(_, upload)| {
        key_marker.is_empty()
            || upload.key.as_str() > key_marker
            || (upload.key == key_marker
                && marker_sequence.is_some_and(|seq| upload.sequence > seq))
    });
    let page: Vec<_> = after.by_ref().take(max).collect();
    let truncated = after.next().is_some();
    let mut xml = XmlWriter::document();
    xml.open_root("ListMultipartUploadsResult");
    xml.element("Bucket", &bucket.name);
    xml.element("KeyMarker", &shown(key_marker));
    xml.element("UploadIdMarker", id_marker);
    if let Some((id, upload)) = page.last() {
        xml.element("NextKeyMarker", &shown(&upload.key));
        xml.element("NextUploadIdMarker", id);
    }
    if url_encoded {
        xml.element("EncodingType", "url");
    }
    xml.element("Prefix", &shown(prefix));
    xml.element("MaxUploads", &max.to_string());
    xml.element("IsTruncated", if truncated { "true" } else { "false" });
    for (id, upload) in page {
        xml.open("Upload");
        xml.element("Key", &shown(&upload.key));
        xml.element("UploadId", id);
        owner(&mut xml, "Initiator");
        owner(&mut xml, "Owner");
        xml.element("StorageClass", &upload.headers.storage_class);
        xml.element("Initiated", &iso_date(upload.initiated));
        if let Some(algorithm) = &upload.checksum_algorithm {
            xml.element("ChecksumAlgorithm", algorithm);
        }
        xml.close("Upload");
    }
    xml.close("ListMultipartUploadsResult");
    Ok(xml.finish())
}

fn owner(xml: &mut XmlWriter, element: &str) {
    xml.open(element);
    xml.element("ID", OWNER_ID);
    xml.element("DisplayName", OWNER_NAME);
    xml.close(element);
}

#[cfg(test)]
#[path = "listing_tests.rs"]
mod tests;

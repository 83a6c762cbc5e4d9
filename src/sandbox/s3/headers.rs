//! The headers an object is written with (storage class, `x-amz-meta-*`,
//! content type) and those HeadObject and GetObject answer with, and S3's two
//! date formats.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use super::error::{S3Failure, S3Result};
use super::model::{ObjectHeaders, StoredObject};

/// S3's limit on user metadata: the bytes of every name and value.
pub const MAX_METADATA_BYTES: usize = 2048;

const METADATA_PREFIX: &str = "x-amz-meta-";

/// The storage classes S3 knows; the sandbox stores them all alike.
const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
    "OUTPOSTS",
    "SNOW",
    "EXPRESS_ONEZONE",
];

/// Classes whose objects cannot be read before a restore.
pub fn is_archival(storage_class: &str) -> bool {
    matches!(storage_class, "GLACIER" | "DEEP_ARCHIVE")
}

/// The checksum algorithms S3 accepts for a multipart upload.
const CHECKSUM_ALGORITHMS: &[&str] = &["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

/// Reads what an object is written with from a PutObject or a
/// CreateMultipartUpload request.
pub fn object_headers(headers: &HeaderMap) -> S3Result<ObjectHeaders> {
    let storage_class = match headers.get("x-amz-storage-class") {
        None => "STANDARD".to_owned(),
        Some(value) => value
            .to_str()
            .ok()
            .filter(|class| STORAGE_CLASSES.contains(class))
            .map(str::to_owned)
            .ok_or_else(|| {
                S3Failure::new(
                    axum::http::StatusCode::BAD_REQUEST,
                    "InvalidStorageClass",
                    "The storage class you specified is not valid",
                )
            })?,
    };
    let mut metadata = BTreeMap::new();
    for (name, value) in headers {
        let Some(name) = name.as_str().strip_prefix(METADATA_PREFIX) else {
            continue;
        };
        let value = value.to_str().map_err(|_| {
            S3Failure::invalid_argument(
                "User metadata values must be US-ASCII; encode other text (for example with percent-encoding)",
            )
        })?;
        metadata.insert(name.to_owned(), value.to_owned());
    }
    let metadata_bytes: usize = metadata
        .iter()
        .map(|(name, value)| name.len() + value.len())
        .sum();
    if metadata_bytes > MAX_METADATA_BYTES {
        return Err(S3Failure::new(
            axum::http::StatusCode::BAD_REQUEST,
            "MetadataTooLarge",
            "Your metadata headers exceed the maximum allowed metadata size.",
        )
        .with("Size", metadata_bytes.to_string())
        .with("MaxSizeAllowed", MAX_METADATA_BYTES.to_string()));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok(ObjectHeaders {
        storage_class,
        metadata,
        content_type,
    })
}

/// The `x-amz-checksum-algorithm` of a CreateMultipartUpload, upper case.
pub fn checksum_algorithm(headers: &HeaderMap) -> S3Result<Option<String>> {
    let Some(value) = headers.get("x-amz-checksum-algorithm") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(str::to_ascii_uppercase)
        .filter(|algorithm| CHECKSUM_ALGORITHMS.contains(&algorithm.as_str()))
        .map(Some)
        .ok_or_else(|| S3Failure::invalid_request("Checksum algorithm provided is unsupported."))
}

/// What HeadObject and GetObject answer with; the checksum only when the
/// client turned checksum mode on, as S3 does.
pub fn object_response_headers(object: &StoredObject, request: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    let mut put = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            out.insert(name, value);
        }
    };
    put("content-length", &object.size.to_string());
    put("etag", &object.etag);
    put("last-modified", &http_date(object.last_modified));
    put("accept-ranges", "bytes");
    let headers = &object.headers;
    put(
        "content-type",
        headers
            .content_type
            .as_deref()
            .unwrap_or("binary/octet-stream"),
    );
    if headers.storage_class != "STANDARD" {
        put("x-amz-storage-class", &headers.storage_class);
    }
    for (name, value) in &headers.metadata {
        put(&format!("{METADATA_PREFIX}{name}"), value);
    }
    let checksum_mode = request
        .get("x-amz-checksum-mode")
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"ENABLED"));
    if checksum_mode {
        put("x-amz-checksum-sha256", &object.checksum_sha256);
        let composite = object.checksum_sha256.contains('-');
        put(
            "x-amz-checksum-type",
            if composite {
                "COMPOSITE"
            } else {
                "FULL_OBJECT"
            },
        );
    }
    out
}

const HTTP_DATE: &[BorrowedFormatItem<'static>] = format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

const ISO_DATE: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// `Wed, 21 Oct 2015 07:28:00 GMT`, for headers.
pub fn http_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(HTTP_DATE)
        .unwrap_or_default()
}

/// `2015-10-21T07:28:00.000Z`, for XML.
pub fn iso_date(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(ISO_DATE)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn request(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn class_metadata_and_type_are_read_and_checked() {
        let read = object_headers(&request(&[
            ("x-amz-storage-class", "DEEP_ARCHIVE"),
            ("x-amz-meta-glacier-archive-id", "abc"),
            ("content-type", "text/csv"),
        ]))
        .unwrap();
        assert_eq!(read.storage_class, "DEEP_ARCHIVE");
        assert_eq!(read.metadata["glacier-archive-id"], "abc");
        assert_eq!(read.content_type.as_deref(), Some("text/csv"));
        assert_eq!(
            object_headers(&request(&[])).unwrap().storage_class,
            "STANDARD"
        );
        let bad = object_headers(&request(&[("x-amz-storage-class", "COLD")])).unwrap_err();
        assert_eq!(bad.code, "InvalidStorageClass");
        let big = "v".repeat(MAX_METADATA_BYTES);
        let err = object_headers(&request(&[("x-amz-meta-a", &big)])).unwrap_err();
        assert_eq!(err.code, "MetadataTooLarge");
        let fits = "v".repeat(MAX_METADATA_BYTES - 1);
        assert!(object_headers(&request(&[("x-amz-meta-a", &fits)])).is_ok());
    }

    #[test]
    fn dates_have_s3s_formats() {
        let at = datetime!(2015-10-21 07:28:00.5 UTC);
        assert_eq!(http_date(at), "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(iso_date(at), "2015-10-21T07:28:00.500Z");
    }
}

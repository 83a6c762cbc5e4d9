//! What an S3 request asks, read from its method, path-style address
//! (`/{bucket}/{key}`) and query alone, before any handler runs: which
//! operation it is (also for fault rules), on which bucket and key.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};

use super::error::{S3Failure, S3Result};

/// S3's longest key, in bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;

/// The S3 operations the sandbox serves, as fault rules name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    CreateBucket,
    HeadBucket,
    ListMultipartUploads,
    HeadObject,
    GetObject,
    PutObject,
    CreateMultipartUpload,
    UploadPart,
    ListParts,
    CompleteMultipartUpload,
    AbortMultipartUpload,
}

impl Operation {
    pub const ALL: [Operation; 11] = [
        Operation::CreateBucket,
        Operation::HeadBucket,
        Operation::ListMultipartUploads,
        Operation::HeadObject,
        Operation::GetObject,
        Operation::PutObject,
        Operation::CreateMultipartUpload,
        Operation::UploadPart,
        Operation::ListParts,
        Operation::CompleteMultipartUpload,
        Operation::AbortMultipartUpload,
    ];

    /// The name a fault rule gives it: `s3:` and S3's name for it, as Glacier
    /// has operations of the same names.
    pub fn fault_name(self) -> &'static str {
        match self {
            Operation::CreateBucket => "s3:CreateBucket",
            Operation::HeadBucket => "s3:HeadBucket",
            Operation::ListMultipartUploads => "s3:ListMultipartUploads",
            Operation::HeadObject => "s3:HeadObject",
            Operation::GetObject => "s3:GetObject",
            Operation::PutObject => "s3:PutObject",
            Operation::CreateMultipartUpload => "s3:CreateMultipartUpload",
            Operation::UploadPart => "s3:UploadPart",
            Operation::ListParts => "s3:ListParts",
            Operation::CompleteMultipartUpload => "s3:CompleteMultipartUpload",
            Operation::AbortMultipartUpload => "s3:AbortMultipartUpload",
        }
    }
}

/// A request's address and query, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Request {
    pub operation: Operation,
    pub bucket: String,
    /// Empty for operations on the bucket.
    pub key: String,
    pub query: BTreeMap<String, String>,
}

impl S3Request {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// The `uploadId` of an upload operation.
    pub fn upload_id(&self) -> &str {
        self.param("uploadId").unwrap_or_default()
    }
}

/// Reads the operation, bucket, key and query of a request.
pub fn parse(method: &Method, path: &str, query: Option<&str>) -> S3Result<S3Request> {
    let address = path.strip_prefix('/').unwrap_or(path);
    let (bucket, key) = address.split_once('/').unwrap_or((address, ""));
    let bucket = percent_decode(bucket)?;
    let key = percent_decode(key)?;
    let query = parse_query(query.unwrap_or_default())?;
    if bucket.is_empty() {
        return Err(S3Failure::not_implemented(
            "ListBuckets or virtual-hosted addresses; address buckets by path, as /BUCKET/KEY",
        ));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(S3Failure::new(
            StatusCode::BAD_REQUEST,
            "KeyTooLongError",
            "Your key is too long",
        )
        .with("Size", key.len().to_string())
        .with("MaxSizeAllowed", MAX_KEY_BYTES.to_string()));
    }
    let has = |name: &str| query.contains_key(name);
    let operation = match (method.as_str(), key.is_empty()) {
        ("PUT", true) => Operation::CreateBucket,
        ("HEAD", true) => Operation::HeadBucket,
        ("GET", true) if has("uploads") => Operation::ListMultipartUploads,
        ("HEAD", false) => Operation::HeadObject,
        ("GET", false) if has("uploadId") => Operation::ListParts,
        ("GET", false) => Operation::GetObject,
        ("PUT", false) if has("uploadId") && has("partNumber") => Operation::UploadPart,
        ("PUT", false) => Operation::PutObject,
        ("POST", false) if has("uploads") => Operation::CreateMultipartUpload,
        ("POST", false) if has("uploadId") => Operation::CompleteMultipartUpload,
        ("DELETE", false) if has("uploadId") => Operation::AbortMultipartUpload,
        _ => {
            return Err(S3Failure::not_implemented(&format!(
                "{method} on {}",
                if key.is_empty() {
                    "a bucket"
                } else {
                    "an object"
                }
            )));
        }
    };
    if operation == Operation::PutObject
        && (has("partNumber") || has("uploadId") || has("tagging") || has("acl"))
    {
        return Err(S3Failure::not_implemented("this PUT on an object"));
    }
    Ok(S3Request {
        operation,
        bucket,
        key,
        query,
    })
}

fn parse_query(query: &str) -> S3Result<BTreeMap<String, String>> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((percent_decode(name)?, percent_decode(value)?))
        })
        .collect()
}

/// `%XX` escapes decoded into UTF-8 text; nothing else changes (a `+` stays).
pub fn percent_decode(text: &str) -> S3Result<String> {
    let invalid = || {
        S3Failure::new(
            StatusCode::BAD_REQUEST,
            "InvalidURI",
            "Couldn't parse the specified URI.",
        )
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = bytes.get(index + 1..index + 3).ok_or_else(invalid)?;
            let hex = std::str::from_utf8(hex).map_err(|_| invalid())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| invalid())?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|_| invalid())
}

/// `%XX` for every byte outside S3's unreserved characters and `/`, for keys in
/// answers to a client that asked for `encoding-type=url`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: Method, target: &str) -> S3Result<S3Request> {
        let (path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        parse(&method, path, query)
    }

    #[test]
    fn operations_are_told_by_method_path_and_query() {
        let cases = [
            (Method::PUT, "/b", Operation::CreateBucket),
            (Method::HEAD, "/b", Operation::HeadBucket),
            (
                Method::GET,
                "/b?uploads&prefix=p",
                Operation::ListMultipartUploads,
            ),
            (Method::HEAD, "/b/k", Operation::HeadObject),
            (Method::GET, "/b/k", Operation::GetObject),
            (Method::PUT, "/b/k", Operation::PutObject),
            (
                Method::POST,
                "/b/k?uploads",
                Operation::CreateMultipartUpload,
            ),
            (
                Method::PUT,
                "/b/k?partNumber=2&uploadId=U",
                Operation::UploadPart,
            ),
            (Method::GET, "/b/k?uploadId=U", Operation::ListParts),
            (
                Method::POST,
                "/b/k?uploadId=U",
                Operation::CompleteMultipartUpload,
            ),
            (
                Method::DELETE,
                "/b/k?uploadId=U",
                Operation::AbortMultipartUpload,
            ),
        ];
        for (method, target, expected) in cases {
            assert_eq!(op(method, target).unwrap().operation, expected, "{target}");
        }
        assert_eq!(
            op(Method::DELETE, "/b/k").unwrap_err().code,
            "NotImplemented"
        );
        assert_eq!(op(Method::GET, "/").unwrap_err().code, "NotImplemented");
    }

    #[test]
    fn keys_are_decoded_exactly_and_never_normalised() {
        let request = op(Method::GET, "/b/../a//%01%E6%97%A5+x%2Fy?uploadId=a%2Bb").unwrap();
        assert_eq!(request.bucket, "b");
        assert_eq!(request.key, "../a//\u{1}日+x/y");
        assert_eq!(request.upload_id(), "a+b");
        assert_eq!(op(Method::GET, "/b/%FF").unwrap_err().code, "InvalidURI");
        assert_eq!(op(Method::GET, "/b/%4").unwrap_err().code, "InvalidURI");
    }

    #[test]
    fn keys_past_1024_bytes_are_refused() {
        let longest = "k".repeat(MAX_KEY_BYTES);
        assert!(op(Method::GET, &format!("/b/{longest}")).is_ok());
        let err = op(Method::GET, &format!("/b/{longest}k")).unwrap_err();
        assert_eq!(err.code, "KeyTooLongError");
    }

    #[test]
    fn encoding_reverses_decoding() {
        let key = "a b/\u{1}日%+";
        assert_eq!(percent_decode(&percent_encode(key)).unwrap(), key);
        assert_eq!(percent_encode("a b/c"), "a%20b/c");
    }
}

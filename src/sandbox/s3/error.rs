//! S3's error responses: an XML `<Error>` body with `Code`, `Message` and the
//! elements each code carries, and the status AWS answers it with, so SDKs map
//! each one to the error they know.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::xml::XmlWriter;

/// An error the S3 endpoint answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct S3Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// More elements of the body, such as `Key`, `BucketName` or `Region`.
    pub details: Vec<(&'static str, String)>,
    /// Sent as `x-amz-bucket-region`, which tells a client where the bucket is.
    pub bucket_region: Option<String>,
}

pub type S3Result<T> = Result<T, S3Failure>;

impl S3Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
            bucket_region: None,
        }
    }

    pub fn with(mut self, element: &'static str, value: impl Into<String>) -> Self {
        self.details.push((element, value.into()));
        self
    }

    pub fn no_such_bucket(bucket: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoSuchBucket",
            "The specified bucket does not exist",
        )
        .with("BucketName", bucket)
    }

    pub fn no_such_key(key: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        )
        .with("Key", key)
    }

    pub fn no_such_upload(upload_id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
        )
        .with("UploadId", upload_id)
    }

    pub fn bad_digest(algorithm: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "BadDigest",
            format!("The {algorithm} you specified did not match the calculated checksum."),
        )
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidArgument", message)
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidRequest", message)
    }

    pub fn invalid_part(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidPart", message)
    }

    pub fn malformed_xml() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
        )
    }

    /// What S3 answers for a request the sandbox does not serve.
    pub fn not_implemented(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            format!("The sandbox's S3 endpoint does not implement {what}"),
        )
    }

    /// A failure of the sandbox's own storage: S3's 500, which clients retry.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            format!("We encountered an internal error ({detail}). Please try again."),
        )
    }

    pub fn slow_down(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "SlowDown", message)
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "AccessDenied", message)
    }

    /// The XML body.
    pub fn body(&self) -> String {
        let mut xml = XmlWriter::document();
        xml.open("Error");
        xml.element("Code", self.code);
        xml.element("Message", &self.message);
        for (element, value) in &self.details {
            xml.element(element, value);
        }
        xml.close("Error");
        xml.finish()
    }
}

impl IntoResponse for S3Failure {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/xml")],
            self.body(),
        )
            .into_response();
        if let Some(region) = self
            .bucket_region
            .as_deref()
            .and_then(|region| HeaderValue::from_str(region).ok())
        {
            response.headers_mut().insert("x-amz-bucket-region", region);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_body_names_its_code_message_and_details() {
        let body = S3Failure::no_such_key("a<b&\"c\"").body();
        assert_eq!(
            body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&lt;b&amp;&quot;c&quot;</Key></Error>"
        );
    }
}

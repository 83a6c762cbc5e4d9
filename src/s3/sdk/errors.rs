//! SDK failures as [`S3Error`]s. S3's error code decides where it sends one (HEAD
//! answers carry no body, so their status does); what the request was about
//! tells a missing bucket from a missing key or upload.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::s3::S3Error;
use crate::text::{chain_text, printable};

/// What a request named, to say which thing was not found.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Bucket(&'a str),
    Object {
        bucket: &'a str,
        key: &'a str,
    },
    Upload {
        bucket: &'a str,
        key: &'a str,
        upload_id: &'a str,
    },
}

impl Subject<'_> {
    fn bucket(&self) -> &str {
        match self {
            Subject::Bucket(bucket)
            | Subject::Object { bucket, .. }
            | Subject::Upload { bucket, .. } => bucket,
        }
    }

    fn key(&self) -> &str {
        match self {
            Subject::Bucket(_) => "",
            Subject::Object { key, .. } | Subject::Upload { key, .. } => key,
        }
    }
}

/// What S3 said, before it is sorted into an [`S3Error`].
#[derive(Debug, Clone, Default)]
pub struct Answer {
    pub status: u16,
    pub code: String,
    /// Made printable.
    pub message: String,
    /// The `x-amz-bucket-region` header, which S3 sends with a redirect.
    pub bucket_region: Option<String>,
}

pub fn service_error<E>(err: SdkError<E>, endpoint: &str, subject: Subject<'_>) -> S3Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let endpoint = endpoint.to_owned();
    let detail = || chain_text(&err);
    match &err {
        SdkError::ServiceError(context) => {
            let raw = context.raw();
            let service = context.err();
            let answer = Answer {
                status: raw.status().as_u16(),
                code: service.code().unwrap_or("").to_owned(),
                message: printable(service.message().unwrap_or("")),
                bucket_region: raw.headers().get("x-amz-bucket-region").map(printable),
            };
            from_answer(answer, subject)
        }
        SdkError::TimeoutError(_) => S3Error::Timeout {
            endpoint,
            detail: detail(),
        },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => S3Error::Timeout {
            endpoint,
            detail: detail(),
        },
        SdkError::DispatchFailure(_) => S3Error::Network {
            endpoint,
            detail: detail(),
        },
        // Credentials that vanish between `connect` and a request (an SSO session
        // ending) surface while the request is built.
        SdkError::ConstructionFailure(_) if detail().contains("credentials") => {
            S3Error::NoCredentials { detail: detail() }
        }
        _ => S3Error::Malformed { detail: detail() },
    }
}

pub fn from_answer(answer: Answer, subject: Subject<'_>) -> S3Error {
    let Answer {
        status,
        code,
        message,
        bucket_region,
    } = answer;
    let bucket = || printable(subject.bucket());
    let key = || printable(subject.key());
    let shown_code = || {
        if code.is_empty() {
            "no error code".to_owned()
        } else {
            printable(&code)
        }
    };
    match (code.as_str(), status) {
        ("NoSuchBucket", _) => S3Error::NoSuchBucket { bucket: bucket() },
        ("NoSuchKey", _) => S3Error::NoSuchKey { key: key() },
        ("NoSuchUpload", _) => match subject {
            Subject::Upload { upload_id, .. } => S3Error::NoSuchUpload {
                key: key(),
                upload_id: printable(upload_id),
            },
            _ => S3Error::Service {
                status,
                code: shown_code(),
                message,
            },
        },
        ("AccessDenied" | "AllAccessDisabled" | "AccountProblem" | "Forbidden", _) | ("", 403) => {
            S3Error::AccessDenied {
                message: if message.is_empty() {
                    shown_code()
                } else {
                    message
                },
            }
        }
        ("ExpiredToken" | "TokenRefreshRequired" | "RequestExpired", _) => {
            S3Error::ExpiredCredentials { code: shown_code() }
        }
        ("InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken", _) => {
            S3Error::CredentialsRejected {
                code: shown_code(),
                message,
            }
        }
        ("InvalidBucketName", _) => S3Error::InvalidBucketName {
            bucket: bucket(),
            message,
        },
        ("PermanentRedirect" | "AuthorizationHeaderMalformed" | "MovedPermanently", _)
        | (_, 301) => S3Error::WrongRegion {
            bucket: bucket(),
            region: bucket_region.unwrap_or_else(|| "not named".into()),
        },
        ("SlowDown" | "Throttling" | "ThrottlingException" | "RequestLimitExceeded", _)
        | ("TooManyRequestsException", _)
        | (_, 503) => S3Error::Throttled {
            code: shown_code(),
            message,
        },
        ("InvalidObjectState", _) => S3Error::InvalidObjectState {
            key: key(),
            message,
        },
        ("BadDigest" | "InvalidDigest" | "XAmzContentSHA256Mismatch", _) => S3Error::BadDigest {
            key: key(),
            code: shown_code(),
            message,
        },
        ("InvalidPart" | "InvalidPartOrder", _) => S3Error::InvalidPart {
            key: key(),
            code: shown_code(),
            message,
        },
        // A HEAD answer has no body: its status is all there is.
        ("NotFound" | "", 404) => match subject {
            Subject::Bucket(_) => S3Error::NoSuchBucket { bucket: bucket() },
            Subject::Object { .. } => S3Error::NoSuchKey { key: key() },
            Subject::Upload { upload_id, .. } => S3Error::NoSuchUpload {
                key: key(),
                upload_id: printable(upload_id),
            },
        },
        (_, 500..) => S3Error::ServerError {
            status,
            code: shown_code(),
            message,
        },
        _ => S3Error::Service {
            status,
            code: shown_code(),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, code: &str) -> Answer {
        Answer {
            status,
            code: code.into(),
            message: "why".into(),
            bucket_region: None,
        }
    }

    const UPLOAD: Subject<'static> = Subject::Upload {
        bucket: "bucket",
        key: "k",
        upload_id: "U1",
    };
    const OBJECT: Subject<'static> = Subject::Object {
        bucket: "bucket",
        key: "k",
    };

    #[test]
    fn codes_name_the_missing_thing() {
        assert_eq!(
            from_answer(answer(404, "NoSuchBucket"), OBJECT),
            S3Error::NoSuchBucket {
                bucket: "bucket".into()
            }
        );
        assert_eq!(
            from_answer(answer(404, "NoSuchUpload"), UPLOAD),
            S3Error::NoSuchUpload {
                key: "k".into(),
                upload_id: "U1".into()
            }
        );
        assert_eq!(
            from_answer(answer(404, "NoSuchKey"), OBJECT),
            S3Error::NoSuchKey { key: "k".into() }
        );
    }

    #[test]
    fn a_bodiless_head_answer_is_read_from_its_status() {
        assert!(matches!(
            from_answer(answer(404, "NotFound"), Subject::Bucket("b")),
            S3Error::NoSuchBucket { .. }
        ));
        assert!(matches!(
            from_answer(answer(403, ""), Subject::Bucket("b")),
            S3Error::AccessDenied { .. }
        ));
        let moved = Answer {
            bucket_region: Some("eu-west-1".into()),
            ..answer(301, "")
        };
        assert_eq!(
            from_answer(moved, Subject::Bucket("b")),
            S3Error::WrongRegion {
                bucket: "b".into(),
                region: "eu-west-1".into()
            }
        );
    }

    #[test]
    fn throttling_outages_and_refusals_are_told_apart() {
        for (status, code) in [(503, "SlowDown"), (503, ""), (400, "Throttling")] {
            let error = from_answer(answer(status, code), OBJECT);
            assert!(matches!(error, S3Error::Throttled { .. }), "{error:?}");
            assert!(error.is_retryable());
        }
        let outage = from_answer(answer(500, "InternalError"), UPLOAD);
        assert!(matches!(outage, S3Error::ServerError { status: 500, .. }));
        assert!(outage.is_retryable());
        let digest = from_answer(answer(400, "BadDigest"), OBJECT);
        assert!(matches!(digest, S3Error::BadDigest { .. }));
        let frozen = from_answer(answer(403, "InvalidObjectState"), OBJECT);
        assert!(matches!(frozen, S3Error::InvalidObjectState { .. }));
        assert!(!frozen.is_retryable() && !frozen.is_bad_input());
        assert!(matches!(
            from_answer(answer(400, "InvalidPart"), UPLOAD),
            S3Error::InvalidPart { .. }
        ));
        assert!(matches!(
            from_answer(answer(400, "ExpiredToken"), OBJECT),
            S3Error::ExpiredCredentials { .. }
        ));
        assert!(matches!(
            from_answer(answer(403, "SignatureDoesNotMatch"), OBJECT),
            S3Error::CredentialsRejected { .. }
        ));
        assert_eq!(
            from_answer(answer(409, "SomethingNew"), OBJECT).to_string(),
            "S3 answered SomethingNew (HTTP 409): why"
        );
        assert_eq!(
            from_answer(answer(502, ""), OBJECT).to_string(),
            "S3 had a server error (HTTP 502, no error code: why) and still failed after retries; try again in a few minutes"
        );
    }

    #[test]
    fn server_text_reaches_messages_only_printable() {
        let hostile = Answer {
            status: 409,
            code: "Odd\u{1b}[2J".into(),
            message: printable("m\u{7}"),
            bucket_region: None,
        };
        let text = from_answer(hostile, Subject::Bucket("b\u{1b}")).to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
    }
}

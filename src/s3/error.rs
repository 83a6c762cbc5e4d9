//! What can go wrong talking to S3, each case one line naming the problem and a
//! neutral remedy that front ends may reword. Text that came from the service is
//! made printable before it is stored here, so every message is safe to show on
//! a terminal.

/// A failed S3 request, after the SDK's retries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum S3Error {
    #[error(
        "no AWS region is set for S3; choose the bucket's region (for example us-east-1), set AWS_REGION, or add a region to your AWS profile"
    )]
    NoRegion,

    #[error(
        "no AWS credentials found for S3 ({detail}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose an AWS profile that has them"
    )]
    NoCredentials { detail: String },

    #[error(
        "the AWS profile '{profile}' is not defined or gives no credentials ({detail}); check its name in your AWS config files, or log in again for an SSO profile"
    )]
    Profile { profile: String, detail: String },

    #[error("your AWS credentials have expired ({code}); refresh them and try again")]
    ExpiredCredentials { code: String },

    #[error(
        "S3 did not accept your credentials ({code}: {message}); check the access key and secret"
    )]
    CredentialsRejected { code: String, message: String },

    #[error(
        "S3 refused access ({message}); the credentials need permission for this S3 operation on the bucket"
    )]
    AccessDenied { message: String },

    #[error("there is no bucket '{bucket}'; check its name, or create it first")]
    NoSuchBucket { bucket: String },

    #[error("'{bucket}' is not a valid bucket name ({message}); check the bucket's name")]
    InvalidBucketName { bucket: String, message: String },

    #[error(
        "bucket '{bucket}' is in another region ({region}); connect to S3 in the bucket's region"
    )]
    WrongRegion { bucket: String, region: String },

    #[error(
        "S3 kept slowing the requests down after several tries ({code}: {message}); wait a minute and try again, with fewer requests at once"
    )]
    Throttled { code: String, message: String },

    #[error(
        "S3 had a server error (HTTP {status}, {code}: {message}) and still failed after retries; try again in a few minutes"
    )]
    ServerError {
        status: u16,
        code: String,
        message: String,
    },

    #[error(
        "S3 knows no upload '{upload_id}' of '{key}': it was completed or aborted, or its id is wrong; start the upload again"
    )]
    NoSuchUpload { key: String, upload_id: String },

    #[error("there is no object '{key}' in the bucket; check the key")]
    NoSuchKey { key: String },

    #[error(
        "object '{key}' cannot be read before it is restored ({message}); restore it from its archival storage class first"
    )]
    InvalidObjectState { key: String, message: String },

    #[error(
        "S3 found that the bytes sent for '{key}' do not match their checksum ({code}: {message}); send them again"
    )]
    BadDigest {
        key: String,
        code: String,
        message: String,
    },

    #[error(
        "S3 refused the parts given to complete '{key}' ({code}: {message}); list the upload's parts and complete it with those"
    )]
    InvalidPart {
        key: String,
        code: String,
        message: String,
    },

    #[error(
        "cannot reach S3 at {endpoint} ({detail}); check the network connection, and the endpoint URL if one was given"
    )]
    Network { endpoint: String, detail: String },

    #[error("S3 at {endpoint} did not answer in time ({detail}); check the network and try again")]
    Timeout { endpoint: String, detail: String },

    #[error("the download from S3 broke off ({detail}); read the object again")]
    Body { detail: String },

    #[error(
        "cannot read the part spooled to {} ({detail}); check the disk holding the data directory, then run the command again",
        .path.display()
    )]
    Spool {
        path: std::path::PathBuf,
        detail: String,
    },

    #[error(
        "S3 sent a reply defrost cannot read ({detail}); try again, and report it if it persists"
    )]
    Malformed { detail: String },

    #[error("S3 answered {code} (HTTP {status}): {message}")]
    Service {
        status: u16,
        code: String,
        message: String,
    },
}

impl S3Error {
    /// Whether the same request may succeed if tried again later: an outage,
    /// throttling or a broken connection, not a refusal.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            S3Error::Throttled { .. }
                | S3Error::ServerError { .. }
                | S3Error::Network { .. }
                | S3Error::Timeout { .. }
                | S3Error::Body { .. }
                | S3Error::BadDigest { .. }
        )
    }

    /// Whether the user can fix this by changing the command or their AWS setup
    /// (exit code 2), as opposed to a failure outside their control.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            S3Error::NoRegion
                | S3Error::NoCredentials { .. }
                | S3Error::Profile { .. }
                | S3Error::NoSuchBucket { .. }
                | S3Error::InvalidBucketName { .. }
                | S3Error::WrongRegion { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_retried_and_refusals_are_not() {
        let outage = S3Error::ServerError {
            status: 503,
            code: "ServiceUnavailable".into(),
            message: "m".into(),
        };
        assert!(outage.is_retryable() && !outage.is_bad_input());
        let missing = S3Error::NoSuchBucket { bucket: "b".into() };
        assert!(missing.is_bad_input() && !missing.is_retryable());
        let upload = S3Error::NoSuchUpload {
            key: "k".into(),
            upload_id: "u".into(),
        };
        assert!(!upload.is_retryable() && !upload.is_bad_input());
    }

    #[test]
    fn every_message_is_one_line() {
        let errors = [
            S3Error::NoRegion,
            S3Error::WrongRegion {
                bucket: "b".into(),
                region: "eu-west-1".into(),
            },
            S3Error::InvalidObjectState {
                key: "k".into(),
                message: "m".into(),
            },
        ];
        for error in errors {
            let text = error.to_string();
            assert!(!text.contains('\n'), "{text}");
            assert!(text.contains("; "), "{text}");
        }
    }
}

//! SDK failures as [`GlacierError`]s. The service's error code decides (as
//! GLACIER.md says, not the HTTP status); what the request was about tells an
//! unknown vault from an unknown job.

use aws_sdk_glacier::error::{ProvideErrorMetadata, SdkError};

use crate::glacier::GlacierError;
use crate::text::{chain_text, printable};

/// What a request named, to say which thing was not found.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Account,
    Vault(&'a str),
    Job { vault: &'a str, job_id: &'a str },
}

pub fn service_error<E>(err: SdkError<E>, endpoint: &str, subject: Subject<'_>) -> GlacierError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let endpoint = endpoint.to_owned();
    let detail = || chain_text(&err);
    match &err {
        SdkError::ServiceError(context) => {
            let status = context.raw().status().as_u16();
            let service = context.err();
            let code = service.code().unwrap_or("").to_owned();
            let message = printable(service.message().unwrap_or(""));
            from_code(status, &code, message, subject)
        }
        SdkError::TimeoutError(_) => GlacierError::Timeout {
            endpoint,
            detail: detail(),
        },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => GlacierError::Timeout {
            endpoint,
            detail: detail(),
        },
        SdkError::DispatchFailure(_) => GlacierError::Network {
            endpoint,
            detail: detail(),
        },
        // Credentials that vanish between `connect` and a request (an SSO session
        // ending) surface while the request is built.
        SdkError::ConstructionFailure(_) if detail().contains("credentials") => {
            GlacierError::NoCredentials { detail: detail() }
        }
        _ => GlacierError::Malformed { detail: detail() },
    }
}

fn from_code(status: u16, code: &str, message: String, subject: Subject<'_>) -> GlacierError {
    let code_owned = || printable(code);
    match code {
        "AccessDeniedException" | "AccessDenied" => GlacierError::AccessDenied { message },
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            GlacierError::ExpiredCredentials { code: code_owned() }
        }
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "InvalidClientTokenId"
        | "MissingAuthenticationTokenException"
        | "IncompleteSignature" => GlacierError::CredentialsRejected {
            code: code_owned(),
            message,
        },
        "ResourceNotFoundException" => not_found(message, subject),
        "InvalidParameterValueException" | "MissingParameterValueException" => {
            GlacierError::BadParameter {
                code: code_owned(),
                message,
            }
        }
        "PolicyEnforcedException" => GlacierError::PolicyEnforced { message },
        "InsufficientCapacityException" => GlacierError::InsufficientCapacity { message },
        "ThrottlingException" | "Throttling" | "TooManyRequestsException" => {
            GlacierError::Throttled { message }
        }
        "LimitExceededException" => GlacierError::LimitExceeded { message },
        "NoLongerSupportedException" => GlacierError::NoLongerSupported { message },
        _ if status >= 500 => GlacierError::ServerError {
            status,
            code: if code.is_empty() {
                "no error code".into()
            } else {
                code_owned()
            },
            message,
        },
        _ => GlacierError::Service {
            status,
            code: if code.is_empty() {
                "no error code".into()
            } else {
                code_owned()
            },
            message,
        },
    }
}

/// Glacier answers ResourceNotFoundException for a vault, an archive, a job and a
/// missing inventory alike; its message says which. The message's start is
/// checked, as a vault's name (inside its ARN) may hold any of these words.
fn not_found(message: String, subject: Subject<'_>) -> GlacierError {
    let lower = message.to_ascii_lowercase();
    match subject {
        Subject::Job { vault, job_id }
            if lower.starts_with("the job id") || lower.starts_with("job") =>
        {
            GlacierError::UnknownJob {
                vault: printable(vault),
                job_id: printable(job_id),
            }
        }
        Subject::Vault(vault) | Subject::Job { vault, .. } if lower.starts_with("archive") => {
            GlacierError::UnknownArchive {
                vault: printable(vault),
                message,
            }
        }
        Subject::Vault(vault) | Subject::Job { vault, .. } if lower.starts_with("vault") => {
            GlacierError::UnknownVault {
                vault: printable(vault),
            }
        }
        _ => GlacierError::NotFound { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_names_the_thing_the_message_names() {
        let job = Subject::Job {
            vault: "jobs",
            job_id: "J",
        };
        assert!(matches!(
            not_found("The job ID was not found: J".into(), job),
            GlacierError::UnknownJob { .. }
        ));
        assert!(matches!(
            not_found("Vault not found for ARN: arn:...:vaults/jobs".into(), job),
            GlacierError::UnknownVault { .. }
        ));
        assert!(matches!(
            not_found("Archive not found for ID: x".into(), Subject::Vault("v")),
            GlacierError::UnknownArchive { .. }
        ));
        assert!(matches!(
            not_found("The vault has no inventory yet".into(), Subject::Vault("v")),
            GlacierError::NotFound { .. }
        ));
    }

    #[test]
    fn each_code_reads_as_what_to_do() {
        let sentence = |status, code: &str| {
            from_code(status, code, "why".into(), Subject::Vault("v")).to_string()
        };
        assert!(sentence(403, "AccessDeniedException").contains("lack permission"));
        assert!(sentence(400, "ExpiredTokenException").contains("expired"));
        assert!(sentence(403, "UnrecognizedClientException").contains("access key"));
        let retired = sentence(400, "NoLongerSupportedException");
        assert!(retired.contains("no longer") && retired.contains("new customers"));
        assert!(sentence(400, "LimitExceededException").contains("limit"));
        let other = sentence(409, "SomethingNewException");
        assert_eq!(
            other,
            "Glacier answered SomethingNewException (HTTP 409): why"
        );
    }

    #[test]
    fn chain_text_is_one_line_without_repeats() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer: inner\tfailed")]
        struct Outer(#[source] Inner);
        #[derive(Debug, thiserror::Error)]
        #[error("inner\tfailed")]
        struct Inner;
        #[derive(Debug, thiserror::Error)]
        #[error("top\nline")]
        struct Top(#[source] Outer);
        assert_eq!(
            chain_text(&Top(Outer(Inner))),
            "top line: outer: inner failed"
        );
    }

    #[test]
    fn codes_decide_over_statuses() {
        let capacity = from_code(
            503,
            "InsufficientCapacityException",
            "m".into(),
            Subject::Account,
        );
        assert!(matches!(
            capacity,
            GlacierError::InsufficientCapacity { .. }
        ));
        let unknown = from_code(502, "", "bad gateway".into(), Subject::Account);
        assert!(matches!(
            unknown,
            GlacierError::ServerError { status: 502, .. }
        ));
        assert!(!unknown.is_bad_input());
    }
}

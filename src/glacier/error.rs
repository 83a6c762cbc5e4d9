//! What can go wrong talking to Glacier, each case as a sentence that says what to
//! do in words any front end can use (the command line names its options itself).
//! Text that came from the service is made printable before it is stored here,
//! so every message is safe to show on a terminal.

/// A failed Glacier request, after the SDK's retries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GlacierError {
    #[error(
        "no AWS region is set; choose the region (for example us-east-1), set AWS_REGION, or add a region to your AWS profile"
    )]
    NoRegion,

    #[error(
        "no AWS credentials found ({detail}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose an AWS profile that has them (after 'aws sso login' for an SSO profile)"
    )]
    NoCredentials { detail: String },

    #[error(
        "the AWS profile '{profile}' is not defined or gives no credentials ({detail}); check its name in ~/.aws/config and ~/.aws/credentials (or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE), or log in again for an SSO profile"
    )]
    Profile { profile: String, detail: String },

    #[error(
        "your AWS credentials have expired ({code}); refresh them (for example with 'aws sso login' or new keys) and try again"
    )]
    ExpiredCredentials { code: String },

    #[error(
        "AWS did not accept your credentials ({code}: {message}); check the access key and secret, and that they belong to the account that owns the vaults"
    )]
    CredentialsRejected { code: String, message: String },

    #[error(
        "AWS refused access ({message}); your credentials lack permission for this Glacier operation: ask the account's administrator for it, or use another AWS profile"
    )]
    AccessDenied { message: String },

    #[error(
        "there is no vault '{vault}' in this account and region; check its name against the account's list of vaults, and the region"
    )]
    UnknownVault { vault: String },

    #[error(
        "vault '{vault}' holds no such archive ({message}); check the archive id against a recent inventory: deleted archives disappear"
    )]
    UnknownArchive { vault: String, message: String },

    #[error(
        "vault '{vault}' knows no job '{job_id}': the id may be mistyped, or the job finished more than about 24 hours ago and its output window has closed; start a new job"
    )]
    UnknownJob { vault: String, job_id: String },

    #[error("Glacier found nothing to answer with: {message}")]
    NotFound { message: String },

    #[error(
        "Glacier refused the request's parameters ({code}: {message}); change them and try again"
    )]
    BadParameter { code: String, message: String },

    #[error(
        "the account's data retrieval policy refuses this Standard retrieval ({message}); retrieve a smaller range, wait for the hourly allowance, use the Bulk tier, or change the policy"
    )]
    PolicyEnforced { message: String },

    #[error(
        "Glacier has no Expedited capacity for this retrieval now ({message}); use the Standard tier, or buy provisioned capacity for guaranteed Expedited retrievals"
    )]
    InsufficientCapacity { message: String },

    #[error(
        "Glacier kept throttling the requests after several tries ({message}); wait a minute and try again, with fewer requests at once"
    )]
    Throttled { message: String },

    #[error(
        "a Glacier limit was reached ({message}); wait for running jobs to finish and try again"
    )]
    LimitExceeded { message: String },

    #[error(
        "Glacier no longer supports this ({message}): the vault service stopped taking new customers on 2025-12-15 and some operations are retired; existing vault owners keep access, so check the account (its AWS profile) and the region that own the vaults"
    )]
    NoLongerSupported { message: String },

    #[error(
        "Glacier had a server error (HTTP {status}, {code}: {message}) and still failed after retries; try again in a few minutes"
    )]
    ServerError {
        status: u16,
        code: String,
        message: String,
    },

    #[error(
        "cannot reach Glacier at {endpoint} ({detail}); check the network connection, and the endpoint URL if one was given"
    )]
    Network { endpoint: String, detail: String },

    #[error(
        "Glacier at {endpoint} did not answer in time ({detail}); check the network and try again"
    )]
    Timeout { endpoint: String, detail: String },

    #[error("the download from Glacier broke off ({detail}); download the job output again")]
    Body { detail: String },

    #[error(
        "Glacier sent a reply defrost cannot read ({detail}); try again, and report it if it persists"
    )]
    Malformed { detail: String },

    #[error("Glacier answered {code} (HTTP {status}): {message}")]
    Service {
        status: u16,
        code: String,
        message: String,
    },
}

impl GlacierError {
    /// Whether the user can fix this by changing the command or their AWS setup
    /// (exit code 2), as opposed to a failure outside their control.
    /// Failures that a fresh request may not meet again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            GlacierError::ServerError { .. }
                | GlacierError::Throttled { .. }
                | GlacierError::Network { .. }
                | GlacierError::Timeout { .. }
                | GlacierError::Body { .. }
        )
    }

    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            GlacierError::NoRegion
                | GlacierError::NoCredentials { .. }
                | GlacierError::Profile { .. }
                | GlacierError::UnknownVault { .. }
                | GlacierError::UnknownArchive { .. }
                | GlacierError::UnknownJob { .. }
                | GlacierError::BadParameter { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_user_can_fix_is_told_apart_from_an_outage() {
        assert!(GlacierError::UnknownVault { vault: "v".into() }.is_bad_input());
        assert!(GlacierError::NoRegion.is_bad_input());
        let outage = GlacierError::ServerError {
            status: 500,
            code: "ServiceUnavailableException".into(),
            message: "m".into(),
        };
        assert!(!outage.is_bad_input());
    }
}

//! [`GlacierApi`] over aws-sdk-glacier: the only code in defrost that sees SDK
//! types. Configuration follows the aws CLI (profiles, SSO, `AWS_*` variables,
//! `AWS_ENDPOINT_URL_GLACIER`), with the SDK's standard retries.

mod convert;
mod errors;

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_sdk_glacier::Client;
use aws_sdk_glacier::config::StalledStreamProtectionConfig;
use aws_sdk_glacier::config::retry::RetryConfig;
use aws_sdk_glacier::config::{Credentials, ProvideCredentials, Region};

use super::api::{
    DEFAULT_STALL_TIMEOUT, GlacierApi, JobInfo, JobOutput, JobStarted, RetrievalPolicy, VaultInfo,
    VaultNotifications,
};
use super::error::GlacierError;
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::JobParams;
use crate::text::chain_text;
use crate::text::printable;
use errors::{Subject, service_error};

/// "The signer's account", which the service fills in.
const ACCOUNT: &str = "-";

/// Three attempts (two retries) ride out a throttle or a passing 500 without
/// keeping someone waiting long on a real outage.
const MAX_ATTEMPTS: u32 = 3;

/// Where and as whom to connect, as the aws CLI's `--profile`, `--region` and
/// `--endpoint-url` say, and the pace of the service's clock.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Glacier's pace, or a sandbox's sped-up one.
    pub speed: ServiceSpeed,
}

/// A Glacier client for one account and region.
#[derive(Debug, Clone)]
pub struct SdkGlacier {
    client: Client,
    /// Where requests go, to name in network errors.
    endpoint: String,
    /// The region the configuration resolved, which names the vaults' home.
    region: String,
    /// Glacier's pace, or a sandbox's sped-up one when the user says so.
    speed: ServiceSpeed,
    /// How long a job-output body may be silent; see [`GlacierApi::stall_timeout`].
    stall_timeout: Duration,
}

impl SdkGlacier {
    /// Configures a client as the aws CLI would from `--profile`, `--region` and
    /// `--endpoint-url`, the environment and the shared config files, and checks
    /// that credentials can be found before any request is made.
    pub async fn connect(options: &ConnectOptions) -> Result<Self, GlacierError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &options.profile {
            // An explicit --profile beats AWS_ACCESS_KEY_ID in the aws CLI; the
            // SDK's default chain would try the environment first.
            let credentials = ProfileFileCredentialsProvider::builder()
                .profile_name(profile)
                .build();
            loader = loader
                .profile_name(profile)
                .credentials_provider(credentials);
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let shared = loader.load().await;
        let region = shared.region().ok_or(GlacierError::NoRegion)?.to_string();
        check_credentials(&shared, options.profile.as_deref()).await?;
        // Only to name in errors, in the order the SDK resolves them: the option,
        // the service's own variable, then the one for every service.
        let endpoint = options
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_GLACIER").ok())
            .or_else(|| shared.endpoint_url().map(str::to_owned))
            .unwrap_or_else(|| format!("https://glacier.{region}.amazonaws.com"));
        let config = aws_sdk_glacier::config::Builder::from(&shared)
            .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
            .build();
        Ok(Self {
            client: Client::from_conf(config),
            endpoint: printable(&endpoint),
            region,
            stall_timeout: DEFAULT_STALL_TIMEOUT,
            speed: options.speed,
        })
    }

    /// A client for a local endpoint (the sandbox) with fixed test credentials and
    /// short retry back-off, so tests exercise the production request path quickly.
    pub fn for_endpoint(url: &str, region: &str) -> Self {
        let config = aws_sdk_glacier::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("test", "test", None, None, "defrost"))
            .endpoint_url(url)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(MAX_ATTEMPTS)
                    .with_initial_backoff(Duration::from_millis(10)),
            )
            .build();
        Self {
            client: Client::from_conf(config),
            endpoint: printable(url),
            region: region.to_owned(),
            speed: ServiceSpeed::GLACIER,
            stall_timeout: DEFAULT_STALL_TIMEOUT,
        }
    }

    /// The same client, giving a job-output body up after `timeout` without a
    /// byte (tests use a fraction of a second).
    pub fn with_stall_timeout(mut self, timeout: Duration) -> Self {
        self.stall_timeout = timeout;
        self
    }

    /// The same client, for a service whose clock runs at `speed` (a sandbox).
    pub fn with_speed(mut self, speed: ServiceSpeed) -> Self {
        self.speed = speed;
        self
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn error<E>(
        &self,
        err: aws_sdk_glacier::error::SdkError<E>,
        subject: Subject<'_>,
    ) -> GlacierError
    where
        E: aws_sdk_glacier::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        service_error(err, &self.endpoint, subject)
    }
}

/// Finding no credentials is the user's to fix, so it is said before the first
/// request rather than as a failed request after retries.
async fn check_credentials(
    shared: &aws_config::SdkConfig,
    profile: Option<&str>,
) -> Result<(), GlacierError> {
    let missing = |detail: String| match profile {
        Some(profile) => GlacierError::Profile {
            profile: printable(profile),
            detail,
        },
        None => GlacierError::NoCredentials { detail },
    };
    let Some(provider) = shared.credentials_provider() else {
        return Err(missing("no credentials provider is configured".into()));
    };
    provider
        .provide_credentials()
        .await
        .map(drop)
        .map_err(|err| missing(chain_text(&err)))
}

impl GlacierApi for SdkGlacier {
    fn region(&self) -> &str {
        &self.region
    }

    fn service_speed(&self) -> ServiceSpeed {
        self.speed
    }

    fn stall_timeout(&self) -> Duration {
        self.stall_timeout
    }

    async fn list_vaults(&self) -> Result<Vec<VaultInfo>, GlacierError> {
        let mut vaults = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .client
                .list_vaults()
                .account_id(ACCOUNT)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|err| self.error(err, Subject::Account))?;
            for vault in page.vault_list() {
                vaults.push(convert::listed_vault(vault)?);
            }
            match page.marker() {
                Some(next) if !next.is_empty() => marker = Some(next.to_owned()),
                _ => return Ok(vaults),
            }
        }
    }

    async fn describe_vault(&self, vault: &str) -> Result<VaultInfo, GlacierError> {
        let described = self
            .client
            .describe_vault()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Vault(vault)))?;
        convert::described_vault(&described)
    }

    async fn initiate_job(
        &self,
        vault: &str,
        params: &JobParams,
    ) -> Result<JobStarted, GlacierError> {
        let started = self
            .client
            .initiate_job()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .job_parameters(convert::job_parameters(params))
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Vault(vault)))?;
        let job_id = started.job_id().ok_or_else(|| GlacierError::Malformed {
            detail: "InitiateJob answered without a job id".into(),
        })?;
        Ok(JobStarted {
            job_id: printable(job_id),
            location: started.location().map(printable),
        })
    }

    async fn describe_job(&self, vault: &str, job_id: &str) -> Result<JobInfo, GlacierError> {
        let described = self
            .client
            .describe_job()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .job_id(job_id)
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Job { vault, job_id }))?;
        convert::described_job(&described)
    }

    async fn list_jobs(&self, vault: &str) -> Result<Vec<JobInfo>, GlacierError> {
        let mut jobs = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .client
                .list_jobs()
                .account_id(ACCOUNT)
                .vault_name(vault)
                .set_marker(marker.take())
                .send()
                .await
                .map_err(|err| self.error(err, Subject::Vault(vault)))?;
            for job in page.job_list() {
                // Select jobs are not defrost's; a listing shows the rest.
                if let Some(job) = convert::listed_job(job)? {
                    jobs.push(job);
                }
            }
            match page.marker() {
                Some(next) if !next.is_empty() => marker = Some(next.to_owned()),
                _ => return Ok(jobs),
            }
        }
    }

    async fn get_job_output(
        &self,
        vault: &str,
        job_id: &str,
        range: Option<(u64, u64)>,
    ) -> Result<JobOutput, GlacierError> {
        let output = self
            .client
            .get_job_output()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .job_id(job_id)
            .set_range(range.map(|(first, last)| format!("bytes={first}-{last}")))
            // The download gives a silent body up after `stall_timeout` itself and
            // says so; the SDK's own guard would fire first and read as a broken
            // body.
            .customize()
            .config_override(
                aws_sdk_glacier::Config::builder()
                    .stalled_stream_protection(StalledStreamProtectionConfig::disabled()),
            )
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Job { vault, job_id }))?;
        convert::job_output(output)
    }

    async fn get_data_retrieval_policy(&self) -> Result<RetrievalPolicy, GlacierError> {
        let answer = self
            .client
            .get_data_retrieval_policy()
            .account_id(ACCOUNT)
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Account))?;
        Ok(convert::policy(answer.policy()))
    }

    async fn delete_archive(&self, vault: &str, archive_id: &str) -> Result<(), GlacierError> {
        self.client
            .delete_archive()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .archive_id(archive_id)
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Vault(vault)))?;
        Ok(())
    }

    async fn delete_vault(&self, vault: &str) -> Result<(), GlacierError> {
        self.client
            .delete_vault()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Vault(vault)))?;
        Ok(())
    }

    async fn vault_notifications(
        &self,
        vault: &str,
    ) -> Result<Option<VaultNotifications>, GlacierError> {
        let answer = self
            .client
            .get_vault_notifications()
            .account_id(ACCOUNT)
            .vault_name(vault)
            .send()
            .await
            .map_err(|err| self.error(err, Subject::Vault(vault)));
        let config = match answer {
            Ok(answer) => answer.vault_notification_config,
            // "No notification configuration is set for vault: V" (a vault
            // that does not exist is told apart by its message).
            Err(GlacierError::NotFound { .. }) => None,
            Err(err) => return Err(err),
        };
        Ok(config.and_then(|config| {
            Some(VaultNotifications {
                topic: config.sns_topic?,
                events: config.events.unwrap_or_default(),
            })
        }))
    }
}

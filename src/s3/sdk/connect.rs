//! Making an [`SdkS3`]: configured as the aws CLI would be (profiles, SSO,
//! `AWS_*` variables), with the bucket's own region and endpoint, the SDK's
//! standard retries, and credentials checked before the first request.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::{Credentials, ProvideCredentials, Region};

use super::SdkS3;
use crate::s3::S3Error;
use crate::text::{chain_text, printable};

/// Three attempts (two retries) ride out a SlowDown or a passing 500 without
/// keeping someone waiting long on a real outage, as for Glacier.
const MAX_ATTEMPTS: u32 = 3;

/// Where and as whom to connect, as the aws CLI's `--profile`, `--region` and
/// `--endpoint-url` say; the region is the bucket's, which may differ from the
/// vault's.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// An S3-compatible server; requests to it use path-style addresses
    /// (`URL/bucket/key`), which such servers expect.
    pub endpoint_url: Option<String>,
}

impl SdkS3 {
    /// Configures a client as the aws CLI would, from the options, the
    /// environment and the shared config files, and checks that credentials can
    /// be found before any request is made.
    pub async fn connect(options: &ConnectOptions, bucket: &str) -> Result<Self, S3Error> {
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
        let shared = loader.load().await;
        let region = shared.region().ok_or(S3Error::NoRegion)?.to_string();
        check_credentials(&shared, options.profile.as_deref()).await?;
        // In the order the SDK resolves them: the option, the service's own
        // variable, then the one for every service.
        let custom = options
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_S3").ok())
            .or_else(|| shared.endpoint_url().map(str::to_owned));
        let retry = RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS);
        let mut config = aws_sdk_s3::config::Builder::from(&shared).retry_config(retry.clone());
        if let Some(url) = &custom {
            config = config.endpoint_url(url).force_path_style(true);
        }
        let endpoint = custom.unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        Ok(Self {
            client: Client::from_conf(config.build()),
            bucket: bucket.to_owned(),
            endpoint: printable(&endpoint),
            region,
            retry,
        })
    }

    /// A client for a local S3-compatible server with fixed test credentials and
    /// short retry back-off, so tests exercise the production request path
    /// quickly.
    pub fn for_endpoint(url: &str, region: &str, bucket: &str) -> Self {
        let retry = RetryConfig::standard()
            .with_max_attempts(MAX_ATTEMPTS)
            .with_initial_backoff(Duration::from_millis(10));
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("test", "test", None, None, "defrost"))
            .endpoint_url(url)
            .force_path_style(true)
            .retry_config(retry.clone())
            .build();
        Self {
            client: Client::from_conf(config),
            bucket: bucket.to_owned(),
            endpoint: printable(url),
            region: region.to_owned(),
            retry,
        }
    }
}

/// Finding no credentials is the user's to fix, so it is said before the first
/// request rather than as a failed request after retries.
async fn check_credentials(
    shared: &aws_config::SdkConfig,
    profile: Option<&str>,
) -> Result<(), S3Error> {
    let missing = |detail: String| match profile {
        Some(profile) => S3Error::Profile {
            profile: printable(profile),
            detail,
        },
        None => S3Error::NoCredentials { detail },
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

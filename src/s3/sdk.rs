//! [`ObjectStore`] over aws-sdk-s3: the only code in defrost that sees its types.
//! Configuration follows the aws CLI as Glacier's client does (profiles, SSO,
//! `AWS_*` variables), with the bucket's own region and endpoint, and the SDK's
//! standard retries.

mod convert;
mod errors;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::{Credentials, ProvideCredentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::api::{
    CompletedPart, ObjectDone, ObjectFacts, ObjectStore, PartBody, PartDone, PartFacts, UploadFacts,
};
use super::error::S3Error;
use crate::domain::migrate::StorageClass;
use crate::text::chain_text;
use crate::text::printable;
use errors::{Subject, service_error};

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

/// An S3 client for one bucket.
#[derive(Debug, Clone)]
pub struct SdkS3 {
    client: Client,
    bucket: String,
    /// Where requests go, to name in network errors (printable).
    endpoint: String,
    region: String,
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
        let mut config = aws_sdk_s3::config::Builder::from(&shared)
            .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
        if let Some(url) = &custom {
            config = config.endpoint_url(url).force_path_style(true);
        }
        let endpoint = custom.unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        Ok(Self {
            client: Client::from_conf(config.build()),
            bucket: bucket.to_owned(),
            endpoint: printable(&endpoint),
            region,
        })
    }

    /// A client for a local S3-compatible server with fixed test credentials and
    /// short retry back-off, so tests exercise the production request path
    /// quickly.
    pub fn for_endpoint(url: &str, region: &str, bucket: &str) -> Self {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("test", "test", None, None, "defrost"))
            .endpoint_url(url)
            .force_path_style(true)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(MAX_ATTEMPTS)
                    .with_initial_backoff(Duration::from_millis(10)),
            )
            .build();
        Self {
            client: Client::from_conf(config),
            bucket: bucket.to_owned(),
            endpoint: printable(url),
            region: region.to_owned(),
        }
    }

    /// The same client for another bucket of the same account and region.
    pub fn with_bucket(&self, bucket: &str) -> Self {
        Self {
            bucket: bucket.to_owned(),
            ..self.clone()
        }
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn error<E>(&self, err: aws_sdk_s3::error::SdkError<E>, subject: Subject<'_>) -> S3Error
    where
        E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        service_error(err, &self.endpoint, subject)
    }

    fn object<'a>(&'a self, key: &'a str) -> Subject<'a> {
        Subject::Object {
            bucket: &self.bucket,
            key,
        }
    }

    fn upload<'a>(&'a self, key: &'a str, upload_id: &'a str) -> Subject<'a> {
        Subject::Upload {
            bucket: &self.bucket,
            key,
            upload_id,
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

impl ObjectStore for SdkS3 {
    fn bucket(&self) -> &str {
        &self.bucket
    }

    fn region(&self) -> &str {
        &self.region
    }

    async fn bucket_region(&self) -> Result<String, S3Error> {
        let answer = self.client.head_bucket().bucket(&self.bucket).send().await;
        match answer {
            Ok(head) => Ok(head
                .bucket_region()
                .map(printable)
                .unwrap_or_else(|| self.region.clone())),
            Err(err) => match self.error(err, Subject::Bucket(&self.bucket)) {
                // Asked from another region, S3 redirects and names the bucket's.
                S3Error::WrongRegion { region, .. } if region != "not named" => Ok(region),
                other => Err(other),
            },
        }
    }

    async fn head_object(&self, key: &str) -> Result<Option<ObjectFacts>, S3Error> {
        let answer = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await;
        match answer {
            Ok(head) => Ok(Some(convert::object_facts(&head))),
            Err(err) => match self.error(err, self.object(key)) {
                S3Error::NoSuchKey { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    async fn create_multipart_upload(
        &self,
        key: &str,
        storage_class: StorageClass,
        metadata: &BTreeMap<String, String>,
    ) -> Result<String, S3Error> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .storage_class(convert::storage_class(storage_class))
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .set_metadata(Some(metadata.clone().into_iter().collect()))
            .send()
            .await
            .map_err(|err| self.error(err, self.object(key)))?;
        created.upload_id().map(str::to_owned).ok_or_else(|| {
            convert::malformed("CreateMultipartUpload answered without an upload id")
        })
    }

    async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u32,
        body: PartBody,
        sha256: [u8; 32],
    ) -> Result<PartDone, S3Error> {
        let number = i32::try_from(part_number)
            .map_err(|_| convert::malformed("a part number past 10,000 was asked for"))?;
        let length = i64::try_from(body.len()).unwrap_or(i64::MAX);
        let body = match body {
            PartBody::Memory(bytes) => ByteStream::from(bytes),
            PartBody::File { path, len } => ByteStream::read_from()
                .path(&path)
                .length(aws_sdk_s3::primitives::Length::Exact(len))
                .build()
                .await
                .map_err(|err| S3Error::Spool {
                    path: path.clone(),
                    detail: chain_text(&err),
                })?,
        };
        let sent = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(number)
            .content_length(length)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(BASE64.encode(sha256))
            .body(body)
            .send()
            .await
            .map_err(|err| self.error(err, self.upload(key, upload_id)))?;
        let etag = sent
            .e_tag()
            .ok_or_else(|| convert::malformed("UploadPart answered without an ETag"))?;
        Ok(PartDone {
            etag: etag.to_owned(),
            checksum_sha256: sent.checksum_sha256().map(str::to_owned),
        })
    }

    async fn list_parts(&self, key: &str, upload_id: &str) -> Result<Vec<PartFacts>, S3Error> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = self
                .client
                .list_parts()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(upload_id)
                .set_part_number_marker(marker.clone())
                .send()
                .await
                .map_err(|err| self.error(err, self.upload(key, upload_id)))?;
            for part in page.parts() {
                parts.push(convert::part_facts(part)?);
            }
            let next = convert::next_marker(page.is_truncated(), page.next_part_number_marker());
            if next.is_none() || next == marker {
                return Ok(parts);
            }
            marker = next;
        }
    }

    async fn complete_multipart_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<ObjectDone, S3Error> {
        let mut ordered = parts.to_vec();
        ordered.sort_by_key(|part| part.number);
        let sdk_parts = ordered
            .iter()
            .map(|part| {
                aws_sdk_s3::types::CompletedPart::builder()
                    .part_number(i32::try_from(part.number).unwrap_or(i32::MAX))
                    .e_tag(&part.etag)
                    .set_checksum_sha256(part.checksum_sha256.clone())
                    .build()
            })
            .collect();
        let done = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(sdk_parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|err| self.error(err, self.upload(key, upload_id)))?;
        Ok(ObjectDone {
            etag: done.e_tag().map(str::to_owned),
            checksum_sha256: done.checksum_sha256().map(str::to_owned),
        })
    }

    async fn abort_multipart_upload(&self, key: &str, upload_id: &str) -> Result<(), S3Error> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
            .map(drop)
            .map_err(|err| self.error(err, self.upload(key, upload_id)))
    }

    async fn list_multipart_uploads(&self, prefix: &str) -> Result<Vec<UploadFacts>, S3Error> {
        let mut uploads = Vec::new();
        let mut markers: (Option<String>, Option<String>) = (None, None);
        loop {
            let page = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(markers.0.clone())
                .set_upload_id_marker(markers.1.clone())
                .send()
                .await
                .map_err(|err| self.error(err, Subject::Bucket(&self.bucket)))?;
            for upload in page.uploads() {
                uploads.push(convert::upload_facts(upload)?);
            }
            let next = (
                convert::next_marker(page.is_truncated(), page.next_key_marker()),
                page.next_upload_id_marker().map(str::to_owned),
            );
            if next.0.is_none() || next == markers {
                return Ok(uploads);
            }
            markers = next;
        }
    }

    async fn put_object(
        &self,
        key: &str,
        body: Bytes,
        content_type: &str,
    ) -> Result<ObjectDone, S3Error> {
        let digest: [u8; 32] = Sha256::digest(&body).into();
        let put = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(BASE64.encode(digest))
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|err| self.error(err, self.object(key)))?;
        Ok(ObjectDone {
            etag: put.e_tag().map(str::to_owned),
            checksum_sha256: put.checksum_sha256().map(str::to_owned),
        })
    }

    async fn get_object(&self, key: &str) -> Result<Bytes, S3Error> {
        let answer = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|err| self.error(err, self.object(key)))?;
        let body = answer.body.collect().await.map_err(|err| S3Error::Body {
            detail: chain_text(&err),
        })?;
        Ok(body.into_bytes())
    }
}

//! [`ObjectStore`] over aws-sdk-s3: the only code in defrost that sees its types.
//! Configuration follows the aws CLI as Glacier's client does (profiles, SSO,
//! `AWS_*` variables), with the bucket's own region and endpoint, and the SDK's
//! standard retries.

mod connect;
mod convert;
mod errors;

use std::collections::BTreeMap;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode, CompletedMultipartUpload};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::api::{
    CompletedPart, ObjectDone, ObjectFacts, ObjectStore, PartBody, PartDone, PartFacts, UploadFacts,
};
use super::composite::is_completion_of;
use super::error::S3Error;
use crate::domain::migrate::StorageClass;
use crate::text::chain_text;
use crate::text::printable;
pub use connect::ConnectOptions;
use errors::{Subject, service_error};

/// Attempts at the requests made once per object or per run, whose failure
/// costs a whole object's copy or the run's last step (starting, listing,
/// completing and aborting an upload, writing a manifest): more than the
/// client's three, so an outage of several seconds is ridden out with the
/// SDK's growing, jittered back-off. Parts are sent again by their caller,
/// and keep the client's three.
const PATIENT_ATTEMPTS: u32 = 5;

/// An S3 client for one bucket.
#[derive(Debug, Clone)]
pub struct SdkS3 {
    client: Client,
    bucket: String,
    /// Where requests go, to name in network errors (printable).
    endpoint: String,
    region: String,
    /// The client's retries, which patient requests lengthen.
    retry: RetryConfig,
}

impl SdkS3 {
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

    /// The configuration a patient request runs with.
    fn patient(&self) -> aws_sdk_s3::config::Builder {
        aws_sdk_s3::config::Builder::default()
            .retry_config(self.retry.clone().with_max_attempts(PATIENT_ATTEMPTS))
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
            .customize()
            .config_override(self.patient())
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
                .customize()
                .config_override(self.patient())
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
        let answer = self
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
            .customize()
            .config_override(self.patient())
            .send()
            .await;
        match answer {
            Ok(done) => Ok(ObjectDone {
                etag: done.e_tag().map(str::to_owned),
                checksum_sha256: done.checksum_sha256().map(str::to_owned),
            }),
            Err(err) => match self.error(err, self.upload(key, upload_id)) {
                // A completion whose answer was lost (a retry after a 500 or a
                // timeout that came once S3 had joined the parts) finds the
                // upload gone: the object under the key, made of exactly these
                // parts, is its work.
                lost @ S3Error::NoSuchUpload { .. } => match self.head_object(key).await {
                    Ok(Some(facts))
                        if (facts.checksum_sha256.as_deref())
                            .is_some_and(|held| is_completion_of(held, &ordered)) =>
                    {
                        Ok(ObjectDone {
                            etag: facts.etag,
                            checksum_sha256: facts.checksum_sha256,
                        })
                    }
                    _ => Err(lost),
                },
                other => Err(other),
            },
        }
    }

    async fn abort_multipart_upload(&self, key: &str, upload_id: &str) -> Result<(), S3Error> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .customize()
            .config_override(self.patient())
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
                .customize()
                .config_override(self.patient())
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
            .customize()
            .config_override(self.patient())
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

//! Copying one archive's ready job output to S3: a multipart upload whose parts
//! are ranged fetches of the output, each checked against Glacier's tree hash
//! before it is sent (a part that fails is fetched again), each sent with its
//! SHA-256 for S3 to check, each journaled once S3 took it; the upload is
//! completed only when the parts' tree hashes combine into the archive's. The
//! journal's upload id and parts make a killed copy go on from its last part;
//! an upload S3 no longer has starts over under the same key.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use time::OffsetDateTime;

use super::MigrateError;
use crate::domain::migrate::StorageClass;
use crate::domain::migrate::parts::{part_count, part_range, part_size};
use crate::domain::treehash::{TreeHash, combine_pieces, hash_piece, sha256};
use crate::glacier::{GlacierApi, GlacierError};
use crate::s3::{CompletedPart, ObjectStore, S3Error};
use crate::store::{Store, UploadEntry, UploadPart};

/// Parts held in memory at once are at most this large; a larger archive
/// would need its parts spooled through the disk.
pub const LARGEST_PART_IN_MEMORY: u64 = 64 << 20;

/// The bytes of parts held at once while they travel: four 8 MiB parts, two
/// of 16 MiB, one of any larger size.
const PART_BYTES_IN_FLIGHT: u64 = 32 << 20;

/// How many parts of `part` bytes travel at once.
fn parts_at_once(part: u64) -> usize {
    usize::try_from((PART_BYTES_IN_FLIGHT / part.max(1)).max(1)).unwrap_or(1)
}

/// Times a part is fetched again after its bytes failed Glacier's check, or
/// sent again after S3 failed for a passing reason.
const TRIES: u32 = 4;

/// One archive's copy, ready to go.
pub struct CopyJob<'a> {
    pub vault: &'a str,
    pub job_id: &'a str,
    pub size: u64,
    pub tree_hash: TreeHash,
    pub storage_class: StorageClass,
    pub metadata: &'a BTreeMap<String, String>,
}

/// What copying came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub bucket: String,
    pub key: String,
    pub bytes: u64,
    /// Parts fetched again because Glacier's check failed.
    pub refetched: u32,
}

/// Copies the job's output into the object `upload` names, going on from the
/// parts the journal holds.
pub async fn copy_archive<G: GlacierApi, S: ObjectStore>(
    api: &G,
    s3: &S,
    store: &mut Store,
    upload: UploadEntry,
    job: &CopyJob<'_>,
) -> Result<Copied, MigrateError> {
    let part = part_size(job.size)
        .filter(|part| *part <= LARGEST_PART_IN_MEMORY)
        .ok_or(MigrateError::TooLarge { size: job.size })?;
    let (upload_id, mut parts) = open_upload(s3, store, &upload, job).await?;
    let count = part_count(job.size, part);
    let journaled: std::collections::HashSet<u32> = parts.iter().map(|done| done.number).collect();
    let missing: Vec<u32> = (1..=count)
        .filter(|number| !journaled.contains(number))
        .collect();
    let key = upload.key.as_str();
    let upload_id = upload_id.as_str();
    // Several parts travel at once (a single stream leaves both ends idle in
    // turn), as many as keep the bytes held under PART_BYTES_IN_FLIGHT. Each
    // is journaled as it lands, in whatever order.
    let mut landing = stream::iter(missing)
        .map(|number| async move {
            let range = part_range(job.size, part, number).unwrap_or((0, 0));
            let (body, tree_hash, retried) = fetch_part(api, job, range).await?;
            let digest = sha256(&body).0;
            let done = send_part(s3, key, upload_id, number, body, digest).await?;
            let entry = UploadPart {
                number,
                size: range.1 - range.0 + 1,
                etag: done.etag,
                checksum: base64::engine::general_purpose::STANDARD.encode(digest),
                tree_hash: tree_hash.to_string(),
            };
            Ok::<_, MigrateError>((entry, retried))
        })
        .buffer_unordered(parts_at_once(part));
    let mut refetched = 0;
    while let Some(landed) = landing.next().await {
        let (entry, retried) = landed?;
        refetched += retried;
        store.record_upload_part(upload.id, &entry)?;
        parts.push(entry);
    }
    drop(landing);
    parts.sort_by_key(|done| done.number);
    let hashes: Vec<TreeHash> = (parts.iter())
        .filter_map(|done| done.tree_hash.parse().ok())
        .collect();
    let whole = if job.size == 0 {
        sha256(&[])
    } else {
        combine_pieces(&hashes)
    };
    if hashes.len() != parts.len() || whole != job.tree_hash {
        return Err(MigrateError::TreeHashDisagrees {
            key: upload.key.clone(),
            expected: job.tree_hash,
            found: whole,
        });
    }
    let completed: Vec<CompletedPart> = (parts.iter())
        .map(|done| CompletedPart {
            number: done.number,
            etag: done.etag.clone(),
            checksum_sha256: Some(done.checksum.clone()),
        })
        .collect();
    let object = s3
        .complete_multipart_upload(&upload.key, upload_id, &completed)
        .await?;
    store.record_upload_completed(
        upload.id,
        object.etag.as_deref().unwrap_or(""),
        object.checksum_sha256.as_deref().unwrap_or(""),
        OffsetDateTime::now_utc(),
    )?;
    Ok(Copied {
        bucket: upload.bucket,
        key: upload.key,
        bytes: job.size,
        refetched,
    })
}

/// The upload to go on with, and the parts of it S3 still holds as the
/// journal has them; a new one when there is none or S3 lost it.
async fn open_upload<S: ObjectStore>(
    s3: &S,
    store: &mut Store,
    upload: &UploadEntry,
    job: &CopyJob<'_>,
) -> Result<(String, Vec<UploadPart>), MigrateError> {
    if let Some(id) = &upload.upload_id {
        match s3.list_parts(&upload.key, id).await {
            Ok(listed) => {
                // A part S3 took after the journal last wrote is sent again:
                // its tree hash is not known.
                let kept = (upload.parts.iter())
                    .filter(|part| {
                        listed
                            .iter()
                            .any(|held| held.number == part.number && held.etag == part.etag)
                    })
                    .cloned()
                    .collect();
                return Ok((id.clone(), kept));
            }
            Err(S3Error::NoSuchUpload { .. }) => store.restart_upload(upload.id)?,
            Err(err) => return Err(err.into()),
        }
    }
    let id = s3
        .create_multipart_upload(&upload.key, job.storage_class, job.metadata)
        .await?;
    store.record_upload_id(upload.id, &id)?;
    Ok((id, Vec::new()))
}

/// Fetches the output's bytes `range` and checks them against Glacier's tree
/// hash, fetching again while they fail; the bytes, their tree hash, and how
/// many fetches failed.
async fn fetch_part<G: GlacierApi>(
    api: &G,
    job: &CopyJob<'_>,
    range: (u64, u64),
) -> Result<(bytes::Bytes, TreeHash, u32), MigrateError> {
    let mut failed = 0;
    loop {
        let attempt = async {
            let output = api
                .get_job_output(job.vault, job.job_id, Some(range))
                .await?;
            let checksum = output.checksum;
            // One buffer of the part's size: the chunks are copied in once.
            let wanted = usize::try_from(range.1 - range.0 + 1).unwrap_or(0);
            let body = (output.body)
                .try_fold(
                    bytes::BytesMut::with_capacity(wanted),
                    |mut body, chunk| async move {
                        body.extend_from_slice(&chunk);
                        Ok(body)
                    },
                )
                .await?;
            Ok::<_, GlacierError>((body.freeze(), checksum))
        };
        let problem = match attempt.await {
            Ok((body, checksum)) => {
                let hash = hash_piece(&body);
                let whole = body.len() as u64 == range.1 - range.0 + 1;
                if whole && checksum.is_none_or(|expected| expected == hash) {
                    return Ok((body, hash, failed));
                }
                MigrateError::PartDisagrees {
                    first: range.0,
                    last: range.1,
                }
            }
            Err(err) => MigrateError::Glacier(err),
        };
        failed += 1;
        let passing = matches!(problem, MigrateError::PartDisagrees { .. })
            || matches!(&problem, MigrateError::Glacier(err) if err.is_transient());
        if !passing || failed >= TRIES {
            return Err(problem);
        }
        tokio::time::sleep(pause(failed)).await;
    }
}

/// Sends a part, again while S3 fails for a passing reason.
async fn send_part<S: ObjectStore>(
    s3: &S,
    key: &str,
    upload_id: &str,
    number: u32,
    body: bytes::Bytes,
    digest: [u8; 32],
) -> Result<crate::s3::PartDone, MigrateError> {
    let mut failed = 0;
    loop {
        match s3
            .upload_part(key, upload_id, number, body.clone(), digest)
            .await
        {
            Ok(done) => return Ok(done),
            Err(err) if err.is_retryable() && failed + 1 < TRIES => {
                failed += 1;
                tokio::time::sleep(pause(failed)).await;
            }
            Err(err) => return Err(err.into()),
        }
    }
}

/// 200 ms, doubling.
fn pause(failed: u32) -> Duration {
    Duration::from_millis(200u64 << failed.min(6))
}

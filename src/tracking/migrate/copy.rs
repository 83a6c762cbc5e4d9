//! Copying one archive's ready job output to S3: a multipart upload whose parts
//! are ranged fetches of the output, each checked against Glacier's tree hash
//! before it is sent (a part that fails is fetched again), each sent with its
//! SHA-256 for S3 to check, each journaled once S3 took it; the upload is
//! completed only when the parts' tree hashes combine into the archive's. The
//! journal's upload id and parts make a killed copy go on from its last part;
//! an upload S3 no longer has starts over under the same key.

use std::collections::BTreeMap;

use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine as _;
use futures_util::{StreamExt as _, stream};
use time::OffsetDateTime;

use super::MigrateError;
use super::fetch::{TRIES, fetch_part, pause, sweep_spool};
use crate::domain::migrate::parts::{part_count, part_range, part_size};
use crate::domain::migrate::{StorageClass, recorded_tree_hash};
use crate::domain::treehash::{TreeHash, combine_pieces, sha256};
use crate::glacier::GlacierApi;
use crate::s3::{CompletedPart, ObjectStore, PartBody, S3Error};
use crate::store::{Store, UploadEntry, UploadPart};

/// Parts up to this size are held in memory; larger ones (archives above
/// about 625 GiB) are spooled through a file, one or two at a time.
pub const LARGEST_PART_IN_MEMORY: u64 = 64 << 20;

/// Where a copy's parts wait between Glacier and S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySettings {
    /// Parts up to this size are held in memory, larger ones spooled.
    pub parts_in_memory_up_to: u64,
    /// The folder of spooled parts (in the data directory).
    pub spool_dir: std::path::PathBuf,
}

impl CopySettings {
    /// Parts in memory up to [`LARGEST_PART_IN_MEMORY`], larger ones spooled
    /// under `data_dir`.
    pub fn under(data_dir: &std::path::Path) -> Self {
        Self {
            parts_in_memory_up_to: LARGEST_PART_IN_MEMORY,
            spool_dir: data_dir.join("spool"),
        }
    }
}

/// Spooled parts in flight at once: the disk holds them, not memory.
const SPOOLED_AT_ONCE: usize = 2;

/// The bytes of parts held at once while they travel: four 8 MiB parts, two
/// of 16 MiB, one of any larger size.
const PART_BYTES_IN_FLIGHT: u64 = 32 << 20;

/// How many parts of `part` bytes travel at once.
fn parts_at_once(part: u64) -> usize {
    usize::try_from((PART_BYTES_IN_FLIGHT / part.max(1)).max(1)).unwrap_or(1)
}

/// One archive's copy, ready to go.
pub struct CopyJob<'a> {
    pub vault: &'a str,
    pub job_id: &'a str,
    pub size: u64,
    pub tree_hash: TreeHash,
    pub storage_class: StorageClass,
    pub metadata: &'a BTreeMap<String, String>,
    pub settings: &'a CopySettings,
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
    let part = part_size(job.size).ok_or(MigrateError::TooLarge { size: job.size })?;
    let spool =
        (part > job.settings.parts_in_memory_up_to).then_some(job.settings.spool_dir.as_path());
    if let Some(dir) = spool {
        sweep_spool(dir, std::time::SystemTime::now());
    }
    let at_once = match spool {
        Some(_) => SPOOLED_AT_ONCE,
        None => parts_at_once(part),
    };
    let (upload_id, mut parts) = match open_upload(s3, store, &upload, job).await? {
        Opened::Going(upload_id, parts) => (upload_id, parts),
        Opened::Completed => {
            return Ok(Copied {
                bucket: upload.bucket,
                key: upload.key,
                bytes: job.size,
                refetched: 0,
            });
        }
    };
    let count = part_count(job.size, part);
    let journaled: std::collections::HashSet<u32> = parts.iter().map(|done| done.number).collect();
    let missing: Vec<u32> = (1..=count)
        .filter(|number| !journaled.contains(number))
        .collect();
    let key = upload.key.as_str();
    let upload_id = upload_id.as_str();
    // Several parts travel at once (a single stream leaves both ends idle in
    // turn), as many as keep the bytes held under PART_BYTES_IN_FLIGHT. Each
    // is journaled as it lands, in whatever order. After a failure no part
    // starts, and those already under way are waited for, so that every part
    // S3 took is journaled and not sent again.
    let failed = AtomicBool::new(false);
    let mut landing = stream::iter(missing)
        .take_while(|_| std::future::ready(!failed.load(Ordering::Relaxed)))
        .map(|number| async move {
            let range = part_range(job.size, part, number).unwrap_or((0, 0));
            let fetched = fetch_part(api, job, range, spool).await?;
            let digest = fetched.sha256;
            let body = fetched.body.clone();
            let done = send_part(s3, key, upload_id, number, body, digest).await?;
            let entry = UploadPart {
                number,
                size: range.1 - range.0 + 1,
                etag: done.etag,
                checksum: base64::engine::general_purpose::STANDARD.encode(digest),
                tree_hash: fetched.tree_hash.to_string(),
            };
            Ok::<_, MigrateError>((entry, fetched.refetched))
        })
        .buffer_unordered(at_once);
    let mut refetched = 0;
    let mut first_failure = None;
    while let Some(landed) = landing.next().await {
        match landed {
            Ok((entry, retried)) => {
                refetched += retried;
                store.record_upload_part(upload.id, &entry)?;
                parts.push(entry);
            }
            Err(err) => {
                failed.store(true, Ordering::Relaxed);
                first_failure.get_or_insert(err);
            }
        }
    }
    drop(landing);
    if let Some(err) = first_failure {
        return Err(err);
    }
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

/// Where an upload stands when a copy begins.
enum Opened {
    /// Going on with this upload, of which S3 holds these journaled parts.
    Going(String, Vec<UploadPart>),
    /// S3 completed it before the journal could say so (the process was
    /// killed in between): the object is there, with this archive's tree
    /// hash, and is now journaled as copied.
    Completed,
}

/// The upload to go on with, and the parts of it S3 still holds as the
/// journal has them; a new one when there is none or S3 lost it.
async fn open_upload<S: ObjectStore>(
    s3: &S,
    store: &mut Store,
    upload: &UploadEntry,
    job: &CopyJob<'_>,
) -> Result<Opened, MigrateError> {
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
                return Ok(Opened::Going(id.clone(), kept));
            }
            Err(S3Error::NoSuchUpload { .. }) => {
                // Completed, or aborted: an object carrying this archive's
                // tree hash says completed, and nothing is paid for again.
                if completed_unjournaled(s3, store, upload, job.tree_hash).await? {
                    return Ok(Opened::Completed);
                }
                store.restart_upload(upload.id)?;
            }
            Err(err) => return Err(err.into()),
        }
    }
    let id = s3
        .create_multipart_upload(&upload.key, job.storage_class, job.metadata)
        .await?;
    store.record_upload_id(upload.id, &id)?;
    Ok(Opened::Going(id, Vec::new()))
}

/// Whether S3 completed `upload` before the journal could say so (the
/// process was killed in between): an object at its key carrying the
/// archive's tree hash, which only a completed copy of this archive has. Such
/// an upload is journaled as completed. Only an upload S3 was asked to create
/// can have been completed; one the journal holds completed is not asked
/// about.
pub async fn completed_unjournaled<S: ObjectStore>(
    s3: &S,
    store: &mut Store,
    upload: &UploadEntry,
    tree_hash: TreeHash,
) -> Result<bool, MigrateError> {
    if upload.upload_id.is_none() || upload.completed.is_some() {
        return Ok(false);
    }
    let Some(facts) = s3.head_object(&upload.key).await? else {
        return Ok(false);
    };
    if recorded_tree_hash(&facts.metadata) != Some(tree_hash) {
        return Ok(false);
    }
    store.record_upload_completed(
        upload.id,
        facts.etag.as_deref().unwrap_or(""),
        facts.checksum_sha256.as_deref().unwrap_or(""),
        OffsetDateTime::now_utc(),
    )?;
    Ok(true)
}

/// Sends a part, again while S3 fails for a passing reason.
async fn send_part<S: ObjectStore>(
    s3: &S,
    key: &str,
    upload_id: &str,
    number: u32,
    body: PartBody,
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

//! Fetching one part of a job's output for its copy: a ranged GetJobOutput
//! whose bytes are checked against Glacier's tree hash (and fetched again
//! while they fail), held in memory, or for parts too large to hold, spooled
//! to a temporary file in the data directory that goes away once the part is
//! sent.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::TryStreamExt as _;
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncWriteExt as _;

use super::{CopyJob, MigrateError};
use crate::domain::treehash::{TreeHash, TreeHasher, hash_piece, sha256};
use crate::glacier::GlacierApi;
use crate::s3::PartBody;

/// Times a part is fetched again after its bytes failed Glacier's check.
pub(super) const TRIES: u32 = 4;

/// A part's checked bytes, ready to send.
pub(super) struct FetchedPart {
    pub body: PartBody,
    pub tree_hash: TreeHash,
    pub sha256: [u8; 32],
    /// Fetches that failed before this one passed.
    pub refetched: u32,
    /// Deletes the spool file when the part is done with.
    _spooled: Option<tempfile::TempPath>,
}

/// Fetches the output's bytes `range`, into memory, or into a file in `spool`
/// when one is given, fetching again while they fail Glacier's check.
pub(super) async fn fetch_part<G: GlacierApi>(
    api: &G,
    job: &CopyJob<'_>,
    range: (u64, u64),
    spool: Option<&Path>,
) -> Result<FetchedPart, MigrateError> {
    let mut failed = 0;
    loop {
        let problem = match fetch_once(api, job, range, spool).await {
            Ok(Some(mut part)) => {
                part.refetched = failed;
                return Ok(part);
            }
            Ok(None) => MigrateError::PartDisagrees {
                first: range.0,
                last: range.1,
            },
            Err(err) => err,
        };
        failed += 1;
        let passing = match &problem {
            MigrateError::PartDisagrees { .. } => true,
            MigrateError::Glacier(err) => err.is_transient(),
            _ => false,
        };
        if !passing || failed >= TRIES {
            return Err(problem);
        }
        tokio::time::sleep(pause(failed)).await;
    }
}

/// One fetch: the part, or `None` when its bytes are short or fail the
/// checksum Glacier sent with them.
async fn fetch_once<G: GlacierApi>(
    api: &G,
    job: &CopyJob<'_>,
    range: (u64, u64),
    spool: Option<&Path>,
) -> Result<Option<FetchedPart>, MigrateError> {
    let wanted = range.1 - range.0 + 1;
    let output = api
        .get_job_output(job.vault, job.job_id, Some(range))
        .await?;
    let checksum = output.checksum;
    let part = match spool {
        None => {
            // One buffer of the part's size: the chunks are copied in once.
            let capacity = usize::try_from(wanted).unwrap_or(0);
            let body = (output.body)
                .try_fold(
                    bytes::BytesMut::with_capacity(capacity),
                    |mut body, chunk| async move {
                        body.extend_from_slice(&chunk);
                        Ok(body)
                    },
                )
                .await?
                .freeze();
            FetchedPart {
                tree_hash: hash_piece(&body),
                sha256: sha256(&body).0,
                body: PartBody::Memory(body),
                refetched: 0,
                _spooled: None,
            }
        }
        Some(dir) => spool_body(output.body, dir).await?,
    };
    let whole = part.body.len() == wanted;
    Ok((whole && checksum.is_none_or(|expected| expected == part.tree_hash)).then_some(part))
}

/// Writes a body into a new spool file, hashing it on the way.
async fn spool_body(
    mut body: crate::glacier::ByteChunks,
    dir: &Path,
) -> Result<FetchedPart, MigrateError> {
    let failed = |path: &Path, err: std::io::Error| {
        MigrateError::Store(crate::store::StoreError::refused(format!(
            "cannot spool a part to {}: {err}; free some space there, then run the command again",
            path.display()
        )))
    };
    std::fs::create_dir_all(dir).map_err(|err| failed(dir, err))?;
    let temp = tempfile::Builder::new()
        .prefix(SPOOL_PREFIX)
        .tempfile_in(dir)
        .map_err(|err| failed(dir, err))?;
    let (file, path) = temp.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut tree = TreeHasher::new();
    let mut digest = Sha256::new();
    let mut len = 0u64;
    while let Some(chunk) = body.try_next().await.map_err(MigrateError::Glacier)? {
        tree.update(&chunk);
        digest.update(&chunk);
        len += chunk.len() as u64;
        file.write_all(&chunk)
            .await
            .map_err(|err| failed(&path, err))?;
    }
    file.flush().await.map_err(|err| failed(&path, err))?;
    Ok(FetchedPart {
        body: PartBody::File {
            path: path.to_path_buf(),
            len,
        },
        tree_hash: tree.finish(),
        sha256: digest.finalize().into(),
        refetched: 0,
        _spooled: Some(path),
    })
}

/// Spool files start so, to be told from anything else in the folder.
const SPOOL_PREFIX: &str = ".part-";

/// A spool file this old was left by a process killed mid-copy: no part
/// takes a day to send.
const LEFT_BEHIND_AFTER: Duration = Duration::from_secs(24 * 3600);

/// Removes spool files left in `dir` by a killed copy; files of a copy still
/// running (in another process) are younger and stay.
pub(super) fn sweep_spool(dir: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(SPOOL_PREFIX)
        })
        .filter(|entry| {
            let modified = entry.metadata().and_then(|meta| meta.modified());
            modified.is_ok_and(|at| {
                now.duration_since(at)
                    .is_ok_and(|age| age > LEFT_BEHIND_AFTER)
            })
        })
        .map(|entry| entry.path())
        .collect();
    for path in stale {
        let _ = std::fs::remove_file(path);
    }
}

/// 200 ms, doubling.
pub(super) fn pause(failed: u32) -> Duration {
    Duration::from_millis(200u64 << failed.min(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_spool_files_older_than_a_day_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        for name in [".part-old", ".part-young", "keep-me"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let two_days = SystemTime::now() + Duration::from_secs(2 * 24 * 3600);
        let old = std::fs::File::options()
            .write(true)
            .open(dir.path().join(".part-old"))
            .unwrap();
        old.set_modified(SystemTime::now() - Duration::from_secs(2 * 24 * 3600))
            .unwrap();
        sweep_spool(dir.path(), SystemTime::now());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".part-young", "keep-me"]);
        // Seen from two days on, the young one is stale too; other files stay.
        sweep_spool(dir.path(), two_days);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1);
    }
}

//! A range plan half downloaded by the release before plans (catalog schema 3):
//! finished from the bytes that release had verified, and its files cleared once
//! the plan is finished.
//!
//! That release wrote every range job into the archive's one sparse `NAME.part`
//! (the archive's restored name, claimed in the journal as the archive's), with
//! a progress file per job (see `domain::legacy_part`). Before a job that is not
//! staged is asked of Glacier, its chunks listed there are copied into the
//! job's staging file, each hashed again on the way and kept only if it still
//! matches the hash recorded when it was verified. All of them make the staged
//! output, checked against DescribeJob's tree hash while Glacier still knows the
//! job (so a job whose window has closed is not needed); some of them are handed
//! to the download engine to resume from. Nothing here stops a download: what
//! cannot be read or trusted is left alone, and the job is fetched as usual.
//! Every file is opened confined: a link in the way is refused, never followed.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;

mod clear;

use super::DownloadJobError;
use crate::confined::{Access, ConfinedDir, EntryKind};
use crate::domain::legacy_part::{PartHeader, PartProgress, progress_name as old_progress_name};
use crate::domain::names::SafeRelativePath;
use crate::domain::range::ByteRange;
use crate::domain::treehash::{TreeHash, TreeHasher, combine_pieces};
use crate::glacier::download::{
    DEFAULT_PARALLEL, DownloadError, default_chunk_size, progress_name,
};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{PlanEntry, PlanJob, Store};

/// Bytes read and written at a time while a chunk is copied.
const COPY_STEP: usize = 1 << 20;

/// The archive's `NAME.part` in the target folder, where the release before
/// plans downloaded its range jobs.
pub(super) struct OldLayout {
    dir: ConfinedDir,
    part_name: String,
}

impl OldLayout {
    /// Where the plan's archive was restored in `folder` by a release that
    /// claimed the path; `None` when none did, or its folder cannot be opened.
    pub(super) fn find(
        store: &mut Store,
        root: &ConfinedDir,
        folder: &Path,
        plan: &PlanEntry,
        now: OffsetDateTime,
    ) -> Option<Self> {
        let archive_id = plan.archive.as_ref()?.archive_id.as_str();
        let owner = format!("archive {archive_id}");
        // No candidates: an earlier claim is found, and nothing new is claimed.
        let folder_key = folder.display().to_string();
        let claim = store
            .claim_restore_path(&folder_key, &owner, &[], now)
            .ok()??;
        let relative = SafeRelativePath::new(&claim.path, archive_id);
        let mut components: Vec<&str> = relative.components().collect();
        let file_name = components.pop().unwrap_or(relative.file_name());
        let part_name = format!("{file_name}.part");
        match root.subfolder(components, false) {
            Ok(dir) => Some(Self { dir, part_name }),
            Err(err) => {
                if err.io_kind() != Some(io::ErrorKind::NotFound) {
                    tracing::warn!("an earlier download's files are left alone: {err}");
                }
                None
            }
        }
    }

    async fn try_restage<G: GlacierApi>(
        &self,
        api: &G,
        plan: &PlanEntry,
        staging: &Arc<ConfinedDir>,
        job: &PlanJob,
        (file, range): (&str, ByteRange),
    ) -> Result<bool, DownloadJobError> {
        let Some(old) = self.progress_of(plan, job.position, range)? else {
            return Ok(false);
        };
        // The engine resumes the job it is asked for, in chunks of this size.
        let resume = Resume {
            job_id: job.entry.job_id.as_deref(),
            range,
            chunk_size: default_chunk_size(range.len(), DEFAULT_PARALLEL),
        };
        let part = format!("{file}.part");
        let resume_name = progress_name(&part, 0);
        // What the engine would resume from is its own by now; and chunks that
        // can neither make the whole output nor be resumed are not worth a copy.
        let resumable = resume.job_id.is_some() && old.header.chunk_size == resume.chunk_size;
        if resume.is_under_way(staging, &resume_name)? || !(old.is_complete() || resumable) {
            return Ok(false);
        }
        let lock_name = format!("{resume_name}.lock");
        let Lock::Held(_lock) = take_lock(staging, &lock_name, true)? else {
            return Ok(false);
        };
        let verified = self.copy_verified(&old, staging, &part)?;
        if verified.len() as u64 == old.chunk_count() {
            let pieces: Vec<TreeHash> = verified.values().copied().collect();
            if !matches_glacier(api, plan, &old.header.job_id, combine_pieces(&pieces)).await? {
                tracing::warn!("bytes {range} an earlier release downloaded are not Glacier's");
                staging.remove(&part)?;
                return Ok(false);
            }
            staging.rename(&part, file, false)?;
            staging.sync();
            staging.remove(&resume_name)?;
            // Removed while still held, as the engine does.
            staging.remove(&lock_name)?;
            return Ok(true);
        }
        match resume.job_id {
            Some(job_id) if resumable && !verified.is_empty() => {
                let header = PartHeader {
                    job_id: job_id.to_owned(),
                    output_length: range.len(),
                    chunk_size: resume.chunk_size,
                    archive_offset: 0,
                };
                let chunks = verified;
                write_progress(staging, &resume_name, &PartProgress { header, chunks })?;
            }
            _ => staging.remove(&part)?,
        }
        Ok(false)
    }

    /// The old progress file of the plan's job at `position` retrieving
    /// `range`, when the release before plans wrote one.
    fn progress_of(
        &self,
        plan: &PlanEntry,
        position: u32,
        range: ByteRange,
    ) -> Result<Option<PartProgress>, DownloadJobError> {
        if !is_partial(plan, range) {
            return Ok(None);
        }
        let name = old_progress_name(&self.part_name, range.start);
        let Some(progress) = self.dir.read(&name)?.and_then(|b| PartProgress::parse(&b)) else {
            return Ok(None);
        };
        // A renewed job shares its place and bytes with the one it replaced.
        let ours = plan
            .jobs
            .iter()
            .filter(|job| job.position == position && job.range == Some(range))
            .filter_map(|job| job.entry.job_id.as_deref())
            .any(|job_id| progress.is_for(job_id, range));
        Ok(ours.then_some(progress))
    }

    /// Copies the listed chunks from `NAME.part` into `part` in staging,
    /// hashing each on the way; the chunks whose bytes match their record.
    fn copy_verified(
        &self,
        old: &PartProgress,
        staging: &ConfinedDir,
        part: &str,
    ) -> Result<BTreeMap<u64, TreeHash>, DownloadJobError> {
        let mut source = self.dir.open_file(&self.part_name, Access::Read)?;
        let mut target = staging.open_file(part, Access::Replace)?;
        let shown = (
            self.dir.shown_child(&self.part_name),
            staging.shown_child(part),
        );
        let mut buffer = vec![0; COPY_STEP];
        let mut verified = BTreeMap::new();
        for (&index, &recorded) in &old.chunks {
            let Some((first, len)) = old.chunk_span(index) else {
                continue;
            };
            let at = (old.header.archive_offset.saturating_add(first), first);
            let copied = copy_chunk(&mut source, &mut target, at, len, &mut buffer);
            match copied.map_err(|failed| match failed {
                Failed::Read(err) => DownloadError::io("read", &shown.0, err),
                Failed::Write(err) => DownloadError::io("write", &shown.1, err),
            })? {
                Some(hash) if hash == recorded => {
                    verified.insert(index, recorded);
                }
                _ => {}
            }
        }
        target
            .sync_all()
            .map_err(|err| DownloadError::io("write", &shown.1, err))?;
        Ok(verified)
    }
}

/// Stages the job at `job`'s place from the verified chunks the release before
/// plans left for it in `old`: `true` when its whole output is now staged in
/// `file`; otherwise what could be reused (if anything) is where the download
/// engine resumes from.
pub(super) async fn restage<G: GlacierApi>(
    old: Option<&OldLayout>,
    api: &G,
    plan: &PlanEntry,
    staging: &Arc<ConfinedDir>,
    job: &PlanJob,
    (file, range): (&str, ByteRange),
) -> bool {
    let Some(old) = old else {
        return false;
    };
    match old
        .try_restage(api, plan, staging, job, (file, range))
        .await
    {
        Ok(staged) => staged,
        Err(err) => {
            tracing::warn!(
                "bytes {range} downloaded by an earlier release are fetched again: {err}"
            );
            false
        }
    }
}

/// Whether `range` is less than the whole archive: only such jobs went into
/// `NAME.part` (a whole archive's download was renamed once verified).
fn is_partial(plan: &PlanEntry, range: ByteRange) -> bool {
    let size = plan.archive.as_ref().and_then(|archive| archive.size);
    range.start != 0 || size.is_none_or(|size| range.len() != size)
}

/// The download the engine would run for a job's staging file.
struct Resume<'a> {
    /// `None` while the job at the place has not been started.
    job_id: Option<&'a str>,
    range: ByteRange,
    chunk_size: u64,
}

impl Resume<'_> {
    /// Whether the engine's progress file `name` in staging is one it resumes
    /// from: of this download, with chunks.
    fn is_under_way(&self, staging: &ConfinedDir, name: &str) -> Result<bool, DownloadJobError> {
        let found = staging.read(name)?.and_then(|b| PartProgress::parse(&b));
        Ok(found.is_some_and(|progress| {
            let header = &progress.header;
            Some(header.job_id.as_str()) == self.job_id
                && header.chunk_size == self.chunk_size
                && header.archive_offset == 0
                && header.output_length == self.range.len()
                && !progress.chunks.is_empty()
        }))
    }
}

/// Whether DescribeJob's tree hash of the job's output, while Glacier still
/// knows the job and gives one, is `actual`.
async fn matches_glacier<G: GlacierApi>(
    api: &G,
    plan: &PlanEntry,
    job_id: &str,
    actual: TreeHash,
) -> Result<bool, DownloadJobError> {
    match api.describe_job(&plan.vault.name, job_id).await {
        Ok(info) => Ok(info
            .sha256_tree_hash
            .is_none_or(|expected| expected == actual)),
        // Its window has closed: the chunks were verified when they came.
        Err(GlacierError::UnknownJob { .. }) => Ok(true),
        Err(err) => Err(err.into()),
    }
}

/// A lock file, as far as this process could take it.
enum Lock {
    Held(File),
    /// There is none, and none was to be made.
    Absent,
    /// Another process holds it: the files it guards are in use.
    Busy,
}

/// Takes the lock `name` in `dir`, made first when `create`.
fn take_lock(dir: &ConfinedDir, name: &str, create: bool) -> Result<Lock, DownloadJobError> {
    if !create && dir.kind(name)? == EntryKind::Missing {
        return Ok(Lock::Absent);
    }
    let lock = dir.open_file(name, Access::ReadWrite)?;
    match lock.try_lock() {
        Ok(()) => Ok(Lock::Held(lock)),
        Err(TryLockError::WouldBlock) => Ok(Lock::Busy),
        Err(TryLockError::Error(err)) => {
            Err(DownloadError::io("lock", &dir.shown_child(name), err).into())
        }
    }
}

/// Writes a progress file whole under another name, then puts it in place.
fn write_progress(
    dir: &ConfinedDir,
    name: &str,
    progress: &PartProgress,
) -> Result<(), DownloadJobError> {
    let fresh = format!("{name}.new");
    let mut file = dir.open_file(&fresh, Access::Replace)?;
    file.write_all(progress.render().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|err| DownloadError::io("write", &dir.shown_child(&fresh), err))?;
    dir.rename(&fresh, name, true)?;
    dir.sync();
    Ok(())
}

/// Which side of a copy failed.
enum Failed {
    Read(io::Error),
    Write(io::Error),
}

/// Copies `len` bytes from `source` at `from` to `target` at `to`; their tree
/// hash, or `None` when the source ends first.
fn copy_chunk(
    source: &mut File,
    target: &mut File,
    (from, to): (u64, u64),
    len: u64,
    buffer: &mut [u8],
) -> Result<Option<TreeHash>, Failed> {
    source.seek(SeekFrom::Start(from)).map_err(Failed::Read)?;
    target.seek(SeekFrom::Start(to)).map_err(Failed::Write)?;
    let mut hasher = TreeHasher::new();
    let mut left = len;
    while left > 0 {
        let step = usize::try_from(left).map_or(buffer.len(), |left| left.min(buffer.len()));
        match source.read_exact(&mut buffer[..step]) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(err) => return Err(Failed::Read(err)),
        }
        hasher.update(&buffer[..step]);
        target.write_all(&buffer[..step]).map_err(Failed::Write)?;
        left -= step as u64;
    }
    Ok(Some(hasher.finish()))
}

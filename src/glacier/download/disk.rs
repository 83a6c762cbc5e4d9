//! The download's files: `DEST.part` written at offsets, its progress file, the
//! lock that keeps a second process off the same download, and the final
//! rename. Every file is opened inside the destination's confined folder, never
//! through a link. Everything here blocks, so it runs on tokio's blocking pool.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;

use super::plan::plan_chunks;
use super::progress::{self, Header, ProgressLog};
use super::{Destination, DownloadError};
use crate::confined::{Access, EntryKind};
use crate::domain::treehash::{TreeHash, TreeHasher};

/// Refuses before any request when the destination exists and may not be replaced.
pub fn refuse_existing(destination: &Destination, overwrite: bool) -> Result<(), DownloadError> {
    let kind = destination.dir.kind(&destination.file_name)?;
    if kind != EntryKind::Missing && !overwrite {
        return Err(DownloadError::DestinationExists {
            path: destination.shown(),
        });
    }
    Ok(())
}

/// The open partial file, progress log and lock.
#[derive(Debug)]
pub struct Writer {
    destination: Destination,
    part: File,
    part_path: PathBuf,
    log: ProgressLog,
    log_name: String,
    log_path: PathBuf,
    /// Held (locked) for as long as this download runs.
    lock: File,
    lock_name: String,
}

/// What a run starts from.
#[derive(Debug)]
pub struct Prepared {
    pub writer: Writer,
    /// Chunks recorded by an earlier run whose bytes are still on disk, intact.
    pub kept: BTreeMap<u64, TreeHash>,
    pub started_over: bool,
}

/// Takes this download's lock, opens `DEST.part` without truncating it (other
/// ranges or earlier runs may have written there), keeps the recorded chunks
/// whose bytes still hash right, and rewrites the progress file to list just those.
pub async fn prepare(destination: Destination, header: Header) -> Result<Prepared, DownloadError> {
    blocking(move || {
        let dir = Arc::clone(&destination.dir);
        let part_name = destination.part_name();
        let log_name = progress::progress_name(&part_name, header.archive_offset);
        let lock_name = format!("{log_name}.lock");
        let lock = lock_download(&destination, &lock_name, &header.job_id)?;
        let loaded = progress::load(&dir, &log_name, &header)?;
        let part = dir.open_file(&part_name, Access::ReadWrite)?;
        let mut kept = BTreeMap::new();
        // Re-reading recorded chunks costs local I/O only, and catches a partial
        // file that was replaced, truncated or damaged since it was recorded.
        for chunk in plan_chunks(header.output_length, header.chunk_size) {
            let Some(&recorded) = loaded.chunks.get(&chunk.index) else {
                continue;
            };
            let offset = header.archive_offset + chunk.first;
            if hash_range(&part, offset, chunk.len()).is_ok_and(|hash| hash == recorded) {
                kept.insert(chunk.index, recorded);
            }
        }
        let log = ProgressLog::rewrite(&dir, &log_name, &header, &kept)?;
        Ok(Prepared {
            writer: Writer {
                part_path: dir.shown_child(&part_name),
                log_path: dir.shown_child(&log_name),
                log_name,
                destination,
                part,
                log,
                lock,
                lock_name,
            },
            kept,
            started_over: loaded.other_download,
        })
    })
    .await
}

/// Opens and locks the download's lock file; another process holding it means
/// the same job is being downloaded into the same file right now.
fn lock_download(
    destination: &Destination,
    lock_name: &str,
    job_id: &str,
) -> Result<File, DownloadError> {
    let lock = destination.dir.open_file(lock_name, Access::ReadWrite)?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(TryLockError::WouldBlock) => Err(DownloadError::Busy {
            job_id: job_id.to_owned(),
            path: destination.shown(),
        }),
        Err(TryLockError::Error(err)) => Err(DownloadError::io(
            "lock",
            &destination.dir.shown_child(lock_name),
            err,
        )),
    }
}

/// A write of part of a chunk, running on the blocking pool while the next part
/// arrives; [`PendingWrite::done`] hands its buffer back, emptied, for reuse.
pub struct PendingWrite(tokio::task::JoinHandle<Result<Vec<u8>, DownloadError>>);

/// Starts writing `bytes` at `offset` of `DEST.part`. The bytes are not verified
/// yet: only [`record_chunk`], once the whole chunk checks out, makes them count,
/// and a refetch writes the same place again.
pub fn start_write(writer: &Arc<Writer>, offset: u64, mut bytes: Vec<u8>) -> PendingWrite {
    let writer = Arc::clone(writer);
    PendingWrite(tokio::task::spawn_blocking(move || {
        write_at(&writer.part, &bytes, offset)
            .map_err(|err| DownloadError::io("write", &writer.part_path, err))?;
        bytes.clear();
        Ok(bytes)
    }))
}

impl PendingWrite {
    pub async fn done(self) -> Result<Vec<u8>, DownloadError> {
        joined(self.0.await)
    }
}

/// Syncs a verified chunk's bytes, then records it: the record never gets ahead
/// of the bytes.
pub async fn record_chunk(
    writer: Arc<Writer>,
    index: u64,
    tree_hash: TreeHash,
) -> Result<(), DownloadError> {
    blocking(move || {
        writer
            .part
            .sync_data()
            .map_err(|err| DownloadError::io("write", &writer.part_path, err))?;
        writer
            .log
            .record(index, tree_hash)
            .map_err(|err| DownloadError::io("write", &writer.log_path, err))
    })
    .await
}

impl Writer {
    /// The partial file, as shown to the user.
    pub fn part_path(&self) -> &std::path::Path {
        &self.part_path
    }

    /// Syncs the partial file, for a download that leaves it in place.
    pub async fn sync(self: &Arc<Self>) -> Result<(), DownloadError> {
        let writer = Arc::clone(self);
        blocking(move || {
            writer
                .part
                .sync_all()
                .map_err(|err| DownloadError::io("write", &writer.part_path, err))
        })
        .await
    }

    /// Cuts the partial file to `length` (an earlier, longer download may have
    /// left bytes beyond it), syncs it, renames it to the destination and removes
    /// the progress file and the lock.
    pub async fn finish(
        self: &Arc<Self>,
        length: u64,
        overwrite: bool,
    ) -> Result<(), DownloadError> {
        let writer = Arc::clone(self);
        blocking(move || {
            let part_error = |err| DownloadError::io("write", &writer.part_path, err);
            writer.part.set_len(length).map_err(part_error)?;
            writer.part.sync_all().map_err(part_error)?;
            rename_into_place(&writer.destination, overwrite)?;
            let dir = &writer.destination.dir;
            let _ = dir.remove(&writer.log_name);
            // Removed while still held, so no other process can take a lock on
            // it that protects nothing.
            let _ = dir.remove(&writer.lock_name);
            let _ = writer.lock.unlock();
            Ok(())
        })
        .await
    }
}

/// Finishes a split plan: checks that the range downloads' progress files cover
/// all `archive_size` bytes of `DEST.part` and, when given, the archive's tree
/// hash, then renames it to the destination and removes the range downloads'
/// progress files. Returns the file's tree hash.
pub async fn finish_part(
    destination: &Destination,
    archive_size: u64,
    expected: Option<TreeHash>,
    overwrite: bool,
) -> Result<TreeHash, DownloadError> {
    refuse_existing(destination, overwrite)?;
    let destination = destination.clone();
    blocking(move || {
        let dir = &destination.dir;
        let part_name = destination.part_name();
        let part = dir.shown_child(&part_name);
        let part_error = |err| DownloadError::io("read", &part, err);
        let file = dir.open_file(&part_name, Access::ReadWrite)?;
        let verified: u64 = progress::verified_spans(dir, &part_name)?
            .iter()
            .map(|&(start, end)| end.min(archive_size).saturating_sub(start))
            .sum();
        if verified < archive_size {
            return Err(DownloadError::Incomplete {
                part: part.clone(),
                expected: archive_size,
                actual: verified,
            });
        }
        let actual = file.metadata().map_err(part_error)?.len();
        if actual > archive_size {
            file.set_len(archive_size).map_err(part_error)?;
        }
        let tree_hash = hash_file(&file).map_err(part_error)?;
        if let Some(expected) = expected
            && expected != tree_hash
        {
            return Err(DownloadError::WholeMismatch {
                expected,
                actual: tree_hash,
                part: part.clone(),
            });
        }
        file.sync_all().map_err(part_error)?;
        rename_into_place(&destination, overwrite)?;
        for name in progress::progress_files(dir, &part_name)? {
            let _ = dir.remove(&name);
        }
        Ok(tree_hash)
    })
    .await
}

/// The tree hash of `len` bytes at `offset`, read a MiB at a time so a large
/// chunk is never held whole.
fn hash_range(file: &File, offset: u64, len: u64) -> io::Result<TreeHash> {
    let mut hasher = TreeHasher::new();
    let mut buffer = vec![0; 1 << 20];
    let mut done = 0;
    while done < len {
        let step = usize::try_from((len - done).min(buffer.len() as u64)).unwrap_or(0);
        read_at(file, &mut buffer[..step], offset + done)?;
        hasher.update(&buffer[..step]);
        done += step as u64;
    }
    Ok(hasher.finish())
}

fn hash_file(mut file: &File) -> io::Result<TreeHash> {
    let mut hasher = TreeHasher::new();
    let mut buffer = vec![0; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(hasher.finish());
        }
        hasher.update(&buffer[..read]);
    }
}

/// Renames `DEST.part` to `DEST` inside the confined folder. Without
/// `overwrite` the rename itself refuses a destination that appeared meanwhile.
fn rename_into_place(destination: &Destination, overwrite: bool) -> Result<(), DownloadError> {
    refuse_existing(destination, overwrite)?;
    let dir = &destination.dir;
    match dir.rename(&destination.part_name(), &destination.file_name, overwrite) {
        Err(err) if err.io_kind() == Some(io::ErrorKind::AlreadyExists) => {
            return Err(DownloadError::DestinationExists {
                path: destination.shown(),
            });
        }
        other => other?,
    }
    dir.sync();
    Ok(())
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let written = file.seek_write(bytes, offset)?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[written..];
        offset += written as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let read = file.seek_read(bytes, offset)?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        bytes = &mut bytes[read..];
        offset += read as u64;
    }
    Ok(())
}

/// Runs file work on the blocking pool; a panic there is passed on unchanged.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, DownloadError> + Send + 'static,
) -> Result<T, DownloadError> {
    joined(tokio::task::spawn_blocking(work).await)
}

/// The result of file work on the blocking pool; a panic there is passed on.
fn joined<T>(
    outcome: Result<Result<T, DownloadError>, tokio::task::JoinError>,
) -> Result<T, DownloadError> {
    match outcome {
        Ok(result) => result,
        Err(err) => match err.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(err) => Err(DownloadError::Io {
                action: "finish writing",
                path: PathBuf::from("the partial download"),
                source: io::Error::other(err),
            }),
        },
    }
}

//! The download's files: `DEST.part` written at offsets, its progress file, and
//! the final rename. Everything here blocks, so it runs on tokio's blocking pool.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::DownloadError;
use super::plan::plan_chunks;
use super::progress::{self, Header, ProgressLog};
use crate::domain::treehash::{TreeHash, TreeHasher};

/// Refuses before any request when `destination` exists and may not be replaced.
pub fn refuse_existing(destination: &Path, overwrite: bool) -> Result<(), DownloadError> {
    let exists = fs::symlink_metadata(destination).is_ok();
    if exists && !overwrite {
        return Err(DownloadError::DestinationExists {
            path: destination.to_path_buf(),
        });
    }
    Ok(())
}

/// The open partial file and progress log.
#[derive(Debug)]
pub struct Writer {
    part: File,
    part_path: PathBuf,
    log: ProgressLog,
    log_path: PathBuf,
}

/// What a run starts from.
#[derive(Debug)]
pub struct Prepared {
    pub writer: Writer,
    /// Chunks recorded by an earlier run whose bytes are still on disk, intact.
    pub kept: BTreeMap<u64, TreeHash>,
    pub started_over: bool,
}

/// Opens `DEST.part` without truncating it (other ranges or earlier runs may have
/// written there), keeps the recorded chunks whose bytes still hash right, and
/// rewrites the progress file to list just those.
pub async fn prepare(
    part_path: PathBuf,
    log_path: PathBuf,
    header: Header,
) -> Result<Prepared, DownloadError> {
    blocking(move || {
        let loaded = progress::load(&log_path, &header)
            .map_err(|err| DownloadError::io("read", &log_path, err))?;
        let part = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&part_path)
            .map_err(|err| DownloadError::io("open", &part_path, err))?;
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
        let log = ProgressLog::rewrite(&log_path, &header, &kept)
            .map_err(|err| DownloadError::io("write", &log_path, err))?;
        Ok(Prepared {
            writer: Writer {
                part,
                part_path,
                log,
                log_path,
            },
            kept,
            started_over: loaded.other_download,
        })
    })
    .await
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
    /// left bytes beyond it), syncs it, renames it to `destination` and removes
    /// the progress file.
    pub async fn finish(
        self: &Arc<Self>,
        length: u64,
        destination: &Path,
        overwrite: bool,
    ) -> Result<(), DownloadError> {
        let writer = Arc::clone(self);
        let destination = destination.to_path_buf();
        blocking(move || {
            let part_error = |err| DownloadError::io("write", &writer.part_path, err);
            writer.part.set_len(length).map_err(part_error)?;
            writer.part.sync_all().map_err(part_error)?;
            rename_into_place(&writer.part_path, &destination, overwrite)?;
            remove_progress(&writer.part_path, &writer.log_path);
            Ok(())
        })
        .await
    }
}

/// Finishes a split plan: checks that the range downloads' progress files cover
/// all `archive_size` bytes of `DEST.part` and,
/// when given, the archive's tree hash, then renames it to `destination` and
/// removes the range downloads' progress files. Returns the file's tree hash.
pub async fn finish_part(
    destination: &Path,
    archive_size: u64,
    expected: Option<TreeHash>,
    overwrite: bool,
) -> Result<TreeHash, DownloadError> {
    refuse_existing(destination, overwrite)?;
    let part = super::part_path(destination)?;
    let destination = destination.to_path_buf();
    blocking(move || {
        let part_error = |err| DownloadError::io("read", &part, err);
        let file = File::open(&part).map_err(part_error)?;
        let verified: u64 = progress::verified_spans(&part)
            .map_err(part_error)?
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
            let file = OpenOptions::new()
                .write(true)
                .open(&part)
                .map_err(part_error)?;
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
        rename_into_place(&part, &destination, overwrite)?;
        let every_progress = progress::progress_path(&part, 0);
        remove_progress(&part, &every_progress);
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

fn rename_into_place(
    part: &Path,
    destination: &Path,
    overwrite: bool,
) -> Result<(), DownloadError> {
    // Checked again: the destination may have appeared while downloading.
    refuse_existing(destination, overwrite)?;
    fs::rename(part, destination).map_err(|err| DownloadError::io("rename", part, err))?;
    // Make the rename itself durable; a failure here loses nothing but that.
    if let Some(dir) = destination.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Removes `log` and, when it is the offset-0 name, every range download's
/// progress file beside `part` too; they are useless once the file is final.
fn remove_progress(part: &Path, log: &Path) {
    let _ = fs::remove_file(log);
    let whole = progress::progress_path(part, 0);
    if log != whole {
        return;
    }
    let Some(name) = whole.file_name() else {
        return;
    };
    let prefix = format!("{}-at-", name.to_string_lossy());
    let dir = match part.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
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

//! Finishing a range plan: exactly the wanted bytes, cut from the plan's staged
//! job outputs, written to `NAME.part` beside the finished name and renamed into
//! place only once complete and synced. Each staged output was verified when it
//! was downloaded; nothing here trusts a file's name alone: every staged output
//! must be exactly as long as its job's range.

use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::confined::{Access, ConfinedDir, EntryKind};
use crate::domain::range::{ByteRange, slices};
use crate::glacier::download::DownloadError;

use super::DownloadJobError;

/// The staged outputs of a plan's jobs, in the plan's order.
pub struct StagedJobs<'a> {
    pub dir: &'a ConfinedDir,
    /// Each job's file name in `dir`.
    pub files: &'a [String],
    /// The archive bytes each job retrieved.
    pub ranges: &'a [ByteRange],
}

/// Where the finished file goes.
pub struct FinishedName<'a> {
    pub dir: &'a ConfinedDir,
    pub name: &'a str,
    /// Replace a different file already at `name` (the caller has made sure it
    /// is this archive's own).
    pub overwrite: bool,
}

/// Writes `want` from `staged` into `to`; returns the bytes written. A file
/// already at the name that holds exactly these bytes counts as finished (a run
/// that was stopped after the rename and before the journal noted it); any other
/// file there is refused unless `to.overwrite`.
pub fn assemble(
    staged: &StagedJobs<'_>,
    want: ByteRange,
    to: &FinishedName<'_>,
) -> Result<u64, DownloadJobError> {
    let pieces = slices(want, staged.ranges)?;
    let part_name = format!("{}.part", to.name);
    let part_path = to.dir.shown_child(&part_name);
    let mut out = to.dir.open_file(&part_name, Access::Replace)?;
    for piece in &pieces {
        let name = &staged.files[piece.job];
        let expected = staged.ranges[piece.job].len();
        let mut source = staged.dir.open_file(name, Access::Read)?;
        let path = staged.dir.shown_child(name);
        let length = source
            .metadata()
            .map_err(|err| DownloadError::io("read", &path, err))?
            .len();
        if length != expected {
            return Err(DownloadJobError::StagedLength {
                path,
                expected,
                found: length,
            });
        }
        source
            .seek(SeekFrom::Start(piece.from))
            .map_err(|err| DownloadError::io("read", &path, err))?;
        let copied = io::copy(&mut source.take(piece.len), &mut out)
            .map_err(|err| DownloadError::io("write", &part_path, err))?;
        if copied != piece.len {
            return Err(DownloadJobError::StagedLength {
                path,
                expected,
                found: piece.from + copied,
            });
        }
    }
    out.flush()
        .and_then(|()| out.sync_all())
        .map_err(|err| DownloadError::io("write", &part_path, err))?;
    drop(out);
    place(to, &part_name)?;
    Ok(want.len())
}

/// Renames the complete `.part` to the finished name, never over another file
/// unless asked; the same bytes already there are taken as this plan's file.
fn place(to: &FinishedName<'_>, part_name: &str) -> Result<(), DownloadJobError> {
    let exists = !matches!(to.dir.kind(to.name)?, EntryKind::Missing);
    if exists && !to.overwrite {
        if same_bytes(to.dir, part_name, to.name)? {
            to.dir.remove(part_name)?;
            return Ok(());
        }
        return Err(DownloadError::DestinationExists {
            path: to.dir.shown_child(to.name),
        }
        .into());
    }
    to.dir.rename(part_name, to.name, to.overwrite)?;
    to.dir.sync();
    Ok(())
}

/// Whether two files in `dir` hold the same bytes.
fn same_bytes(dir: &ConfinedDir, one: &str, other: &str) -> Result<bool, DownloadJobError> {
    let (mut a, mut b) = match (
        dir.open_file(one, Access::Read),
        dir.open_file(other, Access::Read),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        // A folder or a link at the name is not this plan's file.
        (_, Err(_)) => return Ok(false),
        (Err(err), _) => return Err(err.into()),
    };
    let path = dir.shown_child(other);
    let read = |file: &mut std::fs::File, buf: &mut [u8]| -> Result<usize, DownloadJobError> {
        let mut filled = 0;
        while filled < buf.len() {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(DownloadError::io("read", &path, err).into()),
            }
        }
        Ok(filled)
    };
    let mut left = vec![0u8; 1 << 20];
    let mut right = vec![0u8; 1 << 20];
    loop {
        let n = read(&mut a, &mut left)?;
        let m = read(&mut b, &mut right)?;
        if n != m || left[..n] != right[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

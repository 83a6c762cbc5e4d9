//! A peek's retrieved bytes: each part downloaded (verified) into the peek
//! folder as its plan's finished file, then the parts read back in archive
//! order as one contiguous run that ends where the archive ends.

use std::path::PathBuf;

use time::OffsetDateTime;

use super::{PeekError, PeekRequest};
use crate::domain::range::ByteRange;
use crate::glacier::GlacierApi;
use crate::store::{PeekPart, Store};
use crate::tracking::download::{DownloadJobError, PlanTarget, WaitingJob, download_plan};

/// A part's file, or the jobs it still waits for.
pub(super) enum FetchedPart {
    Ready(PathBuf),
    Waiting(Vec<WaitingJob>),
}

/// Downloads whatever of the part's plan is ready; its finished file once
/// every job is in. A plan finished before is not downloaded again.
pub(super) async fn fetch_part<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &PeekRequest<'_>,
    part: &PeekPart,
    now: OffsetDateTime,
) -> Result<FetchedPart, PeekError> {
    fetch_plan(api, store, request.folder, part.plan, now).await
}

/// [`fetch_part`] for any plan whose finished file goes into `folder`.
pub(super) async fn fetch_plan<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    folder: &std::path::Path,
    plan: crate::store::PlanId,
    now: OffsetDateTime,
) -> Result<FetchedPart, PeekError> {
    std::fs::create_dir_all(folder).map_err(|source| PeekError::Folder {
        path: folder.to_path_buf(),
        source,
    })?;
    let target = PlanTarget {
        plan,
        to: folder,
        overwrite: false,
    };
    match download_plan(api, store, &target, now, |_| {}).await {
        Ok(outcome) => Ok(match outcome.finished {
            Some(finished) => FetchedPart::Ready(finished.file),
            None => FetchedPart::Waiting(outcome.waiting),
        }),
        Err(DownloadJobError::AlreadyFinished { path, .. }) => Ok(FetchedPart::Ready(path)),
        Err(err) => Err(err.into()),
    }
}

/// The parts' bytes as one run, and the archive range it covers; the parts
/// must meet end to start and the last must end with the archive.
pub(super) fn read_span(
    fetched: &[(ByteRange, PathBuf)],
    archive_size: u64,
) -> Result<(ByteRange, Vec<u8>), PeekError> {
    let mut ordered: Vec<&(ByteRange, PathBuf)> = fetched.iter().collect();
    ordered.sort_by_key(|(range, _)| range.start);
    let (Some(first), Some(last)) = (ordered.first(), ordered.last()) else {
        return Err(PeekError::Gap {
            at: archive_size.saturating_sub(1),
        });
    };
    if last.0.end + 1 != archive_size {
        return Err(PeekError::Gap { at: last.0.end + 1 });
    }
    let have = ByteRange {
        start: first.0.start,
        end: last.0.end,
    };
    let mut bytes = Vec::with_capacity(usize::try_from(have.len()).unwrap_or(0));
    let mut next = have.start;
    for (range, file) in ordered {
        if range.start != next {
            return Err(PeekError::Gap { at: next });
        }
        let read = std::fs::read(file).map_err(|source| PeekError::Read {
            path: file.clone(),
            source,
        })?;
        if read.len() as u64 != range.len() {
            return Err(PeekError::FileLength {
                path: file.clone(),
                expected: range.len(),
                found: read.len() as u64,
            });
        }
        bytes.extend_from_slice(&read);
        next = range.end + 1;
    }
    Ok((have, bytes))
}

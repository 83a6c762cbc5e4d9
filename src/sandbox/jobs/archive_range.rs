//! The retrieved range of an archive job and the checksum Glacier promises for it.

use crate::domain::range::{ByteRange, is_tree_aligned};
use crate::sandbox::model::{ArchiveJob, Job, JobKind};

/// The bytes the job retrieves; `None` for an empty archive, which has none.
pub fn retrieved_range(job: &ArchiveJob) -> Option<ByteRange> {
    (job.archive_size > 0).then_some(ByteRange {
        start: job.range_start,
        end: job.range_end,
    })
}

/// How many bytes the job's output holds.
pub fn output_len(job: &ArchiveJob) -> u64 {
    retrieved_range(job).map_or(0, |range| range.len())
}

/// Whether the job retrieves the whole archive (an empty archive counts as whole).
pub fn is_whole(job: &ArchiveJob) -> bool {
    retrieved_range(job).is_none_or(|range| range == whole(job.archive_size))
}

/// Whether Glacier gives a checksum for the job's range.
pub fn is_range_tree_aligned(job: &ArchiveJob) -> bool {
    is_whole(job)
        || retrieved_range(job).is_some_and(|range| is_tree_aligned(job.archive_size, range))
}

/// The tree hash of the retrieved range when Glacier gives one and it is known:
/// the archive's own for a whole-archive job, the computed one for an aligned range.
pub fn range_tree_hash(job: &ArchiveJob) -> Option<&str> {
    if is_whole(job) {
        Some(&job.archive_tree_hash)
    } else if is_range_tree_aligned(job) {
        job.range_tree_hash.as_deref()
    } else {
        None
    }
}

/// The range whose tree hash is still to be computed for `job`, if any.
pub fn pending_range_hash(job: &Job) -> Option<ByteRange> {
    let JobKind::Archive(archive) = &job.kind else {
        return None;
    };
    if is_whole(archive) || archive.range_tree_hash.is_some() || !is_range_tree_aligned(archive) {
        return None;
    }
    retrieved_range(archive)
}

fn whole(size: u64) -> ByteRange {
    ByteRange {
        start: 0,
        end: size.saturating_sub(1),
    }
}

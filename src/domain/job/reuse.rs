//! Which already-paid-for job can stand in for a planned one, so that asking for
//! the same bytes twice does not start (and bill) a second retrieval.
//!
//! A job matches a planned job when it retrieves the same archive and exactly the
//! same bytes, and it is still in progress or ready with its output window open.
//! A whole-archive job matches a whole-archive request (Glacier reports such a job's
//! range as `0-(size-1)`, which counts as whole when the size is known). A ready
//! whole-archive job is deliberately not offered for a range: `defrost download`
//! fetches a job's whole output, so the user would get the whole archive instead of
//! the range, and the pieces of a split plan would not assemble into one file. The
//! tier is not compared: any tier's output holds the same bytes.

use std::cmp::Reverse;

use time::OffsetDateTime;

use super::{JobStatus, TrackedJob, effective_status, time_left};
use crate::domain::job_params::JobKind;
use crate::domain::range::ByteRange;

/// One planned job: the bytes it retrieves (`None`: the whole archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedRange {
    pub range: Option<ByteRange>,
}

/// For each planned range, the job to reuse instead of starting one, if any.
///
/// `jobs` should hold only jobs Glacier still lists: a journaled job that ListJobs
/// no longer shows has expired or been forgotten, whatever the journal last saw.
/// Among several matches a ready job wins over one in progress; among ready jobs the
/// one with the most output window left, among running ones the oldest (it should
/// finish first). Each job stands in for at most one planned range.
pub fn reusable_jobs<'a>(
    jobs: &'a [TrackedJob],
    archive_id: &str,
    archive_size: Option<u64>,
    planned: &[PlannedRange],
    now: OffsetDateTime,
) -> Vec<Option<&'a TrackedJob>> {
    let mut taken: Vec<&str> = Vec::new();
    planned
        .iter()
        .map(|wanted| {
            let found = jobs
                .iter()
                .filter(|job| !taken.contains(&job.job_id.as_str()))
                .filter(|job| is_live(job, now))
                .filter(|job| {
                    job.kind == JobKind::ArchiveRetrieval
                        && job.archive_id.as_deref() == Some(archive_id)
                        && same_bytes(job.range, wanted.range, archive_size)
                })
                .min_by_key(|job| preference(job, now));
            if let Some(job) = found {
                taken.push(&job.job_id);
            }
            found
        })
        .collect()
}

/// In progress, or ready with some output window left.
fn is_live(job: &TrackedJob, now: OffsetDateTime) -> bool {
    match effective_status(job, now) {
        JobStatus::InProgress => true,
        JobStatus::Succeeded => time_left(job, now).is_none_or(|left| !left.is_zero()),
        JobStatus::Failed | JobStatus::Expired => false,
    }
}

/// Sort key: ready before running; then more time left, or an earlier start.
fn preference(
    job: &TrackedJob,
    now: OffsetDateTime,
) -> (bool, Reverse<Option<std::time::Duration>>, OffsetDateTime) {
    let ready = effective_status(job, now) == JobStatus::Succeeded;
    (!ready, Reverse(time_left(job, now)), job.started_at)
}

/// Whether two job ranges retrieve the same bytes, a missing range meaning the
/// whole archive.
fn same_bytes(job: Option<ByteRange>, wanted: Option<ByteRange>, size: Option<u64>) -> bool {
    let whole = size.and_then(|size| ByteRange::whole(size).ok());
    let normal = |range: Option<ByteRange>| range.filter(|range| Some(*range) != whole);
    normal(job) == normal(wanted)
}

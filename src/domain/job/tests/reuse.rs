//! Choosing a job to reuse: same archive, same bytes, still useful.

use super::*;
use crate::domain::job::reuse::{PlannedRange, reusable_jobs};
use crate::domain::range::ByteRange;

const SIZE: u64 = 8 << 20;

fn range(start: u64, end: u64) -> Option<ByteRange> {
    Some(ByteRange::new(start, end).unwrap())
}

fn job(id: &str, archive: &str, bytes: Option<ByteRange>) -> TrackedJob {
    TrackedJob {
        job_id: id.into(),
        archive_id: Some(archive.into()),
        range: bytes,
        ..archive_job(Some(Tier::Standard))
    }
}

fn ready(mut job: TrackedJob, completed: OffsetDateTime) -> TrackedJob {
    job.status = JobStatus::Succeeded;
    job.completed_at = Some(completed);
    job
}

fn ids(found: Vec<Option<&TrackedJob>>) -> Vec<Option<&str>> {
    found
        .into_iter()
        .map(|job| job.map(|job| job.job_id.as_str()))
        .collect()
}

fn planned(ranges: &[Option<ByteRange>]) -> Vec<PlannedRange> {
    ranges.iter().map(|&range| PlannedRange { range }).collect()
}

#[test]
fn the_same_range_of_the_same_archive_is_reused_and_nothing_else() {
    let jobs = [
        job("other-archive", "b", range(0, (1 << 20) - 1)),
        job("other-range", "a", range(1 << 20, (2 << 20) - 1)),
        job("same", "a", range(0, (1 << 20) - 1)),
    ];
    let wanted = planned(&[range(0, (1 << 20) - 1), range(2 << 20, (3 << 20) - 1)]);
    let found = reusable_jobs(&jobs, "a", Some(SIZE), &wanted, START + MINUTE);
    assert_eq!(ids(found), [Some("same"), None]);
}

#[test]
fn a_whole_archive_job_matches_a_whole_request_but_no_range() {
    let jobs = [job("whole", "a", None)];
    let found = reusable_jobs(&jobs, "a", None, &planned(&[None]), START);
    assert_eq!(ids(found), [Some("whole")]);
    let found = reusable_jobs(
        &jobs,
        "a",
        Some(SIZE),
        &planned(&[range(0, (1 << 20) - 1)]),
        START,
    );
    assert_eq!(ids(found), [None]);

    // Glacier lists a whole-archive job with its full range: the same bytes.
    let adopted = [job("listed-whole", "a", range(0, SIZE - 1))];
    let found = reusable_jobs(&adopted, "a", Some(SIZE), &planned(&[None]), START);
    assert_eq!(ids(found), [Some("listed-whole")]);
    // Without the size, a full range cannot be told from a part.
    let found = reusable_jobs(&adopted, "a", None, &planned(&[None]), START);
    assert_eq!(ids(found), [None]);
}

#[test]
fn failed_and_expired_jobs_are_not_reused_but_running_and_ready_ones_are() {
    let completed = START + 4 * HOUR;
    let mut failed = job("failed", "a", None);
    failed.status = JobStatus::Failed;
    let jobs = [failed, ready(job("ready", "a", None), completed)];
    let found = reusable_jobs(&jobs, "a", None, &planned(&[None]), completed + HOUR);
    assert_eq!(ids(found), [Some("ready")]);
    // At the window's end the ready job has expired.
    let found = reusable_jobs(&jobs, "a", None, &planned(&[None]), completed + 24 * HOUR);
    assert_eq!(ids(found), [None]);

    let running = [job("running", "a", None)];
    let found = reusable_jobs(
        &running,
        "a",
        None,
        &planned(&[None]),
        START + 30 * 24 * HOUR,
    );
    assert_eq!(ids(found), [Some("running")]);
}

#[test]
fn a_ready_job_wins_then_the_most_time_left_and_each_job_serves_once() {
    let early = ready(job("early", "a", None), START + HOUR);
    let late = ready(job("late", "a", None), START + 2 * HOUR);
    let running = job("running", "a", None);
    let jobs = [running, early, late];
    let now = START + 3 * HOUR;
    let found = reusable_jobs(&jobs, "a", None, &planned(&[None, None, None, None]), now);
    assert_eq!(
        ids(found),
        [Some("late"), Some("early"), Some("running"), None]
    );
}

#[test]
fn inventory_jobs_never_match() {
    let mut inventory = job("inventory", "a", None);
    inventory.kind = JobKind::InventoryRetrieval;
    let jobs = [inventory];
    let found = reusable_jobs(&jobs, "a", None, &planned(&[None]), START);
    assert_eq!(ids(found), [None]);
}

//! Plans and jobs as the journal would hand them over, for the listing's tests.

use time::OffsetDateTime;

use crate::domain::job::{JobStatus, Observation, ObservedStatus, PlanShape, TrackedJob, observe};
use crate::domain::job_params::{JobKind, Tier};
use crate::domain::range::ByteRange;
use crate::store::{
    FinishedFile, JournalEntry, JournalId, PlanArchive, PlanEntry, PlanId, PlanJob, VaultKey,
};

pub fn vault() -> VaultKey {
    VaultKey {
        account: "-".into(),
        region: "us-east-1".into(),
        name: "photos".into(),
    }
}

/// An archive job started at `now` by defrost, in progress.
pub fn running(job_id: &str, range: Option<ByteRange>, now: OffsetDateTime) -> TrackedJob {
    let mut job = TrackedJob::started(
        job_id.into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Expedited),
        now,
    );
    job.archive_id = Some("ARCHIVE1".into());
    job.range = range;
    job
}

/// The job, its output ready since `now`.
pub fn ready(job: &TrackedJob, now: OffsetDateTime) -> TrackedJob {
    let answer = Observation {
        status: ObservedStatus::Succeeded,
        completed_at: Some(now),
        status_message: None,
    };
    let done = observe(job.clone(), answer, now);
    assert_eq!(done.status, JobStatus::Succeeded);
    done
}

/// Journal entry `id` of `job`, owned by plan `owner`.
pub fn entry(id: i64, owner: i64, job: &TrackedJob) -> JournalEntry {
    JournalEntry {
        id: JournalId(id),
        vault: vault(),
        job_id: Some(job.job_id.clone()),
        params_json: "{}".into(),
        plan_json: None,
        plan: Some(PlanId(owner)),
        started_by: "defrost".into(),
        adopted: false,
        requested_at: "2026-03-01T12:00:00Z".into(),
        state: Some(job.clone()),
    }
}

/// `entry` at `position` of a plan, not staged.
pub fn member(position: u32, entry: JournalEntry) -> PlanJob {
    PlanJob {
        position,
        range: entry.state.as_ref().and_then(|job| job.range),
        asked_tier: None,
        staged: false,
        entry,
    }
}

/// Plan `id` of archive `ARCHIVE1` (named `name`, 4 MiB), wanting `want`.
pub fn plan(id: i64, name: &str, want: Option<ByteRange>, jobs: Vec<PlanJob>) -> PlanEntry {
    let shape = match (want, jobs.len()) {
        (None, _) => PlanShape::Whole,
        (Some(_), 1) => PlanShape::Mib,
        (Some(_), _) => PlanShape::Split,
    };
    PlanEntry {
        id: PlanId(id),
        vault: vault(),
        archive: Some(PlanArchive {
            archive_id: "ARCHIVE1".into(),
            size: Some(4 << 20),
            tree_hash: None,
            name: Some(name.into()),
        }),
        want,
        shape,
        made_by: "defrost".into(),
        made_at: "2026-03-01T12:00:00Z".into(),
        jobs,
        finished: None,
    }
}

/// The plan, its file written at `path`.
pub fn finished(mut plan: PlanEntry, path: &str, verified: bool) -> PlanEntry {
    plan.finished = Some(FinishedFile {
        path: path.into(),
        verified,
        at: "2026-03-01T14:00:00Z".into(),
    });
    plan
}

pub fn range(start: u64, end: u64) -> ByteRange {
    ByteRange::new(start, end).unwrap()
}

//! Unit tests of the job model: window boundaries, the transition table, the schedule,
//! and the stored form.

mod reuse;
mod schedule;
mod transition;
mod watch;
mod window;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;
use crate::domain::job_params::{JobKind, Tier};

pub(super) const START: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
pub(super) const SECOND: time::Duration = time::Duration::SECOND;
pub(super) const MINUTE: time::Duration = time::Duration::MINUTE;
pub(super) const HOUR: time::Duration = time::Duration::HOUR;

pub(super) fn archive_job(tier: Option<Tier>) -> TrackedJob {
    TrackedJob::started(
        "job-1".into(),
        "photos".into(),
        JobKind::ArchiveRetrieval,
        tier,
        START,
    )
}

pub(super) fn job_in(status: JobStatus, completed_at: Option<OffsetDateTime>) -> TrackedJob {
    TrackedJob {
        status,
        completed_at,
        ..archive_job(Some(Tier::Standard))
    }
}

pub(super) fn answer(status: ObservedStatus, completed_at: Option<OffsetDateTime>) -> Observation {
    Observation {
        status,
        completed_at,
        status_message: None,
    }
}

#[test]
fn job_round_trips_through_json_in_readable_form() {
    let job = TrackedJob {
        archive_id: Some("archive".into()),
        range: Some(crate::domain::range::ByteRange {
            start: 0,
            end: 1023,
        }),
        last_polled_at: Some(START + HOUR),
        polls: 3,
        ..archive_job(Some(Tier::Bulk))
    };
    let json = serde_json::to_string(&job).expect("serialises");
    assert!(json.contains(r#""tier":"Bulk""#), "{json}");
    assert!(json.contains(r#""status":"InProgress""#), "{json}");
    assert!(
        json.contains(r#""started_at":"2026-03-01T12:00:00Z""#),
        "{json}"
    );
    let back: TrackedJob = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, job);
}

//! Turning a retrieval request into the jobs that carry it out, with no I/O: the
//! same range rules as `defrost range`, the same parameter checks as
//! `defrost params archive`.

use serde::Serialize;
use serde_json::json;

use crate::domain::job::{PlanShape, PlannedRange};
use crate::domain::job_params::{JobKind, JobParams, JobRequest, ParamsError, validate};
use crate::domain::range::{ByteRange, Plan, PlanKind, RangeError, plan};

/// What to retrieve, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrievalRequest {
    pub archive_id: String,
    /// From the cached inventory or the user; a range cannot be planned without it.
    pub archive_size: Option<u64>,
    /// The bytes wanted; `None` for the whole archive.
    pub want: Option<ByteRange>,
    /// How a wanted range becomes jobs; ignored for a whole archive.
    pub plan: PlanKind,
    /// Standard, Expedited or Bulk, as typed; `None` leaves Glacier's default.
    pub tier: Option<String>,
    pub sns_topic: Option<String>,
}

/// The jobs a request needs, checked and ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRetrieval {
    pub archive_id: String,
    pub archive_size: Option<u64>,
    /// The archive's tree hash and decoded name as the cached inventory has them,
    /// for the journal's record of the plan; `plan_jobs` leaves them unknown, and
    /// a caller that knows them from the inventory sets them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_tree_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_name: Option<String>,
    pub want: Option<ByteRange>,
    /// The range plan; `None` for a whole-archive retrieval (one job, no range).
    pub plan: Option<Plan>,
    /// One InitiateJob body per job, in the plan's order.
    #[serde(skip)]
    pub jobs: Vec<JobParams>,
}

impl PlannedRetrieval {
    /// The bytes each job retrieves, for matching against jobs already running.
    pub fn planned_ranges(&self) -> Vec<PlannedRange> {
        self.jobs
            .iter()
            .map(|params| PlannedRange {
                range: range_of(params),
            })
            .collect()
    }

    /// The kind of plan, as the journal records it.
    pub fn shape(&self) -> PlanShape {
        self.plan
            .as_ref()
            .map_or(PlanShape::Whole, |plan| plan.plan.into())
    }

    /// Whether Glacier returns a checksum for every job: always for a whole archive.
    pub fn checksum(&self) -> bool {
        self.plan.as_ref().is_none_or(|plan| plan.checksum)
    }

    /// What the journal keeps beside each job, to tell which plan it belongs to.
    pub fn plan_json(&self) -> String {
        json!({
            "archive_id": self.archive_id,
            "archive_size": self.archive_size,
            "want": self.want.map(|range| range.to_string()),
            "plan": self.plan,
        })
        .to_string()
    }
}

/// The archive bytes a job retrieves; `None` for the whole archive.
pub fn range_of(params: &JobParams) -> Option<ByteRange> {
    match params {
        JobParams::Archive(job) => job.range(),
        JobParams::Inventory(_) => None,
    }
}

/// Why a request cannot be planned; each is the user's to fix, in words any front
/// end can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "no cached inventory lists archive {archive_id}, so its size is unknown and a byte range of it cannot be planned; give the archive's size in bytes as the inventory lists it, or import a newer inventory"
    )]
    NeedsSize { archive_id: String },
    /// The wanted range does not fit the archive; the message says so in its own
    /// words (`the range ...`).
    #[error("{0}")]
    Range(RangeError),
    #[error(transparent)]
    Params(ParamsError),
}

/// Plans the request: one job for a whole archive, or the chosen plan's jobs for a
/// range, each checked as Glacier would check it.
pub fn plan_jobs(request: &RetrievalRequest) -> Result<PlannedRetrieval, PlanError> {
    let planned = match request.want {
        None => None,
        Some(want) => {
            let size = request.archive_size.ok_or_else(|| PlanError::NeedsSize {
                archive_id: crate::text::printable(&request.archive_id),
            })?;
            Some(plan(size, want, request.plan).map_err(PlanError::Range)?)
        }
    };
    let ranges: Vec<Option<ByteRange>> = match &planned {
        None => vec![None],
        Some(plan) => plan.jobs.iter().copied().map(Some).collect(),
    };
    let jobs = ranges
        .into_iter()
        .map(|range| {
            let job = JobRequest {
                kind: Some(JobKind::ArchiveRetrieval),
                archive_id: Some(request.archive_id.clone()),
                range,
                tier: request.tier.clone(),
                sns_topic: request.sns_topic.clone(),
                ..JobRequest::default()
            };
            validate(&job, request.archive_size).map_err(PlanError::Params)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PlannedRetrieval {
        archive_id: request.archive_id.clone(),
        archive_size: request.archive_size,
        archive_tree_hash: None,
        archive_name: None,
        want: request.want,
        plan: planned,
        jobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::range::MIB;

    fn request(want: Option<ByteRange>, plan: PlanKind) -> RetrievalRequest {
        RetrievalRequest {
            archive_id: "archive".into(),
            archive_size: Some(32 * MIB),
            want,
            plan,
            tier: Some("bulk".into()),
            sns_topic: None,
        }
    }

    #[test]
    fn a_split_plan_is_one_checked_job_per_tree_node() {
        let want = ByteRange::new(7 * MIB, 9 * MIB - 1).unwrap();
        let planned = plan_jobs(&request(Some(want), PlanKind::Split)).unwrap();
        let bodies: Vec<String> = planned
            .jobs
            .iter()
            .map(JobParams::to_json_compact)
            .collect();
        assert_eq!(
            bodies,
            [
                r#"{"Type":"archive-retrieval","ArchiveId":"archive","RetrievalByteRange":"7340032-8388607","Tier":"Bulk"}"#,
                r#"{"Type":"archive-retrieval","ArchiveId":"archive","RetrievalByteRange":"8388608-9437183","Tier":"Bulk"}"#,
            ]
        );
        assert!(planned.checksum());
        assert_eq!(planned.planned_ranges().len(), 2);
        let journal: serde_json::Value = serde_json::from_str(&planned.plan_json()).unwrap();
        assert_eq!(journal["plan"]["plan"], "split");
        assert_eq!(journal["want"], "7340032-9437183");
    }

    #[test]
    fn a_whole_archive_needs_no_size_but_a_range_does() {
        let mut whole = request(None, PlanKind::Mib);
        whole.archive_size = None;
        let planned = plan_jobs(&whole).unwrap();
        assert_eq!(planned.jobs.len(), 1);
        assert_eq!(planned.planned_ranges()[0].range, None);
        assert!(planned.checksum());

        let mut range = request(Some(ByteRange::new(0, 10).unwrap()), PlanKind::Mib);
        range.archive_size = None;
        assert!(matches!(
            plan_jobs(&range),
            Err(PlanError::NeedsSize { .. })
        ));
    }

    #[test]
    fn a_bad_tier_and_a_range_past_the_end_are_refused() {
        let mut bad_tier = request(None, PlanKind::Mib);
        bad_tier.tier = Some("Fast".into());
        assert!(matches!(
            plan_jobs(&bad_tier),
            Err(PlanError::Params(ParamsError::UnknownTier { .. }))
        ));
        let past = ByteRange::new(0, 40 * MIB).unwrap();
        assert!(matches!(
            plan_jobs(&request(Some(past), PlanKind::Tree)),
            Err(PlanError::Range(RangeError::EndBeyondArchive { .. }))
        ));
    }
}

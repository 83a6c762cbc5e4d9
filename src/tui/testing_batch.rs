//! Fixed batches for the screen's tests: a batch's row with archives in every
//! state, the journal's answer listing it, and a prepared batch as the effect
//! would answer, all at the fixed `NOW`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::batch::{BatchRow, MARKS_SOURCE, Prepared};
use super::msg::{Journal, Loaded, Msg};
use super::testing::{NOW, vault_key};
use crate::domain::batch::{SelectedArchive, summarize};
use crate::domain::cost::PriceTable;
use crate::domain::job::{JobStatus, ServiceSpeed, TrackedJob};
use crate::domain::job_params::{JobKind, Tier};
use crate::domain::range::MIB;
use crate::glacier::RetrievalPolicy;
use crate::store::{
    BatchEntry, BatchId, BatchItem, BatchJob, BatchLimits, BatchSelection, JournalId, PlanArchive,
    PlanId,
};
use crate::tracking::batch::{BatchArchive, BatchRequest, PreparedBatch, pace_for, tally};

/// Where an archive of a test batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    NoJob,
    Running,
    Ready,
    Restored,
}

/// Archive `n` of a batch (plan `100 + n`, `scans/page-n.tif`, `n` MiB) in `state`.
pub fn batch_item(n: u32, state: ItemState) -> BatchItem {
    let plan = PlanId(100 + i64::from(n));
    let job = |status: JobStatus| {
        let mut job = TrackedJob::started(
            format!("batch-job-{n}"),
            vault_key().name,
            JobKind::ArchiveRetrieval,
            Some(Tier::Bulk),
            NOW - time::Duration::hours(6),
        );
        job.archive_id = Some(format!("archive-{n}"));
        job.status = status;
        if status == JobStatus::Succeeded {
            job.completed_at = Some(NOW - time::Duration::hours(2));
        }
        BatchJob {
            journal_id: JournalId(1000 + i64::from(n)),
            job_id: Some(job.job_id.clone()),
            state: Some(Box::new(job)),
            owned: true,
            refused: false,
        }
    };
    let (jobs, current, finished) = match state {
        ItemState::NoJob => (0, None, None),
        ItemState::Running => (1, Some(job(JobStatus::InProgress)), None),
        ItemState::Ready => (1, Some(job(JobStatus::Succeeded)), None),
        ItemState::Restored => (
            1,
            Some(job(JobStatus::Succeeded)),
            Some(format!("/restore/scans/page-{n}.tif")),
        ),
    };
    BatchItem {
        plan,
        ord: n,
        archive_id: format!("archive-{n}"),
        name: Some(format!("scans/page-{n}.tif")),
        size: Some(u64::from(n) * MIB),
        tree_hash: None,
        jobs,
        failures: 0,
        current,
        finished,
    }
}

/// Batch `id` of the marked archives into `/restore`, holding `items`; its
/// archives are kept in the row (as for an opened batch) when `open`.
pub fn batch_row(id: i64, items: Vec<BatchItem>, open: bool) -> BatchRow {
    BatchRow {
        entry: BatchEntry {
            id: BatchId(id),
            vault: vault_key(),
            selection: BatchSelection::Ids {
                source: MARKS_SOURCE.into(),
                count: items.len() as u64,
            },
            tier: Tier::Bulk,
            to: "/restore".into(),
            limits: BatchLimits::default(),
            made_by: "defrost".into(),
            made_at: "2026-11-29T04:00:00Z".into(),
            given_up_at: None,
            archives: items.len() as u64,
        },
        tally: tally(&items, NOW),
        items: if open { items } else { Vec::new() },
    }
}

/// The journal's answer listing `batches` and no other plan.
pub fn batches_loaded(batches: Vec<BatchRow>) -> Msg {
    Msg::Loaded(Loaded::Jobs(Ok(Journal {
        entries: Vec::new(),
        plans: Vec::new(),
        batches,
    })))
}

/// A prepared batch of `count` archives of 48 MiB (as `browsing` lists them),
/// the first already restored, under `policy`.
pub fn prepared(count: u32, policy: Option<RetrievalPolicy>) -> Prepared {
    let archives: Vec<BatchArchive> = (1..=count)
        .map(|n| BatchArchive {
            archive: PlanArchive {
                archive_id: format!("archive-{n}"),
                size: Some(48 * MIB),
                tree_hash: None,
                name: Some(format!("scans/page-{n}.tif")),
            },
            path: format!("scans/page-{n}.tif"),
        })
        .collect();
    let restored: HashMap<String, String> = (count >= 1)
        .then(|| {
            (
                "archive-1".to_owned(),
                "/restore/scans/page-1.tif".to_owned(),
            )
        })
        .into_iter()
        .collect();
    let pace = pace_for(policy.as_ref(), &BatchLimits::default());
    let prices = PriceTable::published().expect("the published prices parse");
    let summary = summarize(
        archives.iter().map(|archive| SelectedArchive {
            path: &archive.path,
            size: 48 * MIB,
            restored: restored.contains_key(&archive.archive.archive_id),
            reusable: false,
        }),
        &prices,
        &pace,
        ServiceSpeed::default(),
    );
    Prepared(Arc::new(PreparedBatch {
        request: BatchRequest {
            vault: vault_key(),
            selection: BatchSelection::Ids {
                source: MARKS_SOURCE.into(),
                count: u64::from(count),
            },
            tier: Tier::Bulk,
            to: PathBuf::from("/restore"),
            limits: BatchLimits::default(),
            made_by: "defrost".into(),
        },
        folder: PathBuf::from("/restore"),
        archives,
        restored,
        reusable: HashMap::new(),
        policy,
        pace,
        summary,
    }))
}

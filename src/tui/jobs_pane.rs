//! The jobs pane as plain data: the journal's batches and plans, which of
//! them are opened to their archives or jobs, the row under the cursor, and
//! the downloads the screen follows.

use std::collections::{BTreeMap, BTreeSet};

use time::OffsetDateTime;

use crate::store::{BatchId, JournalEntry, PlanEntry, PlanId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadState {
    Running,
    /// What was verified and where it went.
    Verified(String),
    Failed(String),
}

/// A download under way or done, for the jobs pane's gauge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadView {
    pub done: u64,
    pub total: u64,
    pub started: OffsetDateTime,
    pub state: DownloadState,
}

/// A row of the jobs pane: a batch, or beneath an expanded batch one of its
/// archives; a plan, or beneath an expanded plan one of its current jobs.
/// Batches come first: each stands for many plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobsRow {
    /// The batch at this index of [`JobsPane::batches`].
    Batch(usize),
    /// The batch's index, and the archive's index in its `items`.
    BatchItem { batch: usize, item: usize },
    /// The plan at this index of [`JobsPane::plans`].
    Plan(usize),
    /// The plan's index, and the job's index in that plan's `jobs`.
    Job { plan: usize, job: usize },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsPane {
    pub entries: Vec<JournalEntry>,
    /// The journal's plans, oldest first: one row each.
    pub plans: Vec<PlanEntry>,
    /// Plans whose jobs are shown beneath them.
    pub expanded: BTreeSet<PlanId>,
    /// The selected row of [`JobsPane::rows`].
    pub cursor: usize,
    /// Downloads by the id they were started with (a plan's, `P12`).
    pub downloads: BTreeMap<String, DownloadView>,
    pub syncing: bool,
    pub last_sync: Option<OffsetDateTime>,
    /// A job just started, to put the cursor on once the journal lists it.
    pub follow: Option<String>,
    /// Decoded archive names by archive id, from the cache.
    pub names: std::collections::HashMap<String, String>,
    /// The journal's batches, oldest first: one row each; their plans and jobs
    /// are not in `plans` and `entries`.
    pub batches: Vec<super::batch::BatchRow>,
    /// Batches whose archives are shown beneath them.
    pub expanded_batches: BTreeSet<BatchId>,
    /// What the screen is doing for a batch now.
    pub batch_work: BTreeMap<BatchId, super::batch::BatchWork>,
    /// The first row on screen: an expanded batch may list more rows than fit.
    pub top: usize,
    /// A batch just started, to put the cursor on once the journal lists it.
    pub follow_batch: Option<BatchId>,
}

impl JobsPane {
    /// The jobs Glacier has started, as tracked.
    pub fn tracked(&self) -> Vec<crate::domain::job::TrackedJob> {
        self.entries
            .iter()
            .filter_map(|entry| entry.state.clone())
            .collect()
    }

    /// The rows on screen, in order: each plan, and under an expanded plan its
    /// current jobs.
    pub fn rows(&self) -> Vec<JobsRow> {
        let mut rows = Vec::new();
        for (index, batch) in self.batches.iter().enumerate() {
            rows.push(JobsRow::Batch(index));
            if self.expanded_batches.contains(&batch.entry.id) {
                rows.extend(
                    (0..batch.items.len()).map(|item| JobsRow::BatchItem { batch: index, item }),
                );
            }
        }
        for (index, plan) in self.plans.iter().enumerate() {
            rows.push(JobsRow::Plan(index));
            if self.expanded.contains(&plan.id) {
                let positions: Vec<u32> = plan.jobs.iter().map(|job| job.position).collect();
                let current = crate::domain::job::current_positions(&positions);
                rows.extend(
                    current
                        .into_iter()
                        .map(|job| JobsRow::Job { plan: index, job }),
                );
            }
        }
        rows
    }

    /// The selected row; the cursor is held within the rows, so a row is selected
    /// whenever there is one.
    pub fn selected(&self) -> Option<JobsRow> {
        let rows = self.rows();
        rows.get(self.cursor.min(rows.len().saturating_sub(1)))
            .copied()
    }

    /// The plan of the selected row, whether the plan's own row or a job's.
    pub fn selected_plan(&self) -> Option<&PlanEntry> {
        match self.selected()? {
            JobsRow::Plan(plan) | JobsRow::Job { plan, .. } => self.plans.get(plan),
            JobsRow::Batch(_) | JobsRow::BatchItem { .. } => None,
        }
    }

    /// The batch of the selected row, whether the batch's own row or an
    /// archive's.
    pub fn selected_batch(&self) -> Option<&super::batch::BatchRow> {
        match self.selected()? {
            JobsRow::Batch(batch) | JobsRow::BatchItem { batch, .. } => self.batches.get(batch),
            JobsRow::Plan(_) | JobsRow::Job { .. } => None,
        }
    }

    /// Puts the cursor on batch `id`'s row; false when it is not listed.
    pub fn select_batch(&mut self, id: BatchId) -> bool {
        let Some(index) = self.batches.iter().position(|b| b.entry.id == id) else {
            return false;
        };
        let rows = self.rows();
        self.cursor = rows
            .iter()
            .position(|row| *row == JobsRow::Batch(index))
            .unwrap_or(self.cursor);
        true
    }

    /// Puts the cursor on the row of the plan that started `job_id`; false when
    /// no plan lists it yet.
    pub fn select_job(&mut self, job_id: &str) -> bool {
        let owner = self.plans.iter().find(|plan| {
            (plan.jobs.iter()).any(|job| {
                job.entry.job_id.as_deref() == Some(job_id) && job.entry.plan == Some(plan.id)
            })
        });
        owner
            .map(|plan| plan.id)
            .is_some_and(|id| self.select_plan(id))
    }

    /// Puts the cursor on plan `id`'s row; false when it is not listed.
    pub fn select_plan(&mut self, id: PlanId) -> bool {
        let Some(index) = self.plans.iter().position(|plan| plan.id == id) else {
            return false;
        };
        let rows = self.rows();
        self.cursor = rows
            .iter()
            .position(|row| *row == JobsRow::Plan(index))
            .unwrap_or(self.cursor);
        true
    }
}

//! Following a batch archive by archive: for each of its plans, the archive,
//! how many jobs the plan lists, the one that counts now and the finished file,
//! in one query for the whole batch. A batch of a hundred thousand archives is
//! read without building a hundred thousand plans with every job of each.

use std::collections::HashSet;

use rusqlite::OptionalExtension;

use super::{BatchId, BatchItem, BatchJob};
use crate::domain::job::TrackedJob;
use crate::store::Store;
use crate::store::error::{AtPath, StoreError};
use crate::store::journal::JournalId;
use crate::store::plans::PlanId;

/// The item query, for the condition on `bp` (the batch's `batch_plan` rows)
/// that follows it. A finished archive's job state is left out: nothing asks
/// it any more, and at a hundred thousand archives the parsed states were
/// most of a batch run's memory. The current job is the plan's last listed, ordered as
/// plans list their jobs (by place, then journal order): the newest at the
/// highest place, as `PlanEntry::current_jobs` and a plan's `finished` event
/// both take it.
const ITEM_QUERY: &str = "
SELECT bp.plan, bp.ord, p.archive_id, p.name, p.archive_size, p.tree_hash, p.finished_path,
       (SELECT count(*) FROM plan_job n JOIN job nj ON nj.id = n.job
        WHERE n.plan = bp.plan AND nj.job_id IS NOT NULL),
       c.job, c.owner, j.job_id, CASE WHEN p.finished_path IS NULL THEN j.state END,
       EXISTS (SELECT 1 FROM job_event e WHERE e.job = c.job AND e.what = 'start failed'),
       (SELECT count(*) FROM plan_job f JOIN job fj ON fj.id = f.job
        WHERE f.plan = bp.plan
          AND CASE WHEN json_valid(fj.state) THEN json_extract(fj.state, '$.status') END = 'Failed')
FROM batch_plan bp
JOIN plan p ON p.id = bp.plan
LEFT JOIN plan_job c ON c.plan = bp.plan AND c.job = (
    SELECT l.job FROM plan_job l WHERE l.plan = bp.plan
    ORDER BY l.position DESC, l.job DESC LIMIT 1)
LEFT JOIN job j ON j.id = c.job
WHERE bp.batch = ?1";

impl Store {
    /// Every archive of the batch, in its order in the batch; empty for a batch
    /// the journal does not hold.
    pub fn batch_items(&self, id: BatchId) -> Result<Vec<BatchItem>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        // Room for exactly the batch's items: grown as they come, a hundred
        // thousand items would for a moment be held in the old room and in the
        // new one twice its size.
        let count: i64 = conn
            .prepare_cached("SELECT count(*) FROM batch_plan WHERE batch = ?1")
            .at(path)?
            .query_row([id.0], |row| row.get(0))
            .at(path)?;
        let mut statement = conn
            .prepare_cached(&format!("{ITEM_QUERY} ORDER BY bp.ord"))
            .at(path)?;
        let rows = statement.query_map([id.0], RawItem::from_row).at(path)?;
        let mut items = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        for row in rows {
            items.push(row.at(path)?.into_item(id)?);
        }
        Ok(items)
    }

    /// Whether the batch holds exactly the archives `wanted` names: as many,
    /// each of them among `wanted`. Its archive ids are looked at one by one
    /// and not kept, so a batch of a hundred thousand is compared without
    /// reading its items.
    pub fn batch_holds_exactly(
        &self,
        id: BatchId,
        wanted: &HashSet<&str>,
    ) -> Result<bool, StoreError> {
        let path = self.catalog.path();
        let mut statement = self
            .catalog
            .read_connection()
            .prepare_cached(
                "SELECT bp.plan, p.archive_id FROM batch_plan bp JOIN plan p ON p.id = bp.plan
                 WHERE bp.batch = ?1",
            )
            .at(path)?;
        let mut rows = statement.query([id.0]).at(path)?;
        let mut held = 0_usize;
        while let Some(row) = rows.next().at(path)? {
            // Every plan a batch makes retrieves an archive.
            let archive_id = row.get_ref(1).at(path)?;
            let Ok(archive_id) = archive_id.as_str() else {
                return Err(damaged_item(id, PlanId(row.get(0).at(path)?)));
            };
            if !wanted.contains(archive_id) {
                return Ok(false);
            }
            held += 1;
        }
        Ok(held == wanted.len())
    }

    /// One archive of the batch, read again after its plan changed; `None`
    /// when the plan is not in the batch.
    pub fn batch_item(&self, id: BatchId, plan: PlanId) -> Result<Option<BatchItem>, StoreError> {
        let path = self.catalog.path();
        let raw = self
            .catalog
            .read_connection()
            .prepare_cached(&format!("{ITEM_QUERY} AND bp.plan = ?2"))
            .at(path)?
            .query_row([id.0, plan.0], RawItem::from_row)
            .optional()
            .at(path)?;
        raw.map(|raw| raw.into_item(id)).transpose()
    }
}

/// An item's row as the catalog holds it, not yet checked. Read row by row
/// and checked at once, so only the items themselves are ever held.
struct RawItem {
    plan: i64,
    ord: i64,
    archive_id: Option<String>,
    name: Option<String>,
    size: Option<String>,
    tree_hash: Option<String>,
    finished: Option<String>,
    jobs: i64,
    failures: i64,
    current: Option<RawJob>,
}

/// The current job's columns, when the plan lists one.
struct RawJob {
    journal_id: i64,
    owned: bool,
    job_id: Option<String>,
    state: Option<String>,
    refused: bool,
}

impl RawItem {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        let current = match r.get::<_, Option<i64>>(8)? {
            Some(journal_id) => Some(RawJob {
                journal_id,
                owned: r.get(9)?,
                job_id: r.get(10)?,
                state: r.get(11)?,
                refused: r.get(12)?,
            }),
            None => None,
        };
        Ok(Self {
            plan: r.get(0)?,
            ord: r.get(1)?,
            archive_id: r.get(2)?,
            name: r.get(3)?,
            size: r.get(4)?,
            tree_hash: r.get(5)?,
            finished: r.get(6)?,
            jobs: r.get(7)?,
            failures: r.get(13)?,
            current,
        })
    }

    /// The item, refused as damaged when a value is not one defrost writes.
    fn into_item(self, batch: BatchId) -> Result<BatchItem, StoreError> {
        let plan = PlanId(self.plan);
        let damaged = || damaged_item(batch, plan);
        let size = match self.size {
            Some(text) => Some(text.parse::<u64>().map_err(|_| damaged())?),
            None => None,
        };
        let current = match self.current {
            Some(job) => Some(job.into_job()?),
            None => None,
        };
        Ok(BatchItem {
            plan,
            ord: u32::try_from(self.ord).map_err(|_| damaged())?,
            // Every plan a batch makes retrieves an archive.
            archive_id: self.archive_id.ok_or_else(damaged)?,
            name: self.name,
            size,
            tree_hash: self.tree_hash,
            jobs: u32::try_from(self.jobs).map_err(|_| damaged())?,
            failures: u32::try_from(self.failures).map_err(|_| damaged())?,
            current,
            finished: self.finished,
        })
    }
}

impl RawJob {
    fn into_job(self) -> Result<BatchJob, StoreError> {
        let state = match self.state {
            Some(text) => Some(serde_json::from_str::<Box<TrackedJob>>(&text).map_err(|_| {
                StoreError::refused(format!(
                    "the journal's record of job {} is damaged; listing the jobs adopts it again from Glacier",
                    crate::text::printable(self.job_id.as_deref().unwrap_or("(not started)"))
                ))
            })?),
            None => None,
        };
        Ok(BatchJob {
            journal_id: JournalId(self.journal_id),
            job_id: self.job_id,
            state,
            owned: self.owned,
            refused: self.refused,
        })
    }
}

fn damaged_item(batch: BatchId, plan: PlanId) -> StoreError {
    StoreError::refused(format!(
        "the journal's record of plan {plan} of batch {batch} is damaged; its jobs are still listed on their own"
    ))
}

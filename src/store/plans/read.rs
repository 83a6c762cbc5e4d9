//! Reading plans with their jobs: two queries for any number of plans, one for
//! the plans and one for every job they list, put together here.

use std::collections::HashMap;

use rusqlite::OptionalExtension;

use super::{FinishedFile, PlanArchive, PlanEntry, PlanId, PlanJob, parse_range};
use crate::domain::job::PlanShape;
use crate::store::Store;
use crate::store::catalog::VaultKey;
use crate::store::error::{AtPath, StoreError};
use crate::store::journal::read::{ENTRY_COLUMNS, entry_from_row, with_state};
use crate::store::which::Which;

impl Store {
    /// Every plan (of one vault, or all), oldest first, each with its jobs.
    pub fn plans(&self, vault: Option<&VaultKey>) -> Result<Vec<PlanEntry>, StoreError> {
        self.read_plans(vault.map_or(Which::All, Which::Vault))
    }

    /// Every plan no batch holds, oldest first, each with its jobs: a batch of a
    /// hundred thousand archives is shown as one row, not read as many plans.
    pub fn loose_plans(&self) -> Result<Vec<PlanEntry>, StoreError> {
        self.read_plans(Which::Loose)
    }

    /// The plan `id`, with its jobs, if the journal has it.
    pub fn plan(&self, id: PlanId) -> Result<Option<PlanEntry>, StoreError> {
        Ok(self.read_plans(Which::One(id.0))?.pop())
    }

    /// The files whole-archive plans of `vault` were finished in, with their
    /// archive ids, oldest first: what a restore need not retrieve again.
    /// Reads only those two columns, however many plans the journal holds.
    pub fn finished_archives(&self, vault: &VaultKey) -> Result<Vec<(String, String)>, StoreError> {
        let path = self.catalog.path();
        let which = Which::Vault(vault);
        let (condition, values) = which.condition("p", "pv");
        let mut statement = self
            .catalog
            .read_connection()
            .prepare_cached(&format!(
                "SELECT p.archive_id, p.finished_path
                 FROM plan p JOIN vault pv ON pv.id = p.vault_id
                 WHERE {condition} AND p.want IS NULL AND p.archive_id IS NOT NULL
                   AND p.finished_path IS NOT NULL
                 ORDER BY p.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))
            .at(path)?;
        rows.collect::<Result<_, _>>().at(path)
    }

    /// The plan the job Glacier calls `job_id` belongs to (not one that only
    /// reuses it), if the journal knows the job.
    pub fn plan_of_job(&self, job_id: &str) -> Result<Option<PlanEntry>, StoreError> {
        let path = self.catalog.path();
        let owner: Option<i64> = self
            .catalog
            .read_connection()
            .prepare_cached(
                "SELECT o.plan FROM job j JOIN plan_job o ON o.job = j.id AND o.owner = 1
                 WHERE j.job_id = ?1",
            )
            .at(path)?
            .query_row([job_id], |r| r.get(0))
            .optional()
            .at(path)?;
        match owner {
            Some(plan) => self.plan(PlanId(plan)),
            None => Ok(None),
        }
    }

    fn read_plans(&self, which: Which<'_>) -> Result<Vec<PlanEntry>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let (condition, values) = which.condition("p", "pv");
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT p.id, pv.account, pv.region, pv.name, p.archive_id, p.archive_size,
                        p.tree_hash, p.name, p.want, p.shape, p.made_by, p.made_at,
                        p.finished_path, p.finished_verified, p.finished_at
                 FROM plan p JOIN vault pv ON pv.id = p.vault_id
                 WHERE {condition} ORDER BY p.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), RawPlan::from_row)
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        let mut jobs = self.plan_jobs(which)?;
        rows.into_iter()
            .map(|raw| {
                let listed = jobs.remove(&raw.id).unwrap_or_default();
                raw.into_entry(listed)
            })
            .collect()
    }

    /// The jobs the plans list, by plan, each plan's in position order.
    fn plan_jobs(&self, which: Which<'_>) -> Result<HashMap<i64, Vec<PlanJob>>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let (condition, values) = which.condition("p", "pv");
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT pj.plan, pj.position,
                        EXISTS (SELECT 1 FROM job_event e WHERE e.job = j.id
                                AND e.what = 'staged' AND e.message = 'P' || pj.plan),
                        {ENTRY_COLUMNS}
                 FROM plan_job pj
                 JOIN plan p ON p.id = pj.plan JOIN vault pv ON pv.id = p.vault_id
                 JOIN job j ON j.id = pj.job JOIN vault v ON v.id = j.vault_id
                 LEFT JOIN plan_job o ON o.job = j.id AND o.owner = 1
                 WHERE {condition} ORDER BY pj.plan, pj.position, pj.job"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), |r| {
                Ok((
                    (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?),
                    r.get::<_, bool>(2)?,
                    entry_from_row(r, 3)?,
                ))
            })
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        let mut by_plan: HashMap<i64, Vec<PlanJob>> = HashMap::new();
        for ((plan, position), staged, (entry, state)) in rows {
            let position = u32::try_from(position).map_err(|_| damaged(PlanId(plan)))?;
            let facts = super::JobFacts::of_params(&entry.params_json);
            by_plan.entry(plan).or_default().push(PlanJob {
                position,
                range: facts.range,
                asked_tier: facts.tier,
                staged,
                entry: with_state(entry, state)?,
            });
        }
        Ok(by_plan)
    }
}

/// A plan row as the catalog holds it, not yet checked.
struct RawPlan {
    id: i64,
    vault: VaultKey,
    archive_id: Option<String>,
    archive_size: Option<String>,
    tree_hash: Option<String>,
    name: Option<String>,
    want: Option<String>,
    shape: String,
    made_by: String,
    made_at: String,
    finished_path: Option<String>,
    finished_verified: Option<bool>,
    finished_at: Option<String>,
}

impl RawPlan {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            vault: VaultKey {
                account: r.get(1)?,
                region: r.get(2)?,
                name: r.get(3)?,
            },
            archive_id: r.get(4)?,
            archive_size: r.get(5)?,
            tree_hash: r.get(6)?,
            name: r.get(7)?,
            want: r.get(8)?,
            shape: r.get(9)?,
            made_by: r.get(10)?,
            made_at: r.get(11)?,
            finished_path: r.get(12)?,
            finished_verified: r.get(13)?,
            finished_at: r.get(14)?,
        })
    }

    /// The plan, refused as damaged when a value is not one defrost writes.
    fn into_entry(self, jobs: Vec<PlanJob>) -> Result<PlanEntry, StoreError> {
        let id = PlanId(self.id);
        let size = match self.archive_size {
            Some(text) => Some(text.parse::<u64>().map_err(|_| damaged(id))?),
            None => None,
        };
        let want = match self.want {
            Some(text) => Some(parse_range(&text).ok_or_else(|| damaged(id))?),
            None => None,
        };
        let finished = match (self.finished_path, self.finished_at) {
            (Some(path), Some(at)) => Some(FinishedFile {
                path,
                verified: self.finished_verified.unwrap_or(false),
                at,
            }),
            _ => None,
        };
        Ok(PlanEntry {
            id,
            vault: self.vault,
            archive: self.archive_id.map(|archive_id| PlanArchive {
                archive_id,
                size,
                tree_hash: self.tree_hash,
                name: self.name,
            }),
            want,
            shape: self.shape.parse::<PlanShape>().map_err(|_| damaged(id))?,
            made_by: self.made_by,
            made_at: self.made_at,
            jobs,
            finished,
        })
    }
}

fn damaged(id: PlanId) -> StoreError {
    StoreError::refused(format!(
        "the journal's record of plan {id} is damaged; its jobs are still listed on their own"
    ))
}

//! Writing plans: made before their first job is asked for, added to when a job
//! of an earlier plan is reused, and closed once their file is finished.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{NewPlan, PlanId, PlanIntent, add_member};
use crate::domain::job::PlanShape;
use crate::store::Store;
use crate::store::catalog::{ensure_vault, rfc3339};
use crate::store::error::StoreError;
use crate::store::journal::{JournalId, add_event};

impl Store {
    /// Writes a plan down before the first of its jobs is asked for, so that
    /// every job it starts has its plan to belong to.
    pub fn record_plan(&mut self, intent: &PlanIntent<'_>) -> Result<PlanId, StoreError> {
        let inventory = intent.shape == PlanShape::Inventory;
        if inventory != intent.archive.is_none() {
            return Err(StoreError::refused(format!(
                "a plan of kind {} {}; nothing was recorded",
                intent.shape,
                if inventory {
                    "retrieves no archive"
                } else {
                    "needs the archive it retrieves"
                }
            )));
        }
        let made_at = rfc3339(intent.at);
        self.change(|tx| {
            let vault_id = ensure_vault(tx, intent.vault)?;
            let plan = NewPlan {
                vault_id,
                archive: intent.archive.as_ref(),
                want: intent.want,
                shape: intent.shape,
                made_by: intent.made_by,
                made_at: &made_at,
            };
            super::insert_plan(tx, &plan).map(PlanId)
        })
    }

    /// Lists a job of an earlier plan in `plan` at `position`: the plan reuses it
    /// rather than pay for the same bytes twice. The job keeps its own plan as
    /// its owner. Listing a job a plan already lists changes nothing.
    pub fn add_job_to_plan(
        &mut self,
        plan: PlanId,
        position: u32,
        job: JournalId,
    ) -> Result<(), StoreError> {
        self.change_or_refuse(|tx| {
            if !plan_exists(tx, plan)? {
                return Ok(Err(no_such_plan(plan)));
            }
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM job WHERE id = ?1)",
                [job.0],
                |r| r.get(0),
            )?;
            if !known {
                return Ok(Err(format!(
                    "the journal has no job {}; plan {plan} cannot list it",
                    job.0
                )));
            }
            let listed: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM plan_job WHERE plan = ?1 AND job = ?2)",
                params![plan.0, job.0],
                |r| r.get(0),
            )?;
            if !listed {
                add_member(tx, plan.0, position, job.0, false)?;
            }
            Ok(Ok(()))
        })
    }

    /// Notes that the plan's bytes are in `path`, verified or not, once the file
    /// is in place; finishing it again (into another folder) notes the new file.
    /// The history of the plan's last job gains a `finished` event saying where,
    /// and that it was not verified when it was not.
    pub fn record_plan_finished(
        &mut self,
        id: PlanId,
        path: &str,
        verified: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change_or_refuse(|tx| {
            let changed = tx.execute(
                "UPDATE plan SET finished_path = ?2, finished_verified = ?3, finished_at = ?4
                 WHERE id = ?1",
                params![id.0, path, verified, rfc3339(at)],
            )?;
            if changed == 0 {
                return Ok(Err(no_such_plan(id)));
            }
            let last: Option<i64> = tx
                .query_row(
                    "SELECT job FROM plan_job WHERE plan = ?1 ORDER BY position DESC, job DESC",
                    [id.0],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(job) = last {
                let message = if verified {
                    path.to_owned()
                } else {
                    format!("{path} (not verified)")
                };
                add_event(tx, job, at, FINISHED, Some(&message))?;
            }
            Ok(Ok(()))
        })
    }
}

/// The event a finished plan leaves in the history of its last job.
pub(crate) const FINISHED: &str = "finished";

pub(super) fn plan_exists(conn: &rusqlite::Connection, plan: PlanId) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM plan WHERE id = ?1)",
        [plan.0],
        |r| r.get(0),
    )
}

pub(in crate::store) fn no_such_plan(plan: PlanId) -> String {
    format!("the journal has no plan {plan}; list the jobs to see the plans it holds")
}

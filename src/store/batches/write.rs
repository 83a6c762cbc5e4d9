//! Writing batches: made, with a plan for each archive, in one transaction
//! before the first of their jobs is asked for, and given up when the user
//! stops them.

use std::collections::HashSet;

use rusqlite::{Transaction, params};
use time::OffsetDateTime;

use super::{BatchId, BatchIntent, no_such_batch};
use crate::domain::job::PlanShape;
use crate::store::Store;
use crate::store::catalog::{ensure_vault, rfc3339};
use crate::store::error::StoreError;
use crate::store::plans::{NewPlan, PlanArchive, PlanId, insert_plan};

impl Store {
    /// Writes a batch down with one whole-archive plan per archive, all in one
    /// transaction: a batch is recorded whole or not at all. The plans' ids, in
    /// the order of the archives.
    pub fn record_batch<A: AsRef<PlanArchive>>(
        &mut self,
        intent: &BatchIntent<'_, A>,
    ) -> Result<(BatchId, Vec<PlanId>), StoreError> {
        if let Some(refusal) = refusal(intent) {
            return Err(StoreError::refused(refusal));
        }
        let made_at = rfc3339(intent.at);
        self.change(|tx| {
            let vault_id = ensure_vault(tx, intent.vault)?;
            let batch = insert_batch(tx, vault_id, intent, &made_at)?;
            let plans = insert_plans(tx, vault_id, batch, intent, &made_at)?;
            Ok((BatchId(batch), plans))
        })
    }

    /// Notes that the user gave the batch up: nothing more is to be started
    /// for it. Its plans and jobs stay as they are. Giving it up again keeps the
    /// first moment.
    pub fn record_batch_given_up(
        &mut self,
        id: BatchId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change_or_refuse(|tx| {
            let changed = tx.execute(
                "UPDATE batch SET given_up_at = coalesce(given_up_at, ?2) WHERE id = ?1",
                params![id.0, rfc3339(at)],
            )?;
            Ok(if changed == 0 {
                Err(no_such_batch(id))
            } else {
                Ok(())
            })
        })
    }
}

/// Why the batch cannot be recorded as it is, before anything is written.
fn refusal<A: AsRef<PlanArchive>>(intent: &BatchIntent<'_, A>) -> Option<String> {
    if intent.archives.is_empty() {
        return Some(format!(
            "{} holds no archive, so there is no batch to record",
            intent.selection
        ));
    }
    // Places are numbered from 0 in a u32, with room for the one past the last.
    let numbered = u32::try_from(intent.archives.len()).is_ok_and(|count| count < u32::MAX);
    if !numbered {
        return Some(format!(
            "a batch of {} archives is more than the journal can number; nothing was recorded",
            intent.archives.len()
        ));
    }
    let mut seen = HashSet::with_capacity(intent.archives.len());
    let twice = (intent.archives.iter())
        .map(AsRef::as_ref)
        .find(|archive| !seen.insert(archive.archive_id.as_str()))?;
    Some(format!(
        "archive id {} is listed twice, but a batch restores each archive once; nothing was recorded",
        crate::text::printable(&twice.archive_id)
    ))
}

/// Writes the batch's own row; its id.
fn insert_batch<A>(
    tx: &Transaction<'_>,
    vault_id: i64,
    intent: &BatchIntent<'_, A>,
    made_at: &str,
) -> rusqlite::Result<i64> {
    // A cap beyond what SQLite's integers hold is no cap a vault could reach.
    let bytes_per_hour = intent
        .limits
        .max_bytes_per_hour
        .map(|cap| i64::try_from(cap).unwrap_or(i64::MAX));
    tx.execute(
        "INSERT INTO batch (vault_id, selection, selection_text, tier, target,
                            max_bytes_per_hour, max_jobs_in_flight, made_by, made_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            vault_id,
            intent.selection.kind(),
            intent.selection.text(),
            intent.tier.as_str(),
            intent.to,
            bytes_per_hour,
            intent.limits.max_jobs_in_flight,
            intent.made_by,
            made_at,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Writes a whole-archive plan per archive and lists it in the batch at its
/// place. One cached statement each, so a hundred thousand archives take a
/// moment, not minutes.
fn insert_plans<A: AsRef<PlanArchive>>(
    tx: &Transaction<'_>,
    vault_id: i64,
    batch: i64,
    intent: &BatchIntent<'_, A>,
    made_at: &str,
) -> rusqlite::Result<Vec<PlanId>> {
    let mut member =
        tx.prepare_cached("INSERT INTO batch_plan (batch, plan, ord) VALUES (?1, ?2, ?3)")?;
    let mut plans = Vec::with_capacity(intent.archives.len());
    // `refusal` made sure every place fits in a u32.
    for (ord, archive) in (0_u32..).zip(intent.archives) {
        let plan = insert_plan(
            tx,
            &NewPlan {
                vault_id,
                archive: Some(archive.as_ref()),
                want: None,
                shape: PlanShape::Whole,
                made_by: intent.made_by,
                made_at,
            },
        )?;
        member.execute(params![batch, plan, ord])?;
        plans.push(PlanId(plan));
    }
    Ok(plans)
}

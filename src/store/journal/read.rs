//! Reading the journal: its jobs, each with the plan it belongs to, and their
//! histories.

use std::collections::HashSet;

use rusqlite::OptionalExtension;

use super::{JobEvent, JournalEntry, JournalId, OutputUse};
use crate::store::Store;
use crate::store::catalog::VaultKey;
use crate::store::error::{AtPath, StoreError};
use crate::store::plans::PlanId;

/// The columns [`entry_from_row`] reads, for a query that joins `job j`,
/// `vault v` (the job's) and `plan_job o` (its owner's membership, left joined).
pub(crate) const ENTRY_COLUMNS: &str = "j.id, v.account, v.region, v.name, j.job_id, j.params,
    j.plan, o.plan, j.started_by, j.adopted, j.requested_at, j.state";

/// One journal entry from `ENTRY_COLUMNS` at `first`, with its state still as
/// text: [`with_state`] reads it.
pub(crate) fn entry_from_row(
    r: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<(JournalEntry, Option<String>)> {
    Ok((
        JournalEntry {
            id: JournalId(r.get(first)?),
            vault: VaultKey {
                account: r.get(first + 1)?,
                region: r.get(first + 2)?,
                name: r.get(first + 3)?,
            },
            job_id: r.get(first + 4)?,
            params_json: r.get(first + 5)?,
            plan_json: r.get(first + 6)?,
            plan: r.get::<_, Option<i64>>(first + 7)?.map(PlanId),
            started_by: r.get(first + 8)?,
            adopted: r.get(first + 9)?,
            requested_at: r.get(first + 10)?,
            state: None,
        },
        r.get(first + 11)?,
    ))
}

/// The entry with its tracked state read from the journal's JSON.
pub(crate) fn with_state(
    mut entry: JournalEntry,
    state: Option<String>,
) -> Result<JournalEntry, StoreError> {
    entry.state = match state {
        Some(text) => Some(serde_json::from_str(&text).map_err(|_| {
            StoreError::refused(format!(
                "the journal's record of job {} is damaged; listing the jobs adopts it again from Glacier",
                entry.job_id.as_deref().unwrap_or("(not started)")
            ))
        })?),
        None => None,
    };
    Ok(entry)
}

impl Store {
    /// The jobs whose output has been put to `use`.
    pub fn jobs_whose_output_was(
        &self,
        output_use: OutputUse,
    ) -> Result<HashSet<JournalId>, StoreError> {
        let path = self.catalog.path();
        self.catalog
            .read_connection()
            .prepare_cached("SELECT DISTINCT job FROM job_event WHERE what = ?1")
            .at(path)?
            .query_map([output_use.as_str()], |r| r.get(0).map(JournalId))
            .at(path)?
            .collect::<Result<HashSet<_>, _>>()
            .at(path)
    }

    /// Every journaled job (of one vault, or all), oldest request first.
    pub fn journal(&self, vault: Option<&VaultKey>) -> Result<Vec<JournalEntry>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS}
                 FROM job j JOIN vault v ON v.id = j.vault_id
                 LEFT JOIN plan_job o ON o.job = j.id AND o.owner = 1
                 ORDER BY j.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map([], |r| entry_from_row(r, 0))
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        rows.into_iter()
            .filter(|(entry, _)| vault.is_none_or(|vault| *vault == entry.vault))
            .map(|(entry, state)| with_state(entry, state))
            .collect()
    }

    /// Every job except those a batch's plans own, oldest first: what the
    /// screen follows one by one (a batch is followed as one row).
    pub fn loose_journal(&self) -> Result<Vec<JournalEntry>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS}
                 FROM job j JOIN vault v ON v.id = j.vault_id
                 LEFT JOIN plan_job o ON o.job = j.id AND o.owner = 1
                 WHERE NOT EXISTS (SELECT 1 FROM batch_plan bx WHERE bx.plan = o.plan)
                 ORDER BY j.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map([], |r| entry_from_row(r, 0))
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        rows.into_iter()
            .map(|(entry, state)| with_state(entry, state))
            .collect()
    }

    /// The jobs of `vault` that a look at ListJobs needs, oldest request first:
    /// those it lists (`listed`, Glacier's job ids), and those the journal holds
    /// as ready, whose output is gone once ListJobs stops listing them. The
    /// journal's other jobs (finished, failed, expired, long done) are not read,
    /// so a vault of a hundred thousand jobs is not parsed whole at every look.
    pub fn journal_to_list(
        &self,
        vault: &VaultKey,
        listed: &[String],
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let path = self.catalog.path();
        let listed = serde_json::to_string(listed).map_err(|err| {
            StoreError::refused(format!("the listed jobs cannot be looked up: {err}"))
        })?;
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS}
                 FROM job j JOIN vault v ON v.id = j.vault_id
                 LEFT JOIN plan_job o ON o.job = j.id AND o.owner = 1
                 WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3
                   AND (j.job_id IN (SELECT value FROM json_each(?4))
                        OR CASE WHEN json_valid(j.state)
                                THEN json_extract(j.state, '$.status') END = 'Succeeded')
                 ORDER BY j.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(
                rusqlite::params![vault.account, vault.region, vault.name, listed],
                |r| entry_from_row(r, 0),
            )
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        rows.into_iter()
            .map(|(entry, state)| with_state(entry, state))
            .collect()
    }

    /// The jobs of `vault` whose tracked state retrieves `archive_id`, oldest
    /// request first: what an InitiateJob whose answer was lost may have
    /// started. Only the jobs that name the archive are read, not the journal.
    pub fn jobs_of_archive(
        &self,
        vault: &VaultKey,
        archive_id: &str,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let path = self.catalog.path();
        // The id as the state's JSON writes it, quotes and escapes included, so
        // that `instr` finds it only as a whole string value.
        let quoted = serde_json::to_string(archive_id)
            .map_err(|err| StoreError::refused(format!("archive id cannot be looked up: {err}")))?;
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT {ENTRY_COLUMNS}
                 FROM job j JOIN vault v ON v.id = j.vault_id
                 LEFT JOIN plan_job o ON o.job = j.id AND o.owner = 1
                 WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3
                   AND j.state IS NOT NULL AND instr(j.state, ?4) > 0
                 ORDER BY j.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(
                rusqlite::params![vault.account, vault.region, vault.name, quoted],
                |r| entry_from_row(r, 0),
            )
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        let entries = rows
            .into_iter()
            .map(|(entry, state)| with_state(entry, state))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(entries
            .into_iter()
            .filter(|entry| {
                entry
                    .state
                    .as_ref()
                    .is_some_and(|job| job.archive_id.as_deref() == Some(archive_id))
            })
            .collect())
    }

    /// The journal's key for the job Glacier calls `job_id`, if it knows the job.
    pub fn journal_id(&self, job_id: &str) -> Result<Option<JournalId>, StoreError> {
        let path = self.catalog.path();
        self.catalog
            .read_connection()
            .prepare_cached("SELECT id FROM job WHERE job_id = ?1")
            .at(path)?
            .query_row([job_id], |r| r.get(0).map(JournalId))
            .optional()
            .at(path)
    }

    /// The history of one job, oldest first.
    pub fn job_events(&self, id: JournalId) -> Result<Vec<JobEvent>, StoreError> {
        let path = self.catalog.path();
        self.catalog
            .read_connection()
            .prepare_cached("SELECT at, what, message FROM job_event WHERE job = ?1 ORDER BY id")
            .at(path)?
            .query_map([id.0], |r| {
                Ok(JobEvent {
                    at: r.get(0)?,
                    what: r.get(1)?,
                    message: r.get(2)?,
                })
            })
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)
    }
}

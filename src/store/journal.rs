//! The job journal: every retrieval job defrost starts or finds, kept beside the
//! catalog so that no paid-for job is ever forgotten. A job is written down before
//! InitiateJob is sent (an intent), completed with Glacier's job id once the call
//! answers, and updated on every change of state; jobs started elsewhere (other
//! tools, other machines) are adopted when ListJobs shows them.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::Store;
use super::catalog::{VaultKey, ensure_vault, rfc3339};
use super::error::{AtPath, StoreError};
use crate::domain::job::TrackedJob;

pub(super) const JOURNAL_DDL: &str = "
CREATE TABLE job (
    id           INTEGER PRIMARY KEY,
    vault_id     INTEGER NOT NULL REFERENCES vault(id),
    -- Glacier's JobId; NULL while InitiateJob has not answered (or failed)
    job_id       TEXT UNIQUE,
    -- the InitiateJob request body as sent, or as DescribeJob showed an adopted job
    params       TEXT NOT NULL,
    -- the retrieval plan this job is part of (JSON), when there is one
    plan         TEXT,
    -- who asked: defrost with the user and host, or the tool that did (adopted)
    started_by   TEXT NOT NULL,
    adopted      INTEGER NOT NULL,
    requested_at TEXT NOT NULL,
    -- the job as tracked (JSON of domain::job::TrackedJob); NULL until started
    state        TEXT
);
CREATE TABLE job_event (
    id      INTEGER PRIMARY KEY,
    job     INTEGER NOT NULL REFERENCES job(id),
    at      TEXT NOT NULL,
    -- requested, started, adopted, start failed, the new status, or what became
    -- of the output: downloaded (message: the file), imported (message: the snapshot)
    what    TEXT NOT NULL,
    message TEXT
);
";

/// A job about to be started.
pub struct JobIntent<'a> {
    pub vault: &'a VaultKey,
    /// The InitiateJob body that will be sent.
    pub params_json: &'a str,
    pub plan_json: Option<&'a str>,
    pub started_by: &'a str,
    pub at: OffsetDateTime,
}

/// The journal's key for a job, known before Glacier's job id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JournalId(pub i64);

/// One job as the journal holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    pub id: JournalId,
    pub vault: VaultKey,
    /// `None` for an intent whose InitiateJob never answered: if the process died
    /// there, ListJobs will show whether Glacier started it.
    pub job_id: Option<String>,
    pub params_json: String,
    pub plan_json: Option<String>,
    pub started_by: String,
    pub adopted: bool,
    pub requested_at: String,
    pub state: Option<TrackedJob>,
}

/// What was done with a finished job's output, as its event in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputUse {
    /// Downloaded and verified into a file.
    Downloaded,
    /// Imported into the inventory cache.
    Imported,
}

impl OutputUse {
    pub fn as_str(self) -> &'static str {
        match self {
            OutputUse::Downloaded => "downloaded",
            OutputUse::Imported => "imported",
        }
    }
}

/// One line of a job's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobEvent {
    pub at: String,
    pub what: String,
    pub message: Option<String>,
}

impl Store {
    /// Writes a job down before it is started, so a crash between paying and
    /// recording cannot lose it.
    pub fn record_job_intent(&mut self, intent: &JobIntent<'_>) -> Result<JournalId, StoreError> {
        self.change(|tx| {
            let vault_id = ensure_vault(tx, intent.vault)?;
            tx.execute(
                "INSERT INTO job (vault_id, params, plan, started_by, adopted, requested_at)
                 VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                params![
                    vault_id,
                    intent.params_json,
                    intent.plan_json,
                    intent.started_by,
                    rfc3339(intent.at)
                ],
            )?;
            let id = tx.last_insert_rowid();
            add_event(tx, id, intent.at, "requested", None)?;
            Ok(JournalId(id))
        })
    }

    /// Completes an intent with the job Glacier started.
    pub fn record_job_started(
        &mut self,
        id: JournalId,
        job: &TrackedJob,
    ) -> Result<(), StoreError> {
        let state = state_json(job)?;
        self.change(|tx| {
            let changed = tx.execute(
                "UPDATE job SET job_id = ?2, state = ?3 WHERE id = ?1 AND job_id IS NULL",
                params![id.0, job.job_id, state],
            )?;
            if changed == 1 {
                add_event(tx, id.0, job.started_at, "started", None)?;
            }
            Ok(changed == 1)
        })
        .and_then(|recorded| {
            if recorded {
                Ok(())
            } else {
                Err(StoreError::refused(format!(
                    "the journal has no waiting request {} for job {}; list the jobs to see what the journal holds",
                    id.0, job.job_id
                )))
            }
        })
    }

    /// Notes that InitiateJob refused an intent (nothing was started or paid for).
    pub fn record_job_start_failed(
        &mut self,
        id: JournalId,
        message: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change(|tx| add_event(tx, id.0, at, "start failed", Some(message)))
    }

    /// Takes in a job defrost did not start; `false` when the journal knows it.
    pub fn adopt_job(
        &mut self,
        vault: &VaultKey,
        job: &TrackedJob,
        params_json: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let state = state_json(job)?;
        self.change(|tx| {
            let known: Option<i64> = tx
                .query_row("SELECT id FROM job WHERE job_id = ?1", [&job.job_id], |r| r.get(0))
                .optional()?;
            if known.is_some() {
                return Ok(false);
            }
            let vault_id = ensure_vault(tx, vault)?;
            tx.execute(
                "INSERT INTO job (vault_id, job_id, params, started_by, adopted, requested_at, state)
                 VALUES (?1, ?2, ?3, 'adopted', 1, ?4, ?5)",
                params![vault_id, job.job_id, params_json, rfc3339(job.started_at), state],
            )?;
            add_event(tx, tx.last_insert_rowid(), at, "adopted", None)?;
            Ok(true)
        })
    }

    /// Records what the job looks like now, and an event when its status changed.
    pub fn record_job_state(
        &mut self,
        job: &TrackedJob,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let state = state_json(job)?;
        let status = format!("{:?}", job.status);
        self.change(|tx| {
            let row: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, state FROM job WHERE job_id = ?1",
                    [&job.job_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((id, previous)) = row else {
                return Ok(false);
            };
            let previous_status = previous
                .and_then(|text| serde_json::from_str::<TrackedJob>(&text).ok())
                .map(|old| old.status);
            tx.execute(
                "UPDATE job SET state = ?2 WHERE id = ?1",
                params![id, state],
            )?;
            if previous_status != Some(job.status) {
                add_event(tx, id, at, &status, job.status_message.as_deref())?;
            }
            Ok(true)
        })
        .and_then(|known| {
            if known {
                Ok(())
            } else {
                Err(StoreError::refused(format!(
                    "the journal does not know job {}; it is recorded when started or adopted",
                    job.job_id
                )))
            }
        })
    }

    /// Notes that the job's output was downloaded, verified, into `file`, so it is
    /// not downloaded again by 'defrost download --all-ready'.
    pub fn record_job_downloaded(
        &mut self,
        id: JournalId,
        file: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change(|tx| add_event(tx, id.0, at, OutputUse::Downloaded.as_str(), Some(file)))
    }

    /// Notes that the inventory job's output went into snapshot `snapshot_id`, so
    /// it is not fetched and imported again.
    pub fn record_job_imported(
        &mut self,
        id: JournalId,
        snapshot_id: i64,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let snapshot = format!("snapshot {snapshot_id}");
        self.change(|tx| add_event(tx, id.0, at, OutputUse::Imported.as_str(), Some(&snapshot)))
    }

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
            .prepare_cached(
                "SELECT j.id, v.account, v.region, v.name, j.job_id, j.params, j.plan, j.started_by,
                        j.adopted, j.requested_at, j.state
                 FROM job j JOIN vault v ON v.id = j.vault_id ORDER BY j.id",
            )
            .at(path)?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    JournalEntry {
                        id: JournalId(r.get(0)?),
                        vault: VaultKey {
                            account: r.get(1)?,
                            region: r.get(2)?,
                            name: r.get(3)?,
                        },
                        job_id: r.get(4)?,
                        params_json: r.get(5)?,
                        plan_json: r.get(6)?,
                        started_by: r.get(7)?,
                        adopted: r.get(8)?,
                        requested_at: r.get(9)?,
                        state: None,
                    },
                    r.get::<_, Option<String>>(10)?,
                ))
            })
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        let mut entries = Vec::with_capacity(rows.len());
        for (mut entry, state) in rows {
            if vault.is_some_and(|vault| *vault != entry.vault) {
                continue;
            }
            entry.state = match state {
                Some(text) => Some(serde_json::from_str(&text).map_err(|_| {
                    StoreError::refused(format!(
                        "the journal's record of job {} is damaged; listing the jobs adopts it again from Glacier",
                        entry.job_id.as_deref().unwrap_or("(not started)")
                    ))
                })?),
                None => None,
            };
            entries.push(entry);
        }
        Ok(entries)
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

    /// Runs `change` in one immediate transaction on the catalog.
    fn change<T>(
        &mut self,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let path = self.catalog.path().to_path_buf();
        let tx = self
            .catalog
            .connection()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .at(&path)?;
        let value = change(&tx).at(&path)?;
        tx.commit().at(&path)?;
        Ok(value)
    }
}

fn add_event(
    tx: &rusqlite::Transaction<'_>,
    job: i64,
    at: OffsetDateTime,
    what: &str,
    message: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO job_event (job, at, what, message) VALUES (?1, ?2, ?3, ?4)",
        params![job, rfc3339(at), what, message],
    )
    .map(|_| ())
}

fn state_json(job: &TrackedJob) -> Result<String, StoreError> {
    serde_json::to_string(job)
        .map_err(|err| StoreError::refused(format!("job {} cannot be recorded: {err}", job.job_id)))
}

//! The job journal: every retrieval job defrost starts or finds, kept beside the
//! catalog so that no paid-for job is ever forgotten. A job is written down before
//! InitiateJob is sent (an intent), completed with Glacier's job id once the call
//! answers, and updated on every change of state; jobs started elsewhere (other
//! tools, other machines) are adopted when ListJobs shows them. Every job belongs
//! to a plan (see `plans`): the one it was started for, or a plan of its own.

pub(super) mod read;

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::Store;
use super::catalog::{VaultKey, ensure_vault, rfc3339};
use super::error::{AtPath, StoreError};
use super::plans::{JobFacts, PlanId, PlanSlot, add_member};
use crate::domain::job::TrackedJob;
use crate::domain::job_params::JobKind;

pub(super) const JOURNAL_DDL: &str = "
CREATE TABLE job (
    id           INTEGER PRIMARY KEY,
    vault_id     INTEGER NOT NULL REFERENCES vault(id),
    -- Glacier's JobId; NULL while InitiateJob has not answered (or failed)
    job_id       TEXT UNIQUE,
    -- the InitiateJob request body as sent, or as DescribeJob showed an adopted job
    params       TEXT NOT NULL,
    -- what the launcher knew of the plan (JSON), when there is one; the plan
    -- itself is in the plan tables (schema 4)
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
    -- of the output: downloaded (message: the file), imported (message: the snapshot),
    -- finished (on a plan's last job; message: the plan's file)
    what    TEXT NOT NULL,
    message TEXT
);
";

/// Indexes on the journal, made where missing on every catalog opened to
/// write. A job's history is looked up by job, once per archive of a batch
/// each time the batch is read: without this, each lookup reads every event.
pub(super) const JOURNAL_INDEXES_DDL: &str =
    "CREATE INDEX IF NOT EXISTS job_event_by_job ON job_event (job);";

/// A job about to be started.
pub struct JobIntent<'a> {
    pub vault: &'a VaultKey,
    /// The InitiateJob body that will be sent.
    pub params_json: &'a str,
    pub plan_json: Option<&'a str>,
    /// The plan and place the job is started for; `None` makes the job a plan of
    /// its own, its kind read from `params_json`.
    pub plan: Option<PlanSlot>,
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
    /// The plan the job belongs to. Every job of a journal of schema 4 belongs to
    /// one, so this is `Some` for every entry the journal reads; it is an option
    /// for entries built elsewhere (tests, screens) that have no plan to name.
    pub plan: Option<PlanId>,
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
    /// recording cannot lose it: in its plan's place, or as a plan of its own.
    pub fn record_job_intent(&mut self, intent: &JobIntent<'_>) -> Result<JournalId, StoreError> {
        self.change_or_refuse(|tx| {
            let vault_id = ensure_vault(tx, intent.vault)?;
            if let Some(slot) = intent.plan
                && let Some(refusal) = slot_refusal(tx, slot, vault_id)?
            {
                return Ok(Err(refusal));
            }
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
            match intent.plan {
                Some(slot) => add_member(tx, slot.plan.0, slot.position, id, true)?,
                None => {
                    let plan = JobFacts::of_params(intent.params_json)
                        .plan_of_one(intent.started_by, rfc3339(intent.at));
                    plan.write(tx, vault_id, id)?;
                }
            }
            Ok(Ok(JournalId(id)))
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

    /// Takes in a job defrost did not start, as a plan of its own; `false` when
    /// the journal knows it.
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
            let id = tx.last_insert_rowid();
            add_event(tx, id, at, "adopted", None)?;
            let facts = JobFacts {
                inventory: job.kind == JobKind::InventoryRetrieval,
                archive_id: job.archive_id.clone(),
                range: job.range,
                tier: job.tier,
            };
            facts
                .plan_of_one("adopted", rfc3339(job.started_at))
                .write(tx, vault_id, id)?;
            Ok(true)
        })
    }

    /// Records what the job looks like now, and an event when its status changed.
    pub fn record_job_state(
        &mut self,
        job: &TrackedJob,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.record_job_states(std::slice::from_ref(job), at)
    }

    /// Records what each job looks like now, in one transaction (a sync of a
    /// vault with thousands of jobs is one write, not thousands).
    pub fn record_job_states(
        &mut self,
        jobs: &[TrackedJob],
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let states = jobs
            .iter()
            .map(|job| Ok((job, state_json(job)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let unknown = self.change(|tx| {
            for (job, state) in &states {
                if !write_job_state(tx, job, state, at)? {
                    return Ok(Some(job.job_id.clone()));
                }
            }
            Ok(None)
        })?;
        match unknown {
            None => Ok(()),
            Some(job_id) => Err(StoreError::refused(format!(
                "the journal does not know job {job_id}; it is recorded when started or adopted"
            ))),
        }
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

    /// Notes that the job's output is staged, verified, for `plan`'s file, so
    /// the plan reads as downloading until its file is finished.
    pub fn record_job_staged(
        &mut self,
        id: JournalId,
        plan: PlanId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let plan = plan.to_string();
        self.change(|tx| add_event(tx, id.0, at, "staged", Some(&plan)))
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

    /// Runs `change` in one immediate transaction on the catalog.
    pub(super) fn change<T>(
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

    /// Like [`Store::change`], for a change that may be refused once the
    /// transaction has looked: a refusal (its sentence) rolls everything back.
    pub(super) fn change_or_refuse<T>(
        &mut self,
        change: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<Result<T, String>>,
    ) -> Result<T, StoreError> {
        let path = self.catalog.path().to_path_buf();
        let tx = self
            .catalog
            .connection()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .at(&path)?;
        match change(&tx).at(&path)? {
            Ok(value) => {
                tx.commit().at(&path)?;
                Ok(value)
            }
            Err(refusal) => Err(StoreError::refused(refusal)),
        }
    }
}

/// Why a job cannot take `slot`: the plan is unknown, or of another vault.
fn slot_refusal(
    tx: &rusqlite::Transaction<'_>,
    slot: PlanSlot,
    vault_id: i64,
) -> rusqlite::Result<Option<String>> {
    let plan_vault: Option<i64> = tx
        .query_row(
            "SELECT vault_id FROM plan WHERE id = ?1",
            [slot.plan.0],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match plan_vault {
        None => Some(super::plans::no_such_plan(slot.plan)),
        Some(plan_vault) if plan_vault != vault_id => Some(format!(
            "plan {} is of another vault; a job belongs to a plan of its own vault",
            slot.plan
        )),
        Some(_) => None,
    })
}

pub(super) fn add_event(
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

/// Writes one job's state, and an event when its status changed; `false` when
/// the journal does not know the job.
fn write_job_state(
    tx: &rusqlite::Transaction<'_>,
    job: &TrackedJob,
    state: &str,
    at: OffsetDateTime,
) -> rusqlite::Result<bool> {
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
    if previous.as_deref() == Some(state) {
        return Ok(true);
    }
    let previous_status = previous
        .and_then(|text| serde_json::from_str::<TrackedJob>(&text).ok())
        .map(|old| old.status);
    tx.execute(
        "UPDATE job SET state = ?2 WHERE id = ?1",
        params![id, state],
    )?;
    if previous_status != Some(job.status) {
        let status = format!("{:?}", job.status);
        add_event(tx, id, at, &status, job.status_message.as_deref())?;
    }
    Ok(true)
}

fn state_json(job: &TrackedJob) -> Result<String, StoreError> {
    serde_json::to_string(job)
        .map_err(|err| StoreError::refused(format!("job {} cannot be recorded: {err}", job.job_id)))
}

//! Retrieval plans in the journal: what a user asked for (an archive, the bytes
//! wanted, the kind of plan), the jobs that carry it out in order, and the file it
//! ended in. A plan is written before its first InitiateJob, like every job. Each
//! job belongs to exactly one plan (its owner); a later plan that reuses it lists
//! it too, without owning it. Jobs started without a plan, adopted from other
//! tools, or fetching an inventory are plans of one job.

mod migrate;
mod read;
#[cfg(test)]
mod tests;
mod write;

use rusqlite::{Connection, params};
use time::OffsetDateTime;

pub(super) use migrate::plan_v3_jobs;
pub(super) use write::no_such_plan;

use super::catalog::VaultKey;
use super::journal::JournalEntry;
use crate::domain::job::{JobStanding, PlanShape, PlanState, current_positions, plan_state};
use crate::domain::job_params::Tier;
use crate::domain::range::ByteRange;
use crate::store::lettered_id::lettered_id;

/// The plan tables (schema 4). `IF NOT EXISTS`, since a catalog an older defrost
/// labelled with an older version may already hold them.
pub(super) const PLANS_DDL: &str = "
CREATE TABLE IF NOT EXISTS plan (
    id                INTEGER PRIMARY KEY,
    vault_id          INTEGER NOT NULL REFERENCES vault(id),
    -- the archive as the inventory had it; archive_id is NULL for an inventory
    archive_id        TEXT,
    -- decimal bytes, as the catalog writes sizes; NULL when not known
    archive_size      TEXT,
    tree_hash         TEXT,
    -- the decoded name
    name              TEXT,
    -- the wanted bytes 'START-END' as the user gave them; NULL for the whole
    -- archive or an inventory
    want              TEXT,
    -- whole, mib, tree, split or inventory
    shape             TEXT NOT NULL,
    made_by           TEXT NOT NULL,
    made_at           TEXT NOT NULL,
    -- the finished file, once the plan's bytes are in it
    finished_path     TEXT,
    finished_verified INTEGER,
    finished_at       TEXT
);
CREATE INDEX IF NOT EXISTS plan_by_vault ON plan (vault_id);
CREATE TABLE IF NOT EXISTS plan_job (
    plan     INTEGER NOT NULL REFERENCES plan(id),
    job      INTEGER NOT NULL REFERENCES job(id),
    -- the job's place in the plan, from 0; a renewed job may share its place
    -- with the expired one it replaces
    position INTEGER NOT NULL,
    -- 1 in the plan the job belongs to, 0 in a later plan that reuses it
    owner    INTEGER NOT NULL,
    PRIMARY KEY (plan, job)
);
CREATE UNIQUE INDEX IF NOT EXISTS plan_job_owner ON plan_job (job) WHERE owner = 1;
CREATE INDEX IF NOT EXISTS plan_job_by_job ON plan_job (job);
";

/// The journal's key for a plan, shown to users as `P12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanId(pub i64);

/// Text that is not a plan id as users type them (`P12`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{}' is not a plan id; a plan id is P and a number, as the list of jobs shows them (for example P12)",
    crate::text::printable(.input)
)]
pub struct PlanIdError {
    pub input: String,
}

lettered_id!(PlanId, 'P', PlanIdError);

/// The archive a plan retrieves, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanArchive {
    pub archive_id: String,
    pub size: Option<u64>,
    pub tree_hash: Option<String>,
    /// The decoded name, as the inventory had it.
    pub name: Option<String>,
}

/// A batch's archives may be held in something larger that holds each one.
impl AsRef<PlanArchive> for PlanArchive {
    fn as_ref(&self) -> &PlanArchive {
        self
    }
}

/// A plan about to be carried out; see [`Store::record_plan`](super::Store::record_plan).
#[derive(Debug, Clone)]
pub struct PlanIntent<'a> {
    pub vault: &'a VaultKey,
    /// `None` for an inventory retrieval.
    pub archive: Option<PlanArchive>,
    /// The bytes wanted, as the user gave them; `None` for the whole archive or an
    /// inventory.
    pub want: Option<ByteRange>,
    pub shape: PlanShape,
    pub made_by: &'a str,
    pub at: OffsetDateTime,
}

/// Where a job goes in a plan: the plan and the job's place in it, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanSlot {
    pub plan: PlanId,
    pub position: u32,
}

/// One job of a plan, at its place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanJob {
    /// From 0, in the plan's order.
    pub position: u32,
    /// The archive bytes the job retrieves, from its parameters; `None` for the
    /// whole archive or an inventory.
    pub range: Option<ByteRange>,
    /// The tier its parameters asked for (Glacier's answer may say another,
    /// and a job Glacier refused has no answer).
    pub asked_tier: Option<Tier>,
    /// Its output is staged, verified, for this plan's file.
    pub staged: bool,
    /// The job; `entry.plan` names its owner, which is another plan when this
    /// one reuses it.
    pub entry: JournalEntry,
}

/// The file a plan ended in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedFile {
    pub path: String,
    /// Whether every byte was checked against a tree hash.
    pub verified: bool,
    /// When it was finished, as the journal writes times (RFC 3339).
    pub at: String,
}

/// One plan as the journal holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    pub id: PlanId,
    pub vault: VaultKey,
    /// `None` for an inventory retrieval.
    pub archive: Option<PlanArchive>,
    /// `None` for the whole archive or an inventory.
    pub want: Option<ByteRange>,
    pub shape: PlanShape,
    pub made_by: String,
    /// When it was made, as the journal writes times (RFC 3339).
    pub made_at: String,
    /// In position order (ties, a renewed job beside the one it replaces, in the
    /// order they were journaled); may include jobs owned by earlier plans.
    pub jobs: Vec<PlanJob>,
    pub finished: Option<FinishedFile>,
}

impl PlanEntry {
    /// The jobs that count, one per position: a renewed job replaces the one
    /// before it at its place.
    pub fn current_jobs(&self) -> Vec<&PlanJob> {
        let positions: Vec<u32> = self.jobs.iter().map(|job| job.position).collect();
        current_positions(&positions)
            .into_iter()
            .map(|index| &self.jobs[index])
            .collect()
    }

    /// Where the plan stands at `now`.
    pub fn state(&self, now: OffsetDateTime) -> PlanState {
        let jobs: Vec<JobStanding> = self
            .current_jobs()
            .into_iter()
            .map(|job| JobStanding::of(job.entry.state.as_ref(), job.staged, now))
            .collect();
        plan_state(&jobs, self.finished.is_some())
    }

    /// The archive bytes its current jobs retrieve (what staging takes), when
    /// known: a job without a range retrieves the whole archive.
    pub fn retrieved_bytes(&self) -> Option<u64> {
        let size = self.archive.as_ref().and_then(|archive| archive.size);
        self.current_jobs()
            .into_iter()
            .map(|job| job.range.map(|range| range.len()).or(size))
            .sum()
    }
}

/// What a plan row holds, for the one place that writes it.
pub(super) struct NewPlan<'a> {
    pub vault_id: i64,
    pub archive: Option<&'a PlanArchive>,
    pub want: Option<ByteRange>,
    pub shape: PlanShape,
    pub made_by: &'a str,
    pub made_at: &'a str,
}

/// Writes a plan row; its id.
pub(super) fn insert_plan(conn: &Connection, plan: &NewPlan<'_>) -> rusqlite::Result<i64> {
    let archive = plan.archive;
    conn.execute(
        "INSERT INTO plan (vault_id, archive_id, archive_size, tree_hash, name, want, shape,
                           made_by, made_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            plan.vault_id,
            archive.map(|archive| &archive.archive_id),
            archive.and_then(|archive| archive.size.map(|size| size.to_string())),
            archive.and_then(|archive| archive.tree_hash.as_deref()),
            archive.and_then(|archive| archive.name.as_deref()),
            plan.want.map(|want| want.to_string()),
            plan.shape.as_str(),
            plan.made_by,
            plan.made_at,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Lists `job` in `plan` at `position`, as its owner or as a reuse.
pub(super) fn add_member(
    conn: &Connection,
    plan: i64,
    position: u32,
    job: i64,
    owner: bool,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO plan_job (plan, job, position, owner) VALUES (?1, ?2, ?3, ?4)",
        params![plan, job, position, owner],
    )
    .map(|_| ())
}

/// What a job's parameters say about the plan of one it makes on its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct JobFacts {
    pub inventory: bool,
    pub archive_id: Option<String>,
    pub range: Option<ByteRange>,
    pub tier: Option<Tier>,
}

impl JobFacts {
    /// Read leniently from an InitiateJob body: an unreadable one (the journal is
    /// a file anyone can edit) says nothing, rather than stop the journal.
    pub fn of_params(params_json: &str) -> Self {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(params_json) else {
            return Self::default();
        };
        let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
        Self {
            inventory: text("Type") == Some("inventory-retrieval"),
            archive_id: text("ArchiveId").map(str::to_owned),
            range: text("RetrievalByteRange").and_then(parse_range),
            tier: text("Tier").and_then(|tier| tier.parse().ok()),
        }
    }

    /// The plan of one job these facts make, made by `made_by` at `made_at`
    /// (as the journal writes times).
    pub fn plan_of_one(&self, made_by: &str, made_at: String) -> OneJobPlan {
        OneJobPlan {
            archive: self.archive_id.clone().map(|archive_id| PlanArchive {
                archive_id,
                ..PlanArchive::default()
            }),
            want: self.range,
            shape: PlanShape::of_single_job(self.inventory, self.range, None),
            made_by: made_by.to_owned(),
            made_at,
        }
    }
}

/// A plan of one job, ready to write beside it.
pub(super) struct OneJobPlan {
    pub archive: Option<PlanArchive>,
    pub want: Option<ByteRange>,
    pub shape: PlanShape,
    pub made_by: String,
    pub made_at: String,
}

impl OneJobPlan {
    /// Writes the plan and makes `job` its one job, owned.
    pub fn write(&self, conn: &Connection, vault_id: i64, job: i64) -> rusqlite::Result<i64> {
        let plan = insert_plan(
            conn,
            &NewPlan {
                vault_id,
                archive: self.archive.as_ref(),
                want: self.want,
                shape: self.shape,
                made_by: &self.made_by,
                made_at: &self.made_at,
            },
        )?;
        add_member(conn, plan, 0, job, true)?;
        Ok(plan)
    }
}

/// `START-END` in plain decimal, as Glacier and the journal write ranges.
pub(super) fn parse_range(text: &str) -> Option<ByteRange> {
    let (start, end) = text.split_once('-')?;
    let number = |digits: &str| {
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u64>().ok())
            .flatten()
    };
    ByteRange::new(number(start)?, number(end)?).ok()
}

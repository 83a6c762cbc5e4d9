//! Batches in the journal: many archives restored at once, chosen from a vault's
//! cached inventory (a folder, a filter, a list of ids, or everything). A batch is
//! written down, with one whole-archive plan per archive, before any of its jobs
//! is asked for; its plans then carry out the work as any plan does. A plan
//! belongs to at most one batch. The batch keeps what the user asked for (the
//! selection, the tier, the target folder, the pace) so that a later run can
//! take it up again, and when it was given up.

mod items;
mod read;
#[cfg(test)]
mod tests;
mod write;

use std::borrow::Cow;
use std::fmt;

use time::OffsetDateTime;

use super::catalog::VaultKey;
use super::journal::JournalId;
use super::plans::{PlanArchive, PlanId};
use crate::domain::job::TrackedJob;
use crate::domain::job_params::Tier;
use crate::store::lettered_id::lettered_id;
use crate::text::shown;

/// The batch tables (schema 5). `IF NOT EXISTS`, as for the plan tables.
pub(super) const BATCHES_DDL: &str = "
CREATE TABLE IF NOT EXISTS batch (
    id                 INTEGER PRIMARY KEY,
    vault_id           INTEGER NOT NULL REFERENCES vault(id),
    -- how the archives were chosen: under, filter, ids or all
    selection          TEXT NOT NULL,
    -- the folder, the filter, or where the ids came from ('1200 ids from
    -- ids.txt'); NULL for all
    selection_text     TEXT,
    -- Standard, Expedited or Bulk
    tier               TEXT NOT NULL,
    -- the target folder, as a canonical path
    target             TEXT NOT NULL,
    -- the pace the user asked for; NULL for no cap
    max_bytes_per_hour INTEGER,
    max_jobs_in_flight INTEGER,
    made_by            TEXT NOT NULL,
    made_at            TEXT NOT NULL,
    given_up_at        TEXT
);
CREATE INDEX IF NOT EXISTS batch_by_vault ON batch (vault_id);
CREATE TABLE IF NOT EXISTS batch_plan (
    batch INTEGER NOT NULL REFERENCES batch(id),
    plan  INTEGER NOT NULL REFERENCES plan(id),
    -- the archive's place in the batch, from 0
    ord   INTEGER NOT NULL,
    PRIMARY KEY (batch, plan),
    UNIQUE (batch, ord)
);
-- a plan belongs to at most one batch
CREATE UNIQUE INDEX IF NOT EXISTS batch_plan_by_plan ON batch_plan (plan);
";

/// The journal's key for a batch, shown to users as `B3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BatchId(pub i64);

/// Text that is not a batch id as users type them (`B3`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{}' is not a batch id; a batch id is B and a number, as batches are listed (for example B3)",
    crate::text::printable(.input)
)]
pub struct BatchIdError {
    pub input: String,
}

lettered_id!(BatchId, 'B', BatchIdError);

/// How a batch's archives were chosen from the cached inventory.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BatchSelection {
    /// Every archive under a folder of decoded names (the prefix, as given).
    Under(String),
    /// Every archive a filter matches (the filter, as given).
    Filter(String),
    /// The archives a list of ids names: where the list came from (a file
    /// name, for example) and how many ids it held.
    Ids { source: String, count: u64 },
    /// Every archive of the vault.
    All,
}

/// What the journal writes between the count of a list of ids and its source.
const IDS_FROM: &str = "ids from ";
const ID_FROM: &str = "id from ";

impl BatchSelection {
    /// The kind as the journal writes it: `under`, `filter`, `ids` or `all`.
    pub fn kind(&self) -> &'static str {
        match self {
            BatchSelection::Under(_) => "under",
            BatchSelection::Filter(_) => "filter",
            BatchSelection::Ids { .. } => "ids",
            BatchSelection::All => "all",
        }
    }

    /// The text the journal writes beside the kind: the folder, the filter, or
    /// the count and source of the ids (`1200 ids from ids.txt`); `None` for all.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            BatchSelection::Under(text) | BatchSelection::Filter(text) => Some(Cow::Borrowed(text)),
            BatchSelection::Ids { source, count } => {
                let from = if *count == 1 { ID_FROM } else { IDS_FROM };
                Some(Cow::Owned(format!("{count} {from}{source}")))
            }
            BatchSelection::All => None,
        }
    }

    /// The selection from the journal's kind and text; `None` when they are not
    /// what [`BatchSelection::kind`] and [`BatchSelection::text`] write.
    pub(super) fn from_stored(kind: &str, text: Option<String>) -> Option<Self> {
        match (kind, text) {
            ("under", Some(text)) => Some(BatchSelection::Under(text)),
            ("filter", Some(text)) => Some(BatchSelection::Filter(text)),
            ("ids", Some(text)) => {
                let (digits, rest) = text.split_once(' ')?;
                let count = digits
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| digits.parse().ok())??;
                let source = rest
                    .strip_prefix(IDS_FROM)
                    .or_else(|| rest.strip_prefix(ID_FROM))?;
                Some(BatchSelection::Ids {
                    source: source.to_owned(),
                    count,
                })
            }
            ("all", None) => Some(BatchSelection::All),
            _ => None,
        }
    }
}

impl fmt::Display for BatchSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchSelection::Under(folder) => write!(f, "the folder {}", shown(folder)),
            BatchSelection::Filter(filter) => write!(f, "archives matching '{}'", shown(filter)),
            BatchSelection::Ids { source, count } => write!(
                f,
                "{} archive id{} from {}",
                grouped(*count),
                if *count == 1 { "" } else { "s" },
                shown(source)
            ),
            BatchSelection::All => f.write_str("every archive"),
        }
    }
}

/// A count with thousands separators: `1,200`.
fn grouped(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The pace a batch's jobs may start at, as the user asked; `None` for no cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchLimits {
    pub max_bytes_per_hour: Option<u64>,
    pub max_jobs_in_flight: Option<u32>,
}

/// A batch about to be carried out; see
/// [`Store::record_batch`](super::Store::record_batch). The archives are
/// anything that holds a [`PlanArchive`], so a caller that keeps more of each
/// archive need not copy them all to record them.
#[derive(Debug, Clone)]
pub struct BatchIntent<'a, A = PlanArchive> {
    pub vault: &'a VaultKey,
    pub selection: &'a BatchSelection,
    pub tier: Tier,
    /// The target folder, as a canonical path.
    pub to: &'a str,
    pub limits: BatchLimits,
    pub made_by: &'a str,
    pub at: OffsetDateTime,
    /// The archives, in the order the batch restores them; each becomes a plan.
    pub archives: &'a [A],
}

/// One batch as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchEntry {
    pub id: BatchId,
    pub vault: VaultKey,
    pub selection: BatchSelection,
    pub tier: Tier,
    /// The target folder, as a canonical path.
    pub to: String,
    pub limits: BatchLimits,
    pub made_by: String,
    /// When it was made, as the journal writes times (RFC 3339).
    pub made_at: String,
    /// When it was given up, as the journal writes times.
    pub given_up_at: Option<String>,
    /// How many archives (and so plans) it holds.
    pub archives: u64,
}

/// One archive of a batch, compact enough to hold a hundred thousand of: its
/// plan, the archive, and where its newest job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    pub plan: PlanId,
    /// Its place in the batch, from 0.
    pub ord: u32,
    pub archive_id: String,
    /// The decoded name, as the inventory had it.
    pub name: Option<String>,
    pub size: Option<u64>,
    pub tree_hash: Option<String>,
    /// How many jobs the plan lists that Glacier started, renewals and retries
    /// included (a request Glacier refused is not a job).
    pub jobs: u32,
    /// How many of them failed.
    pub failures: u32,
    /// The job that counts now: the newest at the plan's last place, as
    /// [`PlanEntry::current_jobs`](super::PlanEntry::current_jobs) picks it.
    /// `None` while no job was asked for.
    pub current: Option<BatchJob>,
    /// The finished file's path, once the plan's bytes are in it.
    pub finished: Option<String>,
}

/// The job an item's plan counts on now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchJob {
    pub journal_id: JournalId,
    /// `None` for an intent whose InitiateJob never answered (or was refused).
    pub job_id: Option<String>,
    /// The job as last tracked; `None` until it started, and once the
    /// archive's file is finished (its job no longer matters). Boxed: only
    /// the jobs in flight have one, and inline it made every item of a
    /// hundred thousand twice the size.
    pub state: Option<Box<TrackedJob>>,
    /// `false` when the plan reuses a job another plan started.
    pub owned: bool,
    /// Glacier refused its InitiateJob: it never started, and nothing is to be
    /// looked for.
    pub refused: bool,
}

/// The sentence for a batch row that holds a value defrost never writes.
fn damaged(id: BatchId) -> super::StoreError {
    super::StoreError::refused(format!(
        "the journal's record of batch {id} is damaged; its plans are still listed on their own"
    ))
}

/// The sentence for a batch the journal does not hold.
fn no_such_batch(id: BatchId) -> String {
    format!("the journal has no batch {id}; list the batches to see the ones it holds")
}

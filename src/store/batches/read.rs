//! Reading batches: their rows with the count of their archives, and which
//! batch a plan belongs to.

use rusqlite::OptionalExtension;

use super::{BatchEntry, BatchId, BatchLimits, BatchSelection, damaged};
use crate::domain::job_params::Tier;
use crate::store::Store;
use crate::store::catalog::VaultKey;
use crate::store::error::{AtPath, StoreError};
use crate::store::plans::PlanId;
use crate::store::which::Which;

impl Store {
    /// Every batch (of one vault, or all), oldest first.
    pub fn batches(&self, vault: Option<&VaultKey>) -> Result<Vec<BatchEntry>, StoreError> {
        self.read_batches(vault.map_or(Which::All, Which::Vault))
    }

    /// The batch `id`, if the journal has it.
    pub fn batch(&self, id: BatchId) -> Result<Option<BatchEntry>, StoreError> {
        Ok(self.read_batches(Which::One(id.0))?.pop())
    }

    /// When the batch was given up, if it was: read alone, so that a running
    /// batch can look between rounds without counting its archives.
    pub fn batch_given_up_at(&self, id: BatchId) -> Result<Option<String>, StoreError> {
        let path = self.catalog.path();
        let found: Option<Option<String>> = self
            .catalog
            .read_connection()
            .prepare_cached("SELECT given_up_at FROM batch WHERE id = ?1")
            .at(path)?
            .query_row([id.0], |r| r.get(0))
            .optional()
            .at(path)?;
        Ok(found.flatten())
    }

    /// The batch `plan` was made for, if any: a plan belongs to one at most.
    pub fn batch_of_plan(&self, plan: PlanId) -> Result<Option<BatchId>, StoreError> {
        let path = self.catalog.path();
        self.catalog
            .read_connection()
            .prepare_cached("SELECT batch FROM batch_plan WHERE plan = ?1")
            .at(path)?
            .query_row([plan.0], |r| r.get(0).map(BatchId))
            .optional()
            .at(path)
    }

    fn read_batches(&self, which: Which<'_>) -> Result<Vec<BatchEntry>, StoreError> {
        let path = self.catalog.path();
        let (condition, values) = which.condition("b", "v");
        let mut statement = self
            .catalog
            .read_connection()
            .prepare_cached(&format!(
                "SELECT b.id, v.account, v.region, v.name, b.selection, b.selection_text, b.tier,
                        b.target, b.max_bytes_per_hour, b.max_jobs_in_flight, b.made_by,
                        b.made_at, b.given_up_at,
                        (SELECT count(*) FROM batch_plan bp WHERE bp.batch = b.id)
                 FROM batch b JOIN vault v ON v.id = b.vault_id
                 WHERE {condition} ORDER BY b.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), RawBatch::from_row)
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        rows.into_iter().map(RawBatch::into_entry).collect()
    }
}

/// A batch row as the catalog holds it, not yet checked.
struct RawBatch {
    id: i64,
    vault: VaultKey,
    selection: String,
    selection_text: Option<String>,
    tier: String,
    target: String,
    max_bytes_per_hour: Option<i64>,
    max_jobs_in_flight: Option<i64>,
    made_by: String,
    made_at: String,
    given_up_at: Option<String>,
    archives: i64,
}

impl RawBatch {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: r.get(0)?,
            vault: VaultKey {
                account: r.get(1)?,
                region: r.get(2)?,
                name: r.get(3)?,
            },
            selection: r.get(4)?,
            selection_text: r.get(5)?,
            tier: r.get(6)?,
            target: r.get(7)?,
            max_bytes_per_hour: r.get(8)?,
            max_jobs_in_flight: r.get(9)?,
            made_by: r.get(10)?,
            made_at: r.get(11)?,
            given_up_at: r.get(12)?,
            archives: r.get(13)?,
        })
    }

    /// The batch, refused as damaged when a value is not one defrost writes.
    fn into_entry(self) -> Result<BatchEntry, StoreError> {
        let id = BatchId(self.id);
        let selection = BatchSelection::from_stored(&self.selection, self.selection_text)
            .ok_or_else(|| damaged(id))?;
        let tier = Tier::ALL
            .into_iter()
            .find(|tier| tier.as_str() == self.tier)
            .ok_or_else(|| damaged(id))?;
        let limits = BatchLimits {
            max_bytes_per_hour: self
                .max_bytes_per_hour
                .map(u64::try_from)
                .transpose()
                .map_err(|_| damaged(id))?,
            max_jobs_in_flight: self
                .max_jobs_in_flight
                .map(u32::try_from)
                .transpose()
                .map_err(|_| damaged(id))?,
        };
        Ok(BatchEntry {
            id,
            vault: self.vault,
            selection,
            tier,
            to: self.target,
            limits,
            made_by: self.made_by,
            made_at: self.made_at,
            given_up_at: self.given_up_at,
            archives: u64::try_from(self.archives).map_err(|_| damaged(id))?,
        })
    }
}

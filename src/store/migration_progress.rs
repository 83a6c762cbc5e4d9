//! How far a vault's newest migration is, in two queries whatever its size:
//! the vaults pane asks after every copy and every look at Glacier, and a
//! migration of a hundred thousand archives must not be read archive by archive
//! for a count.

use rusqlite::OptionalExtension;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Store;
use super::batches::BatchId;
use super::error::{AtPath, StoreError};
use crate::domain::job_params::Tier;

/// The newest migration of a vault, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationProgress {
    pub batch: BatchId,
    pub bucket: String,
    /// Ends in `/`, or is empty.
    pub prefix: String,
    pub tier: Tier,
    /// The cap on bytes started per hour the migration was made with.
    pub max_bytes_per_hour: Option<u64>,
    pub archives: u64,
    pub bytes: u64,
    /// Copied and verified (or found in the bucket already).
    pub copied: u64,
    pub copied_bytes: u64,
    /// Not copied, with no job yet (or one asked for and never answered).
    pub to_start: u64,
    pub to_start_bytes: u64,
    /// Not copied, their job running.
    pub running: u64,
    /// Not copied, their output ready.
    pub ready: u64,
    /// Not copied, their job failed or its output expired: started again by
    /// the migration, or given up.
    pub failed: u64,
    /// When the newest running job started.
    pub newest_start: Option<OffsetDateTime>,
}

/// Each archive of the batch `?1` with the state of its current job (the
/// plan's last listed, as the batch's items take it), counted.
const COUNTS: &str = "
WITH item AS (
    SELECT CAST(p.archive_size AS INTEGER) AS size,
           p.finished_path IS NOT NULL AS copied,
           CASE WHEN json_valid(j.state) THEN json_extract(j.state, '$.status') END AS status,
           CASE WHEN json_valid(j.state) THEN json_extract(j.state, '$.started_at') END AS started
    FROM batch_plan bp
    JOIN plan p ON p.id = bp.plan
    LEFT JOIN job j ON j.id = (
        SELECT l.job FROM plan_job l WHERE l.plan = bp.plan
        ORDER BY l.position DESC, l.job DESC LIMIT 1)
    WHERE bp.batch = ?1
)
SELECT count(*), total(size),
       total(copied), total(CASE WHEN copied THEN size END),
       total(CASE WHEN NOT copied AND status IS NULL THEN 1 END),
       total(CASE WHEN NOT copied AND status IS NULL THEN size END),
       total(CASE WHEN NOT copied AND status = 'InProgress' THEN 1 END),
       total(CASE WHEN NOT copied AND status = 'Succeeded' THEN 1 END),
       total(CASE WHEN NOT copied AND status IN ('Failed', 'Expired') THEN 1 END),
       max(CASE WHEN NOT copied AND status = 'InProgress' THEN started END)
FROM item";

/// The batch's head: which migration is the newest of the vault.
struct Newest {
    batch: BatchId,
    bucket: String,
    prefix: String,
    tier: String,
    max_bytes_per_hour: Option<i64>,
}

impl Store {
    /// How far the newest migration of the vault named `name` in `region` is
    /// (of any account, as drains are counted); `None` when none was made.
    pub fn migration_progress(
        &self,
        region: &str,
        name: &str,
    ) -> Result<Option<MigrationProgress>, StoreError> {
        let path = self.catalog.path();
        let conn = self.catalog.read_connection();
        let newest = conn
            .prepare_cached(
                "SELECT b.id, bb.bucket, bb.prefix, b.tier, b.max_bytes_per_hour
                 FROM batch b JOIN batch_bucket bb ON bb.batch = b.id
                 JOIN vault v ON v.id = b.vault_id
                 WHERE v.region = ?1 AND v.name = ?2
                 ORDER BY b.id DESC LIMIT 1",
            )
            .at(path)?
            .query_row([region, name], |r| {
                Ok(Newest {
                    batch: BatchId(r.get(0)?),
                    bucket: r.get(1)?,
                    prefix: r.get(2)?,
                    tier: r.get(3)?,
                    max_bytes_per_hour: r.get(4)?,
                })
            })
            .optional()
            .at(path)?;
        let Some(newest) = newest else {
            return Ok(None);
        };
        let damaged = || {
            StoreError::refused(format!(
                "the journal's record of batch {} is damaged; its progress is not shown",
                newest.batch
            ))
        };
        let tier = (Tier::ALL.into_iter())
            .find(|tier| tier.as_str() == newest.tier)
            .ok_or_else(damaged)?;
        // Sums are taken as floats: a hundred thousand archives of 40 TiB
        // would overflow SQLite's integers, and a float is exact far beyond
        // any vault's byte count that matters on screen.
        let count = |value: f64| value.max(0.0) as u64;
        let progress = conn
            .prepare_cached(COUNTS)
            .at(path)?
            .query_row([newest.batch.0], |r| {
                Ok(MigrationProgress {
                    batch: newest.batch,
                    bucket: newest.bucket.clone(),
                    prefix: newest.prefix.clone(),
                    tier,
                    max_bytes_per_hour: newest
                        .max_bytes_per_hour
                        .and_then(|cap| u64::try_from(cap).ok()),
                    archives: r.get::<_, i64>(0)?.max(0) as u64,
                    bytes: count(r.get(1)?),
                    copied: count(r.get(2)?),
                    copied_bytes: count(r.get(3)?),
                    to_start: count(r.get(4)?),
                    to_start_bytes: count(r.get(5)?),
                    running: count(r.get(6)?),
                    ready: count(r.get(7)?),
                    failed: count(r.get(8)?),
                    newest_start: r
                        .get::<_, Option<String>>(9)?
                        .and_then(|text| OffsetDateTime::parse(&text, &Rfc3339).ok()),
                })
            })
            .at(path)?;
        Ok(Some(progress))
    }
}

#[cfg(test)]
#[path = "migration_progress_tests.rs"]
mod tests;

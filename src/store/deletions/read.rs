//! Reading deletions, and the proofs a drain may delete on: whole archives
//! downloaded and verified, whole archives copied to S3 and verified.

use super::{
    CopyProof, DeletionEntry, DeletionId, DeletionOutcome, DeletionProof, DeletionTotals,
    DownloadProof, damaged,
};
use crate::store::Store;
use crate::store::catalog::VaultKey;
use crate::store::error::{AtPath, StoreError};
use crate::store::which::Which;

impl Store {
    /// Every deletion of `vault`, in the order they were asked for.
    pub fn deletions(&self, vault: &VaultKey) -> Result<Vec<DeletionEntry>, StoreError> {
        let path = self.catalog.path();
        let which = Which::Vault(vault);
        let (condition, values) = which.condition("d", "v");
        let mut statement = self
            .catalog
            .read_connection()
            .prepare_cached(&format!(
                "SELECT d.id, d.archive_id, d.size, d.created, d.proof, d.proof_text, d.made_by,
                        d.asked_at, d.done_at, d.outcome
                 FROM deletion d JOIN vault v ON v.id = d.vault_id
                 WHERE {condition} ORDER BY d.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), |r| {
                Ok((
                    DeletionId(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            })
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        rows.into_iter()
            .map(
                |(
                    id,
                    archive_id,
                    size,
                    created,
                    kind,
                    text,
                    made_by,
                    asked_at,
                    done_at,
                    outcome,
                )| {
                    let proof =
                        DeletionProof::from_stored(&kind, text).ok_or_else(|| damaged(id))?;
                    let done = match (done_at, outcome) {
                        (Some(at), Some(outcome)) => Some((
                            at,
                            DeletionOutcome::from_stored(&outcome).ok_or_else(|| damaged(id))?,
                        )),
                        (None, None) => None,
                        _ => return Err(damaged(id)),
                    };
                    Ok(DeletionEntry {
                        id,
                        archive_id,
                        size: u64::try_from(size).map_err(|_| damaged(id))?,
                        created,
                        proof,
                        made_by,
                        asked_at,
                        done,
                    })
                },
            )
            .collect()
    }

    /// How far the drains of the vault named `name` in `region` are (of any
    /// account): asked, answered and the bytes answered, without reading each.
    pub fn deletion_totals(&self, region: &str, name: &str) -> Result<DeletionTotals, StoreError> {
        let path = self.catalog.path();
        self.catalog
            .read_connection()
            .prepare_cached(
                "SELECT count(*), count(d.done_at),
                        coalesce(sum(CASE WHEN d.done_at IS NOT NULL THEN d.size END), 0)
                 FROM deletion d JOIN vault v ON v.id = d.vault_id
                 WHERE v.region = ?1 AND v.name = ?2",
            )
            .at(path)?
            .query_row([region, name], |r| {
                Ok(DeletionTotals {
                    asked: r.get::<_, i64>(0)?.max(0) as u64,
                    done: r.get::<_, i64>(1)?.max(0) as u64,
                    done_bytes: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })
            .at(path)
    }

    /// Whole archives of `vault` downloaded into a file and verified against
    /// their tree hash, oldest first; an archive downloaded twice is listed
    /// twice.
    pub fn download_proofs(&self, vault: &VaultKey) -> Result<Vec<DownloadProof>, StoreError> {
        let path = self.catalog.path();
        let which = Which::Vault(vault);
        let (condition, values) = which.condition("p", "pv");
        let mut statement = self
            .catalog
            .read_connection()
            .prepare_cached(&format!(
                "SELECT p.archive_id, p.finished_path, p.archive_size, p.tree_hash
                 FROM plan p JOIN vault pv ON pv.id = p.vault_id
                 WHERE {condition} AND p.want IS NULL AND p.archive_id IS NOT NULL
                   AND p.finished_path IS NOT NULL AND p.finished_verified = 1
                   AND p.finished_path NOT LIKE 's3://%'
                 ORDER BY p.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), |r| {
                Ok(DownloadProof {
                    archive_id: r.get(0)?,
                    path: r.get(1)?,
                    size: r
                        .get::<_, Option<String>>(2)?
                        .and_then(|text| text.parse().ok()),
                    tree_hash: r.get(3)?,
                })
            })
            .at(path)?;
        rows.collect::<Result<_, _>>().at(path)
    }

    /// Whole archives of `vault` copied to S3, the copy completed and its tree
    /// hash checked, oldest first.
    pub fn copy_proofs(&self, vault: &VaultKey) -> Result<Vec<CopyProof>, StoreError> {
        let path = self.catalog.path();
        let which = Which::Vault(vault);
        let (condition, values) = which.condition("p", "pv");
        let mut statement = self
            .catalog
            .read_connection()
            .prepare_cached(&format!(
                "SELECT p.archive_id, u.bucket, u.key, p.tree_hash, u.checksum
                 FROM upload u JOIN plan p ON p.id = u.plan JOIN vault pv ON pv.id = p.vault_id
                 WHERE {condition} AND p.archive_id IS NOT NULL AND p.want IS NULL
                   AND u.completed_at IS NOT NULL
                 ORDER BY u.id"
            ))
            .at(path)?;
        let rows = statement
            .query_map(values.as_slice(), |r| {
                Ok(CopyProof {
                    archive_id: r.get(0)?,
                    bucket: r.get(1)?,
                    key: r.get(2)?,
                    tree_hash: r.get(3)?,
                    checksum: r.get(4)?,
                })
            })
            .at(path)?;
        rows.collect::<Result<_, _>>().at(path)
    }
}

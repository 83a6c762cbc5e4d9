//! Writing deletions: the intent before DeleteArchive is sent, the answer after.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{DeletionId, DeletionIntent, DeletionOutcome};
use crate::store::Store;
use crate::store::catalog::{VaultKey, ensure_vault, rfc3339};
use crate::store::error::StoreError;

impl Store {
    /// Writes down that `intent`'s archive is about to be deleted, before the
    /// request goes out; the deletion's id. An archive of the vault already
    /// written down keeps its first record (and its proof): asking again is the
    /// same deletion, not another.
    pub fn record_deletion_asked(
        &mut self,
        vault: &VaultKey,
        intent: &DeletionIntent<'_>,
    ) -> Result<DeletionId, StoreError> {
        let size = i64::try_from(intent.size).map_err(|_| {
            StoreError::refused(format!(
                "archive {} is larger than the journal can record",
                crate::text::printable(intent.archive_id)
            ))
        })?;
        self.change(|tx| {
            let vault_id = ensure_vault(tx, vault)?;
            let known: Option<i64> = tx
                .query_row(
                    "SELECT id FROM deletion WHERE vault_id = ?1 AND archive_id = ?2",
                    params![vault_id, intent.archive_id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(id) = known {
                return Ok(DeletionId(id));
            }
            tx.execute(
                "INSERT INTO deletion (vault_id, archive_id, size, created, proof, proof_text,
                                       made_by, asked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    vault_id,
                    intent.archive_id,
                    size,
                    intent.created,
                    intent.proof.kind(),
                    intent.proof.text(),
                    intent.made_by,
                    rfc3339(intent.at),
                ],
            )?;
            Ok(DeletionId(tx.last_insert_rowid()))
        })
    }

    /// Writes down Glacier's answer. The first answer stays: a later one for
    /// the same deletion (a retry that found it gone) changes nothing.
    pub fn record_deletion_done(
        &mut self,
        id: DeletionId,
        outcome: DeletionOutcome,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change_or_refuse(|tx| {
            let changed = tx.execute(
                "UPDATE deletion SET done_at = coalesce(done_at, ?2),
                                     outcome = coalesce(outcome, ?3)
                 WHERE id = ?1",
                params![id.0, rfc3339(at), outcome.as_str()],
            )?;
            Ok(if changed == 0 {
                Err(format!("the journal has no deletion {}", id.0))
            } else {
                Ok(())
            })
        })
    }
}

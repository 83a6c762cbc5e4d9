//! The same migration asked for again: an earlier batch of the vault, not
//! given up, with the same selection, bucket, prefix and storage class, that
//! holds exactly the archives selected now under exactly the keys they would
//! get now. Going on with it resumes each copy from its last journaled part;
//! anything else (another names file, a newer inventory, another class) is a
//! new migration.

use std::collections::HashSet;

use super::{MigrateError, MigrationRequest};
use crate::domain::migrate::{KeySource, plan_keys};
use crate::store::{ArchiveRow, BatchEntry, Store};

/// The unfinished migration `request` over `rows` would make again, if any.
pub fn earlier_migration(
    store: &Store,
    request: &MigrationRequest,
    rows: &[ArchiveRow],
) -> Result<Option<BatchEntry>, MigrateError> {
    let address = format!("s3://{}/{}", request.bucket, request.prefix.as_str());
    let selection = &request.batch.selection;
    let mut candidates = Vec::new();
    for batch in store.batches(Some(&request.batch.vault))?.into_iter().rev() {
        let same_shape = batch.given_up_at.is_none()
            && batch.to == address
            && batch.selection.kind() == selection.kind()
            && batch.selection.text() == selection.text()
            && batch.archives == rows.len() as u64;
        let same_class = same_shape
            && store
                .batch_bucket(batch.id)?
                .is_some_and(|target| target.storage_class == request.storage_class.as_str());
        if same_class {
            candidates.push(batch);
        }
    }
    if candidates.is_empty() {
        return Ok(None);
    }
    let sources: Vec<KeySource<'_>> = (rows.iter())
        .map(|row| KeySource {
            archive_id: &row.archive_id,
            description: &row.description,
        })
        .collect();
    let keys = plan_keys(&request.prefix, &sources, &request.overrides);
    let wanted: HashSet<(&str, &str)> = (rows.iter().zip(&keys))
        .map(|(row, planned)| (row.archive_id.as_str(), planned.key.as_str()))
        .collect();
    for batch in candidates {
        let held = store.batch_keys(batch.id)?;
        let same = held.len() == wanted.len()
            && (held.iter()).all(|(id, key)| wanted.contains(&(id.as_str(), key.as_str())));
        if same {
            return Ok(Some(batch));
        }
    }
    Ok(None)
}

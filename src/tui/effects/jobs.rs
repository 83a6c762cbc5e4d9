//! Bringing the journal's jobs up to date from the screen, with the plans they
//! carry out and the names of the archives they retrieve.

use std::collections::HashMap;
use std::path::Path;

use time::OffsetDateTime;

use super::ScreenWords;
use crate::glacier::GlacierApi;
use crate::store::{BatchId, JournalEntry, Snapshot, Store, StoreError, VaultKey};
use crate::tracking::batch::tally;
use crate::tracking::sync_vault_jobs;
use crate::tui::batch::BatchRow;
use crate::tui::msg::Journal;

/// The journal after a sync, and the first problem met on the way (the journal
/// is still shown when one vault could not be asked).
pub struct Synced {
    /// The jobs and their plans, read together so the pane never shows a job
    /// without the plan it belongs to.
    pub entries: Journal,
    pub names: HashMap<String, String>,
    pub problem: Option<String>,
}

/// ListJobs on each vault, then the journal. `glacier` is awaited only when the
/// cache can be written: bringing the journal up to date writes it, and a
/// read-only cache shows the journal as it is.
pub async fn sync_jobs<G: GlacierApi>(
    glacier: impl Future<Output = Option<std::sync::Arc<G>>>,
    data_dir: &Path,
    words: &ScreenWords,
    vaults: &[VaultKey],
    open_batches: &[BatchId],
) -> Result<Synced, String> {
    let mut store = Store::open_for_reading(data_dir).map_err(|err| words.error(&err))?;
    let mut problem = None;
    let glacier = if store.is_read_only() {
        None
    } else {
        glacier.await
    };
    if let Some(glacier) = glacier {
        for vault in vaults {
            let now = OffsetDateTime::now_utc();
            if let Err(err) = sync_vault_jobs(&*glacier, &mut store, vault, now).await {
                problem.get_or_insert(words.error(&err));
            }
        }
    }
    let entries = store.loose_journal().map_err(|err| words.error(&err))?;
    let plans = store.loose_plans().map_err(|err| words.error(&err))?;
    let batches = batch_rows(&store, open_batches).map_err(|err| words.error(&err))?;
    let names = archive_names(&store, &entries);
    Ok(Synced {
        entries: Journal {
            entries,
            plans,
            batches,
        },
        names,
        problem,
    })
}

/// Every batch with its standing, and the archives of those in `open`.
fn batch_rows(store: &Store, open: &[BatchId]) -> Result<Vec<BatchRow>, StoreError> {
    let now = OffsetDateTime::now_utc();
    let mut rows = Vec::new();
    for entry in store.batches(None)? {
        let items = store.batch_items(entry.id)?;
        let tally = tally(&items, now);
        let items = if open.contains(&entry.id) {
            items
        } else {
            Vec::new()
        };
        rows.push(BatchRow {
            entry,
            tally,
            items,
        });
    }
    Ok(rows)
}

/// The decoded names of the archives `entries` retrieve, from the newest cached
/// inventory of each job's vault; archives no cached inventory lists are left out.
fn archive_names(store: &Store, entries: &[JournalEntry]) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let mut snapshots: HashMap<VaultKey, Option<Snapshot>> = HashMap::new();
    for entry in entries {
        let Some(id) = entry
            .state
            .as_ref()
            .and_then(|job| job.archive_id.as_deref())
        else {
            continue;
        };
        let snapshot = snapshots.entry(entry.vault.clone()).or_insert_with(|| {
            let vault = store
                .find_vault(&entry.vault.name, None, Some(&entry.vault.region))
                .ok()?;
            let info = store.snapshot_of(&vault, None).ok()?;
            store.open_snapshot(&info).ok()
        });
        if let Some(row) = snapshot
            .as_ref()
            .and_then(|s| s.find_archive(id).ok().flatten())
        {
            names.insert(id.to_owned(), row.name);
        }
    }
    names
}

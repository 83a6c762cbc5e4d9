//! Importing an inventory: one thread reads it and another decodes the names
//! while this one writes the snapshot file, so the stages of the work overlap.
//! The file stays a private temporary until the inventory has been read to its
//! end and checked; only then is it synced, renamed into place and named in the
//! catalog, so a failed or interrupted import leaves nothing behind.

mod stages;
mod vault;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tempfile::NamedTempFile;
use time::OffsetDateTime;

use super::Store;
use super::catalog::{NewSnapshot, SnapshotInfo, VaultKey};
use super::error::{StoreError, io_error};
use super::leftovers::create_locked;
use super::snapshot::{FileOptions, OrdersWriter, SnapshotWriter};
use crate::domain::inventory::{InventoryFormat, Timestamp};
use stages::{Gathered, read_and_store, write_orders};
pub use vault::check_vault_name;
use vault::resolve_vault;

/// What the user said about the inventory being imported.
pub struct ImportRequest {
    pub format: InventoryFormat,
    /// `--vault`: must agree with the inventory's VaultARN when it has one.
    pub vault_name: String,
    /// `--account`; else the VaultARN's; else `-` (the credentials' account).
    pub account: Option<String>,
    /// `--region`; must agree with the VaultARN's.
    pub region: Option<String>,
    /// Where the region comes from when neither `--region` nor the inventory
    /// names one (the AWS_REGION environment variable, say).
    pub default_region: Option<String>,
    /// The inventory's date for CSV, which does not record one; defaults to
    /// `obtained_at`. JSON carries its own InventoryDate.
    pub inventory_date: Option<Timestamp>,
    /// How the inventory was obtained, for the catalog (`file inv.json`, `stdin`).
    pub source: String,
    pub obtained_at: OffsetDateTime,
}

/// How far an import has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    pub bytes_read: u64,
    pub archives: u64,
    /// Set once every archive is stored and the orders are being sorted and
    /// written (seconds at ten million archives).
    pub ordering: bool,
}

impl Store {
    /// Imports the inventory `reader` yields as a new snapshot and returns it.
    /// `progress` is called now and then from this thread.
    pub fn import<R: Read + Send>(
        &mut self,
        reader: R,
        request: ImportRequest,
        progress: impl FnMut(ImportProgress),
    ) -> Result<SnapshotInfo, StoreError> {
        self.import_pages(vec![reader], request, progress)
    }

    /// Imports the pages of one inventory (the outputs of an inventory retrieval
    /// run with `Limit`, one job per page, in order) as one new snapshot, as if
    /// they were one document: all or nothing, an archive id listed on two pages
    /// refused like one listed twice on a page. The pages must name the same vault;
    /// the snapshot takes the oldest of their inventory dates, so it never claims
    /// to be fresher than any part of it.
    pub fn import_pages<R: Read + Send>(
        &mut self,
        pages: Vec<R>,
        request: ImportRequest,
        progress: impl FnMut(ImportProgress),
    ) -> Result<SnapshotInfo, StoreError> {
        self.import_pages_with(pages, request, progress, &FileOptions::default())
    }

    /// [`Store::import_pages`] into a snapshot file made as `options` say (the
    /// tests make files the page writer must not write into).
    pub(crate) fn import_pages_with<R: Read + Send>(
        &mut self,
        pages: Vec<R>,
        request: ImportRequest,
        mut progress: impl FnMut(ImportProgress),
        options: &FileOptions<'_>,
    ) -> Result<SnapshotInfo, StoreError> {
        self.check_import(&request, pages.len())?;
        let started = Instant::now();
        let snapshots_dir = self.snapshots_dir().to_path_buf();
        let (partial, mut writer) = create_partial(&snapshots_dir, options)?;
        let bytes_read = Arc::new(AtomicU64::new(0));
        let mut gathered = Gathered::new(&snapshots_dir);
        let outcome = read_and_store(
            pages,
            request.format,
            &mut writer,
            &mut gathered,
            &bytes_read,
            &mut progress,
        )?;
        let (first_position, text) = gathered.search_text.take(0);
        writer.add_search_chunk(first_position, &text)?;
        let writer = writer.finish_rows()?;
        tracing::debug!(elapsed = ?started.elapsed(), "import: archives read and stored");
        let (vault, inventory_date) = resolve_vault(outcome.header.as_ref(), &request)?;
        progress(ImportProgress {
            bytes_read: bytes_read.load(Ordering::Relaxed),
            archives: u64::from(writer.totals().0),
            ordering: true,
        });
        let (archive_count, total_size) =
            write_orders_while_syncing(&partial, &writer, gathered, &snapshots_dir, started)?;
        writer.finish(&[
            ("vault", vault.to_string()),
            ("inventory_date", inventory_date.to_string()),
        ])?;
        progress(ImportProgress {
            bytes_read: bytes_read.load(Ordering::Relaxed),
            archives: u64::from(archive_count),
            ordering: true,
        });
        tracing::debug!(elapsed = ?started.elapsed(), "import: file complete");
        let totals = (u64::from(archive_count), total_size);
        let published = self.publish(partial, &vault, inventory_date, totals, &request);
        tracing::debug!(elapsed = ?started.elapsed(), "import: published");
        published
    }

    /// Refuses, before anything is made, an import into a read-only store, under
    /// a name Glacier would refuse, or of no page at all.
    fn check_import(&self, request: &ImportRequest, page_count: usize) -> Result<(), StoreError> {
        self.check_writable()?;
        check_vault_name(&request.vault_name)?;
        if page_count == 0 {
            return Err(StoreError::refused(
                "there is no inventory to import: no page was given",
            ));
        }
        Ok(())
    }

    /// Syncs the finished file, moves it into place and records it.
    fn publish(
        &mut self,
        partial: NamedTempFile,
        vault: &VaultKey,
        inventory_date: Timestamp,
        (archive_count, total_size): (u64, u128),
        request: &ImportRequest,
    ) -> Result<SnapshotInfo, StoreError> {
        partial
            .as_file()
            .sync_all()
            .map_err(io_error("sync", partial.path()))?;
        tracing::debug!("import: file synced");
        let file_name = partial
            .path()
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".partial"))
            .map(|stem| format!("{stem}.sqlite"))
            .ok_or_else(|| StoreError::refused("the new snapshot file has an unexpected name"))?;
        let final_path = self.snapshots_dir().join(&file_name);
        // The open file keeps its lock through the rename until it is recorded.
        let _locked = partial
            .persist_noclobber(&final_path)
            .map_err(|err| StoreError::Io {
                action: "move into place",
                path: final_path.clone(),
                source: err.error,
            })?;
        sync_dir(self.snapshots_dir());
        let registered = self.catalog.register(&NewSnapshot {
            vault,
            inventory_date,
            obtained_at: request.obtained_at,
            source: &request.source,
            format: request.format,
            archive_count,
            total_size,
            file_name: &file_name,
        });
        if registered.is_err() {
            // Not in the catalog, so no one will ever read it.
            let _ = std::fs::remove_file(&final_path);
        }
        registered
    }
}

/// The new snapshot file, as a temporary in `snapshots_dir`, and its writer.
fn create_partial(
    snapshots_dir: &Path,
    options: &FileOptions<'_>,
) -> Result<(NamedTempFile, SnapshotWriter), StoreError> {
    // Locked until it is recorded, so that no sweep takes it for a leftover.
    let partial = create_locked(snapshots_dir, "snapshot-", ".partial")
        .map_err(io_error("create a file in", snapshots_dir))?;
    let writer = SnapshotWriter::create_with(partial.path(), options)?;
    Ok((partial, writer))
}

/// Sorts and writes the orders, and returns the archives' count and total size.
/// The rows and search text, nearly all of the file, are written: they start
/// going to disk meanwhile, so that the sync before the file is published has
/// little left to do.
fn write_orders_while_syncing(
    partial: &NamedTempFile,
    writer: &OrdersWriter,
    gathered: Gathered,
    snapshots_dir: &Path,
    started: Instant,
) -> Result<(u32, u128), StoreError> {
    let early_sync = partial.as_file().try_clone().ok();
    let (orders, totals) = std::thread::scope(|scope| {
        if let Some(file) = early_sync {
            scope.spawn(move || file.sync_data());
        }
        let orders = write_orders(writer, gathered.keys, gathered.names, snapshots_dir);
        tracing::debug!(elapsed = ?started.elapsed(), "import: orders written");
        (orders, writer.totals())
    });
    orders.map(|()| totals)
}

/// Makes a rename durable; best effort, since not every platform can sync a folder.
fn sync_dir(dir: &std::path::Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

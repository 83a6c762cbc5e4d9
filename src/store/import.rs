//! Importing an inventory: one thread reads it and another decodes the names
//! while this one writes the snapshot file, so the stages of the work overlap.
//! The file stays a private temporary until the inventory has been read to its
//! end and checked; only then is it synced, renamed into place and named in the
//! catalog, so a failed or interrupted import leaves nothing behind.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use time::OffsetDateTime;

use super::Store;
use super::catalog::{NewSnapshot, SnapshotInfo, VaultKey};
use super::error::{StoreError, io_error};
use super::snapshot::{
    DecodedRow, KeyOrders, NameChunk, NameOrder, OrdersWriter, RowBatch, SearchTextBuilder,
    SnapshotWriter, name_chunks, name_order_key, sorted,
};
use crate::domain::inventory::{
    DuplicateIds, InventoryFormat, InventoryHeader, ReadError, ReadOptions, Timestamp,
    read_inventory,
};
use crate::domain::names::{decode, display_form};

/// Archives handed from the reading thread to the writing one at a time.
const BATCH: usize = 1024;
/// Batches in flight: enough to keep both threads busy, little memory.
const BATCHES_IN_FLIGHT: usize = 4;

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

/// What the reading thread has once the whole inventory is read.
struct ReadOutcome {
    header: Option<InventoryHeader>,
}

/// What the writing thread gathers from the rows besides storing them: the
/// orders, sorted once the inventory is read, and the search text.
struct Gathered {
    keys: KeyOrders,
    names: NameOrder,
    search_text: SearchTextBuilder,
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
        mut progress: impl FnMut(ImportProgress),
    ) -> Result<SnapshotInfo, StoreError> {
        check_vault_name(&request.vault_name)?;
        if pages.is_empty() {
            return Err(StoreError::refused(
                "there is no inventory to import: no page was given",
            ));
        }
        let started = std::time::Instant::now();
        let snapshots_dir = self.snapshots_dir().to_path_buf();
        let partial = tempfile::Builder::new()
            .prefix("snapshot-")
            .suffix(".partial")
            .tempfile_in(&snapshots_dir)
            .map_err(io_error("create a file in", &snapshots_dir))?;
        let mut writer = SnapshotWriter::create(partial.path())?;

        let bytes_read = Arc::new(AtomicU64::new(0));
        let counting: Vec<CountingReader<R>> = pages
            .into_iter()
            .map(|page| CountingReader {
                inner: page,
                count: Arc::clone(&bytes_read),
            })
            .collect();
        let format = request.format;
        let (read_sender, read_receiver) = mpsc::sync_channel::<RowBatch>(BATCHES_IN_FLIGHT);
        let (sender, receiver) = mpsc::sync_channel::<RowBatch>(BATCHES_IN_FLIGHT);
        let mut gathered = Gathered {
            keys: KeyOrders::new(&snapshots_dir),
            names: NameOrder::new(&snapshots_dir),
            search_text: SearchTextBuilder::default(),
        };
        let outcome = std::thread::scope(|scope| {
            let reader = scope.spawn(move || read_rows(counting, format, read_sender));
            scope.spawn(move || decode_names(read_receiver, sender));
            let mut write_result = Ok(());
            // How long this thread works rather than waits: beside the read's
            // length, it tells which of the two threads sets the pace.
            let mut writing = std::time::Duration::ZERO;
            for batch in &receiver {
                let batch_started = std::time::Instant::now();
                write_result = store_batch(&mut writer, &mut gathered, batch);
                writing += batch_started.elapsed();
                if write_result.is_err() {
                    break;
                }
                progress(ImportProgress {
                    bytes_read: bytes_read.load(Ordering::Relaxed),
                    archives: u64::from(writer.totals().0),
                    ordering: false,
                });
            }
            tracing::debug!(?writing, "import: the writing thread's share of the read");
            // Dropping the receiver stops a reader still sending after an error.
            drop(receiver);
            let read = reader.join().unwrap_or_else(|_| {
                Err(StoreError::refused(
                    "reading the inventory failed unexpectedly",
                ))
            });
            write_result.and(read)
        })?;
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
        // The rows and search text, nearly all of the file, are written: start
        // putting them on disk while the orders are sorted, so that the sync
        // before the file is published has little left to do.
        let early_sync = partial.as_file().try_clone().ok();
        let (orders, archive_count, total_size) = std::thread::scope(|scope| {
            if let Some(file) = early_sync {
                scope.spawn(move || file.sync_data());
            }
            let orders = write_orders(&writer, gathered.keys, gathered.names, &snapshots_dir);
            tracing::debug!(elapsed = ?started.elapsed(), "import: orders written");
            let totals = writer.totals();
            (orders, totals.0, totals.1)
        });
        orders?;
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

    /// Syncs the finished file, moves it into place and records it.
    fn publish(
        &mut self,
        partial: tempfile::NamedTempFile,
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
        partial
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

/// Sorts and writes the orders, and checks ids, on both cores: the names are
/// sorted in two halves on two threads and the size and creation orders on a
/// third, while this thread checks ids and then writes what the others sorted.
fn write_orders(
    writer: &OrdersWriter,
    keys: KeyOrders,
    names: NameOrder,
    spill_dir: &std::path::Path,
) -> Result<(), StoreError> {
    let KeyOrders {
        by_size,
        by_created,
        by_id_hash,
    } = keys;
    let by_name = names.by_name;
    let (sender, receiver) = mpsc::sync_channel::<NameChunk>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| {
        let names = scope
            .spawn(move || name_chunks(by_name, spill_dir, |chunk| sender.send(chunk).is_ok()));
        let path = writer.path();
        let key_orders = scope.spawn(move || {
            Ok::<_, StoreError>((sorted(by_size, path)?, sorted(by_created, path)?))
        });
        let checked = writer.check_unique_ids(by_id_hash);
        let key_orders = key_orders.join().unwrap_or_else(|_| {
            Err(StoreError::refused(
                "sorting the archives failed unexpectedly",
            ))
        });
        // Name chunks that are ready are stored between the chunks of the key
        // orders, so that the name threads do not wait for those to be written.
        let store_ready_names = || {
            while let Ok(chunk) = receiver.try_recv() {
                writer.add_name_chunk(&chunk)?;
            }
            Ok(())
        };
        let mut result = checked.and(key_orders).and_then(|(by_size, by_created)| {
            writer.write_key_order("size", by_size, store_ready_names)?;
            writer.write_key_order("created", by_created, store_ready_names)
        });
        tracing::debug!("import: key orders written");
        if result.is_ok() {
            for chunk in &receiver {
                result = writer.add_name_chunk(&chunk);
                if result.is_err() {
                    break;
                }
            }
        }
        drop(receiver);
        let named = names
            .join()
            .unwrap_or_else(|_| Err(StoreError::refused("sorting the names failed unexpectedly")));
        result.and(named)
    })
}

/// Stores a batch of rows, adds each to the search text and the orders, and
/// stores the search text as its rows fill.
fn store_batch(
    writer: &mut SnapshotWriter,
    gathered: &mut Gathered,
    rows: RowBatch,
) -> Result<(), StoreError> {
    writer.add_rows(&rows)?;
    for row in rows.iter() {
        gathered
            .keys
            .add(&row)
            .map_err(io_error("write a sort run in", writer.path()))?;
        if let Some((first_position, text)) =
            gathered
                .search_text
                .add(row.position, row.name, row.description, row.archive_id)
        {
            writer.add_search_chunk(first_position, &text)?;
        }
        gathered
            .names
            .add(row.position, name_order_key(row.name, row.named), row.size)
            .map_err(io_error("write a sort run in", writer.path()))?;
    }
    Ok(())
}

/// The reading thread: parses the pages and hands their archives on in batches,
/// to have their names decoded on another thread (the three stages share two
/// cores more evenly than two would). Returns once every page has been read to
/// its end.
fn read_rows<R: Read>(
    pages: Vec<R>,
    format: InventoryFormat,
    sender: mpsc::SyncSender<RowBatch>,
) -> Result<ReadOutcome, StoreError> {
    let mut batch = RowBatch::with_capacity(BATCH);
    let mut position: u32 = 0;
    let mut failure: Option<StoreError> = None;
    // Duplicate ids are found exactly afterwards, in far less memory.
    let options = ReadOptions {
        duplicate_ids: DuplicateIds::Allow,
    };
    let mut on_archive = |archive: crate::domain::inventory::InventoryArchive| {
        let Some(next) = position.checked_add(1) else {
            failure = Some(StoreError::refused(
                "the inventory lists more than 4294967295 archives, more than defrost can cache",
            ));
            return Err(Stop);
        };
        position = next;
        batch.push(position, &archive);
        if batch.row_count() == BATCH {
            let rows = std::mem::replace(&mut batch, RowBatch::with_capacity(BATCH));
            sender.send(rows).map_err(|_| Stop)?;
        }
        Ok(())
    };
    let mut header: Option<InventoryHeader> = None;
    let mut summary = Ok(());
    for page in pages {
        match read_inventory(format, page, options, &mut on_archive) {
            Ok(read) => header = merge_headers(header, read.header)?,
            Err(err) => {
                summary = Err(err);
                break;
            }
        }
    }
    match summary {
        Ok(()) => {
            // A writer that stopped has its own error to report.
            let _ = sender.send(batch);
            Ok(ReadOutcome { header })
        }
        Err(ReadError::Inventory(err)) => Err(StoreError::Inventory(err)),
        Err(ReadError::Stopped(Stop)) => match failure {
            Some(err) => Err(err),
            // The writer failed and says why; this side has nothing to add.
            None => Ok(ReadOutcome { header: None }),
        },
    }
}

/// The decoding thread: finds each archive's name in its description, between
/// the reading thread and the writing one. Stops when either goes.
fn decode_names(batches: mpsc::Receiver<RowBatch>, sender: mpsc::SyncSender<RowBatch>) {
    for mut batch in batches {
        batch.decode_names(decode_row);
        if sender.send(batch).is_err() {
            return;
        }
    }
}

/// What an archive's description says, as the snapshot stores it.
fn decode_row(archive_id: &str, description: &str) -> DecodedRow {
    let decoded = decode(description);
    let (format, is_folder) = (decoded.format, decoded.is_folder);
    let modified = decoded.modified.map(OffsetDateTime::unix_timestamp);
    let shown = decoded.into_shown_name();
    let named = shown.is_some();
    let name = shown.unwrap_or_else(|| display_form(archive_id));
    DecodedRow {
        name,
        named,
        format,
        is_folder,
        modified,
    }
}

/// What the pages of one inventory say about it together: they must name one
/// vault, and the oldest date stands for the whole.
fn merge_headers(
    so_far: Option<InventoryHeader>,
    page: Option<InventoryHeader>,
) -> Result<Option<InventoryHeader>, StoreError> {
    match (so_far, page) {
        (Some(first), Some(page)) if first.vault_arn != page.vault_arn => {
            Err(StoreError::refused(format!(
                "the inventory's pages are of two vaults ('{}' and '{}'); import each vault's pages on their own",
                first.vault_arn, page.vault_arn
            )))
        }
        (Some(first), Some(page)) => Ok(Some(if page.inventory_date < first.inventory_date {
            page
        } else {
            first
        })),
        (Some(header), None) | (None, Some(header)) => Ok(Some(header)),
        (None, None) => Ok(None),
    }
}

/// Reading was stopped: by a failure recorded beside it, or by the writer.
#[derive(Debug)]
struct Stop;

/// Counts bytes read, for the progress bar.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// Makes a rename durable; best effort, since not every platform can sync a folder.
fn sync_dir(dir: &std::path::Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Glacier's rule for vault names: 1 to 255 of `a-z A-Z 0-9 _ - .`.
pub fn check_vault_name(name: &str) -> Result<(), StoreError> {
    let valid = (1..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(StoreError::refused(format!(
            "'{name}' is not a vault name; Glacier names are 1 to 255 letters, digits, '_', '-' and '.'"
        )))
    }
}

/// Which vault the inventory belongs to, and its date, from what the file says
/// and what the user said; any disagreement is refused rather than guessed.
fn resolve_vault(
    header: Option<&InventoryHeader>,
    request: &ImportRequest,
) -> Result<(VaultKey, Timestamp), StoreError> {
    let vault_name = request.vault_name.as_str();
    let arn = match header {
        Some(header) => Some(VaultArn::parse(&header.vault_arn).ok_or_else(|| {
            StoreError::refused(format!(
                "the inventory's VaultARN '{}' is not a Glacier vault ARN (arn:aws:glacier:REGION:ACCOUNT:vaults/NAME); check that the file is a Glacier inventory",
                header.vault_arn
            ))
        })?),
        None => None,
    };
    if let Some(arn) = &arn
        && arn.name != vault_name
    {
        return Err(StoreError::refused(format!(
            "the inventory is of vault '{}' (its VaultARN says so), not '{vault_name}'; give --vault {}",
            arn.name, arn.name
        )));
    }
    let region = agree("region", request.region.as_deref(), arn.as_ref().map(|a| a.region.as_str()))?
        .or(request.default_region.clone())
        .ok_or_else(|| {
            StoreError::refused(
                "the inventory does not say which region its vault is in; give --region, for example --region us-east-1",
            )
        })?;
    let account = agree(
        "account",
        request.account.as_deref(),
        arn.as_ref().map(|a| a.account.as_str()),
    )?
    .unwrap_or_else(|| "-".to_owned());
    let inventory_date = match (header, request.inventory_date) {
        (Some(header), Some(given)) if given != header.inventory_date => {
            return Err(StoreError::refused(format!(
                "the inventory says its date is {}, but --inventory-date says {given}; leave out --inventory-date for JSON inventories",
                header.inventory_date
            )));
        }
        (Some(header), _) => header.inventory_date,
        (None, Some(given)) => given,
        (None, None) => timestamp_of(request.obtained_at),
    };
    Ok((
        VaultKey {
            account,
            region,
            name: vault_name.to_owned(),
        },
        inventory_date,
    ))
}

/// The value both sources agree on, or a refusal naming the option to fix.
fn agree(
    what: &str,
    given: Option<&str>,
    from_arn: Option<&str>,
) -> Result<Option<String>, StoreError> {
    match (given, from_arn) {
        (Some(given), Some(arn)) if given != arn => Err(StoreError::refused(format!(
            "--{what} says '{given}' but the inventory's VaultARN says '{arn}'; leave out --{what} or correct it"
        ))),
        (Some(value), _) | (None, Some(value)) => Ok(Some(value.to_owned())),
        (None, None) => Ok(None),
    }
}

/// A moment as an inventory date, to the second.
fn timestamp_of(moment: OffsetDateTime) -> Timestamp {
    let text = super::catalog::rfc3339(moment.to_offset(time::UtcOffset::UTC));
    // RFC 3339 in UTC to the second is exactly the inventory form; if the year
    // were ever out of range, the epoch is a safe stand-in.
    Timestamp::parse(&text).unwrap_or_else(|_| {
        Timestamp::parse("1970-01-01T00:00:00Z").expect("a fixed, valid inventory date")
    })
}

/// The parts of `arn:aws:glacier:REGION:ACCOUNT:vaults/NAME`.
struct VaultArn {
    region: String,
    account: String,
    name: String,
}

impl VaultArn {
    fn parse(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (
            Some("arn"),
            Some(_partition),
            Some("glacier"),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return None;
        };
        let name = resource.strip_prefix("vaults/")?;
        if region.is_empty() || account.is_empty() || name.is_empty() {
            return None;
        }
        Some(Self {
            region: region.to_owned(),
            account: account.to_owned(),
            name: name.to_owned(),
        })
    }
}

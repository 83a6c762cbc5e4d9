//! The stages of an import, each on its own thread: reading the inventory,
//! decoding names, storing rows; then sorting and writing the orders.

use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use time::OffsetDateTime;

use super::ImportProgress;
use super::vault::merge_headers;
use crate::domain::inventory::{
    DuplicateIds, InventoryFormat, InventoryHeader, ReadError, ReadOptions, read_inventory,
};
use crate::domain::names::{decode, display_form};
use crate::store::error::{StoreError, io_error};
use crate::store::snapshot::{
    DecodedRow, KeyOrders, NameChunk, NameOrder, OrdersWriter, RowBatch, SearchTextBuilder,
    SnapshotWriter, name_chunks, name_order_key, sorted,
};

/// Archives handed from one stage to the next at a time.
const BATCH: usize = 1024;
/// Batches in flight between two stages: enough to keep each busy, little memory.
const BATCHES_IN_FLIGHT: usize = 4;

/// What the reading thread has once the whole inventory is read.
pub(super) struct ReadOutcome {
    pub(super) header: Option<InventoryHeader>,
}

/// What the writing thread gathers from the rows besides storing them: the
/// orders, sorted once the inventory is read, and the search text.
pub(super) struct Gathered {
    pub(super) keys: KeyOrders,
    pub(super) names: NameOrder,
    pub(super) search_text: SearchTextBuilder,
}

impl Gathered {
    /// Nothing gathered yet; the orders spill what outgrows memory into `spill_dir`.
    pub(super) fn new(spill_dir: &Path) -> Self {
        Self {
            keys: KeyOrders::new(spill_dir),
            names: NameOrder::new(spill_dir),
            search_text: SearchTextBuilder::default(),
        }
    }
}

/// Reads the pages and stores their archives: reading and decoding each on a
/// thread of its own, storing on this one. Returns once every page has been
/// read to its end and every archive stored, or at the first failure.
pub(super) fn read_and_store<R: Read + Send>(
    pages: Vec<R>,
    format: InventoryFormat,
    writer: &mut SnapshotWriter,
    gathered: &mut Gathered,
    bytes_read: &Arc<AtomicU64>,
    progress: &mut impl FnMut(ImportProgress),
) -> Result<ReadOutcome, StoreError> {
    let counting: Vec<CountingReader<R>> = pages
        .into_iter()
        .map(|page| CountingReader {
            inner: page,
            count: Arc::clone(bytes_read),
        })
        .collect();
    let (read_sender, read_receiver) = mpsc::sync_channel::<RowBatch>(BATCHES_IN_FLIGHT);
    let (sender, receiver) = mpsc::sync_channel::<RowBatch>(BATCHES_IN_FLIGHT);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_rows(counting, format, read_sender));
        scope.spawn(move || decode_names(read_receiver, sender));
        let write_result = store_batches(&receiver, writer, gathered, bytes_read, progress);
        // Dropping the receiver stops a reader still sending after an error.
        drop(receiver);
        let read = reader.join().unwrap_or_else(|_| {
            Err(StoreError::refused(
                "reading the inventory failed unexpectedly",
            ))
        });
        write_result.and(read)
    })
}

/// The writing thread: stores each batch as it comes and reports progress
/// after it, until the batches end or one cannot be stored.
fn store_batches(
    batches: &mpsc::Receiver<RowBatch>,
    writer: &mut SnapshotWriter,
    gathered: &mut Gathered,
    bytes_read: &AtomicU64,
    progress: &mut impl FnMut(ImportProgress),
) -> Result<(), StoreError> {
    let mut write_result = Ok(());
    // How long this thread works rather than waits: beside the read's
    // length, it tells whether this thread or the ones feeding it set the pace.
    let mut writing = std::time::Duration::ZERO;
    for batch in batches {
        let batch_started = std::time::Instant::now();
        write_result = store_batch(writer, gathered, batch);
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
    write_result
}

/// Sorts and writes the orders, and checks ids, on both cores: the names are
/// sorted in two halves on two threads and the size and creation orders on a
/// third, while this thread checks ids and then writes what the others sorted.
pub(super) fn write_orders(
    writer: &OrdersWriter,
    keys: KeyOrders,
    names: NameOrder,
    spill_dir: &Path,
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

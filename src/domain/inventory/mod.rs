//! Vault inventories: the model, and streaming readers for Glacier's JSON and CSV
//! output that hand over one archive at a time, so memory stays flat at any size.

mod csv;
mod error;
mod fields;
mod json;
mod seen_ids;
mod timestamp;

use std::io::Read;

use crate::domain::treehash::TreeHash;

pub use csv::{MAX_ROW_BYTES, read_csv};
pub use error::{Field, InventoryError, Problem, ReadError};
pub use json::{MAX_VALUE_BYTES, read_json};
pub use timestamp::{Timestamp, TimestampError};

/// What an inventory says about itself (JSON only; CSV output has no header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryHeader {
    pub vault_arn: String,
    pub inventory_date: Timestamp,
}

/// One archive as the inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryArchive {
    /// Opaque; 138 characters of `[A-Za-z0-9_-]` in practice, never empty.
    pub archive_id: String,
    /// As uploaded; `domain::names` finds the file name in it. A JSON `null` reads
    /// as empty.
    pub description: String,
    pub creation_date: Timestamp,
    pub size: u64,
    pub sha256_tree_hash: TreeHash,
}

/// What a whole inventory held, once it has been read to the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventorySummary {
    /// `None` for CSV, which carries no vault or date.
    pub header: Option<InventoryHeader>,
    pub archive_count: u64,
    /// A `u128` because millions of archives of up to 40,000 GiB can pass `u64`.
    pub total_size: u128,
}

/// The two output formats of an inventory-retrieval job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InventoryFormat {
    Json,
    Csv,
}

/// Whether the reader refuses an inventory that lists an archive id twice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum DuplicateIds {
    /// Refuse it, naming the id and where it was listed again. A 64-bit hash of
    /// every id is kept: 18 MB per million archives, 27 MB at the moment the table
    /// grows (so some 250 MB for 10 million). Two different ids that share a hash
    /// (a chance of about n²/2⁶⁵ for n archives) would refuse a sound inventory;
    /// `Allow` is the way out.
    #[default]
    Refuse,
    /// Do not look: the caller detects duplicates exactly, for example with a
    /// unique key on the archive id in its database, and memory stays flat.
    Allow,
}

/// How to read an inventory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ReadOptions {
    pub duplicate_ids: DuplicateIds,
}

/// Reads an inventory in either format, handing each archive to `on_archive` as it
/// is read; see [`read_json`] and [`read_csv`] for what each accepts.
///
/// Reading is all-or-nothing: archives reach the callback before the end of the
/// document is seen, and only a whole, well-formed inventory ends `Ok`. So an
/// importer stages what it is given (say, in an open database transaction) and
/// commits only on `Ok`. When the callback returns an error, reading stops and
/// that error comes back as [`ReadError::Stopped`].
///
/// Duplicate archive ids are refused by default, at a cost in memory that grows
/// with the archives (see [`DuplicateIds`]); a caller whose store has a unique key
/// on the id can leave the check to it, and then memory stays flat.
pub fn read_inventory<R, F, E>(
    format: InventoryFormat,
    reader: R,
    options: ReadOptions,
    on_archive: F,
) -> Result<InventorySummary, ReadError<E>>
where
    R: Read,
    F: FnMut(InventoryArchive) -> Result<(), E>,
{
    match format {
        InventoryFormat::Json => read_json(reader, options, on_archive),
        InventoryFormat::Csv => read_csv(reader, options, on_archive),
    }
}

/// Counts, sums and checks ids for duplicates, the same way for both formats.
struct Tally {
    seen_ids: Option<seen_ids::SeenIds>,
    archive_count: u64,
    total_size: u128,
}

impl Tally {
    fn new(options: ReadOptions) -> Self {
        let seen_ids = match options.duplicate_ids {
            DuplicateIds::Refuse => Some(seen_ids::SeenIds::default()),
            DuplicateIds::Allow => None,
        };
        Self {
            seen_ids,
            archive_count: 0,
            total_size: 0,
        }
    }

    /// Counts the archive in, or says why it cannot be.
    fn count(&mut self, archive: &InventoryArchive) -> Result<(), Problem> {
        if let Some(seen) = &mut self.seen_ids
            && !seen.insert(&archive.archive_id)
        {
            return Err(Problem::DuplicateArchiveId {
                id: archive.archive_id.clone(),
            });
        }
        self.archive_count += 1;
        self.total_size += u128::from(archive.size);
        Ok(())
    }

    fn summary(self, header: Option<InventoryHeader>) -> InventorySummary {
        InventorySummary {
            header,
            archive_count: self.archive_count,
            total_size: self.total_size,
        }
    }
}

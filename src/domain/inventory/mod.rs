//! Vault inventories: the model, and streaming readers for Glacier's JSON and CSV
//! output that hand over one archive at a time, so memory stays flat at any size.

mod csv;
mod error;
mod fields;
mod json;
mod seen_ids;
mod timestamp;

use std::io::Read;

use crate::domain::job_params::{TokenFault, token_fault};
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

/// The format an inventory's first bytes show: JSON starts with `{` after a
/// UTF-8 byte-order mark, if any, and whitespace; anything else is taken for
/// CSV. `None` when the bytes hold nothing else (an empty inventory).
pub fn guess_format(start: &[u8]) -> Option<InventoryFormat> {
    let text = start.strip_prefix(BYTE_ORDER_MARK).unwrap_or(start);
    match text.iter().find(|b| !b.is_ascii_whitespace())? {
        b'{' => Some(InventoryFormat::Json),
        _ => Some(InventoryFormat::Csv),
    }
}

/// U+FEFF in UTF-8, which some editors and tools put before the text; both
/// readers skip it, and [`guess_format`] looks past it.
const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

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

    /// Counts the archive in, or says why it cannot be: its id must be one
    /// Glacier could hand out (job parameters' rule), and new.
    fn count(&mut self, archive: &InventoryArchive) -> Result<(), Problem> {
        match token_fault(&archive.archive_id) {
            None => {}
            Some(TokenFault::Empty) => return Err(Problem::EmptyArchiveId),
            Some(TokenFault::BadCharacter { found, position }) => {
                return Err(Problem::BadArchiveId { found, position });
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_guessed_past_a_byte_order_mark_and_whitespace() {
        assert_eq!(guess_format(b"{\"VaultARN\""), Some(InventoryFormat::Json));
        assert_eq!(
            guess_format("\u{feff}{\"VaultARN\"".as_bytes()),
            Some(InventoryFormat::Json)
        );
        assert_eq!(
            guess_format("\u{feff}\r\n  {".as_bytes()),
            Some(InventoryFormat::Json)
        );
        assert_eq!(
            guess_format("\u{feff}ArchiveId,".as_bytes()),
            Some(InventoryFormat::Csv)
        );
        assert_eq!(guess_format(b"ArchiveId,"), Some(InventoryFormat::Csv));
        assert_eq!(guess_format("\u{feff} \n".as_bytes()), None);
        assert_eq!(guess_format(b""), None);
    }

    #[test]
    fn archive_ids_are_held_to_the_job_parameters_rule_in_both_formats() {
        let hash = "0".repeat(64);
        let json = format!(
            r#"{{"VaultARN":"arn:aws:glacier:us-east-1:111122223333:vaults/v","InventoryDate":"2026-01-01T00:00:00Z","ArchiveList":[{{"ArchiveId":"a\u0000b","ArchiveDescription":"","CreationDate":"2026-01-01T00:00:00Z","Size":1,"SHA256TreeHash":"{hash}"}}]}}"#
        );
        let csv = format!(
            "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\nab c,,2026-01-01T00:00:00Z,1,{hash}\n"
        );
        for (format, text, found, position) in [
            (InventoryFormat::Json, json, '\0', 2),
            (InventoryFormat::Csv, csv, ' ', 3),
        ] {
            let err = read_inventory(format, text.as_bytes(), ReadOptions::default(), |_| {
                Ok::<(), ()>(())
            })
            .unwrap_err();
            let ReadError::Inventory(err) = err else {
                panic!("{err:?}")
            };
            assert_eq!(
                err.problem(),
                Some(&Problem::BadArchiveId { found, position }),
                "{err}"
            );
        }
    }
}

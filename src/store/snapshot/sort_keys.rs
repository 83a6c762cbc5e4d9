//! The reading thread's share of an import: for each archive, its sort keys and
//! its search line. Doing this beside the parser, not beside SQLite, splits the
//! work of an import about evenly over two cores.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io;
use std::path::Path;

use super::layout::created_key;
use super::schema::CHUNK_ENTRIES;
use super::search_text::push_search_line;
use crate::domain::inventory::InventoryArchive;
use crate::store::sorter::{ExternalSorter, KeyRecord, NameRecord};

/// Memory for the name order before it spills to disk: a million names of typical
/// length stay in memory; ten million spill in runs.
const NAME_SORT_BUDGET: usize = 96 << 20;
/// Memory for each key order (16 bytes an archive): 1.5 million archives.
const KEY_SORT_BUDGET: usize = 24 << 20;

/// The orders being gathered, and the search text chunk being filled.
pub struct SortKeys {
    pub by_name: ExternalSorter<NameRecord>,
    pub by_size: ExternalSorter<KeyRecord>,
    pub by_created: ExternalSorter<KeyRecord>,
    /// A 64-bit hash of each archive id, to find repeated ids exactly and cheaply.
    pub by_id_hash: ExternalSorter<KeyRecord>,
    search_chunk: Vec<u8>,
    hasher: BuildHasherDefault<DefaultHasher>,
}

impl SortKeys {
    pub fn new(spill_dir: &Path) -> Self {
        Self {
            by_name: ExternalSorter::new(NAME_SORT_BUDGET, spill_dir),
            by_size: ExternalSorter::new(KEY_SORT_BUDGET, spill_dir),
            by_created: ExternalSorter::new(KEY_SORT_BUDGET, spill_dir),
            by_id_hash: ExternalSorter::new(KEY_SORT_BUDGET, spill_dir),
            search_chunk: Vec::with_capacity(CHUNK_ENTRIES * 320),
            hasher: BuildHasherDefault::default(),
        }
    }

    /// Records the archive at `position` (1-based). Returns a finished search-text
    /// chunk every [`CHUNK_ENTRIES`] archives.
    pub fn add(
        &mut self,
        position: u32,
        archive: &InventoryArchive,
        name: &str,
    ) -> io::Result<Option<Vec<u8>>> {
        push_search_line(
            &mut self.search_chunk,
            name,
            &archive.description,
            &archive.archive_id,
        );
        self.by_size.push(KeyRecord {
            key: archive.size,
            position,
        })?;
        self.by_created.push(KeyRecord {
            key: created_key(archive.creation_date),
            position,
        })?;
        self.by_id_hash.push(KeyRecord {
            key: self.hasher.hash_one(&archive.archive_id),
            position,
        })?;
        self.by_name.push(NameRecord {
            name: name.as_bytes().into(),
            position,
            size: archive.size,
        })?;
        if (position as usize).is_multiple_of(CHUNK_ENTRIES) {
            return Ok(Some(self.take_search_chunk()));
        }
        Ok(None)
    }

    /// The last, partly filled search-text chunk, if any.
    pub fn take_search_chunk(&mut self) -> Vec<u8> {
        std::mem::replace(
            &mut self.search_chunk,
            Vec::with_capacity(CHUNK_ENTRIES * 320),
        )
    }
}

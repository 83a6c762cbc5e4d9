//! What an import gathers besides the rows: the orders and the search text. The
//! writing thread gathers them as it stores the rows, while the reading thread
//! parses and decodes names.

use std::io;
use std::path::Path;

use super::layout::created_key;
use super::row_batch::ImportRow;
use super::schema::SEARCH_CHUNK_BYTES;
use super::search_text::push_search_line;
use crate::store::sorter::{ExternalSorter, KeyRecord, NameRecord};

/// Memory for the name order before it spills to disk (as the sorter counts it,
/// some 100 bytes a name): a million names of typical length stay in memory; ten
/// million spill in runs.
const NAME_SORT_BUDGET: usize = 96 << 20;
/// Memory for each numeric order (12 bytes an archive): two million archives.
const KEY_SORT_BUDGET: usize = 24 << 20;

/// The orders by number.
pub struct KeyOrders {
    pub by_size: ExternalSorter<KeyRecord>,
    pub by_created: ExternalSorter<KeyRecord>,
    /// A 64-bit hash of each archive id, to find repeated ids exactly and cheaply.
    pub by_id_hash: ExternalSorter<KeyRecord>,
}

impl KeyOrders {
    pub fn new(spill_dir: &Path) -> Self {
        Self {
            by_size: ExternalSorter::new(KEY_SORT_BUDGET, spill_dir),
            by_created: ExternalSorter::new(KEY_SORT_BUDGET, spill_dir),
            by_id_hash: ExternalSorter::new(KEY_SORT_BUDGET, spill_dir),
        }
    }

    pub fn add(&mut self, row: &ImportRow<'_>) -> io::Result<()> {
        let position = row.position;
        self.by_size.push(KeyRecord {
            key: row.size,
            position,
        })?;
        self.by_created.push(KeyRecord {
            key: created_key(row.creation_date),
            position,
        })?;
        self.by_id_hash.push(KeyRecord {
            key: id_hash(row.archive_id.as_bytes()),
            position,
        })
    }
}

/// The name order, gathered on the writing thread once a row is stored, so that
/// the name moves into the sorter without a copy.
pub struct NameOrder {
    /// Names in two halves (odd and even positions), so that the two can be
    /// sorted at once on two cores when the inventory has been read.
    pub by_name: [ExternalSorter<NameRecord>; 2],
}

impl NameOrder {
    pub fn new(spill_dir: &Path) -> Self {
        Self {
            by_name: [
                ExternalSorter::new(NAME_SORT_BUDGET / 2, spill_dir),
                ExternalSorter::new(NAME_SORT_BUDGET / 2, spill_dir),
            ],
        }
    }

    /// Adds an archive under its name-order key (see `layout::name_order_key`).
    pub fn add(&mut self, position: u32, key: Vec<u8>, size: u64) -> io::Result<()> {
        self.by_name[position as usize % 2].push(NameRecord::new(
            key.into_boxed_slice(),
            position,
            size,
        ))
    }
}

/// The search text, built in rows of at most
/// [`SEARCH_CHUNK_BYTES`].
pub struct SearchTextBuilder {
    chunk: Vec<u8>,
    /// The position of the first line in `chunk`.
    first: u32,
}

/// Room beyond a full chunk for the line that overflows it, which is then moved
/// to the next chunk: without it, that line would make the whole chunk grow by
/// copying. A name and a description of at most 1,024 bytes and an id fit.
const CHUNK_SLACK: usize = 2 * 1024 + 256;

fn new_chunk() -> Vec<u8> {
    Vec::with_capacity(SEARCH_CHUNK_BYTES + CHUNK_SLACK)
}

impl Default for SearchTextBuilder {
    fn default() -> Self {
        Self {
            chunk: new_chunk(),
            first: 1,
        }
    }
}

impl SearchTextBuilder {
    /// Adds the line of the archive at `position` (1-based, counting up from 1).
    /// Returns a finished chunk, and the position of its first line, whenever one
    /// is full.
    pub fn add(
        &mut self,
        position: u32,
        name: &str,
        description: &str,
        archive_id: &str,
    ) -> Option<(u32, Vec<u8>)> {
        // The line goes straight into the chunk; only a line that overflows it is
        // moved, to start the next one. A line longer than a whole chunk still
        // gets a row of its own.
        let line_start = self.chunk.len();
        push_search_line(&mut self.chunk, name, description, archive_id);
        if self.chunk.len() <= SEARCH_CHUNK_BYTES || line_start == 0 {
            return None;
        }
        let mut next = new_chunk();
        next.extend_from_slice(&self.chunk[line_start..]);
        self.chunk.truncate(line_start);
        let first = std::mem::replace(&mut self.first, position);
        Some((first, std::mem::replace(&mut self.chunk, next)))
    }

    /// The chunk filled so far and the position of its first line; the next
    /// chunk starts at `next_position`.
    pub fn take(&mut self, next_position: u32) -> (u32, Vec<u8>) {
        let first = std::mem::replace(&mut self.first, next_position);
        let text = std::mem::replace(&mut self.chunk, new_chunk());
        (first, text)
    }
}

/// A fast 64-bit hash of an archive id. Only equal ids must hash equal: archives
/// whose hashes match are compared in full, so a collision costs a lookup, never
/// a wrong answer.
fn id_hash(id: &[u8]) -> u64 {
    let mix = |hash: u64, word: u64| {
        (hash ^ word)
            .wrapping_mul(0xbf58_476d_1ce4_e5b9)
            .rotate_left(31)
    };
    let mut hash = 0x9e37_79b9_7f4a_7c15 ^ id.len() as u64;
    // Whole words are read in place; only the tail is copied, so that no word
    // needs a copy of variable length (a call to memcpy each).
    let (words, tail) = id.as_chunks::<8>();
    for word in words {
        hash = mix(hash, u64::from_le_bytes(*word));
    }
    if !tail.is_empty() {
        let mut bytes = [0u8; 8];
        bytes[..tail.len()].copy_from_slice(tail);
        hash = mix(hash, u64::from_le_bytes(bytes));
    }
    hash ^ (hash >> 29)
}

#[cfg(test)]
mod tests {
    use super::{SEARCH_CHUNK_BYTES, SearchTextBuilder, id_hash};
    use crate::domain::inventory::{InventoryArchive, Timestamp};

    fn archive(id: String, description: String) -> InventoryArchive {
        InventoryArchive {
            archive_id: id,
            description,
            creation_date: Timestamp::parse("2012-03-20T17:03:43.221Z").unwrap(),
            size: 1,
            sha256_tree_hash: "0".repeat(64).parse().unwrap(),
        }
    }

    #[test]
    fn search_chunks_hold_whole_lines_and_know_their_first_position() {
        let mut builder = SearchTextBuilder::default();
        let mut chunks = Vec::new();
        let mut expected = Vec::new();
        for position in 1..=3000u32 {
            // Mostly short lines, now and then one longer than a whole chunk.
            let long = position % 1000 == 0;
            let description = if long {
                "D".repeat(SEARCH_CHUNK_BYTES + 10)
            } else {
                format!("Desc {position}")
            };
            let archive = archive(format!("ID{position:0>140}"), description);
            let name = format!("Name{position}");
            super::push_search_line(
                &mut expected,
                &name,
                &archive.description,
                &archive.archive_id,
            );
            chunks.extend(builder.add(position, &name, &archive.description, &archive.archive_id));
        }
        chunks.push(builder.take(0));
        let mut next_position = 1;
        for (first, text) in &chunks {
            assert_eq!(*first, next_position, "a chunk starts at its first line");
            let lines = text.iter().filter(|&&byte| byte == b'\n').count() as u32;
            assert!(lines > 0 && text.ends_with(b"\n"), "only whole lines");
            assert!(
                text.len() <= SEARCH_CHUNK_BYTES || lines == 1,
                "a full chunk is cut"
            );
            next_position += lines;
        }
        assert_eq!(next_position, 3001);
        let all: Vec<u8> = chunks.into_iter().flat_map(|(_, text)| text).collect();
        assert_eq!(all, expected);
    }

    #[test]
    fn id_hashes_differ_for_ids_that_differ_anywhere() {
        let id = "a".repeat(138);
        let mut seen = std::collections::HashSet::new();
        assert!(seen.insert(id_hash(id.as_bytes())));
        for at in 0..id.len() {
            let mut changed = id.clone().into_bytes();
            changed[at] = b'b';
            assert!(
                seen.insert(id_hash(&changed)),
                "a change at byte {at} was missed"
            );
        }
        assert_ne!(id_hash(b"ab"), id_hash(b"ab\0"));
    }
}

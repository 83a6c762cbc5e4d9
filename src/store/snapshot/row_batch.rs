//! Rows on their way from the reading thread to the writing one, packed: the
//! text of a whole batch in one buffer. Handing over each archive's own strings
//! would make the writing thread free, one by one, memory the reading thread
//! allocated, which costs both threads far more than a copy on the way.

use std::ops::Range;

use crate::domain::inventory::{InventoryArchive, Timestamp};
use crate::domain::names::Format;
use crate::domain::treehash::TreeHash;

/// A batch of decoded archives, in inventory order.
pub struct RowBatch {
    text: String,
    rows: Vec<PackedRow>,
}

struct PackedRow {
    position: u32,
    archive_id: Range<usize>,
    description: Range<usize>,
    name: Range<usize>,
    named: bool,
    format: Format,
    is_folder: bool,
    modified: Option<i64>,
    size: u64,
    creation_date: Timestamp,
    sha256_tree_hash: TreeHash,
}

/// One archive of a batch, decoded and ready to store.
pub struct ImportRow<'a> {
    pub position: u32,
    pub archive_id: &'a str,
    /// As uploaded: untrusted.
    pub description: &'a str,
    /// The name safe to print, or the archive id when the description names no file.
    pub name: &'a str,
    /// Whether `name` is the description's own, not the archive id standing in.
    pub named: bool,
    pub format: Format,
    pub is_folder: bool,
    /// Unix seconds.
    pub modified: Option<i64>,
    pub size: u64,
    pub creation_date: Timestamp,
    pub sha256_tree_hash: &'a TreeHash,
}

/// What decoding found in an archive's description.
pub struct DecodedRow {
    pub name: String,
    pub named: bool,
    pub format: Format,
    pub is_folder: bool,
    pub modified: Option<i64>,
}

impl RowBatch {
    pub fn with_capacity(rows: usize) -> Self {
        Self {
            text: String::new(),
            rows: Vec::with_capacity(rows),
        }
    }

    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// Adds the archive at `position`; its strings are copied into the batch.
    /// Its name is left for [`RowBatch::decode_names`].
    pub fn push(&mut self, position: u32, archive: &InventoryArchive) {
        if self.text.is_empty() {
            // Room for a typical batch at once: ids, descriptions and names
            // come to a few hundred bytes an archive.
            self.text.reserve(self.rows.capacity() * 384);
        }
        let archive_id = self.append(&archive.archive_id);
        let description = self.append(&archive.description);
        self.rows.push(PackedRow {
            position,
            archive_id,
            description,
            name: 0..0,
            named: false,
            format: Format::Empty,
            is_folder: false,
            modified: None,
            size: archive.size,
            creation_date: archive.creation_date,
            sha256_tree_hash: archive.sha256_tree_hash,
        });
    }

    /// Decodes each row's name with `decode`, given its archive id and
    /// description; the names are added to the batch's text.
    pub fn decode_names(&mut self, decode: impl Fn(&str, &str) -> DecodedRow) {
        for index in 0..self.rows.len() {
            let row = &self.rows[index];
            let decoded = decode(
                &self.text[row.archive_id.clone()],
                &self.text[row.description.clone()],
            );
            let name = self.append(&decoded.name);
            let row = &mut self.rows[index];
            row.name = name;
            row.named = decoded.named;
            row.format = decoded.format;
            row.is_folder = decoded.is_folder;
            row.modified = decoded.modified;
        }
    }

    /// The rows in the order they were pushed.
    pub fn iter(&self) -> impl Iterator<Item = ImportRow<'_>> {
        self.rows.iter().map(|row| ImportRow {
            position: row.position,
            archive_id: &self.text[row.archive_id.clone()],
            description: &self.text[row.description.clone()],
            name: &self.text[row.name.clone()],
            named: row.named,
            format: row.format,
            is_folder: row.is_folder,
            modified: row.modified,
            size: row.size,
            creation_date: row.creation_date,
            sha256_tree_hash: &row.sha256_tree_hash,
        })
    }

    fn append(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_as_they_went_in() {
        let mut batch = RowBatch::with_capacity(2);
        for (position, id, description) in [(7, "ID7", "mt2 x"), (8, "ID8", "")] {
            let archive = InventoryArchive {
                archive_id: id.into(),
                description: description.into(),
                creation_date: Timestamp::parse("2012-03-20T17:03:43.221Z").unwrap(),
                size: u64::from(position) * 10,
                sha256_tree_hash: TreeHash([position as u8; 32]),
            };
            batch.push(position, &archive);
        }
        batch.decode_names(|id, description| DecodedRow {
            name: if id == "ID7" { "a/b.txt" } else { id }.into(),
            named: id == "ID7",
            format: Format::Raw,
            is_folder: false,
            modified: Some(description.len() as i64 + 2),
        });
        let rows: Vec<_> = batch
            .iter()
            .map(|row| {
                (
                    row.position,
                    row.archive_id,
                    row.description,
                    row.name,
                    row.named,
                    row.size,
                    row.modified,
                    row.sha256_tree_hash.0[0],
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (7, "ID7", "mt2 x", "a/b.txt", true, 70, Some(7), 7),
                (8, "ID8", "", "ID8", false, 80, Some(2), 8)
            ]
        );
        assert_eq!(batch.row_count(), 2);
    }
}

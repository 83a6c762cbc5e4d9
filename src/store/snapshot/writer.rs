//! Writes a snapshot file: rows into `archive` as the reader hands them over,
//! search text in chunks, and the orders once the inventory has been read to its
//! end. Until then it is a private file that an error simply deletes.
//!
//! The rows, nearly all of the file, go straight into b-tree pages; SQLite
//! itself creates the tables and writes the orders and `meta`.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use super::bulk_table::{PageFile, TableBuilder};
use super::layout::{created_millis_of, push_key_entry};
use super::name_chunks::NameChunk;
use super::record::{RecordBuilder, Value};
use super::row_batch::RowBatch;
use super::schema::{CHUNK_ENTRIES, prepare_for_build, prepare_for_more};
use crate::domain::names::Format;
use crate::store::error::{AtPath, StoreError, io_error};
use crate::store::sorter::{ExternalSorter, KeyRecord, SortedRecords};

/// Glacier's largest archive: 40 TiB.
pub const MAX_ARCHIVE_SIZE: u64 = 40 << 40;

/// Writes a snapshot's rows: `archive` and `search_text` are built page by page
/// (see `bulk_table`), in tables SQLite created.
pub struct SnapshotWriter {
    path: PathBuf,
    pages: PageFile,
    archive_table: TableBuilder,
    search_table: TableBuilder,
    record: RecordBuilder,
    archives: u32,
    total_size: u128,
}

/// Writes the rest of a snapshot through SQLite once its rows are in place: the
/// orders and `meta`.
pub struct OrdersWriter {
    conn: Connection,
    path: PathBuf,
    archives: u32,
    total_size: u128,
}

impl SnapshotWriter {
    /// Creates the file at `path` (an empty file or none) with its tables.
    pub fn create(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path).at(path)?;
        prepare_for_build(&conn).at(path)?;
        let root_of = |table: &str| -> rusqlite::Result<u32> {
            conn.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
                [table],
                |row| row.get(0),
            )
        };
        let archive_root = root_of("archive").at(path)?;
        let search_root = root_of("search_text").at(path)?;
        let page_count: u32 = conn
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .at(path)?;
        let page_size: u32 = conn
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .at(path)?;
        conn.close().map_err(|(_, source)| StoreError::Database {
            path: path.to_path_buf(),
            source,
        })?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(io_error("open", path))?;
        let pages = PageFile::new(file, page_size as usize, page_count);
        Ok(Self {
            path: path.to_path_buf(),
            archive_table: TableBuilder::new(archive_root, &pages),
            search_table: TableBuilder::new(search_root, &pages),
            pages,
            record: RecordBuilder::default(),
            archives: 0,
            total_size: 0,
        })
    }

    /// Stores a batch of archives, in inventory order.
    pub fn add_rows(&mut self, rows: &RowBatch) -> Result<(), StoreError> {
        for row in rows.iter() {
            if row.size > MAX_ARCHIVE_SIZE {
                return Err(StoreError::SizeTooLarge {
                    position: u64::from(row.position),
                    size: row.size,
                });
            }
            self.archives = row.position;
            self.total_size += u128::from(row.size);
            let badge = format_badge(row.format);
            let values = [
                // `position` is the rowid; the record holds NULL in its place.
                Value::Null,
                Value::Text(row.archive_id.as_bytes()),
                Value::Text(row.description.as_bytes()),
                Value::Text(row.name.as_bytes()),
                Value::Text(badge.as_bytes()),
                Value::Integer(i64::from(row.is_folder)),
                row.modified.map_or(Value::Null, Value::Integer),
                // Checked above: at most 40 TiB, well inside i64.
                Value::Integer(row.size as i64),
                Value::Integer(created_millis_of(row.creation_date)),
                Value::Blob(&row.sha256_tree_hash.0),
            ];
            let len = self.record.prepare(&values);
            let record = &self.record;
            self.archive_table
                .insert_with(&mut self.pages, i64::from(row.position), len, |out| {
                    record.write_prepared(&values, out);
                })
                .map_err(io_error("write", &self.path))?;
        }
        Ok(())
    }

    /// Stores the search text of archives `first_position` onwards.
    pub fn add_search_chunk(&mut self, first_position: u32, text: &[u8]) -> Result<(), StoreError> {
        if text.is_empty() {
            return Ok(());
        }
        // The text goes straight from the chunk into the page.
        let header = self.record.header(&[Value::Null, Value::Blob(text)]);
        self.search_table
            .insert_parts(&mut self.pages, i64::from(first_position), &[header, text])
            .map_err(io_error("write", &self.path))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Archives stored so far, and their total size.
    pub fn totals(&self) -> (u32, u128) {
        (self.archives, self.total_size)
    }

    /// Completes the row tables and hands the file back to SQLite for the rest.
    pub fn finish_rows(self) -> Result<OrdersWriter, StoreError> {
        let Self {
            path,
            mut pages,
            archive_table,
            search_table,
            archives,
            total_size,
            ..
        } = self;
        archive_table
            .finish(&mut pages)
            .and_then(|()| search_table.finish(&mut pages))
            .and_then(|()| pages.write_header_page_count())
            .map_err(io_error("write", &path))?;
        drop(pages);
        let conn = Connection::open(&path).at(&path)?;
        prepare_for_more(&conn).at(&path)?;
        conn.execute_batch("BEGIN").at(&path)?;
        Ok(OrdersWriter {
            conn,
            path,
            archives,
            total_size,
        })
    }
}

impl OrdersWriter {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Archives stored, and their total size.
    pub fn totals(&self) -> (u32, u128) {
        (self.archives, self.total_size)
    }

    /// Ids are compared by a 64-bit hash in sorted order; only archives whose
    /// hashes match are read back and compared in full, so the check is exact and
    /// needs 16 bytes an archive rather than the ids themselves.
    pub fn check_unique_ids(
        &self,
        by_id_hash: ExternalSorter<KeyRecord>,
    ) -> Result<(), StoreError> {
        let mut same_hash: Vec<u32> = Vec::new();
        let mut previous: Option<u64> = None;
        for record in sorted(by_id_hash, &self.path)? {
            let record = record.map_err(io_error("read a sort run for", &self.path))?;
            if previous != Some(record.key) {
                self.compare_ids(&same_hash)?;
                same_hash.clear();
            }
            previous = Some(record.key);
            same_hash.push(record.position);
        }
        self.compare_ids(&same_hash)
    }

    fn compare_ids(&self, positions: &[u32]) -> Result<(), StoreError> {
        if positions.len() < 2 {
            return Ok(());
        }
        let mut select = self
            .conn
            .prepare_cached("SELECT archive_id FROM archive WHERE position = ?1")
            .at(&self.path)?;
        let mut seen: Vec<(String, u32)> = Vec::with_capacity(positions.len());
        for &position in positions {
            let id: String = select.query_row([position], |r| r.get(0)).at(&self.path)?;
            if let Some((_, first)) = seen.iter().find(|(other, _)| *other == id) {
                let (first, second) = ((*first).min(position), (*first).max(position));
                return Err(StoreError::DuplicateArchiveId {
                    id,
                    first: u64::from(first),
                    second: u64::from(second),
                });
            }
            seen.push((id, position));
        }
        Ok(())
    }

    /// Writes a key order (`size` or `created`) from its sorted records (see
    /// [`sorted`]), calling `between_chunks` after each chunk so that the caller
    /// can store other work that is ready meanwhile.
    pub fn write_key_order(
        &self,
        kind: &str,
        records: SortedRecords<KeyRecord>,
        mut between_chunks: impl FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let path = &self.path;
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO key_order (kind, chunk, entries) VALUES (?1, ?2, ?3)")
            .at(path)?;
        let mut chunk = Vec::with_capacity(CHUNK_ENTRIES * 12);
        let mut chunks = 0i64;
        for record in records {
            let record = record.map_err(io_error("read a sort run for", path))?;
            push_key_entry(&mut chunk, record.key, record.position);
            if chunk.len() == CHUNK_ENTRIES * 12 {
                insert.execute(params![kind, chunks, chunk]).at(path)?;
                chunks += 1;
                chunk.clear();
                between_chunks()?;
            }
        }
        if !chunk.is_empty() {
            insert.execute(params![kind, chunks, chunk]).at(path)?;
        }
        Ok(())
    }

    /// Stores one chunk of the name order (chunks may come in any order).
    pub fn add_name_chunk(&self, name_chunk: &NameChunk) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO name_order (chunk, first_name, entries) VALUES (?1, ?2, ?3)",
            )
            .at(&self.path)?
            .execute(params![
                name_chunk.index,
                name_chunk.first_name,
                name_chunk.entries
            ])
            .at(&self.path)?;
        Ok(())
    }

    /// Records `meta`, commits and closes the file; returns the archive count and
    /// total size. The caller syncs the file and moves it into place.
    pub fn finish(self, meta: &[(&str, String)]) -> Result<(u32, u128), StoreError> {
        let path = self.path;
        {
            let mut insert = self
                .conn
                .prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")
                .at(&path)?;
            for (key, value) in meta {
                insert.execute(params![key, value]).at(&path)?;
            }
            insert
                .execute(params!["archive_count", self.archives])
                .at(&path)?;
        }
        self.conn.execute_batch("COMMIT").at(&path)?;
        self.conn
            .close()
            .map_err(|(_, source)| StoreError::Database { path, source })?;
        Ok((self.archives, self.total_size))
    }
}

pub fn sorted<R: crate::store::sorter::SortRecord>(
    sorter: ExternalSorter<R>,
    path: &Path,
) -> Result<SortedRecords<R>, StoreError> {
    sorter
        .finish()
        .map_err(io_error("sort the archives for", path))
}

/// The badge text, without formatting machinery for the common formats.
fn format_badge(format: Format) -> std::borrow::Cow<'static, str> {
    match format {
        Format::Mt2 => "mt2".into(),
        Format::Mt1 => "mt1".into(),
        Format::MtInventoryJob => "mt job".into(),
        Format::FastGlacier(4) => "FastGlacier v4".into(),
        Format::CloudBerry => "CloudBerry".into(),
        Format::Qnap => "QNAP".into(),
        Format::Raw => "raw".into(),
        Format::Empty => "empty".into(),
        other => other.to_string().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_match_the_display_form() {
        for format in [
            Format::Mt2,
            Format::Mt1,
            Format::MtInventoryJob,
            Format::FastGlacier(1),
            Format::FastGlacier(4),
            Format::CloudBerry,
            Format::Qnap,
            Format::Raw,
            Format::Empty,
        ] {
            assert_eq!(format_badge(format), format.to_string());
        }
    }
}

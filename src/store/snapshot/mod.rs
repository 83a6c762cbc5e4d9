//! One inventory snapshot: its database file, written once by an import and then
//! only read.

mod bulk_table;
mod columns;
mod file_check;
mod find_many;
#[cfg(test)]
mod import_fallback_tests;
mod layout;
mod marks;
mod name_chunks;
mod query;
mod record;
mod row_batch;
mod rows;
mod schema;
mod search_text;
mod sort_keys;
#[cfg(test)]
mod test_rows;
mod tree;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::store::error::{AtPath, StoreError};
pub(crate) use layout::name_order_key;
use layout::{KeyEntry, NameEntries, NameEntry, key_entries};
pub(crate) use name_chunks::{NameChunk, name_chunks};
pub use query::{ArchivePage, ArchiveQuery, SortKey};
pub(crate) use row_batch::{DecodedRow, RowBatch};
pub use schema::{CHUNK_ENTRIES, SNAPSHOT_SCHEMA};
pub(crate) use sort_keys::{KeyOrders, NameOrder, SearchTextBuilder};
pub use tree::{FolderEntry, FolderEntryKind};
pub use writer::MAX_ARCHIVE_SIZE;
pub(crate) use writer::{FileOptions, OrdersWriter, SnapshotWriter, sorted};

/// One archive as the cache holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRow {
    /// 1-based place in the inventory.
    pub position: u32,
    pub archive_id: String,
    /// As uploaded: untrusted, print it through `text::printable`.
    pub description: String,
    /// The decoded file name, already safe to print; the archive id when the
    /// description names no file.
    pub name: String,
    /// Which tool wrote the description (`mt2`, `FastGlacier v4`, `raw`, ...).
    pub format: String,
    pub is_folder: bool,
    /// The file's modification time (Unix seconds) when the description has one.
    pub modified: Option<i64>,
    pub size: u64,
    /// CreationDate in Glacier's form, to the millisecond.
    pub created: String,
    pub sha256_tree_hash: String,
}

/// The columns [`archive_from_row`] reads, in its order.
const ROW_COLUMNS: &str = "position, archive_id, description, name, format, is_folder, modified,
     size, created, sha256_tree_hash";

/// An archive from a row of [`ROW_COLUMNS`].
fn archive_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ArchiveRow> {
    let size: i64 = row.get(7)?;
    let created: i64 = row.get(8)?;
    Ok(ArchiveRow {
        position: row.get(0)?,
        archive_id: row.get(1)?,
        description: row.get(2)?,
        name: row.get(3)?,
        format: row.get(4)?,
        is_folder: row.get(5)?,
        modified: row.get(6)?,
        // Stored from a u64 of at most 40 TiB.
        size: size.max(0) as u64,
        created: layout::format_created(created),
        sha256_tree_hash: hex::encode(row.get::<_, Vec<u8>>(9)?),
    })
}

/// An open snapshot file.
pub struct Snapshot {
    conn: Connection,
    path: PathBuf,
    archive_count: u32,
    /// The first name of every name-order chunk, to find where a prefix starts.
    first_names: Vec<Vec<u8>>,
}

impl Snapshot {
    /// Opens a snapshot file read-only.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).at(path)?;
        schema::prepare_for_reading(&conn).at(path)?;
        let application: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .at(path)?;
        if application != schema::SNAPSHOT_APPLICATION_ID {
            return Err(StoreError::NotOurs {
                path: path.to_path_buf(),
            });
        }
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .at(path)?;
        if version != SNAPSHOT_SCHEMA {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SNAPSHOT_SCHEMA,
            });
        }
        let archive_count: Option<u32> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'archive_count'",
                [],
                |r| r.get(0),
            )
            .optional()
            .at(path)?;
        let Some(archive_count) = archive_count else {
            return Err(StoreError::NotOurs {
                path: path.to_path_buf(),
            });
        };
        let first_names = conn
            .prepare("SELECT first_name FROM name_order ORDER BY chunk")
            .at(path)?
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .at(path)?
            .collect::<Result<Vec<_>, _>>()
            .at(path)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            archive_count,
            first_names,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn archive_count(&self) -> u64 {
        u64::from(self.archive_count)
    }

    /// The archive at a 1-based inventory position.
    pub fn archive(&self, position: u32) -> Result<Option<ArchiveRow>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM archive WHERE position = ?1"
            ))
            .at(&self.path)?
            .query_row([position], archive_from_row)
            .optional()
            .at(&self.path)
    }

    /// The archives at these positions, in the same order.
    pub fn archives(&self, positions: &[u32]) -> Result<Vec<ArchiveRow>, StoreError> {
        positions
            .iter()
            .map(|&position| {
                self.archive(position)?
                    .ok_or_else(|| self.damaged("an order names a missing archive"))
            })
            .collect()
    }

    /// The archive with this id, if the snapshot lists it.
    pub fn find_archive(&self, archive_id: &str) -> Result<Option<ArchiveRow>, StoreError> {
        let position: Option<u32> = self
            .conn
            .prepare_cached("SELECT position FROM archive WHERE archive_id = ?1")
            .at(&self.path)?
            .query_row([archive_id], |r| r.get(0))
            .optional()
            .at(&self.path)?;
        match position {
            Some(position) => self.archive(position),
            None => Ok(None),
        }
    }

    fn damaged(&self, what: &str) -> StoreError {
        StoreError::refused(format!(
            "the snapshot file {} is damaged ({what}); import its inventory again",
            self.path.display()
        ))
    }

    fn name_chunk_count(&self) -> usize {
        self.first_names.len()
    }

    /// Calls `visit` with the entries of one name-order chunk.
    fn with_name_chunk<T>(
        &self,
        chunk: usize,
        visit: impl FnOnce(&mut dyn Iterator<Item = NameEntry<'_>>) -> T,
    ) -> Result<T, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT entries FROM name_order WHERE chunk = ?1")
            .at(&self.path)?;
        let mut rows = statement.query([chunk as i64]).at(&self.path)?;
        let row = rows
            .next()
            .at(&self.path)?
            .ok_or_else(|| self.damaged("a name chunk is missing"))?;
        let bytes = row
            .get_ref(0)
            .and_then(|v| Ok(v.as_blob()?))
            .at(&self.path)?;
        let mut entries = NameEntries::new(bytes);
        let result = visit(&mut entries);
        if entries.damaged() {
            return Err(self.damaged("a name chunk is cut short"));
        }
        Ok(result)
    }

    /// The entries of one chunk of a key order.
    fn key_chunk(&self, kind: &str, chunk: usize) -> Result<Vec<KeyEntry>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT entries FROM key_order WHERE kind = ?1 AND chunk = ?2")
            .at(&self.path)?;
        let mut rows = statement
            .query(rusqlite::params![kind, chunk as i64])
            .at(&self.path)?;
        let row = rows
            .next()
            .at(&self.path)?
            .ok_or_else(|| self.damaged("an order chunk is missing"))?;
        let bytes = row
            .get_ref(0)
            .and_then(|v| Ok(v.as_blob()?))
            .at(&self.path)?;
        Ok(key_entries(bytes).collect())
    }

    /// Calls `visit` with each search-text chunk whose first line's position is
    /// in `positions`, and that position.
    fn for_each_search_chunk(
        conn: &Connection,
        path: &Path,
        positions: std::ops::Range<u32>,
        mut visit: impl FnMut(u32, &[u8]),
    ) -> Result<(), StoreError> {
        let mut statement = conn
            .prepare_cached(
                "SELECT first_position, text FROM search_text
                 WHERE first_position >= ?1 AND first_position < ?2 ORDER BY first_position",
            )
            .at(path)?;
        let mut rows = statement.query([positions.start, positions.end]).at(path)?;
        while let Some(row) = rows.next().at(path)? {
            let first: u32 = row.get(0).at(path)?;
            let text = row.get_ref(1).and_then(|v| Ok(v.as_blob()?)).at(path)?;
            visit(first, text);
        }
        Ok(())
    }

    /// A second read-only connection to the same file, for a scan on another
    /// thread.
    fn another_connection(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).at(&self.path)?;
        schema::prepare_for_reading(&conn).at(&self.path)?;
        Ok(conn)
    }

    fn chunk_count_for(&self) -> usize {
        (self.archive_count as usize).div_ceil(CHUNK_ENTRIES)
    }
}

impl Snapshot {
    /// For queries across two snapshot files.
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }
}

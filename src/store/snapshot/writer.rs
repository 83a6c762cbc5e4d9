//! Writes a snapshot file: rows into `archive` as the reader hands them over,
//! search text in chunks, and the orders once the inventory has been read to its
//! end. Until then it is a private file that an error simply deletes.
//!
//! The rows, nearly all of the file, go straight into b-tree pages; SQLite
//! itself creates the tables and writes the orders and `meta`. The page writer
//! goes only into a file checked to be as it assumes (see `file_check`); any
//! other gets its rows through SQL.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};

use super::columns::{
    ARCHIVE_COLUMNS, ArchiveSource, SearchSource, archive_values, format_badge, search_values,
};
use super::file_check::{self, SchemaFacts};
use super::layout::push_key_entry;
use super::name_chunks::NameChunk;
use super::record::Value;
use super::row_batch::RowBatch;
use super::rows::{PageRows, RowSink, SqlRows};
use super::schema::{
    CHUNK_ENTRIES, SNAPSHOT_PAGE_SIZE, create_tables, prepare_for_build, prepare_for_more,
};
use crate::store::error::{AtPath, StoreError, io_error};
use crate::store::sorter::{ExternalSorter, KeyRecord, SortedRecords};

/// Glacier's largest archive: 40 TiB.
pub const MAX_ARCHIVE_SIZE: u64 = 40 << 40;

/// A change made to a new file through SQL, at a step of its making.
pub type Alteration<'a> = &'a dyn Fn(&Connection) -> rusqlite::Result<()>;

/// How a snapshot file is made. Imports take the default; the tests vary it to
/// see the page writer on other page sizes and the file checks at work.
pub struct FileOptions<'a> {
    pub page_size: u32,
    /// Writes the rows through SQL even when the page writer could.
    pub plain_sql: bool,
    /// Runs once the page size is set, before SQLite makes the tables.
    pub before_tables: Option<Alteration<'a>>,
    /// Runs once SQLite has made the tables, before the file is checked.
    pub after_tables: Option<Alteration<'a>>,
}

impl Default for FileOptions<'_> {
    fn default() -> Self {
        Self {
            page_size: SNAPSHOT_PAGE_SIZE,
            plain_sql: false,
            before_tables: None,
            after_tables: None,
        }
    }
}

/// Writes a snapshot's rows into `archive` and `search_text`, in tables SQLite
/// created: page by page (see `bulk_table`), or through SQL.
pub struct SnapshotWriter {
    path: PathBuf,
    rows: RowSink,
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
    /// Creates the file at `path` (an empty file or none) as `options` say, then
    /// checks it (once an import, off the rows' path) to choose how its rows are
    /// written.
    pub fn create_with(path: &Path, options: &FileOptions<'_>) -> Result<Self, StoreError> {
        let schema = make_file(path, options)?;
        let file = open_staged_file(path).map_err(io_error("open", path))?;
        let checked = file_check::check(&schema, &file).map_err(io_error("read", path))?;
        let rows = match checked {
            Ok(layout) if !options.plain_sql => {
                RowSink::Pages(Box::new(PageRows::new(file, &layout)))
            }
            Ok(_) => RowSink::Sql(SqlRows::open(path)?),
            Err(differences) => {
                let found: Vec<String> = differences.iter().map(ToString::to_string).collect();
                tracing::warn!(
                    file = %path.display(),
                    "the new snapshot file is not laid out as the page writer assumes ({}); \
                     its rows are written through SQL instead, which is slower",
                    found.join("; ")
                );
                RowSink::Sql(SqlRows::open(path)?)
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            rows,
            archives: 0,
            total_size: 0,
        })
    }

    /// Whether the rows go page by page.
    #[cfg(test)]
    pub fn writes_pages(&self) -> bool {
        matches!(self.rows, RowSink::Pages(_))
    }

    /// Stores a batch of archives, in inventory order.
    pub fn add_rows(&mut self, rows: &RowBatch) -> Result<(), StoreError> {
        let path = &self.path;
        let totals = (&mut self.archives, &mut self.total_size);
        // One dispatch a batch: each loop below is the rows' whole path.
        match &mut self.rows {
            RowSink::Pages(pages) => for_each_archive(rows, totals, |values| {
                pages.add_archive(values).map_err(io_error("write", path))
            }),
            RowSink::Sql(sql) => {
                let mut insert = sql.archive_insert().at(path)?;
                for_each_archive(rows, totals, |values| {
                    insert
                        .execute(rusqlite::params_from_iter(values))
                        .map(drop)
                        .at(path)
                })
            }
        }
    }

    /// Stores the search text of archives `first_position` onwards.
    pub fn add_search_chunk(&mut self, first_position: u32, text: &[u8]) -> Result<(), StoreError> {
        if text.is_empty() {
            return Ok(());
        }
        let values = search_values(&SearchSource {
            first_position,
            text,
        });
        match &mut self.rows {
            RowSink::Pages(pages) => pages
                .add_search(values)
                .map_err(io_error("write", &self.path)),
            RowSink::Sql(sql) => sql.add_search(values).at(&self.path),
        }
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
            rows,
            archives,
            total_size,
            ..
        } = self;
        let conn = match rows {
            RowSink::Pages(pages) => {
                pages.finish().map_err(io_error("write", &path))?;
                let conn = open_staged(&path).at(&path)?;
                prepare_for_more(&conn).at(&path)?;
                conn.execute_batch("BEGIN").at(&path)?;
                conn
            }
            RowSink::Sql(sql) => sql.into_connection(),
        };
        Ok(OrdersWriter {
            conn,
            path,
            archives,
            total_size,
        })
    }
}

/// The snapshot being written, opened by SQLite. The import made it under a
/// fresh name; a link put in its place since is refused, never written through.
pub(super) fn open_staged(path: &Path) -> rusqlite::Result<Connection> {
    let flags = rusqlite::OpenFlags::default() | rusqlite::OpenFlags::SQLITE_OPEN_NOFOLLOW;
    Connection::open_with_flags(path, flags)
}

/// The snapshot being written, opened for the page writer; never through a link.
fn open_staged_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Bit patterns of open(2) flags are small and positive.
        let no_follow = rustix::fs::OFlags::NOFOLLOW.bits() as i32;
        options.custom_flags(no_follow);
    }
    options.open(path)
}

/// Makes the file and its tables as `options` say, and reads back from SQLite
/// what the check needs; the file is closed again.
pub(super) fn make_file(path: &Path, options: &FileOptions<'_>) -> Result<SchemaFacts, StoreError> {
    let conn = open_staged(path).at(path)?;
    prepare_for_build(&conn, options.page_size).at(path)?;
    if let Some(alter) = options.before_tables {
        alter(&conn).at(path)?;
    }
    create_tables(&conn).at(path)?;
    if let Some(alter) = options.after_tables {
        alter(&conn).at(path)?;
    }
    let schema = file_check::read_schema(&conn).at(path)?;
    conn.close().map_err(|(_, source)| StoreError::Database {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(schema)
}

/// Checks and counts each archive of a batch, and hands its values, in column
/// order, to `store`.
#[inline]
fn for_each_archive(
    rows: &RowBatch,
    (archives, total_size): (&mut u32, &mut u128),
    mut store: impl FnMut([Value<'_>; ARCHIVE_COLUMNS.len()]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for row in rows.iter() {
        if row.size > MAX_ARCHIVE_SIZE {
            return Err(StoreError::SizeTooLarge {
                position: u64::from(row.position),
                size: row.size,
            });
        }
        *archives = row.position;
        *total_size += u128::from(row.size);
        let badge = format_badge(row.format);
        store(archive_values(&ArchiveSource {
            row: &row,
            badge: &badge,
        }))?;
    }
    Ok(())
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

#[cfg(test)]
#[path = "writer_tests.rs"]
mod tests;

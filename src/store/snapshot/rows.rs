//! The two ways the rows of `archive` and `search_text` reach a snapshot file:
//! straight into b-tree pages (`bulk_table`), or through SQL when the file is not
//! what the page writer assumes (see `file_check`). The SQL way is slower but
//! makes no assumption; the tests also write every row both ways and compare.

use std::fs::File;
use std::io;
use std::path::Path;

use rusqlite::{CachedStatement, Connection};

use super::bulk_table::{PageFile, TableBuilder};
use super::columns::{
    ARCHIVE_COLUMNS, ARCHIVE_ROWID, ARCHIVE_TABLE, SEARCH_COLUMNS, SEARCH_ROWID, SEARCH_TABLE,
    insert_sql,
};
use super::file_check::PageLayout;
use super::record::{RecordBuilder, Value};
use super::schema::prepare_for_more;
use crate::store::error::{AtPath, StoreError};

/// Where the rows go. (The page writer's buffers are boxed: the two differ
/// much in size, and one exists per import.)
pub enum RowSink {
    Pages(Box<PageRows>),
    Sql(SqlRows),
}

/// The page writer: a table builder for each table, over one file.
pub struct PageRows {
    pages: PageFile,
    archive: TableBuilder,
    search: TableBuilder,
    record: RecordBuilder,
}

impl PageRows {
    /// For a file whose layout `file_check` found as the page writer assumes.
    pub fn new(file: File, layout: &PageLayout) -> Self {
        let pages = PageFile::new(file, layout.page_size as usize, layout.page_count);
        Self {
            archive: TableBuilder::new(layout.archive_root, &pages),
            search: TableBuilder::new(layout.search_root, &pages),
            pages,
            record: RecordBuilder::default(),
        }
    }

    #[inline]
    pub fn add_archive(&mut self, values: [Value<'_>; ARCHIVE_COLUMNS.len()]) -> io::Result<()> {
        insert(
            &mut self.archive,
            &mut self.pages,
            &mut self.record,
            values,
            ARCHIVE_ROWID,
        )
    }

    pub fn add_search(&mut self, values: [Value<'_>; SEARCH_COLUMNS.len()]) -> io::Result<()> {
        insert(
            &mut self.search,
            &mut self.pages,
            &mut self.record,
            values,
            SEARCH_ROWID,
        )
    }

    /// Completes both trees and records the file's new length in its header.
    pub fn finish(self) -> io::Result<()> {
        let Self {
            mut pages,
            archive,
            search,
            ..
        } = self;
        archive.finish(&mut pages)?;
        search.finish(&mut pages)?;
        pages.write_header_page_count()
    }
}

/// Writes one row's record into its table, the rowid column's value as the key.
#[inline]
fn insert<const N: usize>(
    table: &mut TableBuilder,
    pages: &mut PageFile,
    record: &mut RecordBuilder,
    mut values: [Value<'_>; N],
    rowid_column: usize,
) -> io::Result<()> {
    let Value::Integer(rowid) = values[rowid_column] else {
        return Err(io::Error::other("a row came without an integer rowid"));
    };
    // The key holds the rowid; the record holds NULL in its column's place, as
    // SQLite writes it.
    values[rowid_column] = Value::Null;
    let len = record.prepare(&values);
    let record = &*record;
    table.insert_with(pages, rowid, len, |out| record.write_prepared(&values, out))
}

/// The plain-SQL writer: prepared inserts of every column, in one transaction
/// that the orders and `meta` then join.
pub struct SqlRows {
    conn: Connection,
    archive_insert: String,
    search_insert: String,
}

impl SqlRows {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = super::writer::open_staged(path).at(path)?;
        prepare_for_more(&conn).at(path)?;
        conn.execute_batch("BEGIN").at(path)?;
        Ok(Self {
            conn,
            archive_insert: insert_sql(ARCHIVE_TABLE, &ARCHIVE_COLUMNS),
            search_insert: insert_sql(SEARCH_TABLE, &SEARCH_COLUMNS),
        })
    }

    /// The insert of one archive row: taken once a batch, its values bound in
    /// column order.
    pub fn archive_insert(&self) -> rusqlite::Result<CachedStatement<'_>> {
        self.conn.prepare_cached(&self.archive_insert)
    }

    pub fn add_search(&self, values: [Value<'_>; SEARCH_COLUMNS.len()]) -> rusqlite::Result<()> {
        self.conn
            .prepare_cached(&self.search_insert)?
            .execute(rusqlite::params_from_iter(values))
            .map(drop)
    }

    /// The connection, its transaction still open.
    pub fn into_connection(self) -> Connection {
        self.conn
    }
}

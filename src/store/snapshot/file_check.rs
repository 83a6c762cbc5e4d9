//! What the page writer (`bulk_table`, `record`) assumes of the file it writes
//! into, checked once per import from the file SQLite has just made: its header
//! (page size, no reserved bytes, UTF-8, schema format 4, a rollback-journal
//! file without auto-vacuum), its length, and for each table written page by
//! page the columns it was made with, nothing attached to it (an index or a
//! trigger would miss every row written by hand) and an empty table leaf as its
//! root. A file that differs in anything is written through SQL instead.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use rusqlite::{Connection, OptionalExtension};

use super::columns::{ARCHIVE_COLUMNS, ARCHIVE_TABLE, ColumnShape, SEARCH_COLUMNS, SEARCH_TABLE};

const MAGIC: &[u8; 16] = b"SQLite format 3\0";
const TABLE_LEAF: u8 = 13;

/// Where the page writer may write: the file's page size and pages, and the
/// root page of each table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLayout {
    pub page_size: u32,
    pub page_count: u32,
    pub archive_root: u32,
    pub search_root: u32,
}

/// One way the file is not what the page writer assumes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Difference {
    #[error("the file does not start with SQLite's header")]
    NotSqlite,
    #[error("page size {header} in the header, {pragma} from PRAGMA page_size")]
    PageSize { header: u32, pragma: u32 },
    #[error("file format versions {write} and {read} (a rollback-journal file has 1 and 1)")]
    Versions { write: u8, read: u8 },
    #[error("{0} reserved bytes at the end of every page (the page writer fills pages to the end)")]
    ReservedBytes(u8),
    #[error("payload fractions {0:?} (SQLite's are 64, 32, 32)")]
    PayloadFractions([u8; 3]),
    #[error("schema format {0} (records use the constants 0 and 1 of format 4)")]
    SchemaFormat(u32),
    #[error("text encoding {0} (1 is UTF-8, what the page writer writes)")]
    Encoding(u32),
    #[error("auto-vacuum is on (its pointer-map pages would not list the new pages)")]
    AutoVacuum,
    #[error("the file is {bytes} bytes, not {pages} pages of {page_size}")]
    Length {
        bytes: u64,
        pages: u32,
        page_size: u32,
    },
    #[error("there is no table {0}")]
    MissingTable(&'static str),
    #[error("table {table} has the columns ({found}), not ({expected})")]
    Columns {
        table: &'static str,
        found: String,
        expected: String,
    },
    #[error("table {table} has the {kind} {name}")]
    Attached {
        table: &'static str,
        kind: String,
        name: String,
    },
    #[error("the root page {page} of table {table} is not an empty table leaf")]
    Root { table: &'static str, page: u32 },
}

/// What SQLite says of one table written page by page.
#[derive(Debug)]
struct TableFacts {
    name: &'static str,
    root: Option<u32>,
    columns: Vec<ColumnShape>,
    expected: Vec<ColumnShape>,
    /// Indexes, triggers and anything else naming the table, as (kind, name).
    attached: Vec<(String, String)>,
}

/// What SQLite says of the file, read before it is closed and checked.
#[derive(Debug)]
pub struct SchemaFacts {
    page_size: u32,
    page_count: u32,
    tables: [TableFacts; 2],
}

/// Reads the schema side of the check through SQLite.
pub fn read_schema(conn: &Connection) -> rusqlite::Result<SchemaFacts> {
    Ok(SchemaFacts {
        page_size: conn.query_row("PRAGMA page_size", [], |row| row.get(0))?,
        page_count: conn.query_row("PRAGMA page_count", [], |row| row.get(0))?,
        tables: [
            table_facts(
                conn,
                ARCHIVE_TABLE,
                ARCHIVE_COLUMNS.iter().map(|c| c.shape()).collect(),
            )?,
            table_facts(
                conn,
                SEARCH_TABLE,
                SEARCH_COLUMNS.iter().map(|c| c.shape()).collect(),
            )?,
        ],
    })
}

fn table_facts(
    conn: &Connection,
    name: &'static str,
    expected: Vec<ColumnShape>,
) -> rusqlite::Result<TableFacts> {
    // A view is no table, and a virtual table has root page 0: either is missing
    // for the page writer.
    let root: Option<u32> = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |row| row.get(0),
        )
        .optional()?
        .filter(|&root| root > 1);
    let columns = conn
        .prepare(
            "SELECT name, type, \"notnull\", pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid",
        )?
        .query_map([name], |row| {
            Ok(ColumnShape {
                name: row.get(0)?,
                sql_type: row.get(1)?,
                not_null: row.get(2)?,
                primary_key: row.get::<_, i64>(3)? != 0,
                hidden: row.get::<_, i64>(4)? != 0,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // `index_list` names every index SQLite updates on an insert, those it
    // made for constraints too; the schema adds triggers.
    let mut attached = conn
        .prepare("SELECT 'index', name FROM pragma_index_list(?1)")?
        .query_map([name], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
    let others = conn
        .prepare("SELECT type, name FROM sqlite_schema WHERE tbl_name = ?1 AND name <> ?1")?
        .query_map([name], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
    for other in others {
        if !attached.contains(&other) {
            attached.push(other);
        }
    }
    Ok(TableFacts {
        name,
        root,
        columns,
        expected,
        attached,
    })
}

/// Checks the file, which SQLite has closed, against everything the page writer
/// assumes: where it may write, or every difference found.
pub fn check(schema: &SchemaFacts, file: &File) -> io::Result<Result<PageLayout, Vec<Difference>>> {
    let mut header = [0u8; 100];
    file.read_exact_at(&mut header, 0)?;
    let mut differences = header_differences(&header, schema.page_size);
    let page_size = schema.page_size;
    let bytes = file.metadata()?.len();
    if bytes != u64::from(schema.page_count) * u64::from(page_size) {
        differences.push(Difference::Length {
            bytes,
            pages: schema.page_count,
            page_size,
        });
    }
    let mut roots = [0u32; 2];
    for (table, root) in schema.tables.iter().zip(&mut roots) {
        differences.extend(table_differences(table));
        let Some(page) = table.root else {
            differences.push(Difference::MissingTable(table.name));
            continue;
        };
        *root = page;
        if !differences.is_empty() {
            // The page size or the length may be wrong: nothing to read by them.
            continue;
        }
        let mut head = [0u8; 8];
        if page <= schema.page_count {
            file.read_exact_at(&mut head, u64::from(page - 1) * u64::from(page_size))?;
        }
        if head[0] != TABLE_LEAF || head[3..5] != [0, 0] {
            differences.push(Difference::Root {
                table: table.name,
                page,
            });
        }
    }
    if !differences.is_empty() {
        return Ok(Err(differences));
    }
    Ok(Ok(PageLayout {
        page_size,
        page_count: schema.page_count,
        archive_root: roots[0],
        search_root: roots[1],
    }))
}

fn table_differences(table: &TableFacts) -> Vec<Difference> {
    let mut differences = Vec::new();
    if table.root.is_some() && table.columns != table.expected {
        let list = |columns: &[ColumnShape]| {
            let shown: Vec<String> = columns.iter().map(ToString::to_string).collect();
            shown.join(", ")
        };
        differences.push(Difference::Columns {
            table: table.name,
            found: list(&table.columns),
            expected: list(&table.expected),
        });
    }
    for (kind, name) in &table.attached {
        differences.push(Difference::Attached {
            table: table.name,
            kind: kind.clone(),
            name: name.clone(),
        });
    }
    differences
}

/// What in the 100-byte database header differs from what the page writer
/// assumes; offsets as the SQLite file format document gives them.
pub fn header_differences(header: &[u8; 100], pragma_page_size: u32) -> Vec<Difference> {
    let be16 = |at: usize| u32::from(u16::from_be_bytes([header[at], header[at + 1]]));
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    if header[..16] != MAGIC[..] {
        return vec![Difference::NotSqlite];
    }
    let mut differences = Vec::new();
    // 1 stands for 65536, which two bytes cannot hold.
    let page_size = match be16(16) {
        1 => 65536,
        size => size,
    };
    if page_size != pragma_page_size || !page_size.is_power_of_two() || page_size < 512 {
        differences.push(Difference::PageSize {
            header: page_size,
            pragma: pragma_page_size,
        });
    }
    if (header[18], header[19]) != (1, 1) {
        differences.push(Difference::Versions {
            write: header[18],
            read: header[19],
        });
    }
    if header[20] != 0 {
        differences.push(Difference::ReservedBytes(header[20]));
    }
    if header[21..24] != [64, 32, 32] {
        differences.push(Difference::PayloadFractions([
            header[21], header[22], header[23],
        ]));
    }
    if be32(44) != 4 {
        differences.push(Difference::SchemaFormat(be32(44)));
    }
    // The largest root page is kept only with auto-vacuum (or incremental).
    if be32(52) != 0 || be32(64) != 0 {
        differences.push(Difference::AutoVacuum);
    }
    if be32(56) != 1 {
        differences.push(Difference::Encoding(be32(56)));
    }
    differences
}

#[cfg(test)]
#[path = "file_check_tests.rs"]
mod tests;

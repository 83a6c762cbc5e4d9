//! The database file of one inventory snapshot. Each snapshot gets a file of its
//! own: an import writes it without a journal (nothing else can see it until it is
//! renamed into place and named in the catalog), readers open it read-only, and
//! dropping a snapshot is deleting a file.
//!
//! `archive` is a plain table anyone can query with the sqlite3 shell. The other
//! tables hold the orders and the search text defrost pages through, in chunks of
//! [`CHUNK_ENTRIES`] archives so that any page is one or two small reads.

use rusqlite::Connection;

use super::columns::{ARCHIVE_COLUMNS, ARCHIVE_TABLE, SEARCH_COLUMNS, SEARCH_TABLE, table_ddl};

/// The snapshot schema this build writes and reads (`PRAGMA user_version`).
pub const SNAPSHOT_SCHEMA: i64 = 1;
/// Marks a snapshot file as defrost's (`PRAGMA application_id`, "dfrs").
pub const SNAPSHOT_APPLICATION_ID: i64 = 0x6466_7273;
/// Archives per chunk of an order.
pub const CHUNK_ENTRIES: usize = 4096;
/// The most bytes of search text in one row: small enough to sit within one
/// 64 KiB page, so that a filter reads it in place through the memory map
/// instead of having SQLite gather a chain of overflow pages into a copy.
pub const SEARCH_CHUNK_BYTES: usize = 60_000;
/// The page size of a snapshot file: the largest SQLite offers, so that a search
/// chunk fits in one page and trees stay shallow.
pub const SNAPSHOT_PAGE_SIZE: u32 = 65536;

/// The tables between `archive` and `search_text`: written through SQL.
const ORDERS_DDL: &str = "-- Archives by name (bytewise), as chunks of entries:
-- u32 position, u64 size, u32 name length, name bytes (all little-endian).
CREATE TABLE name_order (
    chunk      INTEGER PRIMARY KEY,
    first_name BLOB NOT NULL,
    entries    BLOB NOT NULL
);
-- Archives by size ('size') and by creation time ('created', Unix milliseconds),
-- as chunks of entries: u64 key, u32 position.
CREATE TABLE key_order (
    kind    TEXT NOT NULL,
    chunk   INTEGER NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (kind, chunk)
) WITHOUT ROWID;
-- What filtering searches: per archive in inventory order, one line of name,
-- description and archive id, ASCII letters in lower case; each row holds the
-- lines of consecutive archives from first_position on.
";

const META_DDL: &str = "CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value
);
";

/// The statements that make a snapshot's tables. The two written page by page
/// come from their column definitions (see `columns`).
pub fn snapshot_ddl() -> String {
    [
        table_ddl(ARCHIVE_TABLE, &ARCHIVE_COLUMNS).as_str(),
        ORDERS_DDL,
        table_ddl(SEARCH_TABLE, &SEARCH_COLUMNS).as_str(),
        META_DDL,
    ]
    .concat()
}

/// Settings for building a file no one else can see yet: pages of `page_size`
/// bytes, no journal and no syncs while writing (the file is synced once, before
/// it is renamed into place).
pub fn prepare_for_build(conn: &Connection, page_size: u32) -> rusqlite::Result<()> {
    conn.execute_batch(&format!("PRAGMA page_size = {page_size};"))?;
    prepare_for_more(conn)
}

/// Makes the tables and marks the file as a snapshot of this schema.
pub fn create_tables(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&snapshot_ddl())?;
    conn.pragma_update(None, "application_id", SNAPSHOT_APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", SNAPSHOT_SCHEMA)
}

/// The same settings for a connection that goes on with a file being built.
pub fn prepare_for_more(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA locking_mode = EXCLUSIVE;
         PRAGMA cache_size = -8000;",
    )
}

/// Settings for reading: memory-mapped pages, so scans copy nothing.
pub fn prepare_for_reading(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA mmap_size = 17179869184; PRAGMA cache_size = -16000;")
}

/// Reads pages through a small page cache rather than the memory map: a scan
/// of every archive through the map leaves every page of the table counted in
/// the process's memory (431 MB for a million archives), copied or not, and a
/// scan that reads each page once gains nothing from a large cache.
/// [`prepare_for_reading`] maps them again.
pub fn read_without_map(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA mmap_size = 0; PRAGMA cache_size = -2000;")
}

//! The database file of one inventory snapshot. Each snapshot gets a file of its
//! own: an import writes it without a journal (nothing else can see it until it is
//! renamed into place and named in the catalog), readers open it read-only, and
//! dropping a snapshot is deleting a file.
//!
//! `archive` is a plain table anyone can query with the sqlite3 shell. The other
//! tables hold the orders and the search text defrost pages through, in chunks of
//! [`CHUNK_ENTRIES`] archives so that any page is one or two small reads.

use rusqlite::Connection;

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

pub const SNAPSHOT_DDL: &str = "
CREATE TABLE archive (
    -- 1-based place in the inventory
    position         INTEGER PRIMARY KEY,
    archive_id       TEXT NOT NULL,
    -- as uploaded: untrusted, may hold anything
    description      TEXT NOT NULL,
    -- the decoded file name made safe to print, or the archive id when the
    -- description names no file
    name             TEXT NOT NULL,
    -- which tool wrote the description: mt2, FastGlacier v4, CloudBerry, raw, ...
    format           TEXT NOT NULL,
    is_folder        INTEGER NOT NULL,
    -- the file's modification time (Unix seconds) when the description records it
    modified         INTEGER,
    size             INTEGER NOT NULL,
    -- CreationDate in Unix milliseconds; in the sqlite3 shell,
    -- strftime('%Y-%m-%dT%H:%M:%fZ', created / 1000.0, 'unixepoch') shows it
    created          INTEGER NOT NULL,
    -- 32 bytes; lower(hex(sha256_tree_hash)) in the sqlite3 shell
    sha256_tree_hash BLOB NOT NULL
);
-- Archives by name (bytewise), as chunks of entries:
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
CREATE TABLE search_text (
    first_position INTEGER PRIMARY KEY,
    text           BLOB NOT NULL
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value
);
";

/// Settings for building a file no one else can see yet: no journal and no syncs
/// while writing (the file is synced once, before it is renamed into place).
pub fn prepare_for_build(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA page_size = 65536;")?;
    prepare_for_more(conn)?;
    conn.execute_batch(SNAPSHOT_DDL)?;
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

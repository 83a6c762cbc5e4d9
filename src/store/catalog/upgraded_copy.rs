//! Reading a catalog of an older schema that this process may not upgrade: a
//! copy in memory, upgraded there as `Catalog::migrate` would upgrade the file,
//! so a read-only cache shows what a writable one would (plans included) while
//! the file stays exactly as it is. The catalog holds vaults, snapshots' rows and
//! the journal, never archives, so the copy is small.

use std::path::Path;

use rusqlite::Connection;

use super::Catalog;
use crate::store::error::{AtPath, StoreError};

/// An upgraded copy of the catalog at `path`, attached through `uri` (a
/// read-only SQLite URI of it).
pub(super) fn upgraded_copy(
    path: &Path,
    uri: &str,
    snapshots_dir: &Path,
) -> Result<Connection, StoreError> {
    let conn = Connection::open_in_memory().at(path)?;
    conn.execute("ATTACH DATABASE ?1 AS old", [uri]).at(path)?;
    // The rows are copied as the file holds them, table by table: a table
    // whose parent is missing or not yet copied is the file's own state, for
    // the upgrade to deal with, not a reason to show nothing.
    conn.pragma_update(None, "foreign_keys", false).at(path)?;
    copy_schema_and_rows(&conn).at(path)?;
    conn.pragma_update(None, "foreign_keys", true).at(path)?;
    for pragma in ["user_version", "application_id"] {
        let value: i64 = conn
            .query_row(&format!("PRAGMA old.{pragma}"), [], |r| r.get(0))
            .at(path)?;
        conn.pragma_update(None, pragma, value).at(path)?;
    }
    conn.execute_batch("DETACH DATABASE old").at(path)?;
    let mut catalog = Catalog {
        conn,
        path: path.to_path_buf(),
        snapshots_dir: snapshots_dir.to_path_buf(),
    };
    catalog.migrate()?;
    Ok(catalog.conn)
}

/// Every table of `old` with its rows, then its indexes, into `main`.
fn copy_schema_and_rows(conn: &Connection) -> rusqlite::Result<()> {
    let tables: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM old.sqlite_schema
             WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite!_%' ESCAPE '!'
             ORDER BY rowid",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, sql) in &tables {
        // An unqualified CREATE makes the table in `main`.
        conn.execute_batch(sql)?;
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        conn.execute(
            &format!("INSERT INTO main.{quoted} SELECT * FROM old.{quoted}"),
            [],
        )?;
    }
    let indexes: Vec<String> = conn
        .prepare("SELECT sql FROM old.sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for sql in &indexes {
        conn.execute_batch(sql)?;
    }
    Ok(())
}

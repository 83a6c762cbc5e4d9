//! Opening the catalog without ever taking something else for a new cache. SQLite
//! treats a missing or empty file as a new database and writes to it, but the
//! catalog holds the job journal (jobs that were paid for), so what is there is
//! decided first. A catalog that does not exist is built under a temporary name and
//! linked into place only once complete, without replacing one another process
//! linked first. One that exists is checked before anything is written to it, and
//! refused, untouched, unless it is a sound defrost catalog.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::{CATALOG_APPLICATION_ID, CATALOG_SCHEMA, Catalog};
use crate::store::error::{AtPath, CatalogDamage, StoreError, io_error};
use crate::store::leftovers;

/// The first bytes of every SQLite database.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// The length of an SQLite database's header.
const HEADER_LEN: usize = 100;
/// The prefix and suffix of a catalog being built; see `Store::sweep_leftovers`.
pub(crate) const NEW_CATALOG_PREFIX: &str = ".catalog-";
pub(crate) const NEW_CATALOG_SUFFIX: &str = ".partial";

/// Whether the catalog may be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    ReadWrite,
    ReadOnly,
}

impl Catalog {
    /// Opens the catalog at `path`, creating it only if there is no file there.
    pub fn open(path: &Path, snapshots_dir: &Path, access: Access) -> Result<Self, StoreError> {
        let conn = match access {
            Access::ReadWrite => open_writable(path, snapshots_dir)?,
            Access::ReadOnly => open_read_only(path, snapshots_dir)?,
        };
        Ok(Self {
            conn,
            path: path.to_path_buf(),
            snapshots_dir: snapshots_dir.to_path_buf(),
        })
    }
}

fn open_writable(path: &Path, snapshots_dir: &Path) -> Result<Connection, StoreError> {
    if !exists(path)? && !lost_to_snapshots(path, snapshots_dir)? {
        create(path)?;
    }
    check_file(path)?;
    // No CREATE flag: should the file vanish now, SQLite must not make a new one.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).at(path)?;
    // Other defrost processes may hold the write lock for a moment.
    conn.busy_timeout(Duration::from_secs(30)).at(path)?;
    verify(&conn, path)?;
    conn.pragma_update(None, "journal_mode", "WAL").at(path)?;
    conn.pragma_update(None, "foreign_keys", true).at(path)?;
    let mut catalog = Catalog {
        conn,
        path: path.to_path_buf(),
        snapshots_dir: snapshots_dir.to_path_buf(),
    };
    catalog.migrate()?;
    Ok(catalog.conn)
}

fn open_read_only(path: &Path, snapshots_dir: &Path) -> Result<Connection, StoreError> {
    let conn = if !exists(path)? && !lost_to_snapshots(path, snapshots_dir)? {
        // Nothing is cached here: an empty catalog in memory says so.
        let mut empty = Catalog {
            conn: Connection::open_in_memory().at(path)?,
            path: path.to_path_buf(),
            snapshots_dir: snapshots_dir.to_path_buf(),
        };
        empty.migrate()?;
        empty.conn
    } else {
        check_file(path)?;
        let (conn, immutable) = read_only_connection(path)?;
        let version = verify(&conn, path)?;
        if version < CATALOG_SCHEMA {
            // Too old to read as it is, and not ours to upgrade: read a copy,
            // or, should that fail, the file as it is, which still shows what
            // the older schema holds.
            let uri = uri_read_only(path, immutable);
            match super::upgraded_copy::upgraded_copy(path, &uri, snapshots_dir) {
                Ok(copy) => copy,
                Err(err) => {
                    tracing::warn!("cannot read an upgraded copy of the catalog: {err}");
                    conn
                }
            }
        } else {
            conn
        }
    };
    // Whatever asks for a change gets an error rather than a change that is lost.
    conn.pragma_update(None, "query_only", true).at(path)?;
    Ok(conn)
}

/// A connection that never writes. A catalog in WAL mode is read through its
/// `-shm` file, which SQLite creates on first use; in a folder that cannot be
/// written and without one, the catalog is read as immutable. Nothing can be
/// writing it then: a writer would have made the `-wal` file. Whether it is read
/// as immutable comes with it.
fn read_only_connection(path: &Path) -> Result<(Connection, bool), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(uri(path, false), flags).at(path)?;
    let readable = conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0));
    let cannot_start = matches!(
        readable
            .as_ref()
            .map_err(rusqlite::Error::sqlite_error_code),
        Err(Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen))
    );
    if cannot_start && !sibling(path, "-wal").exists() {
        drop(conn);
        let conn = Connection::open_with_flags(uri(path, true), flags).at(path)?;
        return Ok((conn, true));
    }
    Ok((conn, false))
}

/// `path` as a URI that SQLite opens only to read, for ATTACH, which takes its
/// flags from the URI.
fn uri_read_only(path: &Path, immutable: bool) -> String {
    let uri = uri(path, immutable).to_string_lossy().into_owned();
    let join = if immutable { '&' } else { '?' };
    format!("{uri}{join}mode=ro")
}

/// `path` as an SQLite URI, escaped so that no character of the path is taken
/// for part of the URI's syntax.
fn uri(path: &Path, immutable: bool) -> PathBuf {
    let bytes = path_bytes(path);
    let mut uri = String::from("file:");
    for &byte in bytes.iter() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(char::from(byte));
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    if immutable {
        uri.push_str("?immutable=1");
    }
    PathBuf::from(uri)
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    std::borrow::Cow::Owned(path.to_string_lossy().replace('\\', "/").into_bytes())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn exists(path: &Path) -> Result<bool, StoreError> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(io_error("look at", path)(err)),
    }
}

/// Refuses to start a new catalog beside snapshot files: they belong to a
/// catalog that was lost, not to a new cache. `false` when there are none, and
/// when another process created the catalog meanwhile (its imports made them).
fn lost_to_snapshots(path: &Path, snapshots_dir: &Path) -> Result<bool, StoreError> {
    let files = match fs::read_dir(snapshots_dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|entry| {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                name.starts_with("snapshot-") && name.ends_with(".sqlite")
            })
            .count(),
        Err(err) if err.kind() == io::ErrorKind::NotFound => 0,
        Err(err) => return Err(io_error("read", snapshots_dir)(err)),
    };
    if files == 0 || exists(path)? {
        return Ok(files > 0);
    }
    Err(StoreError::MissingCatalog {
        data_dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        catalog: path.to_path_buf(),
        snapshots_dir: snapshots_dir.to_path_buf(),
        files,
    })
}

/// Builds a new catalog under a temporary name and links it into place unless
/// another process got there first, whose catalog is then the one used.
fn create(path: &Path) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = leftovers::create_locked(dir, NEW_CATALOG_PREFIX, NEW_CATALOG_SUFFIX)
        .map_err(io_error("create a file in", dir))?;
    let conn = Connection::open(temp.path()).at(temp.path())?;
    // The file is private until it is linked: a journal would only slow it down.
    conn.pragma_update(None, "journal_mode", "OFF")
        .at(temp.path())?;
    let mut catalog = Catalog {
        conn,
        path: temp.path().to_path_buf(),
        snapshots_dir: PathBuf::new(),
    };
    catalog.migrate()?;
    catalog
        .conn
        .close()
        .map_err(|(_, source)| StoreError::Database {
            path: temp.path().to_path_buf(),
            source,
        })?;
    temp.as_file()
        .sync_all()
        .map_err(io_error("sync", temp.path()))?;
    match temp.persist_noclobber(path) {
        Ok(_) => {
            if let Ok(handle) = fs::File::open(dir) {
                let _ = handle.sync_all();
            }
            Ok(())
        }
        Err(err) if err.error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(io_error("move into place", path)(err.error)),
    }
}

/// Refuses a file that cannot be a catalog from its first bytes, before SQLite
/// sees it: SQLite would take an empty file for a new database.
fn check_file(path: &Path) -> Result<(), StoreError> {
    let damaged = |damage| StoreError::DamagedCatalog {
        path: path.to_path_buf(),
        damage,
    };
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        // A link to nothing.
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(damaged(CatalogDamage::NotAFile));
        }
        Err(err) => return Err(io_error("look at", path)(err)),
    };
    if !meta.is_file() {
        return Err(damaged(CatalogDamage::NotAFile));
    }
    if meta.len() == 0 {
        return Err(damaged(CatalogDamage::Empty));
    }
    let mut header = Vec::with_capacity(HEADER_LEN);
    fs::File::open(path)
        .and_then(|file| file.take(HEADER_LEN as u64).read_to_end(&mut header))
        .map_err(io_error("read", path))?;
    if !header.starts_with(SQLITE_MAGIC) {
        return Err(damaged(CatalogDamage::NotSqlite));
    }
    if header.len() < HEADER_LEN {
        return Err(damaged(CatalogDamage::Corrupt(format!(
            "cut short at {} bytes, inside its header",
            meta.len()
        ))));
    }
    // Pages committed to the write-ahead log may not be in the file yet (a
    // checkpoint stopped halfway writes the header before the pages after
    // it); SQLite reads them from the log, so only a file without one is
    // judged by its length.
    if wal_has_frames(path) {
        return Ok(());
    }
    match recorded_length(&header) {
        Some(recorded) if meta.len() < recorded => Err(damaged(CatalogDamage::Corrupt(format!(
            "cut short: {} of its {recorded} bytes",
            meta.len()
        )))),
        _ => Ok(()),
    }
}

/// Whether the catalog's write-ahead log holds anything beyond its header.
fn wal_has_frames(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    // A WAL header is 32 bytes; each frame adds a 24-byte header and a page.
    fs::metadata(Path::new(&wal)).is_ok_and(|meta| meta.len() > 32)
}

/// The file length the header records (page size × pages), when the header
/// vouches for it: its page count is valid only while the "version valid for"
/// number equals the change counter. Reading the header instead of every page
/// keeps each start of defrost as cheap with a large journal as with a small one.
fn recorded_length(header: &[u8]) -> Option<u64> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(header.get(at..at + 4)?.try_into().ok()?))
    };
    let page_size = match u16::from_be_bytes(header.get(16..18)?.try_into().ok()?) {
        1 => 65_536,
        size => u64::from(size),
    };
    let pages = u64::from(word(28)?);
    (word(92)? == word(24)?).then_some(page_size * pages)
}

/// Refuses, before anything is written, a database that is not a defrost
/// catalog and one a newer defrost wrote. A file cut short was refused from its
/// header; a page damaged inside is refused by SQLite when it is read. Its
/// schema version when it is sound.
fn verify(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let damaged = |damage| StoreError::DamagedCatalog {
        path: path.to_path_buf(),
        damage,
    };
    let number = |sql: &str| conn.query_row(sql, [], |row| row.get::<_, i64>(0));
    let application = number("PRAGMA application_id").map_err(|err| classify(err, path))?;
    let version = number("PRAGMA user_version").map_err(|err| classify(err, path))?;
    if application != CATALOG_APPLICATION_ID {
        let tables =
            number("SELECT count(*) FROM sqlite_schema").map_err(|err| classify(err, path))?;
        let damage = match (tables, version) {
            (0, 0) => CatalogDamage::NoSchema,
            _ => CatalogDamage::Foreign,
        };
        return Err(damaged(damage));
    }
    if version == 0 {
        return Err(damaged(CatalogDamage::NoSchema));
    }
    if version > CATALOG_SCHEMA {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: CATALOG_SCHEMA,
        });
    }
    Ok(version)
}

/// A damaged file reported as such; other failures as the database's.
fn classify(err: rusqlite::Error, path: &Path) -> StoreError {
    let damage = match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt) => CatalogDamage::Corrupt(err.to_string()),
        Some(ErrorCode::NotADatabase) => CatalogDamage::NotSqlite,
        _ => {
            return StoreError::Database {
                path: path.to_path_buf(),
                source: err,
            };
        }
    };
    StoreError::DamagedCatalog {
        path: path.to_path_buf(),
        damage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_escape_what_sqlite_would_read_as_syntax() {
        let path = Path::new("/data/a b/c?d#e%f.sqlite");
        assert_eq!(
            uri(path, true),
            PathBuf::from("file:/data/a%20b/c%3Fd%23e%25f.sqlite?immutable=1")
        );
        assert_eq!(
            uri(Path::new("x.sqlite"), false),
            PathBuf::from("file:x.sqlite")
        );
    }
}

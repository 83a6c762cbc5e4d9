//! The catalog: which vaults defrost has seen and every inventory snapshot of each.
//! It is small and shared by every defrost process, so it runs in WAL mode (readers
//! never wait for a writer) and each change is one short transaction. The archives
//! of a snapshot live in a database file of their own (see `snapshot`).

mod open;
mod upgraded_copy;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use time::OffsetDateTime;

pub(crate) use open::{Access, NEW_CATALOG_PREFIX, NEW_CATALOG_SUFFIX};

use super::error::{AtPath, StoreError};
use crate::domain::inventory::{InventoryFormat, Timestamp};

/// The catalog schema this build writes and reads; kept in `PRAGMA user_version`.
/// 1: vaults and snapshots; 2: the job journal as well; 3: restore claims;
/// 4: retrieval plans; 5: batches; 6: deletions and uploads; 7: peeks.
pub const CATALOG_SCHEMA: i64 = 7;
/// Marks the catalog as defrost's (`PRAGMA application_id`, "dfrc").
const CATALOG_APPLICATION_ID: i64 = 0x6466_7263;

const CATALOG_DDL: &str = "
CREATE TABLE vault (
    id      INTEGER PRIMARY KEY,
    -- '-' when unknown: Glacier's own word for the account of the credentials
    account TEXT NOT NULL,
    region  TEXT NOT NULL,
    name    TEXT NOT NULL,
    UNIQUE (account, region, name)
);
CREATE TABLE snapshot (
    id             INTEGER PRIMARY KEY,
    vault_id       INTEGER NOT NULL REFERENCES vault(id),
    -- InventoryDate exactly as Glacier wrote it, and as Unix seconds for sorting
    inventory_date TEXT NOT NULL,
    inventory_unix INTEGER NOT NULL,
    -- when and how defrost obtained it
    obtained_at    TEXT NOT NULL,
    source         TEXT NOT NULL,
    format         TEXT NOT NULL,
    archive_count  INTEGER NOT NULL,
    -- decimal text: ten million archives of up to 40 TiB can pass a 64-bit integer
    total_size     TEXT NOT NULL,
    -- the snapshot's own database, relative to the snapshots folder
    file           TEXT NOT NULL UNIQUE,
    UNIQUE (vault_id, inventory_unix)
);
";

/// Which vault: Glacier names a vault within an account and a region.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VaultKey {
    pub account: String,
    pub region: String,
    pub name: String,
}

impl std::fmt::Display for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}, account {})",
            self.name, self.region, self.account
        )
    }
}

/// A vault the catalog knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vault {
    pub id: i64,
    pub key: VaultKey,
}

/// One cached inventory of a vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    pub id: i64,
    pub vault: Vault,
    pub inventory_date: Timestamp,
    pub obtained_at: OffsetDateTime,
    /// How it was obtained, for example `file inventory.json` or `stdin`.
    pub source: String,
    pub format: InventoryFormat,
    pub archive_count: u64,
    pub total_size: u128,
    /// The snapshot's database file.
    pub path: PathBuf,
}

impl SnapshotInfo {
    /// How old the inventory is at `now`.
    pub fn age(&self, now: OffsetDateTime) -> time::Duration {
        now - self.inventory_date.to_offset_date_time()
    }
}

/// What an import hands the catalog once its snapshot file is complete.
pub(crate) struct NewSnapshot<'a> {
    pub vault: &'a VaultKey,
    pub inventory_date: Timestamp,
    pub obtained_at: OffsetDateTime,
    pub source: &'a str,
    pub format: InventoryFormat,
    pub archive_count: u64,
    pub total_size: u128,
    pub file_name: &'a str,
}

/// The open catalog.
pub(crate) struct Catalog {
    conn: Connection,
    path: PathBuf,
    snapshots_dir: PathBuf,
}

impl Catalog {
    /// Creates the schema in a catalog `open::create` has just made, and brings
    /// an older one up to date. A catalog that exists is checked (`open::verify`)
    /// before this runs, so the first arm only ever sees a new, private file. The
    /// immediate transaction makes two processes upgrading one catalog take turns.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .at(path)?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .at(path)?;
        let application: i64 = tx
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .at(path)?;
        match version {
            0 => {
                let tables: i64 = tx
                    .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
                    .at(path)?;
                if tables > 0 {
                    return Err(StoreError::NotOurs { path: path.clone() });
                }
                tx.execute_batch(CATALOG_DDL).at(path)?;
                tx.execute_batch(super::journal::JOURNAL_DDL).at(path)?;
                tx.execute_batch(super::claims::CLAIMS_DDL).at(path)?;
                tx.execute_batch(super::plans::PLANS_DDL).at(path)?;
                tx.execute_batch(super::batches::BATCHES_DDL).at(path)?;
                tx.execute_batch(super::deletions::DELETIONS_DDL).at(path)?;
                tx.execute_batch(super::peeks::PEEKS_DDL).at(path)?;
                tx.pragma_update(None, "application_id", CATALOG_APPLICATION_ID)
                    .at(path)?;
                tx.pragma_update(None, "user_version", CATALOG_SCHEMA)
                    .at(path)?;
            }
            _ if application != CATALOG_APPLICATION_ID => {
                return Err(StoreError::NotOurs { path: path.clone() });
            }
            // A cache from before the journal, restore claims, plans, batches,
            // deletions or peeks:
            // add what it lacks, give its jobs their plans, keep everything else.
            1..CATALOG_SCHEMA => {
                if version == 1 {
                    tx.execute_batch(super::journal::JOURNAL_DDL).at(path)?;
                }
                if version <= 2 {
                    tx.execute_batch(super::claims::CLAIMS_DDL).at(path)?;
                }
                if version <= 3 {
                    tx.execute_batch(super::plans::PLANS_DDL).at(path)?;
                    super::plans::plan_v3_jobs(&tx).at(path)?;
                }
                tx.execute_batch(super::batches::BATCHES_DDL).at(path)?;
                tx.execute_batch(super::deletions::DELETIONS_DDL).at(path)?;
                tx.execute_batch(super::peeks::PEEKS_DDL).at(path)?;
                tx.pragma_update(None, "user_version", CATALOG_SCHEMA)
                    .at(path)?;
            }
            CATALOG_SCHEMA => {}
            found => {
                return Err(StoreError::NewerSchema {
                    path: path.clone(),
                    found,
                    supported: CATALOG_SCHEMA,
                });
            }
        }
        // Indexes only speed reads, so any catalog of this schema gains them
        // when first opened to write, and an older build reads it the same.
        tx.execute_batch(super::journal::JOURNAL_INDEXES_DDL)
            .at(path)?;
        tx.commit().at(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// For the journal, which shares the catalog's database.
    pub(super) fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(super) fn read_connection(&self) -> &Connection {
        &self.conn
    }

    /// Every vault, by name, region and account.
    pub fn vaults(&self) -> Result<Vec<Vault>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, account, region, name FROM vault ORDER BY name, region, account",
            )
            .at(&self.path)?;
        let rows = statement
            .query_map([], vault_from_row)
            .at(&self.path)?
            .collect::<Result<Vec<_>, _>>()
            .at(&self.path)?;
        Ok(rows)
    }

    /// Every snapshot of `vault` (all vaults when `None`), oldest first per vault.
    pub fn snapshots(&self, vault: Option<i64>) -> Result<Vec<SnapshotInfo>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT s.id, v.id, v.account, v.region, v.name, s.inventory_date, s.obtained_at,
                        s.source, s.format, s.archive_count, s.total_size, s.file
                 FROM snapshot s JOIN vault v ON v.id = s.vault_id
                 WHERE ?1 IS NULL OR v.id = ?1
                 ORDER BY v.name, v.region, v.account, s.inventory_unix, s.id",
            )
            .at(&self.path)?;
        let raw = statement
            .query_map([vault], RawSnapshot::from_row)
            .at(&self.path)?
            .collect::<Result<Vec<_>, _>>()
            .at(&self.path)?;
        raw.into_iter()
            .map(|row| row.into_info(&self.path, &self.snapshots_dir))
            .collect()
    }

    /// Records a finished snapshot. The file is already in place; if the vault
    /// already has an inventory of the same date, nothing is recorded and the caller
    /// removes the file.
    pub fn register(&mut self, new: &NewSnapshot<'_>) -> Result<SnapshotInfo, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .at(&path)?;
        let vault_id = ensure_vault(&tx, new.vault).at(&path)?;
        let unix = new.inventory_date.to_offset_date_time().unix_timestamp();
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM snapshot WHERE vault_id = ?1 AND inventory_unix = ?2",
                params![vault_id, unix],
                |r| r.get(0),
            )
            .optional()
            .at(&path)?;
        if let Some(existing) = existing {
            return Err(StoreError::AlreadyImported {
                vault: new.vault.to_string(),
                inventory_date: new.inventory_date.to_string(),
                snapshot: existing,
            });
        }
        tx.execute(
            "INSERT INTO snapshot (vault_id, inventory_date, inventory_unix, obtained_at, source,
                                   format, archive_count, total_size, file)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                vault_id,
                new.inventory_date.to_string(),
                unix,
                rfc3339(new.obtained_at),
                new.source,
                format_name(new.format),
                i64::try_from(new.archive_count).unwrap_or(i64::MAX),
                new.total_size.to_string(),
                new.file_name,
            ],
        )
        .at(&path)?;
        let id = tx.last_insert_rowid();
        tx.commit().at(&path)?;
        self.snapshots(Some(vault_id))?
            .into_iter()
            .find(|snapshot| snapshot.id == id)
            .ok_or_else(|| StoreError::refused("the new snapshot vanished from the catalog"))
    }

    /// The file names of every recorded snapshot, to tell a finished snapshot
    /// from one an import left unrecorded.
    pub fn recorded_files(&self) -> Result<HashSet<String>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT file FROM snapshot")
            .at(&self.path)?;
        let files = statement
            .query_map([], |row| row.get(0))
            .at(&self.path)?
            .collect::<Result<HashSet<String>, _>>()
            .at(&self.path)?;
        Ok(files)
    }
}

/// The vault's row id, adding the vault if the catalog has not seen it.
pub(super) fn ensure_vault(
    tx: &rusqlite::Transaction<'_>,
    vault: &VaultKey,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO vault (account, region, name) VALUES (?1, ?2, ?3)
         ON CONFLICT (account, region, name) DO NOTHING",
        params![vault.account, vault.region, vault.name],
    )?;
    tx.query_row(
        "SELECT id FROM vault WHERE account = ?1 AND region = ?2 AND name = ?3",
        params![vault.account, vault.region, vault.name],
        |r| r.get(0),
    )
}

fn vault_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Vault> {
    Ok(Vault {
        id: row.get(0)?,
        key: VaultKey {
            account: row.get(1)?,
            region: row.get(2)?,
            name: row.get(3)?,
        },
    })
}

/// A snapshot row before its text columns are checked.
struct RawSnapshot {
    id: i64,
    vault: Vault,
    inventory_date: String,
    obtained_at: String,
    source: String,
    format: String,
    archive_count: i64,
    total_size: String,
    file: String,
}

impl RawSnapshot {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            vault: Vault {
                id: row.get(1)?,
                key: VaultKey {
                    account: row.get(2)?,
                    region: row.get(3)?,
                    name: row.get(4)?,
                },
            },
            inventory_date: row.get(5)?,
            obtained_at: row.get(6)?,
            source: row.get(7)?,
            format: row.get(8)?,
            archive_count: row.get(9)?,
            total_size: row.get(10)?,
            file: row.get(11)?,
        })
    }

    fn into_info(self, catalog: &Path, snapshots_dir: &Path) -> Result<SnapshotInfo, StoreError> {
        let damaged = |what: &'static str| StoreError::DamagedSnapshot {
            id: self.id,
            catalog: catalog.to_path_buf(),
            what,
        };
        let format = match self.format.as_str() {
            "json" => InventoryFormat::Json,
            "csv" => InventoryFormat::Csv,
            _ => return Err(damaged("format")),
        };
        // The file name came from this program, but the catalog is a file anyone can
        // edit: refuse anything that would lead outside the snapshots folder.
        let plain_name = !self.file.is_empty()
            && !self.file.contains(['/', '\\', '\0'])
            && !self.file.starts_with('.');
        if !plain_name {
            return Err(damaged("file name"));
        }
        Ok(SnapshotInfo {
            id: self.id,
            vault: self.vault.clone(),
            inventory_date: Timestamp::parse(&self.inventory_date)
                .map_err(|_| damaged("inventory date"))?,
            obtained_at: OffsetDateTime::parse(
                &self.obtained_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|_| damaged("time of import"))?,
            source: self.source,
            format,
            archive_count: u64::try_from(self.archive_count).map_err(|_| damaged("count"))?,
            total_size: self.total_size.parse().map_err(|_| damaged("total size"))?,
            path: snapshots_dir.join(&self.file),
        })
    }
}

pub(crate) fn format_name(format: InventoryFormat) -> &'static str {
    match format {
        InventoryFormat::Json => "json",
        InventoryFormat::Csv => "csv",
    }
}

pub(crate) fn rfc3339(moment: OffsetDateTime) -> String {
    moment
        .replace_nanosecond(0)
        .unwrap_or(moment)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| moment.unix_timestamp().to_string())
}

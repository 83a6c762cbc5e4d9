//! Restore claims: which path inside a target folder belongs to which archive.
//! A download claims its path before its first byte is written, in one
//! transaction, so two archives whose names clean up to the same path never
//! share it, in one run or across runs, and a resumed download finds its own
//! path again. Paths are compared ignoring case, as Windows and macOS do.

use rusqlite::{OptionalExtension, Transaction, params};
use time::OffsetDateTime;

use super::Store;
use super::catalog::rfc3339;
use super::error::{AtPath, StoreError};

pub(super) const CLAIMS_DDL: &str = "
CREATE TABLE restore_claim (
    id         INTEGER PRIMARY KEY,
    -- the target folder, as an absolute path with links resolved
    folder     TEXT NOT NULL,
    -- the path inside it, components joined by '/', as written
    path       TEXT NOT NULL,
    -- the same, lower-cased: what file systems that ignore case compare
    path_key   TEXT NOT NULL,
    -- what was restored there: 'archive ID', or 'inventory job ID'
    owner      TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    UNIQUE (folder, path_key),
    UNIQUE (folder, owner)
);
";

/// A path inside a target folder, as a download claimed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreClaim {
    /// Components joined by `/`.
    pub path: String,
    /// The owner claimed it just now, rather than finding an earlier claim.
    pub new: bool,
}

impl Store {
    /// The path `owner` restores to inside `folder`: the one it claimed before,
    /// or else the first of `candidates` that no other owner holds, either as a
    /// file or as a folder its path needs. `None` when every candidate is taken.
    pub fn claim_restore_path(
        &mut self,
        folder: &str,
        owner: &str,
        candidates: &[String],
        now: OffsetDateTime,
    ) -> Result<Option<RestoreClaim>, StoreError> {
        let path = self.catalog_path().to_path_buf();
        let conn = self.catalog.connection();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .at(&path)?;
        let earlier: Option<String> = tx
            .query_row(
                "SELECT path FROM restore_claim WHERE folder = ?1 AND owner = ?2",
                params![folder, owner],
                |row| row.get(0),
            )
            .optional()
            .at(&path)?;
        if let Some(earlier) = earlier {
            return Ok(Some(RestoreClaim {
                path: earlier,
                new: false,
            }));
        }
        for candidate in candidates {
            if is_taken(&tx, folder, candidate).at(&path)? {
                continue;
            }
            tx.execute(
                "INSERT INTO restore_claim (folder, path, path_key, owner, claimed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    folder,
                    candidate,
                    candidate.to_lowercase(),
                    owner,
                    rfc3339(now)
                ],
            )
            .at(&path)?;
            tx.commit().at(&path)?;
            return Ok(Some(RestoreClaim {
                path: candidate.clone(),
                new: true,
            }));
        }
        Ok(None)
    }

    /// Who claimed `path` inside `folder`, if anyone did.
    pub fn restore_claim_owner(
        &self,
        folder: &str,
        path: &str,
    ) -> Result<Option<String>, StoreError> {
        self.catalog
            .read_connection()
            .query_row(
                "SELECT owner FROM restore_claim WHERE folder = ?1 AND path_key = ?2",
                params![folder, path.to_lowercase()],
                |row| row.get(0),
            )
            .optional()
            .at(self.catalog_path())
    }
}

/// Whether another owner holds `candidate`, a folder above it, or a path below it
/// (which needs `candidate` to be a folder).
fn is_taken(tx: &Transaction<'_>, folder: &str, candidate: &str) -> rusqlite::Result<bool> {
    let key = candidate.to_lowercase();
    let mut keys = vec![key.clone()];
    keys.extend(key.match_indices('/').map(|(at, _)| key[..at].to_owned()));
    for key in &keys {
        let exact: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM restore_claim WHERE folder = ?1 AND path_key = ?2)",
            params![folder, key],
            |row| row.get(0),
        )?;
        if exact {
            return Ok(true);
        }
    }
    // `a/b` below `a`: the half-open range of keys that start with `a/`.
    let below: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM restore_claim
                        WHERE folder = ?1 AND path_key >= ?2 AND path_key < ?3)",
        params![folder, format!("{key}/"), format!("{key}0")],
        |row| row.get(0),
    )?;
    Ok(below)
}

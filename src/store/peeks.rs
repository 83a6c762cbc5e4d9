//! Peeks in the journal: for each archive looked into, the retrievals of its
//! tail (and of whatever of its central directory lay before the tail), and,
//! once read, what was found: the zip's members, or why it is not a zip. A
//! peek's plans are written down as soon as they are recorded, so a peek
//! killed before its jobs finished goes on with them; a listing once stored
//! answers every later peek, the screen and `restore-member` for nothing.

mod members;
#[cfg(test)]
mod tests;

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

pub use members::ListedMember;

use super::Store;
use super::catalog::{VaultKey, ensure_vault, rfc3339};
use super::error::{AtPath, StoreError};
use super::plans::PlanId;
use crate::domain::range::ByteRange;
use crate::domain::zip::{Directory, Member};

/// The peek tables (schema 7). `IF NOT EXISTS`, as for the plan tables.
pub(super) const PEEKS_DDL: &str = "
CREATE TABLE IF NOT EXISTS peek (
    id               INTEGER PRIMARY KEY,
    vault_id         INTEGER NOT NULL REFERENCES vault(id),
    archive_id       TEXT NOT NULL,
    archive_size     INTEGER NOT NULL,
    started_at       TEXT NOT NULL,
    -- once read: zip, or not_zip (with the sentence that says why in detail)
    outcome          TEXT,
    detail           TEXT,
    read_at          TEXT,
    directory_offset INTEGER,
    directory_size   INTEGER,
    zip64            INTEGER,
    UNIQUE (vault_id, archive_id)
);
CREATE TABLE IF NOT EXISTS peek_part (
    peek        INTEGER NOT NULL REFERENCES peek(id),
    -- the tail is 0, each range before it the next
    position    INTEGER NOT NULL,
    plan        INTEGER NOT NULL REFERENCES plan(id),
    range_start INTEGER NOT NULL,
    range_end   INTEGER NOT NULL,
    PRIMARY KEY (peek, position)
);
CREATE TABLE IF NOT EXISTS zip_member (
    peek            INTEGER NOT NULL REFERENCES peek(id),
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    path            TEXT NOT NULL,
    is_dir          INTEGER NOT NULL,
    size            INTEGER NOT NULL,
    compressed_size INTEGER NOT NULL,
    method          INTEGER NOT NULL,
    crc32           INTEGER NOT NULL,
    modified        TEXT,
    local_header    INTEGER NOT NULL,
    encrypted       INTEGER NOT NULL,
    name_len        INTEGER NOT NULL,
    extra_len       INTEGER NOT NULL,
    -- where the member's span ends (the next local header, or the directory)
    span_end        INTEGER NOT NULL,
    PRIMARY KEY (peek, position)
);
CREATE TABLE IF NOT EXISTS member_plan (
    peek        INTEGER NOT NULL REFERENCES peek(id),
    -- the member's position in the listing
    member      INTEGER NOT NULL,
    plan        INTEGER NOT NULL REFERENCES plan(id),
    range_start INTEGER NOT NULL,
    range_end   INTEGER NOT NULL,
    PRIMARY KEY (peek, member, plan)
);
";

/// One retrieval of a peek.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeekPart {
    pub plan: PlanId,
    pub range: ByteRange,
}

/// What a peek found once its bytes were read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeekFinding {
    Zip {
        directory: Directory,
        members: u64,
    },
    /// Not a zip, or one that cannot be read: the sentence says which.
    NotZip {
        reason: String,
    },
}

/// A peek as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeekEntry {
    pub archive_id: String,
    pub archive_size: u64,
    /// The tail first, then each range before it, in order.
    pub parts: Vec<PeekPart>,
    pub finding: Option<PeekFinding>,
}

impl Store {
    /// The peek of `archive_id` in `vault`, if one was begun.
    pub fn peek(
        &self,
        vault: &VaultKey,
        archive_id: &str,
    ) -> Result<Option<PeekEntry>, StoreError> {
        let conn = self.catalog.read_connection();
        let path = self.catalog.path();
        let row = conn
            .query_row(
                "SELECT p.id, p.archive_size, p.outcome, p.detail, p.directory_offset,
                        p.directory_size, p.zip64,
                        (SELECT count(*) FROM zip_member m WHERE m.peek = p.id)
                 FROM peek p JOIN vault v ON v.id = p.vault_id
                 WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND p.archive_id = ?4",
                params![vault.account, vault.region, vault.name, archive_id],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, Option<i64>>(5)?,
                        r.get::<_, Option<bool>>(6)?,
                        r.get::<_, i64>(7)?,
                    ))
                },
            )
            .optional()
            .at(path)?;
        let Some((id, size, outcome, detail, offset, dir_size, zip64, members)) = row else {
            return Ok(None);
        };
        let finding = match outcome.as_deref() {
            Some("zip") => Some(PeekFinding::Zip {
                directory: Directory {
                    offset: offset.unwrap_or_default() as u64,
                    size: dir_size.unwrap_or_default() as u64,
                    entries: members as u64,
                    zip64: zip64.unwrap_or_default(),
                    shift: 0,
                },
                members: members as u64,
            }),
            Some(_) => Some(PeekFinding::NotZip {
                reason: detail.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(Some(PeekEntry {
            archive_id: archive_id.to_owned(),
            archive_size: size as u64,
            parts: peek_parts(conn, id).at(path)?,
            finding,
        }))
    }

    /// Writes down a retrieval of the peek of `archive_id` (begun now when it
    /// is the first), at the next position. A range already written down is
    /// not written again.
    pub fn record_peek_part(
        &mut self,
        vault: &VaultKey,
        archive_id: &str,
        archive_size: u64,
        part: PeekPart,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let size = sql_size(archive_size)?;
        self.change(|tx| {
            let vault_id = ensure_vault(tx, vault)?;
            tx.execute(
                "INSERT INTO peek (vault_id, archive_id, archive_size, started_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (vault_id, archive_id) DO NOTHING",
                params![vault_id, archive_id, size, rfc3339(at)],
            )?;
            let peek: i64 = tx.query_row(
                "SELECT id FROM peek WHERE vault_id = ?1 AND archive_id = ?2",
                params![vault_id, archive_id],
                |r| r.get(0),
            )?;
            let known: Option<i64> = tx
                .query_row(
                    "SELECT position FROM peek_part
                     WHERE peek = ?1 AND range_start = ?2 AND range_end = ?3",
                    params![peek, part.range.start as i64, part.range.end as i64],
                    |r| r.get(0),
                )
                .optional()?;
            if known.is_some() {
                return Ok(());
            }
            tx.execute(
                "INSERT INTO peek_part (peek, position, plan, range_start, range_end)
                 VALUES (?1, (SELECT count(*) FROM peek_part WHERE peek = ?1), ?2, ?3, ?4)",
                params![
                    peek,
                    part.plan.0,
                    part.range.start as i64,
                    part.range.end as i64
                ],
            )?;
            Ok(())
        })
    }

    /// Stores what the peek found: the zip's members (each with where its
    /// span ends), or the sentence that says why it is not one. The first
    /// finding stays.
    pub fn record_peek_finding(
        &mut self,
        vault: &VaultKey,
        archive_id: &str,
        finding: &Finding<'_>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change(|tx| {
            let vault_id = ensure_vault(tx, vault)?;
            let peek: Option<(i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, outcome FROM peek WHERE vault_id = ?1 AND archive_id = ?2",
                    params![vault_id, archive_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((peek, None)) = peek else {
                return Ok(());
            };
            match finding {
                Finding::Zip { directory, members } => {
                    tx.execute(
                        "UPDATE peek SET outcome = 'zip', read_at = ?2, directory_offset = ?3,
                                         directory_size = ?4, zip64 = ?5
                         WHERE id = ?1",
                        params![
                            peek,
                            rfc3339(at),
                            directory.offset as i64,
                            directory.size as i64,
                            directory.zip64
                        ],
                    )?;
                    members::insert(tx, peek, members, directory.offset)?;
                }
                Finding::NotZip { reason } => {
                    tx.execute(
                        "UPDATE peek SET outcome = 'not_zip', detail = ?2, read_at = ?3
                         WHERE id = ?1",
                        params![peek, reason, rfc3339(at)],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// The members of the archive's stored listing, in the zip's order; empty
    /// when there is none.
    pub fn zip_members(
        &self,
        vault: &VaultKey,
        archive_id: &str,
    ) -> Result<Vec<ListedMember>, StoreError> {
        members::read(self.catalog.read_connection(), vault, archive_id).at(self.catalog.path())
    }

    /// The newest plan that retrieves the span of the listed member at
    /// `position`, and the range it retrieves.
    pub fn member_plan(
        &self,
        vault: &VaultKey,
        archive_id: &str,
        position: u32,
    ) -> Result<Option<PeekPart>, StoreError> {
        let conn = self.catalog.read_connection();
        conn.query_row(
            "SELECT mp.plan, mp.range_start, mp.range_end
             FROM member_plan mp JOIN peek p ON p.id = mp.peek JOIN vault v ON v.id = p.vault_id
             WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND p.archive_id = ?4
               AND mp.member = ?5
             ORDER BY mp.plan DESC LIMIT 1",
            params![
                vault.account,
                vault.region,
                vault.name,
                archive_id,
                position
            ],
            |r| {
                Ok(PeekPart {
                    plan: PlanId(r.get(0)?),
                    range: ByteRange {
                        start: r.get::<_, i64>(1)? as u64,
                        end: r.get::<_, i64>(2)? as u64,
                    },
                })
            },
        )
        .optional()
        .at(self.catalog.path())
    }

    /// Writes down the plan that retrieves a listed member's span, as soon as
    /// the plan is recorded, so the next run goes on with it.
    pub fn record_member_plan(
        &mut self,
        vault: &VaultKey,
        archive_id: &str,
        position: u32,
        part: PeekPart,
    ) -> Result<(), StoreError> {
        self.change(|tx| {
            let vault_id = ensure_vault(tx, vault)?;
            tx.execute(
                "INSERT INTO member_plan (peek, member, plan, range_start, range_end)
                 SELECT id, ?3, ?4, ?5, ?6 FROM peek WHERE vault_id = ?1 AND archive_id = ?2
                 ON CONFLICT DO NOTHING",
                params![
                    vault_id,
                    archive_id,
                    position,
                    part.plan.0,
                    part.range.start as i64,
                    part.range.end as i64
                ],
            )?;
            Ok(())
        })
    }

    /// The archives of `vault` with a stored listing, for the screen's marker.
    pub fn listed_archives(
        &self,
        vault: &VaultKey,
    ) -> Result<std::collections::HashSet<String>, StoreError> {
        let conn = self.catalog.read_connection();
        let mut statement = conn
            .prepare_cached(
                "SELECT p.archive_id FROM peek p JOIN vault v ON v.id = p.vault_id
                 WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND p.outcome = 'zip'",
            )
            .at(self.catalog.path())?;
        let ids = statement
            .query_map(params![vault.account, vault.region, vault.name], |r| {
                r.get(0)
            })
            .at(self.catalog.path())?
            .collect::<Result<_, _>>()
            .at(self.catalog.path())?;
        Ok(ids)
    }
}

/// What a peek found, as it is written down.
#[derive(Debug, Clone, Copy)]
pub enum Finding<'a> {
    Zip {
        directory: &'a Directory,
        members: &'a [Member],
    },
    NotZip {
        reason: &'a str,
    },
}

fn peek_parts(conn: &rusqlite::Connection, peek: i64) -> rusqlite::Result<Vec<PeekPart>> {
    let mut statement = conn.prepare_cached(
        "SELECT plan, range_start, range_end FROM peek_part WHERE peek = ?1 ORDER BY position",
    )?;
    statement
        .query_map([peek], |r| {
            Ok(PeekPart {
                plan: PlanId(r.get(0)?),
                range: ByteRange {
                    start: r.get::<_, i64>(1)? as u64,
                    end: r.get::<_, i64>(2)? as u64,
                },
            })
        })?
        .collect()
}

fn sql_size(size: u64) -> Result<i64, StoreError> {
    i64::try_from(size)
        .map_err(|_| StoreError::refused("the archive is larger than the journal can record"))
}

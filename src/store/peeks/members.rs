//! A stored listing's members: written once when a peek is read, read back
//! by the listing, the screen's members tree and `restore-member`.

use rusqlite::params;
use time::PrimitiveDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::domain::names::SafeRelativePath;
use crate::domain::zip::{Member, Method, span_ends};
use crate::store::catalog::VaultKey;

/// A zip's times have no zone: stored as the zip has them.
const MODIFIED: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");

/// A member as the listing stores it, with where its bytes lie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMember {
    /// Its place in the zip's central directory, from 0.
    pub position: u32,
    pub member: Member,
    /// One past the last byte of the member's span: the next member's local
    /// header, or the central directory. The span from the local header to
    /// here holds the header, the data and any data descriptor.
    pub span_end: u64,
}

pub(super) fn insert(
    tx: &rusqlite::Transaction<'_>,
    peek: i64,
    members: &[Member],
    directory_offset: u64,
) -> rusqlite::Result<()> {
    let ends = span_ends(members, directory_offset);
    let mut statement = tx.prepare_cached(
        "INSERT INTO zip_member (peek, position, name, path, is_dir, size, compressed_size,
                                 method, crc32, modified, local_header, encrypted, name_len,
                                 extra_len, span_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (position, (member, end)) in members.iter().zip(ends).enumerate() {
        let modified = member.modified.and_then(|at| at.format(MODIFIED).ok());
        statement.execute(params![
            peek,
            position as i64,
            member.name,
            member.path.as_str(),
            member.is_dir,
            wide(member.size),
            wide(member.compressed_size),
            member.method.number(),
            member.crc32,
            modified,
            wide(member.local_header),
            member.encrypted,
            member.name_len,
            member.extra_len,
            wide(end),
        ])?;
    }
    Ok(())
}

/// Sizes and offsets of a zip are at most 2^64 - 1 by its format; SQLite's
/// integers are signed, so the top half is stored as its two's complement
/// and read back the same way.
fn wide(value: u64) -> i64 {
    value as i64
}

pub(super) fn read(
    conn: &rusqlite::Connection,
    vault: &VaultKey,
    archive_id: &str,
) -> rusqlite::Result<Vec<ListedMember>> {
    let mut statement = conn.prepare_cached(
        "SELECT m.position, m.name, m.path, m.is_dir, m.size, m.compressed_size, m.method,
                m.crc32, m.modified, m.local_header, m.encrypted, m.name_len, m.extra_len,
                m.span_end
         FROM zip_member m JOIN peek p ON p.id = m.peek JOIN vault v ON v.id = p.vault_id
         WHERE v.account = ?1 AND v.region = ?2 AND v.name = ?3 AND p.archive_id = ?4
         ORDER BY m.position",
    )?;
    statement
        .query_map(
            params![vault.account, vault.region, vault.name, archive_id],
            |r| {
                let name: String = r.get(1)?;
                let path: String = r.get(2)?;
                let modified: Option<String> = r.get(8)?;
                Ok(ListedMember {
                    position: r.get(0)?,
                    member: Member {
                        // Stored safe; made safe again, so a damaged row
                        // cannot name a path outside the folder either.
                        path: SafeRelativePath::new(&path, "member"),
                        name,
                        is_dir: r.get(3)?,
                        size: r.get::<_, i64>(4)? as u64,
                        compressed_size: r.get::<_, i64>(5)? as u64,
                        method: Method::from_number(r.get(6)?),
                        crc32: r.get(7)?,
                        modified: modified
                            .and_then(|text| PrimitiveDateTime::parse(&text, MODIFIED).ok()),
                        local_header: r.get::<_, i64>(9)? as u64,
                        encrypted: r.get(10)?,
                        name_len: r.get(11)?,
                        extra_len: r.get(12)?,
                    },
                    span_end: r.get::<_, i64>(13)? as u64,
                })
            },
        )?
        .collect()
}

//! What changed between two snapshots of a vault: archives added and removed,
//! matched by archive id (an archive's content never changes, so an id present in
//! both is the same archive).

use super::error::{AtPath, StoreError};
use super::snapshot::{ArchiveRow, Snapshot};

/// Archives only in the newer snapshot, and only in the older one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotDiff {
    pub added: Vec<ArchiveRow>,
    pub removed: Vec<ArchiveRow>,
}

impl SnapshotDiff {
    pub fn added_size(&self) -> u128 {
        self.added.iter().map(|a| u128::from(a.size)).sum()
    }

    pub fn removed_size(&self) -> u128 {
        self.removed.iter().map(|a| u128::from(a.size)).sum()
    }
}

/// Compares two snapshots. SQLite does the set difference: each side's ids go
/// into a temporary sorted index once, so this is `n log n` with no ids held in
/// this process.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Result<SnapshotDiff, StoreError> {
    Ok(SnapshotDiff {
        added: only_in(new, old)?,
        removed: only_in(old, new)?,
    })
}

/// The archives of `this` whose id `other` does not list, in inventory order.
fn only_in(this: &Snapshot, other: &Snapshot) -> Result<Vec<ArchiveRow>, StoreError> {
    let conn = this.connection();
    let path = this.path();
    conn.execute(
        "ATTACH DATABASE ?1 AS other",
        [other.path().to_string_lossy()],
    )
    .at(path)?;
    let positions: Result<Vec<u32>, StoreError> = (|| {
        let mut statement = conn
            .prepare(
                "SELECT position FROM main.archive
                 WHERE archive_id NOT IN (SELECT archive_id FROM other.archive)
                 ORDER BY position",
            )
            .at(path)?;
        let rows = statement.query_map([], |r| r.get(0)).at(path)?;
        rows.collect::<Result<Vec<u32>, _>>().at(path)
    })();
    conn.execute("DETACH DATABASE other", []).at(path)?;
    this.archives(&positions?)
}

//! Finding many archives by id at once. The archive table has no index on the
//! id (imports stay fast without one), so a lookup per id would read the table
//! once per id; this reads it once for all of them, keeping only the rows asked
//! for, and through a bounded page cache rather than the memory map, so that a
//! hundred thousand ids found among a million archives hold only their rows.

use std::collections::HashMap;

use super::schema::{prepare_for_reading, read_without_map};
use super::{ArchiveRow, ROW_COLUMNS, Snapshot, archive_from_row};
use crate::store::error::{AtPath, StoreError};

impl Snapshot {
    /// The archives whose ids are in `ids`, in the order of `ids` (an id given
    /// twice, once); the ids the snapshot does not list are left out.
    pub fn find_archives(&self, ids: &[String]) -> Result<Vec<ArchiveRow>, StoreError> {
        let mut places: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for id in ids {
            let next = places.len();
            places.entry(id.as_str()).or_insert(next);
        }
        let mut found: Vec<Option<ArchiveRow>> = vec![None; places.len()];
        read_without_map(&self.conn).at(&self.path)?;
        let scanned = self.scan_for(&places, &mut found);
        // Mapped again for the pages and filters that follow, whatever the scan did.
        let mapped = prepare_for_reading(&self.conn).at(&self.path);
        scanned?;
        mapped?;
        Ok(found.into_iter().flatten().collect())
    }

    /// Reads the archive table once, putting each archive `places` names in
    /// its place in `found`.
    fn scan_for(
        &self,
        places: &HashMap<&str, usize>,
        found: &mut [Option<ArchiveRow>],
    ) -> Result<(), StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM archive"))
            .at(&self.path)?;
        let mut rows = statement.query([]).at(&self.path)?;
        while let Some(row) = rows.next().at(&self.path)? {
            // Borrowed from the row: no copy of the ids not asked for.
            let id = row.get_ref(1).at(&self.path)?;
            let place = id.as_str().ok().and_then(|id| places.get(id));
            if let Some(&place) = place {
                found[place] = Some(archive_from_row(row).at(&self.path)?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;
    use crate::store::snapshot::test_rows::{inventory_json, json_import_request};

    #[test]
    fn many_ids_are_found_in_one_pass_in_the_order_asked() {
        let json = inventory_json(50, |n| format!("file{n}.jpg"));
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let info = store
            .import(json.as_bytes(), json_import_request(), |_| {})
            .unwrap();
        let snapshot = store.open_snapshot(&info).unwrap();
        let all = snapshot.archives(&[3, 17, 42]).unwrap();
        let ids: Vec<String> = vec![
            all[2].archive_id.clone(),
            "not-there".into(),
            all[0].archive_id.clone(),
            all[1].archive_id.clone(),
        ];
        let found = snapshot.find_archives(&ids).unwrap();
        let positions: Vec<u32> = found.iter().map(|row| row.position).collect();
        assert_eq!(positions, vec![42, 3, 17]);
        assert!(snapshot.find_archives(&[]).unwrap().is_empty());
    }
}

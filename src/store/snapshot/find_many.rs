//! Reading many archives at once, by id or by position. The archive table has
//! no index on the id (imports stay fast without one), so a lookup per id would
//! read the table once per id; ids are found in one pass for all of them. Both
//! read through a bounded page cache rather than the memory map, in the table's
//! order, and hand each row to the caller to keep what it needs of it: a
//! hundred thousand archives of a million hold only what is kept of their rows.

use std::collections::HashMap;

use super::schema::{prepare_for_reading, read_without_map};
use super::{ArchiveQuery, ArchiveRow, ROW_COLUMNS, Snapshot, archive_from_row};
use crate::store::error::{AtPath, StoreError};

impl Snapshot {
    /// The archives whose ids are in `ids`, in the order of `ids` (an id given
    /// twice, once); the ids the snapshot does not list are left out.
    pub fn find_archives(&self, ids: &[String]) -> Result<Vec<ArchiveRow>, StoreError> {
        self.find_archives_with(ids, Some)
    }

    /// The same, each row turned by `keep` into what the caller holds (`None`
    /// leaves it out) as it is read.
    pub fn find_archives_with<T>(
        &self,
        ids: &[String],
        mut keep: impl FnMut(ArchiveRow) -> Option<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut places: HashMap<&str, usize> = HashMap::with_capacity(ids.len());
        for id in ids {
            let next = places.len();
            places.entry(id.as_str()).or_insert(next);
        }
        let mut found: Vec<Option<T>> = Vec::with_capacity(places.len());
        found.resize_with(places.len(), || None);
        let scanned = self.unmapped(|snapshot| snapshot.scan_for(&places, &mut found, &mut keep));
        drop(places);
        scanned?;
        Ok(kept(found))
    }

    /// Every archive the query keeps on its page, in its order, each turned by
    /// `keep` into what the caller holds (`None` leaves it out). The orders
    /// and search text are read without the memory map too: a filter reads
    /// all of the search text, and through the map each page read stays
    /// counted in the process's memory until the snapshot is closed.
    pub fn page_with<T>(
        &self,
        query: &ArchiveQuery,
        keep: impl FnMut(ArchiveRow) -> Option<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut positions = Vec::new();
        self.unmapped(|snapshot| {
            positions = snapshot.positions(query)?.1;
            Ok(())
        })?;
        self.archives_with(&positions, keep)
    }

    /// The archives at these 1-based positions, in the same order, each turned
    /// by `keep` into what the caller holds (`None` leaves it out). Read in the
    /// table's order, so each page of it is read once however the positions
    /// are ordered.
    pub fn archives_with<T>(
        &self,
        positions: &[u32],
        mut keep: impl FnMut(ArchiveRow) -> Option<T>,
    ) -> Result<Vec<T>, StoreError> {
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_unstable_by_key(|&index| positions[index]);
        let mut found: Vec<Option<T>> = Vec::with_capacity(positions.len());
        found.resize_with(positions.len(), || None);
        self.unmapped(|snapshot| {
            for index in order {
                let row = snapshot
                    .archive(positions[index])?
                    .ok_or_else(|| snapshot.damaged("an order names a missing archive"))?;
                found[index] = keep(row);
            }
            Ok(())
        })?;
        Ok(kept(found))
    }

    /// Runs `read` with the file read through the small page cache, and maps
    /// it again afterwards for the pages and filters that follow, whatever
    /// `read` did.
    fn unmapped(
        &self,
        read: impl FnOnce(&Self) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        read_without_map(&self.conn).at(&self.path)?;
        let done = read(self);
        let mapped = prepare_for_reading(&self.conn).at(&self.path);
        done?;
        mapped
    }

    /// Reads the archive table once, putting what `keep` makes of each archive
    /// `places` names in its place in `found`.
    fn scan_for<T>(
        &self,
        places: &HashMap<&str, usize>,
        found: &mut [Option<T>],
        keep: &mut impl FnMut(ArchiveRow) -> Option<T>,
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
                found[place] = keep(archive_from_row(row).at(&self.path)?);
            }
        }
        Ok(())
    }
}

/// The values kept, in their order. `filter_map` collects them into the same
/// allocation, where `flatten` would make a second one beside it.
#[allow(clippy::filter_map_identity)]
fn kept<T>(found: Vec<Option<T>>) -> Vec<T> {
    found.into_iter().filter_map(|slot| slot).collect()
}

#[cfg(test)]
mod tests {
    use crate::store::snapshot::test_rows::{imported, inventory_json};

    #[test]
    fn many_ids_are_found_in_one_pass_in_the_order_asked() {
        let json = inventory_json(50, |n| format!("file{n}.jpg"));
        let (_dir, snapshot) = imported(&json);
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
        let sizes = snapshot
            .find_archives_with(&ids, |row| (row.position != 3).then_some(row.size))
            .unwrap();
        assert_eq!(sizes, vec![all[2].size, all[1].size]);
    }

    #[test]
    fn many_positions_are_read_in_the_order_asked_keeping_what_is_asked() {
        let json = inventory_json(50, |n| format!("file{n}.jpg"));
        let (_dir, snapshot) = imported(&json);
        let positions = [42, 3, 17, 1, 50];
        let each = snapshot.archives(&positions).unwrap();
        let kept = snapshot
            .archives_with(&positions, |row| (row.position != 17).then_some(row))
            .unwrap();
        let expected: Vec<_> = each.into_iter().filter(|row| row.position != 17).collect();
        assert_eq!(kept, expected);
        // Still mapped for what follows, and a missing position is damage.
        assert_eq!(snapshot.archives(&[2]).unwrap()[0].position, 2);
        assert!(snapshot.archives_with(&[2, 51], Some).is_err());
    }
}

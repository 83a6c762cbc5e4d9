//! Finding many archives by id at once. The archive table has no index on the
//! id (imports stay fast without one), so a lookup per id would read the table
//! once per id; this reads it once for all of them.

use std::collections::{HashMap, HashSet};

use super::{ArchiveRow, Snapshot};
use crate::store::error::{AtPath, StoreError};

impl Snapshot {
    /// The archives whose ids are in `ids`, in the order of `ids`; the ids the
    /// snapshot does not list are left out.
    pub fn find_archives(&self, ids: &[String]) -> Result<Vec<ArchiveRow>, StoreError> {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut found: HashMap<String, u32> = HashMap::with_capacity(ids.len());
        let mut statement = self
            .conn
            .prepare_cached("SELECT position, archive_id FROM archive")
            .at(&self.path)?;
        let mut rows = statement.query([]).at(&self.path)?;
        while let Some(row) = rows.next().at(&self.path)? {
            let id: String = row.get(1).at(&self.path)?;
            if wanted.contains(id.as_str()) {
                found.insert(id, row.get(0).at(&self.path)?);
            }
        }
        let positions: Vec<u32> = ids.iter().filter_map(|id| found.get(id).copied()).collect();
        self.archives(&positions)
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

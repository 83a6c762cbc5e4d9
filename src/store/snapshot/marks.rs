//! Every archive a query keeps, as positions and sizes only: what marking all of
//! a filter's or a folder's archives needs. No row is read, so a query that keeps
//! a million archives answers in one pass over the name order (plus one over the
//! search text when it filters), far faster than paging through its rows.

use super::layout::created_key;
use super::search_text::SearchTerm;
use super::{ArchiveQuery, Snapshot};
use crate::store::error::StoreError;

impl Snapshot {
    /// The position and size of every archive `query` keeps, in name order; its
    /// order, offset and limit are not used.
    pub fn positions_and_sizes(&self, query: &ArchiveQuery) -> Result<Vec<(u32, u64)>, StoreError> {
        let mut kept = Vec::new();
        self.visit_kept(query, |position, size| kept.push((position, size)))?;
        Ok(kept)
    }

    /// Calls `visit` with the position and size of every archive `query` keeps,
    /// in name order, keeping the same archives as [`Snapshot::page`].
    pub fn visit_kept(
        &self,
        query: &ArchiveQuery,
        mut visit: impl FnMut(u32, u64),
    ) -> Result<(), StoreError> {
        let searched = match query.filter.as_deref().and_then(SearchTerm::new) {
            Some(term) => Some(self.searched(&term)?),
            None => None,
        };
        let created = self.created_within(query)?;
        let sizes = query.min_size.unwrap_or(0)..=query.max_size.unwrap_or(u64::MAX);
        let prefix = query.under.as_deref().unwrap_or_default();
        self.scan_names_with_prefix(prefix.as_bytes(), |entry| {
            let kept = sizes.contains(&entry.size)
                && searched
                    .as_ref()
                    .is_none_or(|bits| bits.has(entry.position))
                && created.as_ref().is_none_or(|bits| bits.has(entry.position));
            if kept {
                visit(entry.position, entry.size);
            }
        })
    }

    /// How many archives under each subfolder of `path` pass `counted`: one
    /// count per folder [`Snapshot::folder`] lists, in its order, from a single
    /// pass over the folder's names (a folder may hold thousands of subfolders).
    pub fn count_in_folders(
        &self,
        path: &str,
        mut counted: impl FnMut(u32) -> bool,
    ) -> Result<Vec<u64>, StoreError> {
        let prefix = folder_prefix(path);
        let mut counts = Vec::new();
        let mut last: Option<Vec<u8>> = None;
        self.scan_names_with_prefix(prefix.as_bytes(), |entry| {
            let rest = &entry.name[prefix.len()..];
            // Only names deeper down are in a subfolder; the rest are listed as
            // archives, as `folder` does.
            let Some(slash) = rest.iter().position(|&b| b == b'/') else {
                return;
            };
            let segment = &rest[..slash];
            // Names under one folder are consecutive: a folder is the last or new.
            if last.as_deref() != Some(segment) {
                last = Some(segment.to_vec());
                counts.push(0);
            }
            if let Some(count) = counts.last_mut() {
                *count += u64::from(counted(entry.position));
            }
        })?;
        Ok(counts)
    }

    /// The archives whose search line holds `term`, in one pass on this thread:
    /// the caller is already off the screen's thread.
    fn searched(&self, term: &SearchTerm) -> Result<Positions, StoreError> {
        let mut found = Positions::new(self.archive_count);
        Self::for_each_search_chunk(&self.conn, &self.path, 0..u32::MAX, |first, text| {
            term.scan_chunk(text, |line| {
                if let Ok(offset) = u32::try_from(line) {
                    found.insert(first.saturating_add(offset));
                }
            });
        })?;
        Ok(found)
    }

    /// The archives created within the query's dates; `None` when it names none.
    fn created_within(&self, query: &ArchiveQuery) -> Result<Option<Positions>, StoreError> {
        if query.created_from.is_none() && query.created_before.is_none() {
            return Ok(None);
        }
        let mut found = Positions::new(self.archive_count);
        let low = query.created_from.map_or(0, created_key);
        // Before the earliest moment a key can stand for: nothing is kept.
        let Some(high) = query
            .created_before
            .map_or(Some(u64::MAX), |before| created_key(before).checked_sub(1))
        else {
            return Ok(Some(found));
        };
        for chunk in 0..self.chunk_count_for() {
            for entry in self.key_chunk("created", chunk)? {
                if (low..=high).contains(&entry.key) {
                    found.insert(entry.position);
                }
            }
        }
        Ok(Some(found))
    }
}

/// `a/b/` for `a/b`, `/a/b/` or `a/b/`; `""` for the top, as `folder` reads it.
fn folder_prefix(path: &str) -> String {
    let mut prefix = path.trim_start_matches('/').to_owned();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    prefix
}

/// One bit per archive (position - 1): the query module's selection is private
/// to it, and this needs only these two operations.
struct Positions {
    words: Vec<u64>,
}

impl Positions {
    fn new(archives: u32) -> Self {
        Self {
            words: vec![0; (archives as usize).div_ceil(64)],
        }
    }

    fn insert(&mut self, position: u32) {
        let Some(index) = (position as usize).checked_sub(1) else {
            return;
        };
        if let Some(word) = self.words.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    fn has(&self, position: u32) -> bool {
        let Some(index) = (position as usize).checked_sub(1) else {
            return false;
        };
        self.words
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::inventory::Timestamp;
    use crate::store::snapshot::test_rows::{imported, inventory_json};

    /// What `page` keeps of `query`, every page at once, by position.
    fn paged(snapshot: &Snapshot, query: &ArchiveQuery) -> Vec<(u32, u64)> {
        let all = ArchiveQuery {
            offset: 0,
            limit: usize::MAX,
            ..query.clone()
        };
        let mut kept: Vec<(u32, u64)> = (snapshot.page(&all).unwrap().archives.iter())
            .map(|row| (row.position, row.size))
            .collect();
        kept.sort_unstable();
        kept
    }

    #[test]
    fn keeps_exactly_what_a_page_keeps_without_reading_rows() {
        let json = inventory_json(3000, |n| format!("file{n}.jpg"));
        let (_dir, snapshot) = imported(&json);
        let date = |text: &str| Some(Timestamp::parse(text).unwrap());
        let queries = [
            ArchiveQuery::default(),
            ArchiveQuery {
                filter: Some("FILE29".into()),
                ..ArchiveQuery::default()
            },
            ArchiveQuery {
                under: Some("folder3/".into()),
                ..ArchiveQuery::default()
            },
            ArchiveQuery {
                filter: Some("1".into()),
                under: Some("folder1".into()),
                min_size: Some(100),
                max_size: Some(2000),
                ..ArchiveQuery::default()
            },
            ArchiveQuery {
                created_from: date("2012-03-20T17:03:43.221Z"),
                ..ArchiveQuery::default()
            },
            ArchiveQuery {
                created_before: date("2012-03-20T17:03:43.221Z"),
                ..ArchiveQuery::default()
            },
            ArchiveQuery {
                filter: Some("nothing like it".into()),
                ..ArchiveQuery::default()
            },
        ];
        for query in &queries {
            let mut kept = snapshot.positions_and_sizes(query).unwrap();
            kept.sort_unstable();
            assert_eq!(kept, paged(&snapshot, query), "{query:?}");
        }
        // The whole snapshot, and a folder of 177 (3000 archives over 17 folders).
        assert_eq!(
            snapshot.positions_and_sizes(&queries[0]).unwrap().len(),
            3000
        );
        let folder = snapshot.positions_and_sizes(&queries[2]).unwrap();
        assert_eq!(folder.len(), 177);
        // Sizes are the archives' own: archive n (position n + 1) has size n.
        assert!(
            folder
                .iter()
                .all(|&(position, size)| size + 1 == u64::from(position))
        );
    }

    #[test]
    fn folders_are_counted_in_one_pass_in_the_order_they_are_listed() {
        let json = inventory_json(3000, |n| match n % 3 {
            0 => format!("deep/er/file{n}.jpg"),
            1 => format!("file{n}.jpg"),
            _ => format!("sub{}/file{n}.jpg", n % 5),
        });
        let (_dir, snapshot) = imported(&json);
        let even = |position: u32| position.is_multiple_of(2);
        for path in ["", "folder3", "/folder3/", "folder3/sub2/", "nowhere/"] {
            let counts = snapshot.count_in_folders(path, even).unwrap();
            let prefix = folder_prefix(path);
            let folders: Vec<String> = (snapshot.folder(path).unwrap().into_iter())
                .filter(|entry| matches!(entry.kind, crate::store::FolderEntryKind::Folder { .. }))
                .map(|entry| format!("{prefix}{}/", entry.name))
                .collect();
            let one_by_one: Vec<u64> = (folders.iter())
                .map(|folder| {
                    let under = ArchiveQuery {
                        under: Some(folder.clone()),
                        ..ArchiveQuery::default()
                    };
                    let mut count = 0;
                    snapshot
                        .visit_kept(&under, |position, _| count += u64::from(even(position)))
                        .unwrap();
                    count
                })
                .collect();
            assert_eq!(counts, one_by_one, "{path:?} {folders:?}");
        }
        assert_eq!(snapshot.count_in_folders("", |_| true).unwrap().len(), 17);
        assert_eq!(
            snapshot
                .count_in_folders("folder3", |_| true)
                .unwrap()
                .len(),
            6
        );
    }

    #[test]
    fn positions_outside_the_snapshot_are_never_kept() {
        let mut bits = Positions::new(100);
        bits.insert(0);
        bits.insert(1);
        bits.insert(100);
        bits.insert(500);
        assert!(!bits.has(0) && bits.has(1) && bits.has(100) && !bits.has(500));
        assert!(!bits.has(2) && !bits.has(99));
    }
}

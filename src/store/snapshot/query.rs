//! Paging through a snapshot: any order, either direction, narrowed by a search
//! term, size and date ranges and a folder. Each criterion marks the archives it
//! keeps in a bit set (one bit an archive); the page is then read off the chosen
//! order, skipping unmarked archives. Without criteria a page is a slice of the
//! order: one or two chunks, however deep the offset.

use std::ops::ControlFlow;

use rusqlite::Connection;

use super::layout::created_key;
use super::search_text::SearchTerm;
use super::{ArchiveRow, CHUNK_ENTRIES, Snapshot};
use crate::domain::inventory::Timestamp;
use crate::store::error::StoreError;

/// What a page is sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Name,
    Size,
    Created,
}

impl SortKey {
    fn key_order(self) -> Option<&'static str> {
        match self {
            SortKey::Name => None,
            SortKey::Size => Some("size"),
            SortKey::Created => Some("created"),
        }
    }
}

/// Which archives, in which order, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveQuery {
    /// Keep archives whose name, description or id contains this text (ASCII
    /// letters in either case).
    pub filter: Option<String>,
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    /// Keep archives created at or after this moment.
    pub created_from: Option<Timestamp>,
    /// Keep archives created before this moment.
    pub created_before: Option<Timestamp>,
    /// Keep archives whose name starts with this folder path (for example
    /// `photos/2019/`).
    pub under: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    pub offset: u64,
    pub limit: usize,
}

/// A page of archives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivePage {
    /// How many archives match the query in all.
    pub total: u64,
    pub archives: Vec<ArchiveRow>,
}

/// One bit per archive (position - 1).
pub(super) struct Selection {
    words: Vec<u64>,
}

impl Selection {
    fn empty(archives: u32) -> Self {
        Self {
            words: vec![0; (archives as usize).div_ceil(64)],
        }
    }

    pub(super) fn insert(&mut self, position: u32) {
        let index = position as usize - 1;
        if let Some(word) = self.words.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    fn contains(&self, position: u32) -> bool {
        let index = (position as usize).wrapping_sub(1);
        self.words
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    fn intersect(mut self, other: Option<Selection>) -> Self {
        if let Some(other) = other {
            for (word, keep) in self.words.iter_mut().zip(other.words) {
                *word &= keep;
            }
        }
        self
    }

    fn union(mut self, other: Selection) -> Self {
        for (word, add) in self.words.iter_mut().zip(other.words) {
            *word |= add;
        }
        self
    }

    fn count(&self) -> u64 {
        self.words
            .iter()
            .map(|word| u64::from(word.count_ones()))
            .sum()
    }
}

impl Snapshot {
    /// One page of the archives the query keeps, and how many it keeps in all.
    pub fn page(&self, query: &ArchiveQuery) -> Result<ArchivePage, StoreError> {
        let (total, positions) = self.positions(query)?;
        Ok(ArchivePage {
            total,
            archives: self.archives(&positions)?,
        })
    }

    /// How many archives the query keeps in all, and the positions of those
    /// on its page, in its order: the page without its rows.
    pub fn positions(&self, query: &ArchiveQuery) -> Result<(u64, Vec<u32>), StoreError> {
        let mut selection: Option<Selection> = None;
        if let Some(term) = query.filter.as_deref().and_then(SearchTerm::new) {
            selection = Some(self.search(&term)?.intersect(selection));
        }
        if query.min_size.is_some() || query.max_size.is_some() {
            let range = (
                query.min_size.unwrap_or(0),
                query.max_size.unwrap_or(u64::MAX),
            );
            selection = Some(self.key_range("size", range)?.intersect(selection));
        }
        if query.created_from.is_some() || query.created_before.is_some() {
            let from = query.created_from.map_or(0, created_key);
            let Some(last) = query
                .created_before
                .map_or(Some(u64::MAX), |b| created_key(b).checked_sub(1))
            else {
                return Ok((0, Vec::new()));
            };
            selection = Some(
                self.key_range("created", (from, last))?
                    .intersect(selection),
            );
        }
        if let Some(prefix) = query.under.as_deref().filter(|prefix| !prefix.is_empty()) {
            selection = Some(self.name_prefix(prefix.as_bytes())?.intersect(selection));
        }
        let total = selection
            .as_ref()
            .map_or(self.archive_count(), Selection::count);
        let positions = self.page_positions(query, selection.as_ref(), total)?;
        Ok((total, positions))
    }

    /// The positions on the query's page: of the archives `selection` keeps (all
    /// without one, `total` in all), in the query's order, from its offset, up to
    /// its limit.
    fn page_positions(
        &self,
        query: &ArchiveQuery,
        selection: Option<&Selection>,
        total: u64,
    ) -> Result<Vec<u32>, StoreError> {
        let mut positions = Vec::with_capacity(query.limit.min(10_000));
        if query.limit > 0 && query.offset < total {
            // Unfiltered, the order itself skips to the offset; filtered, only the
            // kept archives count towards it.
            let (start, mut to_skip) = match selection {
                Some(_) => (0, query.offset),
                None => (query.offset, 0),
            };
            self.walk(query.sort, query.descending, start, |position| {
                if selection.is_some_and(|s| !s.contains(position)) {
                    return ControlFlow::Continue(());
                }
                if to_skip > 0 {
                    to_skip -= 1;
                    return ControlFlow::Continue(());
                }
                positions.push(position);
                if positions.len() == query.limit {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })?;
        }
        Ok(positions)
    }

    /// Visits positions in `sort` order (reversed when `descending`), starting at
    /// the `start`-th one (0-based, in the direction of travel).
    fn walk(
        &self,
        sort: SortKey,
        descending: bool,
        start: u64,
        mut visit: impl FnMut(u32) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let count = self.archive_count();
        if start >= count {
            return Ok(());
        }
        let chunk_size = CHUNK_ENTRIES as u64;
        let chunks = self.chunk_count_for() as u64;
        // The chunk holding the start, and how many entries of it to pass over.
        let (first_chunk, skip) = if descending {
            let index = count - 1 - start;
            (index / chunk_size, (index % chunk_size) as usize)
        } else {
            (start / chunk_size, (start % chunk_size) as usize)
        };
        let chunk_order: Box<dyn Iterator<Item = u64>> = if descending {
            Box::new((0..=first_chunk).rev())
        } else {
            Box::new(first_chunk..chunks)
        };
        for chunk in chunk_order {
            let mut positions: Vec<u32> = match sort.key_order() {
                Some(kind) => self
                    .key_chunk(kind, chunk as usize)?
                    .into_iter()
                    .map(|entry| entry.position)
                    .collect(),
                None => self.with_name_chunk(chunk as usize, |entries| {
                    entries.map(|entry| entry.position).collect()
                })?,
            };
            if descending {
                // `skip` counted from the chunk's start: keep entries up to it.
                if chunk == first_chunk {
                    positions.truncate(skip + 1);
                }
                positions.reverse();
            } else if chunk == first_chunk {
                positions.drain(..skip.min(positions.len()));
            }
            for position in positions {
                if visit(position).is_break() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The archives whose search line holds the term.
    /// Small snapshots are searched on this thread; larger ones in two halves
    /// at once, the second on a thread with a connection of its own.
    fn search(&self, term: &SearchTerm) -> Result<Selection, StoreError> {
        const SPLIT_FROM: u32 = 200_000;
        let count = self.archive_count;
        if count < SPLIT_FROM {
            return scan_search_text(&self.conn, &self.path, count, term, 0..u32::MAX);
        }
        self.search_in_halves(term, count / 2)
    }

    /// Searches rows starting before `middle` here and the rest on another thread.
    fn search_in_halves(&self, term: &SearchTerm, middle: u32) -> Result<Selection, StoreError> {
        let count = self.archive_count;
        let other = self.another_connection()?;
        let path = self.path.clone();
        std::thread::scope(|threads| {
            let upper = threads
                .spawn(move || scan_search_text(&other, &path, count, term, middle..u32::MAX));
            let lower = scan_search_text(&self.conn, &self.path, count, term, 0..middle)?;
            let upper = upper.join().unwrap_or_else(|_| {
                Err(StoreError::refused("a search thread failed unexpectedly"))
            })?;
            Ok(lower.union(upper))
        })
    }

    /// The archives whose key lies in `low..=high`.
    fn key_range(&self, kind: &str, (low, high): (u64, u64)) -> Result<Selection, StoreError> {
        let mut selection = Selection::empty(self.archive_count);
        if low > high {
            return Ok(selection);
        }
        'chunks: for chunk in 0..self.chunk_count_for() {
            let entries = self.key_chunk(kind, chunk)?;
            if entries.last().is_some_and(|last| last.key < low) {
                continue;
            }
            for entry in entries {
                if entry.key > high {
                    break 'chunks;
                }
                if entry.key >= low {
                    selection.insert(entry.position);
                }
            }
        }
        Ok(selection)
    }

    /// The archives whose name starts with `prefix`.
    pub(super) fn name_prefix(&self, prefix: &[u8]) -> Result<Selection, StoreError> {
        let mut selection = Selection::empty(self.archive_count);
        self.scan_names_with_prefix(prefix, |entry| selection.insert(entry.position))?;
        Ok(selection)
    }

    /// Calls `visit` for every name-order entry whose name starts with `prefix`,
    /// in name order, reading only the chunks that can hold them.
    pub(super) fn scan_names_with_prefix(
        &self,
        prefix: &[u8],
        mut visit: impl FnMut(super::NameEntry<'_>),
    ) -> Result<(), StoreError> {
        // The last chunk that starts before the prefix may hold its first names.
        let first = self
            .first_names
            .partition_point(|name| name.as_slice() < prefix)
            .saturating_sub(1);
        for chunk in first..self.name_chunk_count() {
            let past_prefix = self.with_name_chunk(chunk, |entries| {
                for entry in entries {
                    if entry.name.starts_with(prefix) {
                        visit(entry);
                    } else if entry.name > prefix {
                        return true;
                    }
                }
                false
            })?;
            if past_prefix {
                break;
            }
        }
        Ok(())
    }
}

/// The archives, among the search-text rows starting in `positions`, whose line
/// holds the term.
fn scan_search_text(
    conn: &Connection,
    path: &std::path::Path,
    archive_count: u32,
    term: &SearchTerm,
    positions: std::ops::Range<u32>,
) -> Result<Selection, StoreError> {
    let mut selection = Selection::empty(archive_count);
    Snapshot::for_each_search_chunk(conn, path, positions, |first, text| {
        term.scan_chunk(text, |line| {
            if let Ok(offset) = u32::try_from(line) {
                selection.insert(first.saturating_add(offset));
            }
        });
    })?;
    Ok(selection)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::snapshot::test_rows::{inventory_json, json_import_request};

    #[test]
    fn a_search_in_two_halves_finds_what_one_scan_finds() {
        let json = inventory_json(3000, |n| format!("file{n}.jpg"));
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let request = json_import_request();
        let info = store.import(json.as_bytes(), request, |_| {}).unwrap();
        let snapshot = store.open_snapshot(&info).unwrap();
        crate::store::snapshot::test_rows::assert_sound(snapshot.path(), "quick_check");
        for (text, expected) in [
            ("folder3/", Some(177)),
            ("nothing", Some(0)),
            ("file29", None),
            ("id000", None),
            ("1", None),
        ] {
            let term = SearchTerm::new(text).unwrap();
            let whole =
                scan_search_text(&snapshot.conn, &snapshot.path, 3000, &term, 0..u32::MAX).unwrap();
            for middle in [1, 2, 777, 1500, 2999, 3000, 5000] {
                let halves = snapshot.search_in_halves(&term, middle).unwrap();
                assert_eq!(halves.words, whole.words, "split at {middle}");
            }
            if let Some(expected) = expected {
                assert_eq!(whole.count(), expected, "{text}");
            }
        }
    }
}

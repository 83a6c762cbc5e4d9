//! Writes the pages of SQLite table b-trees directly, for rows that arrive in
//! rising rowid order into a file no one else has open. Inserting through SQL
//! costs several times more than the row's bytes: binding copies each value, the
//! statement machine runs per row, and every insert searches the tree for a
//! place that is always its right edge. Here a row is one record encoded into the
//! leaf being filled, and a full leaf is one write.
//!
//! The result is an ordinary SQLite file: SQLite creates the tables (so their
//! root pages and the schema are its own), the rows' pages are appended after
//! them, and each tree's top node is written into its table's root page. The
//! layout follows the SQLite file format document: table b-tree leaves (type 13)
//! and interior pages (type 5), overflow chains for records too big for a page.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use super::record::{push_varint, varint_len, write_varint};

/// The byte at 1 GiB: SQLite keeps the page holding it for its locks and never
/// uses it.
const LOCK_BYTE: u64 = 0x4000_0000;
const LEAF: u8 = 13;
const INTERIOR: u8 = 5;
const LEAF_HEADER: usize = 8;
const INTERIOR_HEADER: usize = 12;

/// The database file, and where its next new page goes.
pub struct PageFile {
    file: File,
    page_size: usize,
    next_page: u32,
    lock_byte_page: u32,
}

impl PageFile {
    /// `pages` is the number of pages of `page_size` bytes the file already has
    /// (no reserved bytes at their ends, as SQLite makes them by default).
    pub fn new(file: File, page_size: usize, pages: u32) -> Self {
        Self {
            file,
            page_size,
            next_page: pages + 1,
            lock_byte_page: (LOCK_BYTE / page_size as u64 + 1) as u32,
        }
    }

    /// Pages in the file once every allocated page is written.
    pub fn page_count(&self) -> u32 {
        self.next_page - 1
    }

    fn allocate(&mut self) -> io::Result<u32> {
        if self.next_page == self.lock_byte_page {
            self.next_page += 1;
        }
        let page = self.next_page;
        self.next_page = page.checked_add(1).ok_or_else(|| {
            io::Error::other("the snapshot would need more pages than SQLite allows")
        })?;
        Ok(page)
    }

    fn write(&self, page: u32, bytes: &[u8]) -> io::Result<()> {
        debug_assert_eq!(bytes.len(), self.page_size);
        self.file
            .write_all_at(bytes, u64::from(page - 1) * self.page_size as u64)
    }

    /// Records the page count in the file header, so SQLite appends after it.
    pub fn write_header_page_count(&self) -> io::Result<()> {
        self.file.write_all_at(&self.page_count().to_be_bytes(), 28)
    }
}

/// One table's b-tree, built leaf by leaf.
pub struct TableBuilder {
    root: u32,
    page_size: usize,
    leaf: Vec<u8>,
    cells: usize,
    /// Where the cell content of the leaf being filled begins.
    content_start: usize,
    leaf_max_rowid: i64,
    last_rowid: Option<i64>,
    /// The written leaves: page number and largest rowid.
    leaves: Vec<(u32, i64)>,
    cell: Vec<u8>,
    overflow: Vec<u8>,
    /// A record too big for its leaf, built before it is split (see
    /// [`TableBuilder::insert_with`]).
    spilled_record: Vec<u8>,
}

impl TableBuilder {
    /// A builder for the table whose (empty) root page is `root`.
    pub fn new(root: u32, file: &PageFile) -> Self {
        let page = file.page_size;
        Self {
            root,
            page_size: page,
            leaf: vec![0; page],
            cells: 0,
            content_start: page,
            leaf_max_rowid: 0,
            last_rowid: None,
            leaves: Vec::new(),
            cell: Vec::new(),
            overflow: vec![0; page],
            spilled_record: Vec::new(),
        }
    }

    /// Adds a row; rowids must rise.
    #[cfg(test)]
    pub fn insert(&mut self, file: &mut PageFile, rowid: i64, record: &[u8]) -> io::Result<()> {
        self.insert_parts(file, rowid, &[record])
    }

    /// Adds a row whose record `write` writes, given a buffer of `payload`
    /// bytes: straight into the leaf when the record fits there, so that it is
    /// not first built and then copied.
    pub fn insert_with(
        &mut self,
        file: &mut PageFile,
        rowid: i64,
        payload: usize,
        write: impl FnOnce(&mut [u8]),
    ) -> io::Result<()> {
        if local_payload(self.page_size, payload) < payload {
            let mut record = std::mem::take(&mut self.spilled_record);
            record.resize(payload, 0);
            write(&mut record);
            let inserted = self.insert_parts(file, rowid, &[&record]);
            self.spilled_record = record;
            return inserted;
        }
        let cell = self.local_cell(file, rowid, payload)?;
        write(cell);
        Ok(())
    }

    /// Adds a row whose record is `parts` one after another, so that a large
    /// value can go into the page without first being copied into a record.
    pub fn insert_parts(
        &mut self,
        file: &mut PageFile,
        rowid: i64,
        parts: &[&[u8]],
    ) -> io::Result<()> {
        let payload: usize = parts.iter().map(|part| part.len()).sum();
        let local = local_payload(self.page_size, payload);
        if local == payload {
            let mut cell = self.local_cell(file, rowid, payload)?;
            for part in parts {
                let (here, rest) = cell.split_at_mut(part.len());
                here.copy_from_slice(part);
                cell = rest;
            }
            return Ok(());
        }
        self.check_order(rowid)?;
        let cell_len = self.spill_cell(file, rowid, parts, payload, local)?;
        self.place_cell(file, rowid, cell_len)?;
        let start = self.content_start;
        self.leaf[start..start + cell_len].copy_from_slice(&self.cell);
        Ok(())
    }

    /// Makes room in the leaf for the cell of a record of `payload` bytes that
    /// fits in it whole, writes the cell's lengths, and returns where the record
    /// goes.
    fn local_cell(
        &mut self,
        file: &mut PageFile,
        rowid: i64,
        payload: usize,
    ) -> io::Result<&mut [u8]> {
        self.check_order(rowid)?;
        let cell_len = varint_len(payload as u64) + varint_len(rowid as u64) + payload;
        self.place_cell(file, rowid, cell_len)?;
        let cell = &mut self.leaf[self.content_start..self.content_start + cell_len];
        let mut at = write_varint(cell, payload as u64);
        at += write_varint(&mut cell[at..], rowid as u64);
        Ok(&mut cell[at..])
    }

    fn check_order(&mut self, rowid: i64) -> io::Result<()> {
        if self.last_rowid.is_some_and(|last| rowid <= last) {
            return Err(io::Error::other("rows reached the table out of order"));
        }
        self.last_rowid = Some(rowid);
        Ok(())
    }

    /// Takes `cell_len` bytes at the start of the leaf's cell content (flushing
    /// a full leaf first) and points the next cell pointer at them.
    fn place_cell(&mut self, file: &mut PageFile, rowid: i64, cell_len: usize) -> io::Result<()> {
        if !self.fits(cell_len) {
            self.flush_leaf(file)?;
        }
        self.content_start -= cell_len;
        let pointer = LEAF_HEADER + 2 * self.cells;
        self.leaf[pointer..pointer + 2].copy_from_slice(&page_offset(self.content_start));
        self.cells += 1;
        self.leaf_max_rowid = rowid;
        Ok(())
    }

    /// Builds in `self.cell` the cell of a record too big for the page: its
    /// first `local` bytes, then the number of the overflow chain holding the
    /// rest. Returns the cell's length.
    fn spill_cell(
        &mut self,
        file: &mut PageFile,
        rowid: i64,
        parts: &[&[u8]],
        payload: usize,
        local: usize,
    ) -> io::Result<usize> {
        let record = parts.concat();
        self.cell.clear();
        push_varint(&mut self.cell, payload as u64);
        push_varint(&mut self.cell, rowid as u64);
        self.cell.extend_from_slice(&record[..local]);
        let first = self.write_overflow(file, &record[local..])?;
        self.cell.extend_from_slice(&first.to_be_bytes());
        Ok(self.cell.len())
    }

    /// Writes the rest of the tree: the last leaf, the interior levels, and the
    /// top node into the root page.
    pub fn finish(mut self, file: &mut PageFile) -> io::Result<()> {
        if self.leaves.is_empty() {
            self.seal_leaf();
            return file.write(self.root, &self.leaf);
        }
        if self.cells > 0 {
            self.flush_leaf(file)?;
        }
        let mut level = std::mem::take(&mut self.leaves);
        let mut page = vec![0u8; self.page_size];
        loop {
            let groups = interior_groups(&level, self.page_size);
            if groups.len() == 1 {
                fill_interior(&mut page, &level);
                return file.write(self.root, &page);
            }
            let mut parents = Vec::with_capacity(groups.len());
            for group in groups {
                let children = &level[group];
                fill_interior(&mut page, children);
                let number = file.allocate()?;
                file.write(number, &page)?;
                parents.push((number, children[children.len() - 1].1));
            }
            level = parents;
        }
    }

    fn fits(&self, cell_len: usize) -> bool {
        LEAF_HEADER + 2 * (self.cells + 1) + cell_len <= self.content_start
    }

    fn seal_leaf(&mut self) {
        self.leaf[..LEAF_HEADER].fill(0);
        self.leaf[0] = LEAF;
        self.leaf[3..5].copy_from_slice(&(self.cells as u16).to_be_bytes());
        self.leaf[5..7].copy_from_slice(&page_offset(self.content_start));
    }

    fn flush_leaf(&mut self, file: &mut PageFile) -> io::Result<()> {
        self.seal_leaf();
        // The gap between the pointers and the cells is free space; clear it so
        // the file holds nothing left over from the previous leaf.
        self.leaf[LEAF_HEADER + 2 * self.cells..self.content_start].fill(0);
        let number = file.allocate()?;
        file.write(number, &self.leaf)?;
        self.leaves.push((number, self.leaf_max_rowid));
        self.cells = 0;
        self.content_start = self.page_size;
        Ok(())
    }

    /// Writes the part of a payload that does not fit in its cell as a chain of
    /// overflow pages; returns the first.
    fn write_overflow(&mut self, file: &mut PageFile, rest: &[u8]) -> io::Result<u32> {
        let per_page = overflow_data(self.page_size);
        let pages = rest
            .chunks(per_page)
            .map(|_| file.allocate())
            .collect::<io::Result<Vec<u32>>>()?;
        for (index, part) in rest.chunks(per_page).enumerate() {
            let next = pages.get(index + 1).copied().unwrap_or(0);
            self.overflow[..4].copy_from_slice(&next.to_be_bytes());
            self.overflow[4..4 + part.len()].copy_from_slice(part);
            self.overflow[4 + part.len()..].fill(0);
            file.write(pages[index], &self.overflow)?;
        }
        Ok(pages[0])
    }
}

/// Payload bytes per overflow page, after its 4-byte next-page number.
fn overflow_data(page_size: usize) -> usize {
    page_size - 4
}

/// How much of a payload of `len` bytes stays in a table leaf cell: all of it up
/// to U - 35 bytes, else an amount that fills the overflow pages.
fn local_payload(page_size: usize, len: usize) -> usize {
    let max_local = page_size - 35;
    let min_local = (page_size - 12) * 32 / 255 - 23;
    if len <= max_local {
        return len;
    }
    let surplus = min_local + (len - min_local) % overflow_data(page_size);
    if surplus <= max_local {
        surplus
    } else {
        min_local
    }
}

/// An offset within a page as a header stores it: 65536 is written as 0.
fn page_offset(offset: usize) -> [u8; 2] {
    ((offset % 65536) as u16).to_be_bytes()
}

/// The bytes a child takes in an interior page that points to it by a cell.
fn interior_cell_len(max_rowid: i64) -> usize {
    2 + 4 + varint_len(max_rowid as u64)
}

/// Splits one level's children into runs that each fit one interior page.
fn interior_groups(children: &[(u32, i64)], page_size: usize) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    let mut used = INTERIOR_HEADER;
    for (index, &(_, max_rowid)) in children.iter().enumerate() {
        // The last child of a page goes in its header, not in a cell; every
        // child is counted as a cell here, which leaves that much slack.
        let len = interior_cell_len(max_rowid);
        if used + len > page_size && index > start {
            groups.push(start..index);
            start = index;
            used = INTERIOR_HEADER;
        }
        used += len;
    }
    groups.push(start..children.len());
    // A page needs at least one cell besides its right-most pointer: a last run
    // of one child takes one over from the run before (which has plenty).
    if let [.., before, last] = groups.as_mut_slice()
        && last.len() == 1
    {
        before.end -= 1;
        last.start -= 1;
    }
    groups
}

/// Lays out an interior page: a cell per child but the last, which becomes the
/// right-most pointer.
fn fill_interior(page: &mut [u8], children: &[(u32, i64)]) {
    page.fill(0);
    let (&(right_most, _), with_cells) = children.split_last().unwrap_or((&(0, 0), &[]));
    let mut content_start = page.len();
    let mut cell = Vec::with_capacity(13);
    for (index, &(child, max_rowid)) in with_cells.iter().enumerate() {
        cell.clear();
        cell.extend_from_slice(&child.to_be_bytes());
        push_varint(&mut cell, max_rowid as u64);
        content_start -= cell.len();
        page[content_start..content_start + cell.len()].copy_from_slice(&cell);
        let pointer = INTERIOR_HEADER + 2 * index;
        page[pointer..pointer + 2].copy_from_slice(&page_offset(content_start));
    }
    page[0] = INTERIOR;
    page[3..5].copy_from_slice(&(with_cells.len() as u16).to_be_bytes());
    page[5..7].copy_from_slice(&page_offset(content_start));
    page[8..12].copy_from_slice(&right_most.to_be_bytes());
}

#[cfg(test)]
#[path = "bulk_table_tests.rs"]
mod tests;

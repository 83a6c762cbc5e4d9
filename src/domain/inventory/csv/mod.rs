//! The CSV inventory, read row by row: the header row sets the column order, and
//! each later row becomes one archive.

mod row;
#[cfg(test)]
mod tests;

use std::io::{BufRead, BufReader, Read};

use self::row::{RawField, split_row};
use super::{
    Field, InventoryArchive, InventoryError, InventorySummary, Problem, ReadError, ReadOptions,
    Tally, fields,
};

/// The longest row accepted. A real row is under 1.5 KiB (a description is at
/// most 1,024 bytes); the bound keeps memory flat when a file is not CSV at all.
pub const MAX_ROW_BYTES: usize = 64 * 1024;

const READ_BUFFER_BYTES: usize = 1 << 16;

/// Reads a CSV inventory from `reader`, handing each archive to `on_archive` as its
/// row is read. Returns the totals (and no header: CSV has none) only once every
/// row is read. When `on_archive` returns an error, reading stops and that error
/// comes back as [`ReadError::Stopped`].
///
/// One row is one line (LF or CRLF): descriptions are printable ASCII, so no field
/// holds a line break. Blank lines are skipped. Every row must have as many fields
/// as the header, which may name extra columns; they are ignored. Quoting follows
/// Glacier's rule, read as `split_row` explains. Unlike JSON, CSV has no closing
/// mark, so a file cut exactly at a line break cannot be told from a whole one; a
/// file cut inside a row is refused.
pub fn read_csv<R, F, E>(
    reader: R,
    options: ReadOptions,
    mut on_archive: F,
) -> Result<InventorySummary, ReadError<E>>
where
    R: Read,
    F: FnMut(InventoryArchive) -> Result<(), E>,
{
    let mut rows = Rows::new(reader);
    let mut fields = Vec::new();
    let columns = loop {
        match rows.next_row()? {
            None => return Err(at_row(1, Problem::NoHeader).into()),
            Some((_, "")) => continue,
            Some((number, header)) => {
                break Columns::from_header(header, &mut fields)
                    .map_err(|problem| at_row(number, problem))?;
            }
        }
    };
    let mut tally = Tally::new(options);
    while let Some((number, row)) = rows.next_row()? {
        if row.is_empty() {
            continue;
        }
        let archive = columns
            .archive(row, &mut fields)
            .and_then(|archive| tally.count(&archive).map(|()| archive))
            .map_err(|problem| at_row(number, problem))?;
        on_archive(archive).map_err(ReadError::Stopped)?;
    }
    Ok(tally.summary(None))
}

/// Where each of the five archive fields is, by the header row.
struct Columns {
    count: usize,
    /// Indexed like `Field::ARCHIVE_FIELDS`.
    index: [usize; 5],
}

impl Columns {
    fn from_header(header: &str, fields: &mut Vec<RawField>) -> Result<Self, Problem> {
        split_row(header, fields)?;
        let mut index = [None; 5];
        for (position, raw) in fields.iter().enumerate() {
            let name = raw.text(header);
            let known = Field::ARCHIVE_FIELDS
                .iter()
                .position(|field| field.glacier_name() == name.trim());
            if let Some(known) = known {
                if index[known].is_some() {
                    let column = Field::ARCHIVE_FIELDS[known];
                    return Err(Problem::DuplicateColumn { column });
                }
                index[known] = Some(position);
            }
        }
        let mut found = [0; 5];
        for (slot, (column, position)) in Field::ARCHIVE_FIELDS.into_iter().zip(index).enumerate() {
            found[slot] = position.ok_or(Problem::MissingColumn { column })?;
        }
        Ok(Self {
            count: fields.len(),
            index: found,
        })
    }

    fn archive(&self, row: &str, fields: &mut Vec<RawField>) -> Result<InventoryArchive, Problem> {
        split_row(row, fields)?;
        if fields.len() != self.count {
            return Err(Problem::FieldCount {
                expected: self.count,
                found: fields.len(),
            });
        }
        let [id, description, creation_date, size, tree_hash] =
            self.index.map(|position| fields[position].text(row));
        Ok(InventoryArchive {
            archive_id: fields::archive_id(id.into_owned())?,
            description: description.into_owned(),
            creation_date: fields::timestamp(Field::CreationDate, &creation_date)?,
            size: fields::size_from_text(&size)?,
            sha256_tree_hash: fields::tree_hash(&tree_hash)?,
        })
    }
}

/// The rows of the file, one line at a time in a reused buffer.
struct Rows<R> {
    reader: BufReader<R>,
    line: Vec<u8>,
    /// The 1-based number of the row last read.
    number: u64,
}

impl<R: Read> Rows<R> {
    fn new(reader: R) -> Self {
        Self {
            reader: BufReader::with_capacity(READ_BUFFER_BYTES, reader),
            line: Vec::new(),
            number: 0,
        }
    }

    /// The next row's number and text without its line break, or `None` at the
    /// end of the file.
    fn next_row(&mut self) -> Result<Option<(u64, &str)>, InventoryError> {
        self.line.clear();
        // Room for the longest row and a CRLF; anything longer is refused below.
        let limit = MAX_ROW_BYTES as u64 + 2;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.line)
            .map_err(InventoryError::Io)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut row = self.line.as_slice();
        if let Some(rest) = row.strip_suffix(b"\n") {
            row = rest.strip_suffix(b"\r").unwrap_or(rest);
        }
        if row.len() > MAX_ROW_BYTES {
            return Err(at_row(
                self.number,
                Problem::RowTooLong {
                    limit: MAX_ROW_BYTES,
                },
            ));
        }
        if self.number == 1 {
            row = row.strip_prefix(super::BYTE_ORDER_MARK).unwrap_or(row);
        }
        match std::str::from_utf8(row) {
            Ok(row) => Ok(Some((self.number, row))),
            Err(_) => Err(at_row(self.number, Problem::InvalidUtf8)),
        }
    }
}

fn at_row(row: u64, problem: Problem) -> InventoryError {
    InventoryError::Csv { row, problem }
}

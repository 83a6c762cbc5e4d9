//! Finding the central directory from the archive's tail: the end record
//! (22 bytes and a comment of up to 65,535, so it lies in the last 65,557
//! bytes), the zip64 locator just before it, and the zip64 end record the
//! locator points to, which may lie before the bytes retrieved.

use super::{Reader, ZipProblem};

/// The end record without its comment.
pub const END_RECORD_LEN: u64 = 22;
/// The longest comment an end record carries.
pub const MAX_COMMENT_LEN: u64 = u16::MAX as u64;

const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_LEN: u64 = 20;
const ZIP64_END_LEN: u64 = 56;

/// Where the central directory lies, in archive offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Directory {
    /// The directory's first byte, in the archive.
    pub offset: u64,
    pub size: u64,
    pub entries: u64,
    pub zip64: bool,
    /// Bytes before the zip proper (a self-extracting stub, say): the
    /// directory's own offsets are this much short of the archive's.
    pub shift: u64,
}

impl Directory {
    /// The archive bytes, first and last inclusive, the directory occupies;
    /// `None` when it is empty.
    pub fn range(&self) -> Option<(u64, u64)> {
        (self.size > 0).then(|| (self.offset, self.offset + self.size - 1))
    }
}

/// What the tail says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndLookup {
    Found(Directory),
    /// The zip64 end record starts at this archive offset, before the tail:
    /// the bytes from there are needed first.
    NeedFrom(u64),
}

/// Reads the directory's place from `tail`, the archive's last bytes (they
/// must end where the archive of `archive_size` bytes ends).
pub fn find_directory(tail: &[u8], archive_size: u64) -> Result<EndLookup, ZipProblem> {
    let tail_start = archive_size
        .checked_sub(tail.len() as u64)
        .ok_or(ZipProblem::Damaged {
            at: 0,
            what: "more tail bytes than the archive holds",
        })?;
    let end_at = find_end_record(tail).ok_or(ZipProblem::NotZip {
        searched: tail.len() as u64,
    })?;
    let mut end = Reader::new(&tail[end_at..], tail_start + end_at as u64);
    end.u32("end signature")?;
    let disk = end.u16("disk number")?;
    let directory_disk = end.u16("directory disk")?;
    let _entries_here = end.u16("entries on this disk")?;
    let entries = end.u16("entries")?;
    let size = end.u32("directory size")?;
    let offset = end.u32("directory offset")?;
    let end_offset = tail_start + end_at as u64;

    let locator_at = end_at.checked_sub(ZIP64_LOCATOR_LEN as usize);
    let locator = locator_at.filter(|at| signature_at(tail, *at) == Some(ZIP64_LOCATOR_SIGNATURE));
    let Some(locator_at) = locator else {
        if disk != 0 || directory_disk != 0 {
            return Err(ZipProblem::MultiDisk {
                disk: u32::from(disk.max(directory_disk)),
            });
        }
        return placed(
            u64::from(offset),
            u64::from(size),
            u64::from(entries),
            false,
            end_offset,
        );
    };
    let mut locator = Reader::new(&tail[locator_at..], tail_start + locator_at as u64);
    locator.u32("zip64 locator signature")?;
    let record_disk = locator.u32("zip64 record disk")?;
    let record_offset = locator.u64("zip64 record offset")?;
    let disks = locator.u32("disk count")?;
    if record_disk != 0 || disks > 1 {
        return Err(ZipProblem::MultiDisk { disk: record_disk });
    }
    let locator_offset = tail_start + locator_at as u64;
    // The record's offset is the zip's own; with a stub before the zip it is
    // short by the stub's length, found from where the locator sits.
    let record_end = record_offset.checked_add(ZIP64_END_LEN);
    let shift = match record_end {
        Some(record_end) if record_end <= locator_offset => locator_offset - record_end,
        _ => {
            return Err(ZipProblem::Damaged {
                at: locator_offset,
                what: "the zip64 locator points past itself",
            });
        }
    };
    let record_at = record_offset + shift;
    if record_at < tail_start {
        return Ok(EndLookup::NeedFrom(record_at));
    }
    let start = usize::try_from(record_at - tail_start).unwrap_or(usize::MAX);
    let mut record = Reader::new(tail.get(start..).unwrap_or(&[]), record_at);
    if record.u32("zip64 end signature")? != ZIP64_END_SIGNATURE {
        return Err(ZipProblem::Damaged {
            at: record_at,
            what: "no zip64 end record where the locator points",
        });
    }
    let _record_len = record.u64("zip64 record length")?;
    let _made_by = record.u16("version made by")?;
    let _needed = record.u16("version needed")?;
    let disk = record.u32("disk number")?;
    let directory_disk = record.u32("directory disk")?;
    let _entries_here = record.u64("entries on this disk")?;
    let entries = record.u64("entries")?;
    let size = record.u64("directory size")?;
    let offset = record.u64("directory offset")?;
    if disk != 0 || directory_disk != 0 {
        return Err(ZipProblem::MultiDisk {
            disk: disk.max(directory_disk),
        });
    }
    placed(offset, size, entries, true, record_at)
}

/// The directory as its end record has it, placed in the archive: it ends
/// where the end records begin, and any bytes between say a stub came first.
fn placed(
    offset: u64,
    size: u64,
    entries: u64,
    zip64: bool,
    ends_before: u64,
) -> Result<EndLookup, ZipProblem> {
    let out_of_bounds = ZipProblem::OutOfBounds {
        offset,
        size,
        archive: ends_before,
    };
    let directory_end = offset.checked_add(size).ok_or(out_of_bounds.clone())?;
    let shift = ends_before
        .checked_sub(directory_end)
        .ok_or(out_of_bounds)?;
    Ok(EndLookup::Found(Directory {
        offset: offset + shift,
        size,
        entries,
        zip64,
        shift,
    }))
}

/// The end record's place in `tail`: the last signature whose comment length
/// reaches exactly to the end.
fn find_end_record(tail: &[u8]) -> Option<usize> {
    let len = tail.len();
    let last = len.checked_sub(END_RECORD_LEN as usize)?;
    let first = last.saturating_sub(MAX_COMMENT_LEN as usize);
    (first..=last).rev().find(|&at| {
        signature_at(tail, at) == Some(END_SIGNATURE) && {
            let comment = u16::from_le_bytes([tail[at + 20], tail[at + 21]]);
            at + END_RECORD_LEN as usize + usize::from(comment) == len
        }
    })
}

fn signature_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

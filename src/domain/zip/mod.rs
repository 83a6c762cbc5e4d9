//! Reading a zip file's table of contents from its tail alone, the way a peek
//! retrieves it: the end-of-central-directory record (and, for zip64, its
//! locator and the zip64 record) says where the central directory lies; the
//! central directory lists every member with its name, sizes, method, CRC-32,
//! time and the offset of its local header. Each member's bytes are one
//! contiguous span, which is what a member's range retrieval fetches.
//!
//! Everything here works on bytes already retrieved, placed by their offset in
//! the archive; nothing reads a file. Member names are untrusted text: decoded
//! as UTF-8 when the member says so, as CP437 otherwise, and turned into a safe
//! relative path before anything is written under them.

mod central;
mod cp437;
mod end;
mod local;
mod peek;

pub use central::{Member, Method, parse_central_directory};
pub use cp437::{decode as decode_cp437, encode as encode_cp437};
pub use end::{Directory, END_RECORD_LEN, EndLookup, MAX_COMMENT_LEN, find_directory};
pub use local::{LONGEST_LOCAL_HEADER, member_data, member_data_offset, member_range, span_ends};
pub use peek::{missing_before, tail_range};

/// Why a zip's table of contents cannot be read from the bytes given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipProblem {
    #[error("no end-of-central-directory record in the last {searched} bytes: not a zip file")]
    NotZip { searched: u64 },
    #[error("the zip spans several disks (disk {disk}); only single-file zips are read")]
    MultiDisk { disk: u32 },
    #[error("the central directory is damaged at byte {at}: {what}")]
    Damaged { at: u64, what: &'static str },
    #[error(
        "the central directory ({offset}+{size} bytes) lies outside the archive of {archive} bytes"
    )]
    OutOfBounds {
        offset: u64,
        size: u64,
        archive: u64,
    },
}

/// Little-endian reads that say where a record was cut short.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The offset of `bytes[0]` in the archive, for error messages.
    base: u64,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], base: u64) -> Self {
        Self { bytes, at: 0, base }
    }

    fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], ZipProblem> {
        let end = self
            .at
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len());
        let Some(end) = end else {
            return Err(ZipProblem::Damaged {
                at: self.base + self.at as u64,
                what,
            });
        };
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn u16(&mut self, what: &'static str) -> Result<u16, ZipProblem> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, ZipProblem> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self, what: &'static str) -> Result<u64, ZipProblem> {
        let b = self.take(8, what)?;
        let mut le = [0u8; 8];
        le.copy_from_slice(b);
        Ok(u64::from_le_bytes(le))
    }

    fn position(&self) -> u64 {
        self.base + self.at as u64
    }
}

#[cfg(test)]
mod tests;

//! The central directory's entries: one per member, with the facts a listing
//! shows and a member's retrieval needs.

use time::{Date, Month, PrimitiveDateTime, Time};

use super::end::Directory;
use super::{Reader, ZipProblem, cp437};
use crate::domain::names::SafeRelativePath;

const ENTRY_SIGNATURE: u32 = 0x0201_4b50;
/// General-purpose flag bits.
const ENCRYPTED: u16 = 1;
const UTF8_NAME: u16 = 1 << 11;
/// Extra-field ids: zip64 sizes and offset, and Info-ZIP's UTF-8 name.
const ZIP64_EXTRA: u16 = 0x0001;
const UNICODE_PATH_EXTRA: u16 = 0x7075;

/// How a member's bytes are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored,
    Deflated,
    /// Another method, by its number (12 bzip2, 14 LZMA, 93 zstd, 99 AES …).
    Other(u16),
}

impl Method {
    pub fn from_number(number: u16) -> Self {
        match number {
            0 => Method::Stored,
            8 => Method::Deflated,
            other => Method::Other(other),
        }
    }

    /// The method as listings name it.
    pub fn label(self) -> String {
        match self {
            Method::Stored => "stored".into(),
            Method::Deflated => "deflate".into(),
            Method::Other(9) => "deflate64".into(),
            Method::Other(12) => "bzip2".into(),
            Method::Other(14) => "lzma".into(),
            Method::Other(93) => "zstd".into(),
            Method::Other(95) => "xz".into(),
            Method::Other(99) => "aes".into(),
            Method::Other(number) => format!("method {number}"),
        }
    }

    pub fn number(self) -> u16 {
        match self {
            Method::Stored => 0,
            Method::Deflated => 8,
            Method::Other(number) => number,
        }
    }
}

/// One member as the central directory lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The name as the zip has it, decoded (UTF-8 or CP437); untrusted text,
    /// shown only through `text::printable`.
    pub name: String,
    /// Where the member may be written under a folder the user chose: the
    /// name with `..`, absolute parts, drive letters and controls made safe.
    pub path: SafeRelativePath,
    pub is_dir: bool,
    pub size: u64,
    pub compressed_size: u64,
    pub method: Method,
    pub crc32: u32,
    /// The DOS time the zip records (local time, no zone); `None` when zero
    /// or not a date.
    pub modified: Option<PrimitiveDateTime>,
    /// Where the member's local header starts, in the archive.
    pub local_header: u64,
    pub encrypted: bool,
    /// The name's and extra field's lengths in the central entry: the local
    /// header usually repeats the name, and its extra field may differ.
    pub name_len: u16,
    pub extra_len: u16,
}

/// Every entry of the directory `bytes` (the archive's bytes at
/// `directory.offset`, `directory.size` of them).
pub fn parse_central_directory(
    bytes: &[u8],
    directory: &Directory,
) -> Result<Vec<Member>, ZipProblem> {
    let mut reader = Reader::new(bytes, directory.offset);
    let mut members =
        Vec::with_capacity(usize::try_from(directory.entries.min(1 << 20)).unwrap_or(0));
    while (reader.at as u64) < (bytes.len() as u64).min(directory.size) {
        members.push(parse_entry(&mut reader, directory.shift)?);
    }
    if members.len() as u64 != directory.entries {
        return Err(ZipProblem::Damaged {
            at: reader.position(),
            what: "the directory holds another number of entries than its end record says",
        });
    }
    Ok(members)
}

fn parse_entry(reader: &mut Reader<'_>, shift: u64) -> Result<Member, ZipProblem> {
    let at = reader.position();
    if reader.u32("entry signature")? != ENTRY_SIGNATURE {
        return Err(ZipProblem::Damaged {
            at,
            what: "an entry does not start with the central directory's signature",
        });
    }
    let _made_by = reader.u16("version made by")?;
    let _needed = reader.u16("version needed")?;
    let flags = reader.u16("flags")?;
    let method = Method::from_number(reader.u16("method")?);
    let time = reader.u16("modification time")?;
    let date = reader.u16("modification date")?;
    let crc32 = reader.u32("CRC-32")?;
    let mut compressed_size = u64::from(reader.u32("compressed size")?);
    let mut size = u64::from(reader.u32("size")?);
    let name_len = reader.u16("name length")?;
    let extra_len = reader.u16("extra field length")?;
    let comment_len = reader.u16("comment length")?;
    let _disk = reader.u16("disk number")?;
    let _internal = reader.u16("internal attributes")?;
    let _external = reader.u32("external attributes")?;
    let mut local_header = u64::from(reader.u32("local header offset")?);
    let raw_name = reader.take(usize::from(name_len), "name")?;
    let extra = reader.take(usize::from(extra_len), "extra field")?;
    reader.take(usize::from(comment_len), "comment")?;

    let mut name = if flags & UTF8_NAME != 0 {
        String::from_utf8_lossy(raw_name).into_owned()
    } else {
        cp437::decode(raw_name)
    };
    let mut fields = Reader::new(extra, at);
    while let (Ok(id), Ok(len)) = (fields.u16("extra id"), fields.u16("extra length")) {
        let Ok(data) = fields.take(usize::from(len), "extra data") else {
            break;
        };
        match id {
            ZIP64_EXTRA => {
                let mut wide = Reader::new(data, at);
                // Only the fields whose 32-bit value is all ones are here, in
                // this order.
                if size == u64::from(u32::MAX) {
                    size = wide.u64("zip64 size")?;
                }
                if compressed_size == u64::from(u32::MAX) {
                    compressed_size = wide.u64("zip64 compressed size")?;
                }
                if local_header == u64::from(u32::MAX) {
                    local_header = wide.u64("zip64 local header offset")?;
                }
            }
            UNICODE_PATH_EXTRA if flags & UTF8_NAME == 0 => {
                // Version 1, the CRC-32 of the name it stands for, UTF-8.
                if let [1, c0, c1, c2, c3, utf8 @ ..] = data
                    && u32::from_le_bytes([*c0, *c1, *c2, *c3]) == crc32fast::hash(raw_name)
                    && let Ok(text) = std::str::from_utf8(utf8)
                {
                    name = text.to_owned();
                }
            }
            _ => {}
        }
    }
    let is_dir = name.ends_with('/') || name.ends_with('\\');
    let fallback = format!("member-{:010}", local_header);
    Ok(Member {
        path: SafeRelativePath::new(&name, &fallback),
        name,
        is_dir,
        size,
        compressed_size,
        method,
        crc32,
        modified: dos_time(date, time),
        local_header: local_header.saturating_add(shift),
        encrypted: flags & ENCRYPTED != 0,
        name_len,
        extra_len,
    })
}

/// A DOS date and time: years from 1980, two-second steps.
fn dos_time(date: u16, time: u16) -> Option<PrimitiveDateTime> {
    let year = 1980 + i32::from(date >> 9);
    let month = Month::try_from(u8::try_from((date >> 5) & 0x0f).ok()?).ok()?;
    let day = u8::try_from(date & 0x1f).ok()?;
    let hour = u8::try_from(time >> 11).ok()?;
    let minute = u8::try_from((time >> 5) & 0x3f).ok()?;
    let second = u8::try_from((time & 0x1f) * 2).ok()?;
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms(hour, minute, second.min(59)).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

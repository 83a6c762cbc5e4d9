//! A zip's bytes, as patches over virtual ones: local headers, compressed and
//! text members, the central directory and the end records are real; the data
//! of large stored members of random content is left to the virtual bytes
//! beneath, their CRC-32 computed from the pool (`VirtualArchive::crc32`), so a
//! 5 GiB member costs nothing to write. Zip64 fields wherever a size, an offset
//! or the member count needs them, as Info-ZIP writes them.

use time::PrimitiveDateTime;

use super::{Content, Method};
use crate::domain::range::ByteRange;
use crate::sandbox::content::VirtualArchive;
use crate::sandbox::content::patched::Patch;

/// Random stored members smaller than this are copied into the patches all the
/// same: a patch per small member would only lengthen the index.
const VIRTUAL_FROM: u64 = 64 * 1024;

/// The fastest level (`zip -1`): generated text still shrinks about 3 to 1, at
/// six times the speed of the default level, which keeps a sandbox's start quick.
const DEFLATE_LEVEL: u8 = 1;

const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_EXTRA: u16 = 0x0001;
const TIMESTAMP_EXTRA: u16 = 0x5455;
const UTF8_FLAG: u16 = 1 << 11;
/// Unix, zip specification 3.0, as Info-ZIP's zip 3.0 says.
const MADE_BY: u16 = 0x031e;
/// A regular file, rw-r--r--, in the high half of the external attributes.
const FILE_MODE: u32 = 0o100_644 << 16;

/// One member to write, everything decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPlan {
    /// The name's bytes: UTF-8 when `utf8`, else CP437.
    pub name: Vec<u8>,
    pub utf8: bool,
    pub method: Method,
    pub content: Content,
    pub size: u64,
    /// Seed of a text member's words or a compressed random member's bytes.
    pub seed: u64,
    pub modified: PrimitiveDateTime,
}

/// What a zip holds: its members in order and its comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipPlan {
    pub members: Vec<MemberPlan>,
    pub comment: Vec<u8>,
}

/// A member as written, where a listing or a restore finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenMember {
    pub name: Vec<u8>,
    pub method: Method,
    pub local_header: u64,
    pub data_offset: u64,
    pub size: u64,
    pub compressed_size: u64,
    pub crc32: u32,
}

/// A written zip: its size, its real bytes, and where everything went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenZip {
    pub size: u64,
    pub patches: Vec<Patch>,
    pub members: Vec<WrittenMember>,
    pub directory_offset: u64,
    pub directory_size: u64,
}

/// Writes `plan` over the virtual bytes of `seed`.
pub fn write(plan: &ZipPlan, seed: u64) -> WrittenZip {
    // Virtual bytes depend on the seed and offset only, not on the size.
    let beneath = VirtualArchive {
        seed,
        size: u64::MAX,
    };
    let mut out = Out::default();
    let mut members = Vec::with_capacity(plan.members.len());
    for member in &plan.members {
        members.push(write_member(&mut out, member, beneath));
    }
    let directory_offset = out.at();
    for (plan, written) in plan.members.iter().zip(&members) {
        out.put(&central_entry(plan, written));
    }
    let directory_size = out.at() - directory_offset;
    write_end(
        &mut out,
        members.len() as u64,
        directory_offset,
        directory_size,
        &plan.comment,
    );
    let size = out.at();
    WrittenZip {
        size,
        patches: out.finish(),
        members,
        directory_offset,
        directory_size,
    }
}

/// The real bytes written so far: finished patches and the one growing.
#[derive(Default)]
struct Out {
    patches: Vec<Patch>,
    current: Vec<u8>,
    current_at: u64,
}

impl Out {
    fn at(&self) -> u64 {
        self.current_at + self.current.len() as u64
    }

    fn put(&mut self, bytes: &[u8]) {
        self.current.extend_from_slice(bytes);
    }

    /// Leaves `len` virtual bytes.
    fn skip(&mut self, len: u64) {
        let at = self.at();
        self.flush();
        self.current_at = at + len;
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.patches.push(Patch {
                offset: self.current_at,
                bytes: std::mem::take(&mut self.current),
            });
        }
    }

    fn finish(mut self) -> Vec<Patch> {
        self.flush();
        self.patches
    }
}

/// A member's data: real bytes, or that many virtual ones.
enum Data {
    Real(Vec<u8>),
    Virtual(u64),
}

fn write_member(out: &mut Out, member: &MemberPlan, beneath: VirtualArchive) -> WrittenMember {
    let local_header = out.at();
    let raw = |member: &MemberPlan| match member.content {
        Content::Text => super::text::generate(member.seed, member.size),
        Content::Random => virtual_bytes(
            VirtualArchive {
                seed: member.seed,
                size: u64::MAX,
            },
            0,
            member.size,
        ),
    };
    // A stored random member is the bytes beneath it, known once its header's
    // length is; anything else is made first, as its header holds its CRC.
    let (data, crc32, compressed_size) = match (member.method, member.content) {
        (Method::Stored, Content::Random) => (None, 0, member.size),
        (Method::Stored, Content::Text) => {
            let bytes = raw(member);
            let crc = crc32fast::hash(&bytes);
            (Some(Data::Real(bytes)), crc, member.size)
        }
        (Method::Deflate, _) => {
            let bytes = raw(member);
            let crc = crc32fast::hash(&bytes);
            let deflated = miniz_oxide::deflate::compress_to_vec(&bytes, DEFLATE_LEVEL);
            let len = deflated.len() as u64;
            (Some(Data::Real(deflated)), crc, len)
        }
    };
    let mut header = local_header_bytes(member, compressed_size);
    let data_offset = local_header + header.len() as u64;
    let (data, crc32) = match data {
        Some(data) => (data, crc32),
        None => {
            let crc = beneath.crc32(data_offset, member.size);
            let data = if member.size < VIRTUAL_FROM {
                Data::Real(virtual_bytes(beneath, data_offset, member.size))
            } else {
                Data::Virtual(member.size)
            };
            (data, crc)
        }
    };
    header[14..18].copy_from_slice(&crc32.to_le_bytes());
    out.put(&header);
    match data {
        Data::Real(bytes) => out.put(&bytes),
        Data::Virtual(len) => out.skip(len),
    }
    WrittenMember {
        name: member.name.clone(),
        method: member.method,
        local_header,
        data_offset,
        size: member.size,
        compressed_size,
        crc32,
    }
}

fn virtual_bytes(archive: VirtualArchive, start: u64, len: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len as usize);
    if let Ok(range) = ByteRange::new(start, start + len.max(1) - 1)
        && len > 0
    {
        for piece in archive.bytes(range) {
            bytes.extend_from_slice(&piece);
        }
    }
    bytes
}

/// A local header with a CRC of zero, for the caller to fill in.
fn local_header_bytes(member: &MemberPlan, compressed_size: u64) -> Vec<u8> {
    let zip64 = needs_zip64(member.size) || needs_zip64(compressed_size);
    let mut extra = Vec::new();
    if zip64 {
        // The local header's zip64 field holds both sizes, always.
        put_extra(
            &mut extra,
            ZIP64_EXTRA,
            &[&member.size.to_le_bytes(), &compressed_size.to_le_bytes()],
        );
    }
    put_extra(
        &mut extra,
        TIMESTAMP_EXTRA,
        &[&[1], &unix_time(member.modified).to_le_bytes()],
    );
    let (time, date) = dos_time(member.modified);
    let mut header = Vec::with_capacity(30 + member.name.len() + extra.len());
    header.extend_from_slice(&LOCAL_SIGNATURE.to_le_bytes());
    header.extend_from_slice(&version_needed(member.method, zip64).to_le_bytes());
    header.extend_from_slice(&flags(member).to_le_bytes());
    header.extend_from_slice(&member.method.number().to_le_bytes());
    header.extend_from_slice(&time.to_le_bytes());
    header.extend_from_slice(&date.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&narrow(compressed_size).to_le_bytes());
    header.extend_from_slice(&narrow(member.size).to_le_bytes());
    header.extend_from_slice(&(member.name.len() as u16).to_le_bytes());
    header.extend_from_slice(&(extra.len() as u16).to_le_bytes());
    header.extend_from_slice(&member.name);
    header.extend_from_slice(&extra);
    header
}

fn central_entry(member: &MemberPlan, written: &WrittenMember) -> Vec<u8> {
    // Only the values too wide for their field go in the zip64 field, in this order.
    let wide: Vec<[u8; 8]> = [written.size, written.compressed_size, written.local_header]
        .into_iter()
        .filter(|value| needs_zip64(*value))
        .map(u64::to_le_bytes)
        .collect();
    let mut extra = Vec::new();
    if !wide.is_empty() {
        let parts: Vec<&[u8]> = wide.iter().map(|value| value.as_slice()).collect();
        put_extra(&mut extra, ZIP64_EXTRA, &parts);
    }
    put_extra(
        &mut extra,
        TIMESTAMP_EXTRA,
        &[&[1], &unix_time(member.modified).to_le_bytes()],
    );
    let (time, date) = dos_time(member.modified);
    let text = u16::from(member.content == Content::Text);
    let mut entry = Vec::with_capacity(46 + member.name.len() + extra.len());
    entry.extend_from_slice(&CENTRAL_SIGNATURE.to_le_bytes());
    entry.extend_from_slice(&MADE_BY.to_le_bytes());
    entry.extend_from_slice(&version_needed(member.method, !wide.is_empty()).to_le_bytes());
    entry.extend_from_slice(&flags(member).to_le_bytes());
    entry.extend_from_slice(&member.method.number().to_le_bytes());
    entry.extend_from_slice(&time.to_le_bytes());
    entry.extend_from_slice(&date.to_le_bytes());
    entry.extend_from_slice(&written.crc32.to_le_bytes());
    entry.extend_from_slice(&narrow(written.compressed_size).to_le_bytes());
    entry.extend_from_slice(&narrow(written.size).to_le_bytes());
    entry.extend_from_slice(&(member.name.len() as u16).to_le_bytes());
    entry.extend_from_slice(&(extra.len() as u16).to_le_bytes());
    entry.extend_from_slice(&0u16.to_le_bytes()); // comment length
    entry.extend_from_slice(&0u16.to_le_bytes()); // disk
    entry.extend_from_slice(&text.to_le_bytes());
    entry.extend_from_slice(&FILE_MODE.to_le_bytes());
    entry.extend_from_slice(&narrow(written.local_header).to_le_bytes());
    entry.extend_from_slice(&member.name);
    entry.extend_from_slice(&extra);
    entry
}

/// The zip64 end record and its locator when anything needs them, then the end record.
fn write_end(out: &mut Out, entries: u64, directory_at: u64, directory_size: u64, comment: &[u8]) {
    let zip64 =
        entries >= u64::from(u16::MAX) || needs_zip64(directory_at) || needs_zip64(directory_size);
    if zip64 {
        let record_at = out.at();
        let mut record = Vec::with_capacity(76);
        record.extend_from_slice(&ZIP64_END_SIGNATURE.to_le_bytes());
        record.extend_from_slice(&44u64.to_le_bytes()); // the record's length after this field
        record.extend_from_slice(&MADE_BY.to_le_bytes());
        record.extend_from_slice(&45u16.to_le_bytes());
        record.extend_from_slice(&0u32.to_le_bytes());
        record.extend_from_slice(&0u32.to_le_bytes());
        record.extend_from_slice(&entries.to_le_bytes());
        record.extend_from_slice(&entries.to_le_bytes());
        record.extend_from_slice(&directory_size.to_le_bytes());
        record.extend_from_slice(&directory_at.to_le_bytes());
        record.extend_from_slice(&ZIP64_LOCATOR_SIGNATURE.to_le_bytes());
        record.extend_from_slice(&0u32.to_le_bytes());
        record.extend_from_slice(&record_at.to_le_bytes());
        record.extend_from_slice(&1u32.to_le_bytes());
        out.put(&record);
    }
    let entries16 = u16::try_from(entries).unwrap_or(u16::MAX);
    let mut end = Vec::with_capacity(22 + comment.len());
    end.extend_from_slice(&END_SIGNATURE.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes());
    end.extend_from_slice(&entries16.to_le_bytes());
    end.extend_from_slice(&entries16.to_le_bytes());
    end.extend_from_slice(&narrow(directory_size).to_le_bytes());
    end.extend_from_slice(&narrow(directory_at).to_le_bytes());
    end.extend_from_slice(&(comment.len() as u16).to_le_bytes());
    end.extend_from_slice(comment);
    out.put(&end);
}

/// A value that does not fit its 32-bit field: the field holds all ones instead.
fn needs_zip64(value: u64) -> bool {
    value >= u64::from(u32::MAX)
}

fn narrow(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn put_extra(extra: &mut Vec<u8>, id: u16, parts: &[&[u8]]) {
    let len: usize = parts.iter().map(|part| part.len()).sum();
    extra.extend_from_slice(&id.to_le_bytes());
    extra.extend_from_slice(&(len as u16).to_le_bytes());
    for part in parts {
        extra.extend_from_slice(part);
    }
}

fn flags(member: &MemberPlan) -> u16 {
    if member.utf8 { UTF8_FLAG } else { 0 }
}

fn version_needed(method: Method, zip64: bool) -> u16 {
    match (zip64, method) {
        (true, _) => 45,
        (false, Method::Deflate) => 20,
        (false, Method::Stored) => 10,
    }
}

/// The DOS time and date fields: local time with no zone, two-second steps,
/// years 1980 to 2107 (the plan keeps to them).
fn dos_time(at: PrimitiveDateTime) -> (u16, u16) {
    let year = u16::try_from(at.year() - 1980).unwrap_or(0).min(127);
    let date = (year << 9) | (u16::from(u8::from(at.month())) << 5) | u16::from(at.day());
    let time =
        (u16::from(at.hour()) << 11) | (u16::from(at.minute()) << 5) | u16::from(at.second() / 2);
    (time, date)
}

/// Seconds since 1970 for the extended timestamp field, as UTC.
fn unix_time(at: PrimitiveDateTime) -> u32 {
    u32::try_from(at.assume_utc().unix_timestamp()).unwrap_or(0)
}

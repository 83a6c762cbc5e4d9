//! A member's span: from its local header to the next member's (or to the
//! central directory), which holds the header, the compressed bytes and any
//! data descriptor. Its local header says where the data starts: its name and
//! extra field may differ in length from the central directory's entry.

use std::ops::Range;

use super::central::Member;
use super::{Reader, ZipProblem};
use crate::domain::range::ByteRange;

const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
const LOCAL_HEADER_LEN: u64 = 30;

/// For each member (in the directory's order), one past the last byte of its
/// span: the next local header after its own, or the directory's offset. A
/// span is never shorter than the header and data the entry describes.
pub fn span_ends(members: &[Member], directory_offset: u64) -> Vec<u64> {
    let mut starts: Vec<u64> = members.iter().map(|member| member.local_header).collect();
    starts.sort_unstable();
    starts.dedup();
    members
        .iter()
        .map(|member| {
            let next = starts
                .get(starts.partition_point(|start| *start <= member.local_header))
                .copied()
                .unwrap_or(directory_offset)
                .min(directory_offset.max(member.local_header));
            next.max(least_end(member))
        })
        .collect()
}

/// The end of the header and data the central entry describes.
fn least_end(member: &Member) -> u64 {
    member
        .local_header
        .saturating_add(LOCAL_HEADER_LEN)
        .saturating_add(u64::from(member.name_len))
        .saturating_add(member.compressed_size)
}

/// The archive bytes a member's retrieval must hold.
pub fn member_range(member: &Member, span_end: u64) -> Option<ByteRange> {
    ByteRange::new(member.local_header, span_end.checked_sub(1)?).ok()
}

/// Where the member's compressed bytes start in its span, read from `head`,
/// the span's first bytes (a local header is at most 30 + 2 x 65,535 long).
pub fn member_data_offset(head: &[u8], member: &Member) -> Result<u64, ZipProblem> {
    let mut reader = Reader::new(head, member.local_header);
    if reader.u32("local header signature")? != LOCAL_SIGNATURE {
        return Err(ZipProblem::Damaged {
            at: member.local_header,
            what: "the member's local header is not where the central directory says",
        });
    }
    reader.take(22, "local header")?;
    let name_len = reader.u16("local name length")?;
    let extra_len = reader.u16("local extra field length")?;
    reader.take(usize::from(name_len), "local name")?;
    reader.take(usize::from(extra_len), "local extra field")?;
    Ok(reader.at as u64)
}

/// The longest local header: what [`member_data_offset`] may need to read.
pub const LONGEST_LOCAL_HEADER: u64 = LOCAL_HEADER_LEN + 2 * u16::MAX as u64;

/// Where the member's compressed bytes lie in `span`, the archive's bytes
/// from its local header on.
pub fn member_data(span: &[u8], member: &Member) -> Result<Range<usize>, ZipProblem> {
    let start = member_data_offset(span, member)?;
    let end = start
        .checked_add(member.compressed_size)
        .filter(|end| *end <= span.len() as u64)
        .ok_or(ZipProblem::Damaged {
            at: member.local_header + start,
            what: "the member's compressed bytes run past its span",
        })?;
    // Both fit in the slice's length, so in usize.
    Ok(start as usize..end as usize)
}

//! Unpacking a member from its retrieved span into the user's folder: read
//! from the span file through the member's method, counted and CRC-checked on
//! the way into a temporary file beside the target, which is named only once
//! size and CRC-32 agree with the zip's directory. Nothing is written outside
//! the folder, whatever links sit in it, and a file there is replaced only
//! when asked.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use bzip2::read::BzDecoder;
use deflate64::Deflate64Decoder;
use flate2::read::DeflateDecoder;

use super::MemberRequest;
use crate::confined::{Access, ConfinedDir, EntryKind};
use crate::domain::zip::{LONGEST_LOCAL_HEADER, Method, member_data_offset};
use crate::tracking::peek::PeekError;

/// A member written, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// As the user named the folder, joined with the member's safe path.
    pub shown: PathBuf,
    pub bytes: u64,
    pub crc32: u32,
}

const COPY_BUFFER: usize = 256 * 1024;

/// The zip method numbers of Deflate64 and bzip2.
const DEFLATE64: u16 = 9;
const BZIP2: u16 = 12;

/// Whether a member packed with `method` can be unpacked here.
pub(super) fn unpacks(method: Method) -> bool {
    matches!(
        method,
        Method::Stored | Method::Deflated | Method::Other(DEFLATE64 | BZIP2)
    )
}

pub(super) fn extract(
    span_file: &std::path::Path,
    request: &MemberRequest<'_>,
) -> Result<Extracted, PeekError> {
    let member = &request.member.member;
    let read_error = |source| PeekError::Read {
        path: span_file.to_path_buf(),
        source,
    };
    let mut span = std::fs::File::open(span_file).map_err(read_error)?;
    let span_len = span.metadata().map_err(read_error)?.len();
    let mut head = Vec::new();
    (&mut span)
        .take(LONGEST_LOCAL_HEADER)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    let data_start = member_data_offset(&head, member)?;
    if data_start.saturating_add(member.compressed_size) > span_len {
        return Err(PeekError::Damaged(
            crate::domain::zip::ZipProblem::Damaged {
                at: member.local_header + data_start,
                what: "the member's compressed bytes run past its span",
            },
        ));
    }
    span.seek(SeekFrom::Start(data_start)).map_err(read_error)?;
    let compressed = span.take(member.compressed_size);

    let components: Vec<&str> = member.path.components().collect();
    let (name, parents) = components
        .split_last()
        .ok_or_else(|| PeekError::NoSuchMember {
            wanted: member.name.clone(),
        })?;
    let root = ConfinedDir::open(request.to)?;
    let folder = root.subfolder(parents.iter().copied(), true)?;
    let shown = folder.shown_child(name);
    match folder.kind(name)? {
        EntryKind::Missing => {}
        EntryKind::File if request.overwrite => {}
        _ => return Err(PeekError::Exists { path: shown }),
    }
    // Short, so that it fits beside the longest name a folder takes.
    let temporary = format!(".defrost-member-{}.part", request.member.position);
    let mut out = folder.open_file(&temporary, Access::Replace)?;
    let written = match member.method {
        Method::Deflated => copy_counted(DeflateDecoder::new(compressed), &mut out),
        Method::Other(DEFLATE64) => copy_counted(Deflate64Decoder::new(compressed), &mut out),
        Method::Other(BZIP2) => copy_counted(BzDecoder::new(compressed), &mut out),
        _ => copy_counted(compressed, &mut out),
    };
    let checked = written
        .map_err(|outcome| match outcome {
            CopyFailure::Read(source) => PeekError::Corrupt {
                name: member.name.clone(),
                source,
            },
            CopyFailure::Write(source) => PeekError::Write {
                path: shown.clone(),
                source,
            },
        })
        .and_then(|(bytes, crc32)| {
            if bytes != member.size {
                Err(PeekError::SizeMismatch {
                    name: member.name.clone(),
                    expected: member.size,
                    found: bytes,
                })
            } else if crc32 != member.crc32 {
                Err(PeekError::CrcMismatch {
                    name: member.name.clone(),
                    expected: member.crc32,
                    found: crc32,
                })
            } else {
                Ok((bytes, crc32))
            }
        })
        .and_then(|counted| {
            out.sync_all().map_err(|source| PeekError::Write {
                path: shown.clone(),
                source,
            })?;
            Ok(counted)
        });
    drop(out);
    let (bytes, crc32) = match checked {
        Ok(counted) => counted,
        Err(err) => {
            // The damaged bytes are not kept under any name of the member's.
            let _ = folder.remove(&temporary);
            return Err(err);
        }
    };
    folder.rename(&temporary, name, request.overwrite)?;
    folder.sync();
    Ok(Extracted {
        shown,
        bytes,
        crc32,
    })
}

enum CopyFailure {
    Read(io::Error),
    Write(io::Error),
}

/// Copies everything `from` gives into `to`; the bytes and their CRC-32.
fn copy_counted(mut from: impl Read, to: &mut impl Write) -> Result<(u64, u32), CopyFailure> {
    let mut buffer = vec![0u8; COPY_BUFFER];
    let mut hasher = crc32fast::Hasher::new();
    let mut total = 0u64;
    loop {
        let read = match from.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(CopyFailure::Read(err)),
        };
        hasher.update(&buffer[..read]);
        to.write_all(&buffer[..read]).map_err(CopyFailure::Write)?;
        total += read as u64;
    }
    Ok((total, hasher.finalize()))
}

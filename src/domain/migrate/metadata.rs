//! The user metadata each migrated object carries, so that it still says which
//! archive it was: the archive id, the Glacier tree hash, the original
//! description and the creation date.
//!
//! S3 user metadata travels as HTTP headers (`x-amz-meta-NAME`), whose values
//! must be ASCII and lose leading and trailing spaces, and S3 takes at most 2 KB
//! of it per object. So text values are percent-encoded: every byte of the UTF-8
//! text outside `!`..`~`, and `%` itself, becomes `%XX` (upper-case hex); a
//! printable ASCII description reads as itself except for its spaces (`%20`).
//! [`percent_decode`] gives the exact text back. A description whose encoded
//! form does not fit in the 2 KB is cut (between characters) to fit, and the
//! entry `glacier-description-bytes` then records the whole description's length
//! in bytes; without it, the description is whole.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::treehash::TreeHash;
use crate::text::printable;

/// S3's limit on an object's user metadata: the bytes of every name and value.
pub const MAX_USER_METADATA_BYTES: usize = 2048;

/// Each name is counted with its `x-amz-meta-` header prefix, although AWS
/// counts names without it: a margin that costs a few bytes of description.
const HEADER_PREFIX: &str = "x-amz-meta-";

/// The metadata names, lower case as S3 stores them.
pub const ARCHIVE_ID: &str = "glacier-archive-id";
pub const TREE_HASH: &str = "glacier-tree-hash";
pub const DESCRIPTION: &str = "glacier-description";
pub const CREATED: &str = "glacier-created";
pub const DESCRIPTION_BYTES: &str = "glacier-description-bytes";

/// What an object says about the archive it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveMetadata {
    pub archive_id: String,
    pub tree_hash: TreeHash,
    /// The description exactly as the inventory holds it.
    pub description: String,
    pub created: OffsetDateTime,
}

/// An object's metadata read back: the description may be cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMetadata {
    pub archive: ArchiveMetadata,
    /// The whole description's length in bytes when the stored one was cut to
    /// fit; `None` when it is whole.
    pub description_cut_from: Option<u64>,
}

/// Metadata that cannot be written or read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error(
        "archive id '{archive_id}' is too long to fit in S3's 2 KB of object metadata; check the inventory the archive came from"
    )]
    ArchiveIdTooLong { archive_id: String },
    #[error("the object's metadata has no {name} entry; it was not written by a migration")]
    Missing { name: &'static str },
    #[error(
        "the object's {name} entry '{value}' cannot be read ({detail}); it was changed after the migration"
    )]
    Unreadable {
        name: &'static str,
        value: String,
        detail: String,
    },
}

/// The metadata entries (name without `x-amz-meta-`, value) for an object, in
/// at most [`MAX_USER_METADATA_BYTES`], the description cut if need be.
pub fn user_metadata(archive: &ArchiveMetadata) -> Result<BTreeMap<String, String>, MetadataError> {
    let mut entries = BTreeMap::new();
    entries.insert(ARCHIVE_ID.to_owned(), percent_encode(&archive.archive_id));
    entries.insert(TREE_HASH.to_owned(), archive.tree_hash.to_string());
    entries.insert(CREATED.to_owned(), rfc3339(archive.created));
    let fixed: usize = entries
        .iter()
        .map(|(name, value)| entry_bytes(name, value))
        .sum();
    let whole = percent_encode(&archive.description);
    if fixed + entry_bytes(DESCRIPTION, &whole) <= MAX_USER_METADATA_BYTES {
        entries.insert(DESCRIPTION.to_owned(), whole);
        return Ok(entries);
    }
    let length = archive.description.len().to_string();
    let room = MAX_USER_METADATA_BYTES
        .checked_sub(fixed + entry_bytes(DESCRIPTION_BYTES, &length) + entry_bytes(DESCRIPTION, ""))
        .ok_or_else(|| MetadataError::ArchiveIdTooLong {
            archive_id: printable(&archive.archive_id),
        })?;
    entries.insert(
        DESCRIPTION.to_owned(),
        encode_within(&archive.description, room),
    );
    entries.insert(DESCRIPTION_BYTES.to_owned(), length);
    Ok(entries)
}

/// Reads back what [`user_metadata`] wrote. Names are matched ignoring case, as
/// HTTP headers are.
pub fn read_user_metadata(
    entries: &BTreeMap<String, String>,
) -> Result<StoredMetadata, MetadataError> {
    let lower: BTreeMap<String, &str> = entries
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str()))
        .collect();
    let get = |name: &'static str| {
        lower
            .get(name)
            .copied()
            .ok_or(MetadataError::Missing { name })
    };
    let unreadable = |name: &'static str, value: &str, detail: String| MetadataError::Unreadable {
        name,
        value: printable(value),
        detail,
    };
    let text = |name: &'static str| {
        let value = get(name)?;
        percent_decode(value).map_err(|err| unreadable(name, value, err.to_string()))
    };
    let hash = get(TREE_HASH)?;
    let tree_hash = hash
        .parse::<TreeHash>()
        .map_err(|err| unreadable(TREE_HASH, hash, printable(&err.to_string())))?;
    let created_text = get(CREATED)?;
    let created = OffsetDateTime::parse(created_text, &Rfc3339)
        .map_err(|err| unreadable(CREATED, created_text, err.to_string()))?;
    let description_cut_from = match lower.get(DESCRIPTION_BYTES) {
        None => None,
        Some(value) => Some(
            value
                .parse::<u64>()
                .map_err(|err| unreadable(DESCRIPTION_BYTES, value, err.to_string()))?,
        ),
    };
    Ok(StoredMetadata {
        archive: ArchiveMetadata {
            archive_id: text(ARCHIVE_ID)?,
            tree_hash,
            description: text(DESCRIPTION)?,
            created,
        },
        description_cut_from,
    })
}

/// The tree hash an object's metadata records, if it records a readable one:
/// the test of whether an existing object is already this archive's copy.
pub fn recorded_tree_hash(entries: &BTreeMap<String, String>) -> Option<TreeHash> {
    entries
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(TREE_HASH))
        .and_then(|(_, value)| value.parse().ok())
}

/// `text` with every byte outside `!`..=`~`, and `%`, as `%XX`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        push_encoded(&mut out, byte);
    }
    out
}

/// Why a value is not percent-encoded UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PercentDecodeError {
    #[error("a % at byte {at} is not followed by two hex digits")]
    BadEscape { at: usize },
    #[error("the decoded bytes are not UTF-8")]
    NotUtf8,
}

/// The text [`percent_encode`] was given. Characters that need no escape are
/// taken as they are, so a value typed by hand reads too.
pub fn percent_decode(value: &str) -> Result<String, PercentDecodeError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let digits = bytes
                .get(at + 1..at + 3)
                .and_then(|pair| std::str::from_utf8(pair).ok())
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or(PercentDecodeError::BadEscape { at })?;
            out.push(digits);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PercentDecodeError::NotUtf8)
}

fn push_encoded(out: &mut String, byte: u8) {
    if (b'!'..=b'~').contains(&byte) && byte != b'%' {
        out.push(char::from(byte));
    } else {
        // Writing to a String cannot fail.
        let _ = write!(out, "%{byte:02X}");
    }
}

/// The encoded form of the longest start of `text`, cut between characters,
/// that takes at most `room` bytes.
fn encode_within(text: &str, room: usize) -> String {
    let mut out = String::with_capacity(room);
    let mut one = String::new();
    for c in text.chars() {
        one.clear();
        let mut utf8 = [0u8; 4];
        for &byte in c.encode_utf8(&mut utf8).as_bytes() {
            push_encoded(&mut one, byte);
        }
        if out.len() + one.len() > room {
            break;
        }
        out.push_str(&one);
    }
    out
}

fn entry_bytes(name: &str, value: &str) -> usize {
    HEADER_PREFIX.len() + name.len() + value.len()
}

fn rfc3339(at: OffsetDateTime) -> String {
    // Every OffsetDateTime in years 0..=9999 formats; an inventory's dates do.
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// The bytes [`user_metadata`]'s entries take, as S3 counts them plus the margin.
pub fn metadata_bytes(entries: &BTreeMap<String, String>) -> usize {
    entries
        .iter()
        .map(|(name, value)| entry_bytes(name, value))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn archive(description: &str) -> ArchiveMetadata {
        ArchiveMetadata {
            archive_id: "a".repeat(138),
            tree_hash: TreeHash([7; 32]),
            description: description.to_owned(),
            created: datetime!(2019-08-20 08:01:02 UTC),
        }
    }

    #[test]
    fn a_printable_description_reads_as_itself_but_its_spaces() {
        let entries = user_metadata(&archive("mt2 photos/IMG 1.jpg 100%")).unwrap();
        assert_eq!(entries[DESCRIPTION], "mt2%20photos/IMG%201.jpg%20100%25");
        assert_eq!(entries[CREATED], "2019-08-20T08:01:02Z");
        assert_eq!(entries[TREE_HASH], "07".repeat(32));
        assert!(!entries.contains_key(DESCRIPTION_BYTES));
        let back = read_user_metadata(&entries).unwrap();
        assert_eq!(back.archive, archive("mt2 photos/IMG 1.jpg 100%"));
        assert_eq!(back.description_cut_from, None);
    }

    #[test]
    fn any_text_travels_as_ascii_and_comes_back() {
        let text = " 日本\u{0}\t\u{1b}[2J ";
        let encoded = percent_encode(text);
        assert!(
            encoded.bytes().all(|b| (b'!'..=b'~').contains(&b)),
            "{encoded}"
        );
        assert_eq!(percent_decode(&encoded).unwrap(), text);
        assert_eq!(
            percent_decode("%4"),
            Err(PercentDecodeError::BadEscape { at: 0 })
        );
        assert_eq!(percent_decode("%FF"), Err(PercentDecodeError::NotUtf8));
    }

    #[test]
    fn a_long_description_is_cut_to_fit_and_says_how_long_it_was() {
        let long = "é".repeat(1000);
        let entries = user_metadata(&archive(&long)).unwrap();
        assert!(metadata_bytes(&entries) <= MAX_USER_METADATA_BYTES);
        assert_eq!(entries[DESCRIPTION_BYTES], "2000");
        let back = read_user_metadata(&entries).unwrap();
        assert_eq!(back.description_cut_from, Some(2000));
        assert!(long.starts_with(&back.archive.description));
        assert!(back.archive.description.len() > 500);
    }

    #[test]
    fn metadata_from_elsewhere_is_told_apart() {
        let mut entries = user_metadata(&archive("d")).unwrap();
        entries.insert(TREE_HASH.to_uppercase(), entries[TREE_HASH].clone());
        entries.remove(TREE_HASH);
        assert_eq!(recorded_tree_hash(&entries), Some(TreeHash([7; 32])));
        entries.insert("GLACIER-TREE-HASH".into(), "nope".into());
        assert_eq!(recorded_tree_hash(&entries), None);
        assert!(matches!(
            read_user_metadata(&entries),
            Err(MetadataError::Unreadable {
                name: TREE_HASH,
                ..
            })
        ));
        assert_eq!(
            read_user_metadata(&BTreeMap::new()),
            Err(MetadataError::Missing { name: TREE_HASH })
        );
        let mut hostile = ArchiveMetadata {
            archive_id: "x".repeat(3000),
            ..archive("d")
        };
        assert!(matches!(
            user_metadata(&hostile),
            Err(MetadataError::ArchiveIdTooLong { .. })
        ));
        hostile.archive_id = "id".into();
        assert!(user_metadata(&hostile).is_ok());
    }
}

//! How order chunks are laid out in their BLOBs (see `schema`), written and read
//! here only.

use crate::domain::inventory::Timestamp;

/// One archive in the name order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameEntry<'a> {
    pub position: u32,
    pub size: u64,
    pub name: &'a [u8],
}

const NAME_HEADER: usize = 4 + 8 + 4;

/// Marks, in the name order, an archive whose description names no file: it is
/// ordered by its archive id after every named archive (no UTF-8 name holds this
/// byte), rather than among the names where its id happens to sort.
pub const UNNAMED_MARK: u8 = 0xff;

/// The bytes the name order sorts and stores for an archive shown as `shown`:
/// the name itself, or the marked id when the archive has no name.
pub fn name_order_key(shown: &str, named: bool) -> Vec<u8> {
    // Exactly the key's length, so that boxing it later does not reallocate.
    let mut key = Vec::with_capacity(shown.len() + usize::from(!named));
    if !named {
        key.push(UNNAMED_MARK);
    }
    key.extend_from_slice(shown.as_bytes());
    key
}

/// The name to show for a name-order key (the id, for an unnamed archive).
pub fn shown_name(key: &[u8]) -> &[u8] {
    key.strip_prefix(&[UNNAMED_MARK]).unwrap_or(key)
}

pub fn push_name_entry(chunk: &mut Vec<u8>, position: u32, size: u64, name: &[u8]) {
    chunk.extend_from_slice(&position.to_le_bytes());
    chunk.extend_from_slice(&size.to_le_bytes());
    // Names come from descriptions of at most 1,024 bytes or from archive ids, so
    // their length always fits; saturate rather than wrap if that ever changes.
    let length = u32::try_from(name.len()).unwrap_or(u32::MAX);
    chunk.extend_from_slice(&length.to_le_bytes());
    chunk.extend_from_slice(&name[..length as usize]);
}

/// Reads a name-order chunk; stops at the end, or at damage (then
/// [`NameEntries::damaged`] says so).
pub struct NameEntries<'a> {
    rest: &'a [u8],
    damaged: bool,
}

impl<'a> NameEntries<'a> {
    pub fn new(chunk: &'a [u8]) -> Self {
        Self {
            rest: chunk,
            damaged: false,
        }
    }

    pub fn damaged(&self) -> bool {
        self.damaged
    }
}

impl<'a> Iterator for NameEntries<'a> {
    type Item = NameEntry<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let Some((header, rest)) = self.rest.split_first_chunk::<NAME_HEADER>() else {
            self.damaged = true;
            self.rest = &[];
            return None;
        };
        let position = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let mut size = [0; 8];
        size.copy_from_slice(&header[4..12]);
        let length = u32::from_le_bytes([header[12], header[13], header[14], header[15]]) as usize;
        let Some((name, rest)) = rest.split_at_checked(length) else {
            self.damaged = true;
            self.rest = &[];
            return None;
        };
        self.rest = rest;
        Some(NameEntry {
            position,
            size: u64::from_le_bytes(size),
            name,
        })
    }
}

/// One archive in a key order (size or creation time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyEntry {
    pub key: u64,
    pub position: u32,
}

pub const KEY_ENTRY_BYTES: usize = 12;

pub fn push_key_entry(chunk: &mut Vec<u8>, key: u64, position: u32) {
    chunk.extend_from_slice(&key.to_le_bytes());
    chunk.extend_from_slice(&position.to_le_bytes());
}

/// The entries of a key-order chunk; a damaged tail shorter than an entry is
/// ignored (the caller compares counts).
pub fn key_entries(chunk: &[u8]) -> impl DoubleEndedIterator<Item = KeyEntry> + '_ {
    chunk.chunks_exact(KEY_ENTRY_BYTES).map(|entry| {
        let mut key = [0; 8];
        key.copy_from_slice(&entry[..8]);
        KeyEntry {
            key: u64::from_le_bytes(key),
            position: u32::from_le_bytes([entry[8], entry[9], entry[10], entry[11]]),
        }
    })
}

/// Creation time as Unix milliseconds, as the `created` column holds it.
pub fn created_millis_of(created: Timestamp) -> i64 {
    let moment = created.to_offset_date_time();
    moment.unix_timestamp() * 1000 + i64::from(moment.millisecond())
}

/// Creation time as an order key: Unix milliseconds, with the sign bit flipped so
/// that unsigned order is time order (dates before 1970 included).
pub fn created_key(created: Timestamp) -> u64 {
    (created_millis_of(created) as u64) ^ (1 << 63)
}

/// Unix milliseconds in Glacier's form, `2012-03-20T17:03:43.221Z`.
pub fn format_created(millis: i64) -> String {
    let seconds = millis.div_euclid(1000);
    let milli = millis.rem_euclid(1000);
    match time::OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(moment) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{milli:03}Z",
            moment.year(),
            u8::from(moment.month()),
            moment.day(),
            moment.hour(),
            moment.minute(),
            moment.second()
        ),
        Err(_) => millis.to_string(),
    }
}

/// The inverse of [`created_key`]: Unix milliseconds.
#[cfg(test)]
pub fn created_millis(key: u64) -> i64 {
    (key ^ (1 << 63)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_entries_round_trip_and_a_cut_chunk_is_flagged() {
        let mut chunk = Vec::new();
        push_name_entry(&mut chunk, 7, 1 << 40, b"photos/a.jpg");
        push_name_entry(&mut chunk, 3, 0, b"");
        let entries: Vec<_> = NameEntries::new(&chunk).collect();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0],
            NameEntry {
                position: 7,
                size: 1 << 40,
                name: b"photos/a.jpg"
            }
        );
        assert_eq!(entries[1].name, b"");
        let mut cut = NameEntries::new(&chunk[..chunk.len() - 3]);
        assert_eq!(cut.by_ref().count(), 1);
        assert!(cut.damaged());
    }

    #[test]
    fn created_keys_order_like_time_across_1970() {
        let early = Timestamp::parse("1969-12-31T23:59:59.999Z").unwrap();
        let epoch = Timestamp::parse("1970-01-01T00:00:00Z").unwrap();
        let late = Timestamp::parse("2012-03-20T17:03:43.221Z").unwrap();
        assert!(created_key(early) < created_key(epoch));
        assert!(created_key(epoch) < created_key(late));
        assert_eq!(created_millis(created_key(late)), 1_332_263_023_221);
        assert_eq!(created_millis(created_key(early)), -1);
        assert_eq!(
            format_created(created_millis_of(late)),
            "2012-03-20T17:03:43.221Z"
        );
        assert_eq!(format_created(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_created(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn key_entries_round_trip() {
        let mut chunk = Vec::new();
        push_key_entry(&mut chunk, u64::MAX, 1);
        push_key_entry(&mut chunk, 5, u32::MAX);
        let entries: Vec<_> = key_entries(&chunk).collect();
        assert_eq!(
            entries,
            [
                KeyEntry {
                    key: u64::MAX,
                    position: 1
                },
                KeyEntry {
                    key: 5,
                    position: u32::MAX
                }
            ]
        );
    }
}

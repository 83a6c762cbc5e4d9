//! The common archive object read straight from the buffer, without serde_json:
//! the five known keys once each, strings without escapes, a size of plain digits.
//! Anything else, right or wrong, is left to the general reader, which then gives
//! the same archive or the same error with its position, so this path never has to
//! produce a message and cannot change one.

use super::source::is_whitespace;
use crate::domain::inventory::{Field, InventoryArchive, Timestamp, fields};
use crate::domain::json_string::{find_stop, first_stop};

/// The archive whose object starts at `bytes[0]` (a `{`), and the length of the
/// object; `None` if it is not in the common form or not whole within `bytes`.
pub(super) fn archive(bytes: &[u8]) -> Option<(InventoryArchive, usize)> {
    // The object must start at the first byte, not after whitespace: the length
    // returned is counted from there, as the general reader counts it.
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut cursor = Cursor { bytes, at: 1 };
    let mut id = None;
    let mut description = None;
    let mut creation_date = None;
    let mut size = None;
    let mut tree_hash = None;
    loop {
        let key = cursor.known_key()?;
        cursor.eat(b':')?;
        // A repeated key is an error: it goes the general way.
        match key {
            Field::ArchiveId if id.is_none() => {
                let text = cursor.owned_string()?;
                id = Some((!text.is_empty()).then_some(text)?);
            }
            Field::ArchiveDescription if description.is_none() => {
                description = Some(cursor.owned_string()?);
            }
            Field::CreationDate if creation_date.is_none() => {
                creation_date = Some(Timestamp::parse_bytes(cursor.plain_string()?).ok()?);
            }
            Field::Size if size.is_none() => size = Some(cursor.size()?),
            Field::Sha256TreeHash if tree_hash.is_none() => {
                tree_hash = Some(fields::tree_hash_digest(cursor.plain_string()?)?);
            }
            _ => return None,
        }
        match cursor.next_non_whitespace()? {
            b',' => {}
            b'}' => break,
            _ => return None,
        }
    }
    let archive = InventoryArchive {
        archive_id: id?,
        description: description?,
        creation_date: creation_date?,
        size: size?,
        sha256_tree_hash: tree_hash?,
    };
    Some((archive, cursor.at))
}

struct Cursor<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Cursor<'b> {
    /// Reads the next byte after whitespace.
    fn next_non_whitespace(&mut self) -> Option<u8> {
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            if !is_whitespace(byte) {
                return Some(byte);
            }
        }
    }

    /// Reads `byte` after whitespace.
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.next_non_whitespace()? == byte).then_some(())
    }

    /// One of the five keys of an archive, compared with each spelling in place
    /// (after one byte picks the likely one) rather than scanned for its end;
    /// `None` for any other key, which is rare, or one written with escapes.
    fn known_key(&mut self) -> Option<Field> {
        self.eat(b'"')?;
        let rest = &self.bytes[self.at..];
        let (field, quoted): (_, &[u8]) = match rest.first()? {
            b'A' if rest.get(7) == Some(&b'I') => (Field::ArchiveId, b"ArchiveId\""),
            b'A' => (Field::ArchiveDescription, b"ArchiveDescription\""),
            b'C' => (Field::CreationDate, b"CreationDate\""),
            b'S' if rest.get(1) == Some(&b'i') => (Field::Size, b"Size\""),
            b'S' => (Field::Sha256TreeHash, b"SHA256TreeHash\""),
            _ => return None,
        };
        if !rest.starts_with(quoted) {
            return None;
        }
        self.at += quoted.len();
        Some(field)
    }

    /// A string, escapes and all, allocated once at its length when it has none.
    /// `None` for bytes that are not UTF-8, a control character, or an escape
    /// that JSON refuses.
    fn owned_string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let rest = &self.bytes[self.at..];
        let stop = find_stop(rest)?;
        match rest[stop.at()] {
            b'"' => {
                let text = stop.text()?.to_owned();
                self.at += stop.at() + 1;
                Some(text)
            }
            b'\\' => self.escaped_string(),
            _ => None,
        }
    }

    /// The rest of a string that holds escapes, from its opening quote on. Text is
    /// checked piece by piece between escapes, which start with an ASCII byte and
    /// so never split a character.
    fn escaped_string(&mut self) -> Option<String> {
        // Room for a typical escaped description (JSON inside JSON) at once,
        // rather than growing by copying it piece by piece.
        let mut text = String::with_capacity(128);
        loop {
            let rest = &self.bytes[self.at..];
            let stop = find_stop(rest)?;
            text.push_str(stop.text()?);
            self.at += stop.at() + 1;
            match rest[stop.at()] {
                b'"' => return Some(text),
                b'\\' => text.push(self.escape()?),
                _ => return None,
            }
        }
    }

    /// The character an escape stands for, after its backslash.
    fn escape(&mut self) -> Option<char> {
        let letter = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(match letter {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex_unit()?;
                match unit {
                    0xd800..=0xdbff => {
                        // A leading surrogate must be followed by an escaped
                        // trailing one; serde_json refuses it alone, and so does
                        // `decode_utf16`.
                        let next = self.bytes.get(self.at..self.at + 2)?;
                        if next != b"\\u" {
                            return None;
                        }
                        self.at += 2;
                        let trailing = self.hex_unit()?;
                        char::decode_utf16([unit, trailing]).next()?.ok()?
                    }
                    _ => char::from_u32(u32::from(unit))?,
                }
            }
            _ => return None,
        })
    }

    /// Four hex digits of a `\\u` escape.
    fn hex_unit(&mut self) -> Option<u16> {
        let digits = self.bytes.get(self.at..self.at + 4)?;
        let value = digits.iter().try_fold(0u16, |value, &digit| {
            Some(value << 4 | u16::from(fields::hex_value(digit)?))
        })?;
        self.at += 4;
        Some(value)
    }

    /// The bytes of a string with no escapes; `None` for one with a backslash or a
    /// control character (which JSON refuses), or one that goes past the buffer.
    fn plain_string(&mut self) -> Option<&'b [u8]> {
        self.eat(b'"')?;
        let rest = &self.bytes[self.at..];
        let len = first_stop(rest)?;
        if rest[len] != b'"' {
            return None;
        }
        self.at += len + 1;
        Some(&rest[..len])
    }

    /// A whole number within u64 in plain digits, followed by a byte that can end
    /// it; a sign, fraction, exponent, leading zero or overflow gives `None`.
    fn size(&mut self) -> Option<u64> {
        let first = self.next_non_whitespace()?;
        let mut value = u64::from(first.checked_sub(b'0').filter(|d| *d <= 9)?);
        loop {
            let byte = *self.bytes.get(self.at)?;
            match byte {
                b'0'..=b'9' if first != b'0' => {
                    value = value.checked_mul(10)?.checked_add(u64::from(byte - b'0'))?;
                }
                b',' | b'}' => return Some(value),
                byte if is_whitespace(byte) => return Some(value),
                _ => return None,
            }
            self.at += 1;
        }
    }
}

#[cfg(test)]
mod tests;

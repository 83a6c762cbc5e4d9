//! Checks shared by the JSON and CSV readers: each archive field from its text.

use super::{Field, Problem, Timestamp};
use crate::domain::treehash::TreeHash;

/// An archive id as listed: opaque, but never empty.
pub(super) fn archive_id(text: String) -> Result<String, Problem> {
    if text.is_empty() {
        return Err(Problem::EmptyArchiveId);
    }
    Ok(text)
}

/// `CreationDate` or `InventoryDate`.
pub(super) fn timestamp(field: Field, text: &str) -> Result<Timestamp, Problem> {
    Timestamp::parse(text).map_err(|reason| Problem::BadDate {
        field,
        text: text.to_owned(),
        reason,
    })
}

/// `SHA256TreeHash`: 64 hex digits, either case. Decoded here rather than with
/// `TreeHash::from_str`, whose character-by-character diagnosis for typed input
/// took a fifth of the time of reading a large inventory.
pub(super) fn tree_hash(text: &str) -> Result<TreeHash, Problem> {
    let bad = || Problem::BadTreeHash {
        text: text.to_owned(),
    };
    tree_hash_digest(text.as_bytes()).ok_or_else(bad)
}

/// The digest that 64 hex digits spell, or `None`: the check without the message,
/// for the JSON reader's fast path.
pub(super) fn tree_hash_digest(bytes: &[u8]) -> Option<TreeHash> {
    if bytes.len() != 64 {
        return None;
    }
    let pairs: &[[u8; 2]; 32] = bytes.as_chunks::<2>().0.try_into().ok()?;
    let mut digest = [0u8; 32];
    // Checked once at the end rather than at each digit: a loop without branches
    // runs through the 64 digits much faster, and the hash is almost always sound.
    let mut seen = 0;
    for (byte, &[high, low]) in digest.iter_mut().zip(pairs) {
        let (high, low) = (HEX_VALUES[usize::from(high)], HEX_VALUES[usize::from(low)]);
        seen |= high | low;
        *byte = high << 4 | low & 0x0f;
    }
    (seen & !0x0f == 0).then_some(TreeHash(digest))
}

/// What a byte is as a hex digit, or `None`.
pub(super) fn hex_value(digit: u8) -> Option<u8> {
    let value = HEX_VALUES[usize::from(digit)];
    (value != NOT_HEX).then_some(value)
}

/// Marks a byte that is not a hex digit; its high bits are set, which no digit's
/// value has.
const NOT_HEX: u8 = 0xff;

/// A table rather than a `match`: hex digits are random, so branches on them
/// mispredict, and this runs 64 times per archive.
const HEX_VALUES: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut at = 0;
    while at < 10 {
        table[b'0' as usize + at] = at as u8;
        at += 1;
    }
    let mut at = 0;
    while at < 6 {
        table[b'a' as usize + at] = 10 + at as u8;
        table[b'A' as usize + at] = 10 + at as u8;
        at += 1;
    }
    table
};

/// `Size` written as text (CSV): decimal digits only, as Glacier writes it.
pub(super) fn size_from_text(text: &str) -> Result<u64, Problem> {
    let not_whole = || Problem::SizeNotWhole {
        text: text.to_owned(),
    };
    let all_digits =
        |digits: &str| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if let Some(magnitude) = text.strip_prefix('-') {
        if !all_digits(magnitude) {
            return Err(not_whole());
        }
        if magnitude.bytes().all(|b| b == b'0') {
            return Ok(0);
        }
        return Err(Problem::NegativeSize {
            text: text.to_owned(),
        });
    }
    if !all_digits(text) {
        return Err(not_whole());
    }
    // Only digits remain, so the one way to fail is a value beyond u64.
    text.parse().map_err(|_| Problem::SizeTooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_from_text() {
        assert_eq!(size_from_text("0"), Ok(0));
        assert_eq!(size_from_text("-0"), Ok(0));
        assert_eq!(size_from_text("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            size_from_text("18446744073709551616"),
            Err(Problem::SizeTooLarge)
        );
        for text in ["-5", "-99999999999999999999"] {
            assert_eq!(
                size_from_text(text),
                Err(Problem::NegativeSize { text: text.into() })
            );
        }
        for text in ["", "-", "1.5", "1e3", " 1", "+1", "0x10", "１"] {
            assert_eq!(
                size_from_text(text),
                Err(Problem::SizeNotWhole { text: text.into() }),
                "{text}"
            );
        }
    }

    #[test]
    fn tree_hashes_are_64_hex_digits_in_either_case() {
        let lower = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let expected: TreeHash = lower.parse().unwrap();
        assert_eq!(tree_hash(lower), Ok(expected));
        assert_eq!(tree_hash(&lower.to_uppercase()), Ok(expected));
        for text in [
            "",
            &lower[1..],
            &format!("{lower}0"),
            &lower.replace('e', "g"),
        ] {
            assert_eq!(
                tree_hash(text),
                Err(Problem::BadTreeHash { text: text.into() })
            );
        }
        let multibyte = format!("é{}", &lower[2..]);
        assert!(tree_hash(&multibyte).is_err());
    }

    proptest::proptest! {
        /// The check without branches against the `hex` crate, with one byte of
        /// the 64 anything at all.
        #[test]
        fn tree_hashes_decode_as_hex_does(
            digits in "[0-9a-fA-F]{64}",
            at in 0usize..64,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let mut bytes = digits.into_bytes();
            bytes[at] = byte;
            let expected = hex::decode(&bytes).ok().map(|digest| TreeHash(digest.try_into().unwrap()));
            proptest::prop_assert_eq!(tree_hash_digest(&bytes), expected);
        }
    }

    #[test]
    fn ids_must_not_be_empty() {
        assert_eq!(archive_id(String::new()), Err(Problem::EmptyArchiveId));
        assert_eq!(archive_id("abc".into()), Ok("abc".into()));
    }
}

//! The end of a JSON string's plain text: its closing quote, or the first byte that
//! needs a closer look (a backslash, or a control character, which JSON refuses).
//! Both the inventory reader and the description decoders look for it.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = ONES * 0x80;

/// Where the first `"`, `\` or control character is in `bytes`. Strings are most
/// of an inventory and short, so eight bytes are tested at a time in one pass
/// rather than searched for twice; and two words at a time, with one branch for
/// both, which measured a quarter faster than one.
pub(in crate::domain) fn first_stop(bytes: &[u8]) -> Option<usize> {
    let (words, _) = bytes.as_chunks::<8>();
    let (pairs, _) = words.as_chunks::<2>();
    for (index, [first, second]) in pairs.iter().enumerate() {
        let first = stop_flags(u64::from_le_bytes(*first));
        let second = stop_flags(u64::from_le_bytes(*second));
        if first | second != 0 {
            return Some(index * 16 + first_flagged(first, second));
        }
    }
    let done = pairs.len() * 16;
    let (words, rest) = bytes[done..].as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let flags = stop_flags(u64::from_le_bytes(*word));
        if flags != 0 {
            return Some(done + index * 8 + first_flagged(flags, 0));
        }
    }
    let found = rest.iter().position(|&b| is_stop(b))?;
    Some(done + words.len() * 8 + found)
}

/// The index of the first byte flagged in two words of flags, one not zero. The
/// lowest flag is exact (see `stop_flags`), and a byte's index is its bit offset
/// over 8.
fn first_flagged(first: u64, second: u64) -> usize {
    let bit = if first != 0 {
        first.trailing_zeros()
    } else {
        64 + second.trailing_zeros()
    };
    (bit / 8) as usize
}

pub(in crate::domain) fn is_stop(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// The high bit of each byte of `word` (little-endian) set where the byte is a
/// stop, and possibly above the lowest stop: `x - 1` and `!x` share the high bit
/// for `x == 0` only, a subtraction that borrows from the byte above only after a
/// byte that is a stop itself. So the lowest flag is always the first stop.
fn stop_flags(word: u64) -> u64 {
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    // `x - 0x20` sets the high bit with `!x` keeping it only for `x < 0x20`.
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    (zero_byte(quote) | zero_byte(backslash) | control) & HIGH_BITS
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn stops_are_found_where_a_byte_search_finds_them(bytes in prop::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), 0u8..0x20, any::<u8>(), 0x20u8..0x7f], 0..40)) {
            prop_assert_eq!(first_stop(&bytes), bytes.iter().position(|&b| is_stop(b)));
        }
    }
}

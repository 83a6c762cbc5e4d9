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
    scan::<false>(bytes).map(|stop| stop.before.len())
}

/// The first stop (see [`first_stop`]) and the bytes before it. Only
/// [`find_stop`] makes one, and its fields are private: the bytes it holds are
/// the very ones it scanned, so its `ascii` can never speak of other bytes,
/// which is what makes [`Stop::text`]'s unchecked conversion sound.
pub(in crate::domain) struct Stop<'b> {
    before: &'b [u8],
    /// Every byte of `before` is ASCII, so that text is UTF-8 as it is.
    ascii: bool,
}

impl<'b> Stop<'b> {
    /// Where the stop is: the number of bytes before it.
    pub(in crate::domain) fn at(&self) -> usize {
        self.before.len()
    }

    /// The text before the stop, if it is UTF-8.
    #[expect(
        unsafe_code,
        reason = "ASCII bytes need no second UTF-8 check; see the SAFETY note"
    )]
    pub(in crate::domain) fn text(&self) -> Option<&'b str> {
        if self.ascii {
            debug_assert!(self.before.is_ascii());
            // SAFETY: `scan` saw every byte of `before` (the field is private and
            // set only there, from the bytes it scanned) and none has its high
            // bit set: ASCII, and so UTF-8. Ids and most descriptions are ASCII,
            // and checking them again took a tenth of the reading thread's time.
            Some(unsafe { std::str::from_utf8_unchecked(self.before) })
        } else {
            std::str::from_utf8(self.before).ok()
        }
    }
}

/// [`first_stop`], noting on the way whether the bytes before the stop are all
/// ASCII: the same pass over the words, so that plain text (ids, most names)
/// need not be checked for UTF-8 in a second one.
pub(in crate::domain) fn find_stop(bytes: &[u8]) -> Option<Stop<'_>> {
    scan::<true>(bytes)
}

/// The search, with the ASCII check or without it (then `ascii` is false),
/// compiled once for each.
#[inline(always)]
fn scan<const ASCII: bool>(bytes: &[u8]) -> Option<Stop<'_>> {
    // The bytes of every word passed whole, ORed: a high bit set in any means a
    // byte that is not ASCII.
    let mut passed = 0u64;
    let (words, _) = bytes.as_chunks::<8>();
    let (pairs, _) = words.as_chunks::<2>();
    for (index, [first, second]) in pairs.iter().enumerate() {
        let (first, second) = (u64::from_le_bytes(*first), u64::from_le_bytes(*second));
        let (first_flags, second_flags) = (stop_flags(first), stop_flags(second));
        if first_flags | second_flags != 0 {
            let at = index * 16 + first_flagged(first_flags, second_flags);
            return Some(stop_at::<ASCII>(bytes, index * 16, at, passed));
        }
        if ASCII {
            passed |= first | second;
        }
    }
    let done = pairs.len() * 16;
    let (words, rest) = bytes[done..].as_chunks::<8>();
    for (index, word) in words.iter().enumerate() {
        let word = u64::from_le_bytes(*word);
        let flags = stop_flags(word);
        let start = done + index * 8;
        if flags != 0 {
            return Some(stop_at::<ASCII>(
                bytes,
                start,
                start + first_flagged(flags, 0),
                passed,
            ));
        }
        if ASCII {
            passed |= word;
        }
    }
    let start = done + words.len() * 8;
    let found = rest.iter().position(|&b| is_stop(b))?;
    Some(stop_at::<ASCII>(bytes, start, start + found, passed))
}

/// The stop at `at`, in the part of `bytes` from `start` that was not passed
/// whole; `passed` holds the bytes before `start`, ORed.
#[inline(always)]
fn stop_at<const ASCII: bool>(bytes: &[u8], start: usize, at: usize, passed: u64) -> Stop<'_> {
    Stop {
        before: &bytes[..at],
        ascii: ASCII && passed & HIGH_BITS == 0 && bytes[start..at].is_ascii(),
    }
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

        #[test]
        fn text_before_a_stop_is_called_ascii_exactly_when_it_is(
            bytes in prop::collection::vec(
                prop_oneof![4 => 0x20u8..0x7f, 1 => 0x80u8..=0xff, 1 => Just(b'"')], 0..48),
        ) {
            let stop = find_stop(&bytes);
            prop_assert_eq!(stop.as_ref().map(Stop::at), first_stop(&bytes));
            if let Some(stop) = stop {
                prop_assert_eq!(stop.ascii, bytes[..stop.at()].is_ascii());
                prop_assert_eq!(stop.text(), std::str::from_utf8(&bytes[..stop.at()]).ok());
            }
        }
    }
}

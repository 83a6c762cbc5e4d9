//! Mutations as a mutation fuzzer makes them: bit flips, bytes inserted, deleted
//! and overwritten, chunks duplicated, swapped and spliced from other inputs,
//! numbers swapped for huge or boundary ones, tokens of the input's language,
//! long runs, truncation, invalid UTF-8 and deep nesting, stacked a few at a time.

use crate::engine::{Pool, Rng, SEPARATOR, fields, join};
use crate::mutate_json::mutate_json;

/// Bytes that parsers treat specially.
const SPECIAL_BYTES: &[u8] = &[
    0, 1, 0x1b, 0x7f, 0x80, 0xc2, 0xff, b'"', b'\\', b',', b'-', b'+', b'{', b'}', b'[', b']',
    b':', b'\n', b'\r', b' ', b'\t', b'.', b'/', b'0', b'9', b'e', b'_', b'<', b'>', b'=', b'*',
];

/// Numbers at the edges: of integer types, of MiB alignment, of JSON's exact range,
/// and text that only looks like a number.
const NUMBERS: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"-0",
    b"00",
    b"255",
    b"256",
    b"1023",
    b"1024",
    b"1048575",
    b"1048576",
    b"1048577",
    b"2097151",
    b"4294967295",
    b"4294967296",
    b"9007199254740993",
    b"9223372036854775807",
    b"9223372036854775808",
    b"18446744073709551615",
    b"18446744073709551616",
    b"340282366920938463463374607431768211456",
    b"99999999999999999999999999999999999999999999",
    b"1e400",
    b"1.5",
    b"0.00000000000000000000001",
    b"1_0",
    b"+5",
    b"0x10",
];

/// Tokens most inputs here meet somewhere: JSON, escapes, separators, odd text.
const COMMON_TOKENS: &[&[u8]] = &[
    b"-",
    b"+",
    b"\\u0000",
    b"\\ud800",
    b"\\udc00\\ud800",
    b"\\ud83d\\ude00",
    b"\\u00e9",
    b"\\\"",
    b"\\\\",
    b"\\/",
    b"\0",
    b"null",
    b"true",
    b"false",
    b"\"\"",
    b"{}",
    b"[]",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"..",
    b"../",
    b"/",
    b"C:",
    b"CON",
    b"\xc3\xa9",
    b"\xf0\x9f\x98\x80",
    b"\xe2\x80\xae",
    b"\x1b[31m",
    b"\x1b]0;t\x07",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xe6\x97\xa5\xe6\x9c\xac",
];

/// Byte sequences that are not UTF-8: a stray continuation byte, overlong forms,
/// an encoded surrogate, a code point past U+10FFFF, a cut sequence.
const INVALID_UTF8: &[&[u8]] = &[
    b"\x80",
    b"\xbf",
    b"\xc0\xaf",
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xfe",
    b"\xff",
];

/// Openers and closers for deep nesting.
const NESTINGS: &[(&[u8], &[u8])] = &[
    (b"[", b"]"),
    (b"{\"a\":", b"}"),
    (b"{\"ArchiveList\":[", b"]}"),
    (b"<m>", b"</m>"),
];

/// A mutant of an input from `pool`: one to eight mutations, cut to `max_len`;
/// JSON is often mutated as JSON.
pub fn mutant(rng: &mut Rng, pool: &Pool, tokens: &[&[u8]], max_len: usize) -> Vec<u8> {
    let mut data = pool.pick(rng).to_vec();
    if looks_like_json(&data)
        && rng.one_in(3)
        && let Some(mut mutated) = mutate_json(rng, &data, pool, tokens)
    {
        mutated.truncate(max_len);
        return mutated;
    }
    let rounds = 1 << rng.below(4);
    for _ in 0..rounds {
        mutate(rng, &mut data, pool, tokens, max_len);
    }
    data.truncate(max_len);
    data
}

/// A mutant of a multi-field input: usually one field mutated, sometimes a field
/// taken from another input, sometimes the whole as bytes.
pub fn field_mutant(rng: &mut Rng, pool: &Pool, tokens: &[&[u8]], max_len: usize) -> Vec<u8> {
    let base = pool.pick(rng).to_vec();
    let mut parts: Vec<Vec<u8>> = fields(&base).into_iter().map(<[u8]>::to_vec).collect();
    match rng.below(6) {
        0 => return mutant(rng, pool, tokens, max_len),
        1 => {
            let other = pool.pick(rng).to_vec();
            let other = fields(&other);
            let at = rng.below(parts.len().min(other.len()));
            parts[at] = other[at].to_vec();
        }
        _ => {
            let at = rng.below(parts.len());
            let as_json = looks_like_json(&parts[at]) && rng.one_in(2);
            match as_json
                .then(|| mutate_json(rng, &parts[at], pool, tokens))
                .flatten()
            {
                Some(mutated) => parts[at] = mutated,
                None => {
                    for _ in 0..1 << rng.below(3) {
                        mutate(rng, &mut parts[at], pool, tokens, max_len);
                    }
                }
            }
        }
    }
    let borrowed: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let mut data = join(&borrowed);
    data.truncate(max_len);
    data
}

/// Applies one random mutation to `data`.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, pool: &Pool, tokens: &[&[u8]], max_len: usize) {
    let at = rng.below(data.len() + 1);
    match rng.below(21) {
        0 if !data.is_empty() => {
            let at = rng.below(data.len());
            data[at] ^= 1 << rng.below(8);
        }
        1 if !data.is_empty() => {
            let at = rng.below(data.len());
            data[at] = *rng.pick(SPECIAL_BYTES);
        }
        2 if !data.is_empty() => {
            let at = rng.below(data.len());
            data[at] = rng.next_u64() as u8;
        }
        3 if !data.is_empty() => {
            let at = rng.below(data.len());
            let step = rng.below(4) as u8 + 1;
            data[at] = if rng.one_in(2) {
                data[at].wrapping_add(step)
            } else {
                data[at].wrapping_sub(step)
            };
        }
        4 => {
            let count = rng.small(8).max(1);
            let bytes: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
            insert(data, at, &bytes);
        }
        5 if !data.is_empty() => {
            let len = rng.small(data.len() - at.min(data.len() - 1)).max(1);
            let start = at.min(data.len() - 1);
            data.drain(start..(start + len).min(data.len()));
        }
        6 if !data.is_empty() => {
            let (start, end) = chunk(rng, data);
            let copy = data[start..end].to_vec();
            let to = rng.below(data.len() + 1);
            insert(data, to, &copy);
        }
        7 => {
            let other = pool.pick(rng);
            let from = rng.below(other.len() + 1);
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        8 => {
            let other = pool.pick(rng);
            if !other.is_empty() {
                let (start, end) = chunk(rng, other);
                insert(data, at, &other[start..end]);
            }
        }
        9 => {
            let token = if !tokens.is_empty() && rng.below(3) > 0 {
                rng.pick(tokens)
            } else {
                rng.pick(COMMON_TOKENS)
            };
            insert(data, at, token);
        }
        10 => replace_number(rng, data),
        11 => {
            let room = max_len.saturating_sub(data.len());
            let len = *rng.pick(&[8, 64, 255, 256, 1024, 4097, room]);
            let byte = if rng.one_in(2) {
                *rng.pick(SPECIAL_BYTES)
            } else {
                data.get(at).copied().unwrap_or(b'a')
            };
            insert(data, at, &vec![byte; len.min(room)]);
        }
        12 => data.truncate(at),
        13 => insert(data, at, rng.pick_copy(INVALID_UTF8)),
        14 => {
            let (open, close) = *rng.pick(NESTINGS);
            let depth = *rng.pick(&[1, 2, 3, 16, 127, 128, 129, 1000]);
            let end = at + rng.below(data.len() - at + 1);
            insert(data, end, &close.repeat(depth));
            insert(data, at, &open.repeat(depth));
        }
        15 if data.len() > 1 => {
            let (a_start, a_end) = chunk(rng, data);
            let (b_start, b_end) = chunk(rng, data);
            if a_end <= b_start {
                let moved = [
                    &data[..a_start],
                    &data[b_start..b_end],
                    &data[a_end..b_start],
                    &data[a_start..a_end],
                    &data[b_end..],
                ]
                .concat();
                *data = moved;
            }
        }
        16 if !data.is_empty() => {
            let at = rng.below(data.len());
            let byte = data[at];
            if byte.is_ascii_alphabetic() {
                data[at] = byte ^ 0x20;
            } else {
                data[at] = b'a' + rng.below(26) as u8;
            }
        }
        17 if !data.is_empty() => {
            let (start, end) = chunk(rng, data);
            let to = rng.below(data.len() - (end - start) + 1);
            let copy = data[start..end].to_vec();
            data[to..to + copy.len()].copy_from_slice(&copy);
        }
        18 => insert(data, at, &[SEPARATOR]),
        19 if !data.is_empty() => {
            let at = rng.below(data.len());
            data.remove(at);
        }
        _ => insert(data, at, rng.pick_copy(NUMBERS)),
    }
    data.truncate(max_len);
}

fn looks_like_json(data: &[u8]) -> bool {
    let start = data.iter().find(|b| !b.is_ascii_whitespace());
    matches!(start, Some(b'{' | b'['))
}

fn insert(data: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let at = at.min(data.len());
    data.splice(at..at, bytes.iter().copied());
}

/// A short chunk of non-empty `data`, as start and end.
fn chunk(rng: &mut Rng, data: &[u8]) -> (usize, usize) {
    let start = rng.below(data.len());
    let len = rng.small(data.len() - start).max(1);
    (start, (start + len).min(data.len()))
}

/// Swaps a run of digits for an edge number, or inserts one if there is none.
fn replace_number(rng: &mut Rng, data: &mut Vec<u8>) {
    let from = rng.below(data.len() + 1);
    let number = rng.pick(NUMBERS);
    let Some(start) = data[from..].iter().position(u8::is_ascii_digit) else {
        insert(data, from, number);
        return;
    };
    let start = from + start;
    let len = data[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    data.splice(start..start + len, number.iter().copied());
}

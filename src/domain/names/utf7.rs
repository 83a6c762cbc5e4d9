//! UTF-7 (RFC 2152), in which CloudBerry writes paths: `+` starts a run of
//! modified base64 holding UTF-16, ended by `-` (absorbed) or any other character.

/// Decodes UTF-7; `None` if it is not well-formed (bits left over, a lone
/// surrogate, or a `+` that starts nothing).
pub(super) fn decode_utf7(text: &str) -> Option<String> {
    let mut decoded = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '+' {
            decoded.push(c);
            continue;
        }
        if chars.next_if_eq(&'-').is_some() {
            decoded.push('+');
            continue;
        }
        let mut units = Vec::new();
        let mut bits: u32 = 0;
        let mut bit_count = 0;
        while let Some(value) = chars.peek().and_then(|&c| base64_value(c)) {
            chars.next();
            bits = bits << 6 | value;
            bit_count += 6;
            if bit_count >= 16 {
                bit_count -= 16;
                // The shift leaves exactly 16 bits.
                units.push((bits >> bit_count) as u16);
                bits &= (1 << bit_count) - 1;
            }
        }
        // A run pads its last unit with fewer than six zero bits.
        if units.is_empty() || bit_count >= 6 || bits != 0 {
            return None;
        }
        chars.next_if_eq(&'-');
        for unit in char::decode_utf16(units) {
            decoded.push(unit.ok()?);
        }
    }
    Some(decoded)
}

fn base64_value(c: char) -> Option<u32> {
    match c {
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        'a'..='z' => Some(c as u32 - 'a' as u32 + 26),
        '0'..='9' => Some(c as u32 - '0' as u32 + 52),
        '+' => Some(62),
        '/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_runs_ended_by_a_dash_or_any_other_character() {
        for (encoded, text) in [
            ("plain/path.txt", "plain/path.txt"),
            ("+BEQEPgRCBD4.jpg", "фото.jpg"),
            (
                r"C:+AFw-Users+AFw-me+AFwERAQ+BEIEPg.jpg",
                r"C:\Users\me\фото.jpg",
            ),
            ("a+-b.txt", "a+b.txt"),
            ("+ZeVnLIqe-/+MNUwoTCkMOs.txt", "日本語/ファイル.txt"),
            ("+2D3eAA.png", "😀.png"),
            ("+AH4-/x+--y", "~/x+-y"),
        ] {
            assert_eq!(decode_utf7(encoded).as_deref(), Some(text), "{encoded}");
        }
    }

    #[test]
    fn refuses_what_is_not_utf7() {
        for encoded in ["+", "a+ b", "+BEQEP", "+BEQE", "+2D0-", "+3gA-"] {
            assert_eq!(decode_utf7(encoded), None, "{encoded}");
        }
    }
}

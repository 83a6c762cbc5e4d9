//! Making untrusted text safe to print on a terminal: the one rule every output
//! path follows, for text from Glacier, from inventories and from the user alike.
//!
//! Two kinds of character would not show as themselves:
//!
//! - Control characters (C0, DEL, C1) could move the cursor or start an escape
//!   sequence. They are never part of a name or a message, so each is shown as
//!   U+FFFD (`�`).
//! - Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
//!   U+061C) reorder the text around them (`U+202E` makes `gpj.exe` read as
//!   `exe.jpg`), and invisible format characters (zero-width spaces and joiners,
//!   U+2060–U+206F, the byte-order mark, tag characters and the like) hide in it.
//!   Each is shown as its code point in angle brackets, `<U+202E>`, so a reader
//!   sees that it is there and which it is: it is neither applied nor dropped.
//!
//! Text output (tables, lines, error messages, the screen) goes through
//! [`printable`]; JSON output goes through [`terminal_json`], which writes both
//! kinds as JSON `\u202e` escapes, so parsers still read the exact text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The text with every control character as U+FFFD and every bidirectional or
/// invisible format character as `<U+XXXX>`, so that it stays one visible line
/// and reads as what it holds. Applying it twice changes nothing more.
pub fn printable(text: &str) -> String {
    shown(text).into_owned()
}

/// [`printable`] without a copy when there is nothing to change.
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(may_start_hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_shown(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` as [`printable`] shows it.
pub fn push_shown(out: &mut String, c: char) {
    if c.is_control() {
        out.push('\u{FFFD}');
    } else if is_hidden_format(c) {
        // Writing to a String cannot fail.
        let _ = write!(out, "<U+{:04X}>", u32::from(c));
    } else {
        out.push(c);
    }
}

/// Whether a character, printed as itself, would not show as a character of its
/// own: a control character, or a bidirectional or invisible format character.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_hidden_format(c)
}

/// Bidirectional controls, and characters that take no room or show nothing:
/// zero-width spaces and joiners, the soft hyphen, fillers, invisible operators,
/// deprecated format controls, the byte-order mark, interlinear annotation marks,
/// musical format controls, tag characters, and the line and paragraph separators
/// some terminals break lines at. Variation selectors are left alone: emoji need
/// them and they cannot reorder or hide text.
pub fn is_hidden_format(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// Whether `byte` is, or may start the UTF-8 form of, a character that
/// [`needs_escape`]. Most text holds none of these bytes and is then shown as it
/// is without being taken apart character by character.
pub fn may_start_hidden(byte: u8) -> bool {
    // C0 and DEL; then the lead bytes of C1 and U+00AD (C2), U+034F (CD), U+061C
    // (D8), U+1000–U+1FFF (E1), U+2000–U+2FFF (E2), U+3000–U+3FFF (E3),
    // U+F000–U+FFFF (EF), the planes holding U+1BCA0 and U+1D173 (F0), and the
    // tags' plane 14 (F3).
    byte < 0x20
        || matches!(
            byte,
            0x7f | 0xc2 | 0xcd | 0xd8 | 0xe1 | 0xe2 | 0xe3 | 0xef | 0xf0 | 0xf3
        )
}

/// JSON for a terminal: like `serde_json::to_string`, but every character that
/// [`needs_escape`] (DEL and the C1 range too, which JSON itself lets through) is
/// written as a `\uXXXX` escape, so untrusted strings in the output can neither
/// drive the terminal nor reorder or hide what it shows. Parsers read the same
/// values back.
pub fn terminal_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, EscapingFormatter);
    value.serialize(&mut serializer)?;
    // serde_json writes UTF-8, and the formatter only adds ASCII.
    Ok(String::from_utf8(out).unwrap_or_default())
}

struct EscapingFormatter;

impl serde_json::ser::Formatter for EscapingFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// `text` with the last occurrence of each `(from, to)` phrase's `from` replaced
/// by its `to`; `None` when a phrase is not there. Front ends use it to swap a
/// lower layer's neutral remedy ("choose the region") for their own (a flag, a
/// key), keeping the problem half of the message and its numbers as they were.
/// The remedy ends a sentence, hence the last occurrence; a message whose words
/// changed gives `None`, so it is shown as it is rather than half swapped.
pub fn swap_last(text: &str, phrases: &[(impl AsRef<str>, impl AsRef<str>)]) -> Option<String> {
    let mut text = text.to_owned();
    for (from, to) in phrases {
        let from = from.as_ref();
        let at = text.rfind(from)?;
        text.replace_range(at..at + from.len(), to.as_ref());
    }
    Some(text)
}

/// An error and its causes on one printable line. The SDK's own rendering adds
/// Debug dumps of every layer, which bury the one cause a person needs.
pub fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        let text = cause.to_string();
        // Layers often repeat their source's text; say it once.
        if !parts.last().is_some_and(|last| last.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    let joined = parts.join(": ");
    printable(&joined.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_last_replaces_the_last_match_or_gives_none() {
        let text = "import one; or import one";
        assert_eq!(
            swap_last(text, &[("import one", "press f")]).as_deref(),
            Some("import one; or press f")
        );
        assert_eq!(swap_last(text, &[("fetch one", "press f")]), None);
    }

    #[test]
    fn escape_sequences_and_newlines_are_neutralised() {
        assert_eq!(
            printable("a\u{1b}[31mb\nc\u{9b}d"),
            "a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}d"
        );
        assert_eq!(printable("plain näme.txt"), "plain näme.txt");
    }

    #[test]
    fn bidirectional_and_invisible_characters_are_shown_by_code_point() {
        assert_eq!(
            printable("invoice\u{202e}gpj.exe"),
            "invoice<U+202E>gpj.exe"
        );
        for c in [
            '\u{202a}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{00ad}',
            '\u{2028}',
            '\u{e0041}',
        ] {
            let text = format!("a{c}b");
            let expected = format!("a<U+{:04X}>b", u32::from(c));
            assert_eq!(printable(&text), expected, "{:04X}", u32::from(c));
            assert!(needs_escape(c));
        }
    }

    #[test]
    fn text_in_every_script_passes_unchanged() {
        for text in [
            "Tiếng Việt",
            "日本語のファイル.jpg",
            "한국어",
            "עברית",
            "العربية",
            "ქართული",
            "emoji ❤️ 👍🏽",
            "\u{fe0f}",
        ] {
            assert_eq!(printable(text), text);
        }
    }

    #[test]
    fn the_byte_check_finds_every_character_that_needs_an_escape() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            if needs_escape(c) {
                let mut utf8 = [0; 4];
                let first = c.encode_utf8(&mut utf8).as_bytes()[0];
                assert!(may_start_hidden(first), "U+{:04X}", u32::from(c));
            }
        }
    }

    #[test]
    fn showing_twice_changes_nothing_more() {
        let once = printable("a\u{202e}\u{1b}[0m\u{200b}b");
        assert_eq!(printable(&once), once);
        assert!(!once.chars().any(needs_escape), "{once}");
    }

    #[test]
    fn terminal_json_escapes_what_json_lets_through_and_reads_back_the_same() {
        let text = "a\u{7f}b\u{9b}31m\u{202e}cba\u{1b}[0m\n\"q\" näme\u{200b}\u{feff}";
        let json = terminal_json(&text).unwrap();
        assert!(json.chars().all(|c| !needs_escape(c)), "{json}");
        assert!(
            json.contains("\\u007f")
                && json.contains("\\u009b")
                && json.contains("\\u202e")
                && json.contains("\\u200b")
                && json.contains("\\ufeff"),
            "{json}"
        );
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
        assert_eq!(terminal_json("plain").unwrap(), "\"plain\"");
    }
}

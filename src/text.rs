//! Making untrusted text safe to print on a terminal.

/// Replaces control characters (C0, DEL, C1), which could move the cursor or start
/// an escape sequence, with U+FFFD so that the text stays one visible line.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// JSON for a terminal: like `serde_json::to_string`, but every control character
/// (DEL and the C1 range too, which JSON itself lets through) and every bidirectional
/// override is written as a `\uXXXX` escape, so untrusted strings in the output
/// can neither drive the terminal nor reorder what it shows. Parsers read the same
/// values back.
pub fn terminal_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, EscapingFormatter);
    value.serialize(&mut serializer)?;
    // serde_json writes UTF-8, and the formatter only adds ASCII.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Whether a character can change how a terminal shows the text around it.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_newlines_are_neutralised() {
        assert_eq!(
            printable("a\u{1b}[31mb\nc\u{9b}d"),
            "a\u{FFFD}[31mb\u{FFFD}c\u{FFFD}d"
        );
        assert_eq!(printable("plain näme.txt"), "plain näme.txt");
    }

    #[test]
    fn terminal_json_escapes_what_json_lets_through_and_reads_back_the_same() {
        let text = "a\u{7f}b\u{9b}31m\u{202e}cba\u{1b}[0m\n\"q\" näme";
        let json = terminal_json(&text).unwrap();
        assert!(json.chars().all(|c| !needs_escape(c)), "{json}");
        assert!(
            json.contains("\\u007f") && json.contains("\\u009b") && json.contains("\\u202e"),
            "{json}"
        );
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
        assert_eq!(terminal_json("plain").unwrap(), "\"plain\"");
    }
}

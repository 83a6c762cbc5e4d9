//! Making untrusted text safe to print on a terminal.

/// Replaces control characters (C0, DEL, C1), which could move the cursor or start
/// an escape sequence, with U+FFFD so that the text stays one visible line.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
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
}

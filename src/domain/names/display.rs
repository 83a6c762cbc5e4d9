//! Names made safe to print on a terminal: whole escape sequences and every
//! control character removed, and bidirectional and invisible format characters
//! shown by code point, as `text::printable` shows them.

use std::iter::Peekable;
use std::str::Chars;

use crate::text::{is_hidden_format, may_start_hidden, push_shown};

const ESC: char = '\u{1b}';
/// The 8-bit forms of `ESC [` and of the string-opening sequences.
const C1_CSI: char = '\u{9b}';
const C1_STRING_OPENERS: [char; 5] = ['\u{90}', '\u{98}', '\u{9d}', '\u{9e}', '\u{9f}'];
const C1_STRING_TERMINATOR: char = '\u{9c}';

type Cursor<'a> = Peekable<Chars<'a>>;

/// The text without anything that would act on a terminal instead of showing:
/// an escape sequence goes as a whole (`ESC [ 31 m`, not just the `ESC`, so no
/// `[31m` is left behind), an OSC or other string sequence goes up to its
/// terminator (or to the end, as a terminal would swallow it), and every other
/// control character (C0, DEL, C1) goes. The bidirectional controls that can make
/// a name read as another (`U+202E` turns `gpj.exe` into `exe.jpg`) and the
/// invisible characters that can hide in one are neither applied nor dropped:
/// each is written as its code point, `<U+202E>`, so the name shows what it holds.
pub fn display_form(text: &str) -> String {
    if !text.bytes().any(may_start_hidden) {
        return text.to_owned();
    }
    strip_controls(text)
}

/// [`display_form`] of text already owned: returned as it is when there is
/// nothing to change, without a copy.
pub(super) fn into_display_form(text: String) -> String {
    if !text.bytes().any(may_start_hidden) {
        return text;
    }
    strip_controls(&text)
}

/// [`display_form`] for text that may hold something to remove or show.
fn strip_controls(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => skip_escape(&mut chars),
            C1_CSI => skip_control_sequence(&mut chars),
            c if C1_STRING_OPENERS.contains(&c) => skip_string(&mut chars),
            c if c.is_control() => {}
            c if is_hidden_format(c) => push_shown(&mut shown, c),
            c => shown.push(c),
        }
    }
    shown
}

/// After `ESC`: a control sequence (`[`), a string (`]`, `P`, `X`, `^`, `_`), or a
/// short sequence of intermediates and one final character.
fn skip_escape(chars: &mut Cursor<'_>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_control_sequence(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        Some(_) => {
            while chars.next_if(|&c| is_intermediate(c)).is_some() {}
            chars.next_if(|&c| ('\u{30}'..='\u{7e}').contains(&c));
        }
        None => {}
    }
}

/// After `ESC [`: parameters and intermediates, then one final character. Anything
/// else ends the sequence early, as it does on a terminal, and is judged alone.
fn skip_control_sequence(chars: &mut Cursor<'_>) {
    while chars
        .next_if(|&c| ('\u{30}'..='\u{3f}').contains(&c) || is_intermediate(c))
        .is_some()
    {}
    chars.next_if(|&c| ('\u{40}'..='\u{7e}').contains(&c));
}

/// An OSC, DCS, SOS, PM or APC string: up to BEL or ST, cut short by CAN or SUB,
/// or, unterminated, to the end.
fn skip_string(chars: &mut Cursor<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{07}' | C1_STRING_TERMINATOR | '\u{18}' | '\u{1a}' => return,
            ESC => {
                // `ESC \` is the terminator; any other escape ends the string and
                // starts a sequence of its own.
                if chars.next_if_eq(&'\\').is_none() {
                    skip_escape(chars);
                }
                return;
            }
            _ => {}
        }
    }
}

fn is_intermediate(c: char) -> bool {
    ('\u{20}'..='\u{2f}').contains(&c)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The shortcut gives what the character-by-character walk gives, on text
        /// that takes it and text that does not.
        #[test]
        fn plain_text_shows_as_the_walk_shows_it(pieces in prop::collection::vec(prop_oneof![
            "[ -~]{0,8}",
            "[é日本語ф😀\u{80}-\u{a0}\u{600}-\u{700}\u{2000}-\u{2070}]",
            any::<char>().prop_map(String::from),
            prop::sample::select(vec!["\u{1b}[31m", "\u{1b}]0;t\u{7}", "\u{9b}", "\u{202e}", "\u{7f}", "\t"])
                .prop_map(String::from),
        ], 0..12)) {
            let text = pieces.concat();
            prop_assert_eq!(display_form(&text), strip_controls(&text));
        }
    }

    #[test]
    fn every_changed_character_is_caught_by_the_shortcut() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = c.to_string();
            if strip_controls(&text) != text {
                assert!(text.bytes().any(may_start_hidden), "{c:?}");
            }
        }
    }

    #[test]
    fn plain_names_are_unchanged() {
        for name in [
            "photos/2014/IMG 0001.jpg",
            "日本語/ファイル.txt",
            "a [31m b",
            "",
        ] {
            assert_eq!(display_form(name), name);
        }
    }

    #[test]
    fn escape_sequences_go_whole() {
        for (name, shown) in [
            ("a\u{1b}[31mred\u{1b}[0m", "ared"),
            ("a\u{1b}[1;38;5;196mb", "ab"),
            ("a\u{9b}2Jb", "ab"),
            ("a\u{1b}]0;evil title\u{7}b", "ab"),
            (
                "a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b",
                "alinkb",
            ),
            ("a\u{9d}title\u{9c}b", "ab"),
            ("a\u{1b}Pq#0;2;0;0;0\u{1b}\\b", "ab"),
            ("a\u{1b}(Bb", "ab"),
            ("a\u{1b}7b\u{1b}c", "ab"),
            ("a\u{1b}]0;never ends", "a"),
            ("a\u{1b}]0;x\u{1b}[31mb", "ab"),
            ("a\u{1b}", "a"),
            ("a\u{1b}[31\nb", "ab"),
        ] {
            assert_eq!(display_form(name), shown, "{name:?}");
        }
    }

    #[test]
    fn controls_go_and_bidi_controls_show_by_code_point() {
        assert_eq!(display_form("a\tb\nc\rd\u{0}e\u{7f}f\u{85}g"), "abcdefg");
        assert_eq!(
            display_form("invoice\u{202e}gpj.exe"),
            "invoice<U+202E>gpj.exe"
        );
        assert_eq!(
            display_form("a\u{2066}b\u{2069}c\u{200f}d\u{2028}e\u{200b}f"),
            "a<U+2066>b<U+2069>c<U+200F>d<U+2028>e<U+200B>f"
        );
    }
}

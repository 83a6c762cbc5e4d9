//! The small JSON objects descriptions hold (mt-aws-glacier's, CloudBerry's), read
//! without serde_json when they take their common form: one level of members,
//! strings without escapes, whole numbers. Anything else is left to serde_json,
//! which then decides, so this reading only ever agrees with it.

use crate::domain::json_string::find_stop;

/// A member's value in the common form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flat<'t> {
    Text(&'t str),
    /// A whole number, which no decoder reads but serde_json would skip.
    Number,
}

/// Calls `member` with each key and value of the object that is the whole of
/// `json` (whitespace aside), in order. `None` if `json` is not an object in the
/// common form, or as soon as `member` returns `None` (for a key it does not
/// expect, or one seen twice).
pub(super) fn for_each_member<'t>(
    json: &'t [u8],
    mut member: impl FnMut(&'t str, Flat<'t>) -> Option<()>,
) -> Option<()> {
    let mut cursor = Cursor { json, at: 0 };
    cursor.eat(b'{')?;
    if cursor.peek()? == b'}' {
        cursor.at += 1;
    } else {
        loop {
            let key = cursor.string()?;
            cursor.eat(b':')?;
            let value = match cursor.peek()? {
                b'"' => Flat::Text(cursor.string()?),
                _ => {
                    cursor.number()?;
                    Flat::Number
                }
            };
            member(key, value)?;
            match cursor.next()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
    }
    // serde_json allows whitespace after the value, and nothing else.
    cursor.peek().is_none().then_some(())
}

struct Cursor<'t> {
    json: &'t [u8],
    at: usize,
}

impl<'t> Cursor<'t> {
    /// The next byte after whitespace, not read; `None` at the end.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.json.get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Reads the next byte after whitespace.
    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    /// A string without escapes or control characters (which JSON refuses).
    fn string(&mut self) -> Option<&'t str> {
        self.eat(b'"')?;
        let rest = &self.json[self.at..];
        let stop = find_stop(rest)?;
        if rest[stop.at()] != b'"' {
            return None;
        }
        self.at += stop.at() + 1;
        stop.text()
    }

    /// `-?(0|[1-9][0-9]*)`, as JSON writes a whole number; a fraction or exponent
    /// is left to serde_json by the caller, which then finds no `,` or `}`.
    fn number(&mut self) -> Option<()> {
        if self.json.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let digits = self.json[self.at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || (digits > 1 && self.json[self.at] == b'0') {
            return None;
        }
        self.at += digits;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(json: &str) -> Option<Vec<(&str, Flat<'_>)>> {
        let mut found = Vec::new();
        for_each_member(json.as_bytes(), |key, value| {
            found.push((key, value));
            Some(())
        })?;
        Some(found)
    }

    #[test]
    fn reads_the_common_form() {
        assert_eq!(
            members(" {\"a\" : \"x y\",\n\"b\":-10, \"c\":0 }\r\n"),
            Some(vec![
                ("a", Flat::Text("x y")),
                ("b", Flat::Number),
                ("c", Flat::Number)
            ])
        );
        assert_eq!(members("{}"), Some(vec![]));
    }

    #[test]
    fn leaves_the_rest_to_serde() {
        for json in [
            "",
            "{",
            "{}x",
            "[]",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":01}",
            "{\"a\":1.5}",
            "{\"a\":1e3}",
            "{\"a\":-}",
            "{\"a\":null}",
            "{\"a\":true}",
            "{\"a\":{}}",
            "{\"a\\n\":1}",
            "{\"a\":\"\\u00e9\"}",
            "{\"a\":\"\t\"}",
            "{\"a\":\"x\" \"b\":1}",
            "{'a':1}",
        ] {
            assert_eq!(members(json), None, "{json}");
        }
    }
}

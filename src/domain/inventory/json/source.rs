//! The bytes of a JSON document in a bounded buffer, cut into whole values for
//! serde_json to read as slices (much faster than through `io::Read`).

use std::io::{self, Read};

use memchr::memchr2;

/// The longest single value accepted: an archive object, or a value of an unknown
/// top-level key. A real archive is under 2 KiB; the bound keeps memory flat when a
/// file is not an inventory.
pub const MAX_VALUE_BYTES: usize = 16 << 20;

const CHUNK_BYTES: usize = 256 << 10;

/// Why no value could be found at the current position.
#[derive(Debug)]
pub(super) enum SourceError {
    Io(io::Error),
    /// The input ends inside the value, or before it starts.
    Truncated,
    /// The next byte cannot start a value.
    NotAValue(u8),
    TooLarge,
}

impl From<io::Error> for SourceError {
    fn from(error: io::Error) -> Self {
        SourceError::Io(error)
    }
}

/// A line and a 1-based byte column, as serde_json counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Position {
    pub(super) line: usize,
    pub(super) column: usize,
}

pub(super) struct Source<R> {
    reader: R,
    /// Zeroed once as it grows; bytes past `end` are not input.
    buffer: Vec<u8>,
    /// Where the input in `buffer` ends.
    end: usize,
    /// Where the unread bytes of `buffer` start.
    start: usize,
    exhausted: bool,
    /// The line and column just before `buffer[0]`; positions within the buffer
    /// are worked out only when asked for, which is when something is wrong.
    base_line: usize,
    base_column: usize,
}

impl<R: Read> Source<R> {
    pub(super) fn new(reader: R) -> Self {
        Self {
            reader,
            buffer: Vec::new(),
            end: 0,
            start: 0,
            exhausted: false,
            base_line: 1,
            base_column: 0,
        }
    }

    /// The position of the next unread byte.
    pub(super) fn position(&self) -> Position {
        self.translate(Position { line: 1, column: 1 })
    }

    /// Where a position counted from the start of the next unread byte lies in the
    /// whole document.
    pub(super) fn translate(&self, relative: Position) -> Position {
        let (line, column) = self.line_and_column();
        if relative.line <= 1 {
            Position {
                line,
                column: column + relative.column,
            }
        } else {
            Position {
                line: line + relative.line - 1,
                column: relative.column,
            }
        }
    }

    /// The line of the next unread byte and how many bytes of it were read.
    fn line_and_column(&self) -> (usize, usize) {
        line_and_column_after(self.base_line, self.base_column, &self.buffer[..self.start])
    }

    /// Skips whitespace and returns the next byte without reading it, or `None` at
    /// the end of the input.
    pub(super) fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            let unread = &self.buffer[self.start..self.end];
            match unread.iter().position(|b| !is_whitespace(*b)) {
                Some(at) => {
                    let byte = unread[at];
                    self.advance(at);
                    return Ok(Some(byte));
                }
                None => {
                    self.advance(unread.len());
                    if !self.fill()? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Skips a UTF-8 byte order mark at the very start, which some editors add.
    pub(super) fn skip_byte_order_mark(&mut self) -> io::Result<()> {
        const MARK: &[u8] = crate::domain::inventory::BYTE_ORDER_MARK;
        while self.end - self.start < MARK.len() && self.fill()? {}
        if self.buffer[self.start..self.end].starts_with(MARK) {
            self.advance(MARK.len());
        }
        Ok(())
    }

    /// Marks `count` bytes as read.
    pub(super) fn advance(&mut self, count: usize) {
        self.start += count;
    }

    /// After whitespace, the length of the value that starts at the next byte; the
    /// whole value is then in the buffer, see [`Source::unread`].
    pub(super) fn value_len(&mut self) -> Result<usize, SourceError> {
        let first = self.peek()?.ok_or(SourceError::Truncated)?;
        let mut scan = ValueScan::new(first).ok_or(SourceError::NotAValue(first))?;
        let mut scanned = 0;
        loop {
            if let Some(end) = scan.feed(&self.buffer[self.start + scanned..self.end]) {
                return Ok(scanned + end);
            }
            scanned = self.end - self.start;
            if scanned > MAX_VALUE_BYTES {
                return Err(SourceError::TooLarge);
            }
            if !self.fill()? {
                return Err(SourceError::Truncated);
            }
        }
    }

    /// The next `len` unread bytes, which the buffer must hold.
    pub(super) fn unread(&self, len: usize) -> &[u8] {
        &self.buffer[self.start..self.start + len]
    }

    /// The unread bytes the buffer holds now, for a reader that tries the next
    /// value in place before asking for it whole.
    pub(super) fn buffered(&self) -> &[u8] {
        &self.buffer[self.start..self.end]
    }

    /// Reads more input after the unread bytes; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.exhausted {
            return Ok(false);
        }
        (self.base_line, self.base_column) = self.line_and_column();
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buffer.len() {
            self.buffer.resize(self.end + CHUNK_BYTES, 0);
        }
        let read = loop {
            match self.reader.read(&mut self.buffer[self.end..]) {
                Ok(read) => break read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        };
        self.end += read;
        self.exhausted = read == 0;
        Ok(read > 0)
    }
}

/// The line and column after `read`, which follows `line` and `column`.
fn line_and_column_after(line: usize, column: usize, read: &[u8]) -> (usize, usize) {
    match memchr::memrchr(b'\n', read) {
        Some(last) => (
            line + memchr::memchr_iter(b'\n', read).count(),
            read.len() - last - 1,
        ),
        None => (line, column + read.len()),
    }
}

pub(super) fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Finds where a JSON value ends, fed its bytes in pieces. It only tracks strings
/// and nesting; serde_json checks the value itself afterwards.
struct ValueScan {
    /// Numbers, `true`, `false` and `null` end at the first delimiter.
    scalar: bool,
    depth: usize,
    in_string: bool,
    escaped: bool,
}

impl ValueScan {
    /// `None` if `first` cannot start a value.
    fn new(first: u8) -> Option<Self> {
        if matches!(first, b',' | b':' | b']' | b'}') {
            return None;
        }
        Some(Self {
            scalar: !matches!(first, b'{' | b'[' | b'"'),
            depth: 0,
            in_string: false,
            escaped: false,
        })
    }

    /// The end of the value within `bytes`, which continue the bytes fed before;
    /// `None` if it goes on past them.
    fn feed(&mut self, bytes: &[u8]) -> Option<usize> {
        if self.scalar {
            // The bytes serde_json accepts after a scalar; it judges the rest.
            return bytes.iter().position(|&b| {
                matches!(b, b',' | b':' | b'"' | b'[' | b']' | b'{' | b'}') || is_whitespace(b)
            });
        }
        let mut at = 0;
        while at < bytes.len() {
            if self.escaped {
                self.escaped = false;
            } else if self.in_string {
                // Most bytes of an inventory are inside strings: jump through them.
                at += memchr2(b'"', b'\\', &bytes[at..])?;
                if bytes[at] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(at + 1);
                    }
                }
            } else {
                match bytes[at] {
                    b'"' => self.in_string = true,
                    b'{' | b'[' => self.depth += 1,
                    b'}' | b']' => {
                        self.depth -= 1;
                        if self.depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
            }
            at += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads in pieces of one byte, so that every value crosses refills.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let Some((&first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buffer[0] = first;
            self.0 = rest;
            Ok(1)
        }
    }

    /// The values of a top-level sequence separated by `|`, as the scan cuts them.
    fn values(text: &str) -> Vec<String> {
        let mut source = Source::new(Trickle(text.as_bytes()));
        let mut found = Vec::new();
        loop {
            let len = source.value_len().unwrap();
            found.push(String::from_utf8(source.unread(len).to_vec()).unwrap());
            source.advance(len);
            match source.peek().unwrap() {
                Some(b'|') => source.advance(1),
                _ => return found,
            }
        }
    }

    #[test]
    fn values_end_where_json_says() {
        assert_eq!(
            values(r#"{"a":"}\"{","b":[1,{}]} | [] |"x\\"| -12.5e3 |true |null "#),
            [
                r#"{"a":"}\"{","b":[1,{}]}"#,
                "[]",
                r#""x\\""#,
                "-12.5e3",
                "true",
                "null"
            ]
        );
    }

    #[test]
    fn a_value_cut_short_is_truncated() {
        for text in ["", "  ", "{", r#"{"a":"b"#, r#"["\"#, "[[]", "12"] {
            let mut source = Source::new(text.as_bytes());
            assert!(
                matches!(source.value_len(), Err(SourceError::Truncated)),
                "{text}"
            );
        }
    }

    #[test]
    fn delimiters_start_no_value() {
        let mut source = Source::new(&b" ]"[..]);
        assert!(matches!(
            source.value_len(),
            Err(SourceError::NotAValue(b']'))
        ));
    }

    #[test]
    fn positions_follow_lines_and_columns() {
        let mut source = Source::new(&b"ab\ncd\n  ef"[..]);
        assert_eq!(source.peek().unwrap(), Some(b'a'));
        source.advance(4);
        assert_eq!(source.position(), Position { line: 2, column: 2 });
        source.advance(2);
        assert_eq!(source.peek().unwrap(), Some(b'e'));
        assert_eq!(source.position(), Position { line: 3, column: 3 });
        let relative = Position { line: 1, column: 2 };
        assert_eq!(source.translate(relative), Position { line: 3, column: 4 });
        let relative = Position { line: 2, column: 5 };
        assert_eq!(source.translate(relative), Position { line: 4, column: 5 });
    }
}

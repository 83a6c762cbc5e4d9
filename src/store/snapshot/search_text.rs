//! The text that filtering searches. Every archive has one line of its name, its
//! description (left out when it is the name) and its id, with ASCII letters in
//! lower case and control characters as spaces, so a filter is one fast substring
//! search (`memchr::memmem`) over a chunk rather than three per-row comparisons.

use memchr::memmem;

/// Separates the fields of a line; never occurs inside one.
const FIELD_SEPARATOR: u8 = 0x1f;

/// Appends the line for one archive.
pub fn push_search_line(chunk: &mut Vec<u8>, name: &str, description: &str, archive_id: &str) {
    push_folded(chunk, name.as_bytes());
    chunk.push(FIELD_SEPARATOR);
    if description != name {
        push_folded(chunk, description.as_bytes());
    }
    chunk.push(FIELD_SEPARATOR);
    push_folded(chunk, archive_id.as_bytes());
    chunk.push(b'\n');
}

/// Copies, then folds in place: a plain loop over a slice, which the compiler
/// turns into vector instructions (folding byte by byte while extending does not).
fn push_folded(chunk: &mut Vec<u8>, text: &[u8]) {
    let start = chunk.len();
    chunk.extend_from_slice(text);
    for byte in &mut chunk[start..] {
        *byte = fold(*byte);
    }
}

/// Lower-cases ASCII letters and turns control bytes into spaces; other bytes
/// (including every byte of a multi-byte UTF-8 character) stay as they are.
fn fold(byte: u8) -> u8 {
    match byte {
        b'A'..=b'Z' => byte | 0x20,
        0..=0x1f | 0x7f => b' ',
        _ => byte,
    }
}

/// A filter ready to run: the term folded the way the lines were.
pub struct SearchTerm {
    finder: memmem::Finder<'static>,
}

impl SearchTerm {
    /// `None` for a term that is empty once folded (it would match everything).
    pub fn new(term: &str) -> Option<Self> {
        let folded: Vec<u8> = term.bytes().map(fold).collect();
        if folded.is_empty() {
            return None;
        }
        Some(Self {
            finder: memmem::Finder::new(&folded).into_owned(),
        })
    }

    /// Calls `on_match` with the 0-based line number, within the chunk, of every
    /// line that contains the term (once per line, in order).
    pub fn scan_chunk(&self, chunk: &[u8], mut on_match: impl FnMut(usize)) {
        let mut line = 0;
        let mut counted_to = 0;
        let mut from = 0;
        while let Some(found) = self.finder.find(&chunk[from..]) {
            let at = from + found;
            line += memchr::memchr_iter(b'\n', &chunk[counted_to..at]).count();
            on_match(line);
            // Go on from the start of the next line: one report per archive.
            match memchr::memchr(b'\n', &chunk[at..]) {
                Some(end) => {
                    from = at + end + 1;
                    counted_to = from;
                    line += 1;
                }
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(entries: &[(&str, &str, &str)]) -> Vec<u8> {
        let mut chunk = Vec::new();
        for (name, description, id) in entries {
            push_search_line(&mut chunk, name, description, id);
        }
        chunk
    }

    fn matches(term: &str, chunk: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        SearchTerm::new(term)
            .unwrap()
            .scan_chunk(chunk, |line| found.push(line));
        found
    }

    #[test]
    fn finds_names_descriptions_and_ids_case_insensitively_once_per_line() {
        let chunk = lines(&[
            ("photos/Beach.JPG", "mt2 abc", "IDONE"),
            ("raw name", "raw name", "idtwo"),
            ("doc.pdf", "<m>beach</m>", "idthree"),
            ("beach beach", "", "idfour"),
        ]);
        assert_eq!(matches("BEACH", &chunk), [0, 2, 3]);
        assert_eq!(matches("idt", &chunk), [1, 2]);
        assert_eq!(matches("none", &chunk), Vec::<usize>::new());
        assert_eq!(matches("raw name", &chunk), [1]);
    }

    #[test]
    fn a_term_never_matches_across_fields_or_lines() {
        let chunk = lines(&[("ab", "cd", "ef"), ("gh", "ij", "kl")]);
        assert!(matches("bc", &chunk).is_empty());
        assert!(matches("fg", &chunk).is_empty());
        // A separator in the term is folded to a space, so it cannot match one.
        assert!(matches("b\u{1f}c", &chunk).is_empty());
    }

    #[test]
    fn control_characters_cannot_forge_lines() {
        let chunk = lines(&[("a\nb", "x\u{1f}y", "id")]);
        assert_eq!(chunk.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(matches("a b", &chunk), [0]);
    }

    #[test]
    fn empty_terms_are_refused() {
        assert!(SearchTerm::new("").is_none());
    }
}

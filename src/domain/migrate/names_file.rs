//! The names file of a migration (`--names FILE`): CSV rows `archive_id,key`
//! that give chosen archives a key of the user's own, used exactly as written
//! (not under the prefix). A first row `archive_id,key` is a header and is
//! skipped; fields may be quoted as spreadsheets write them (`"a, b"`, `""` for
//! a quote); blank lines are skipped.

use std::collections::HashMap;

use super::keys::{KeyProblem, check_key};
use crate::text::printable;

/// Keys the user chose, by archive id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameOverrides {
    by_archive: HashMap<String, String>,
}

/// What is wrong with one line of the names file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamesProblem {
    #[error(
        "it has {fields} fields; write each line as archive_id,key (quote a key that holds a comma)"
    )]
    FieldCount { fields: usize },
    #[error("its archive id is empty; write each line as archive_id,key")]
    EmptyArchiveId,
    #[error("{problem}; give a key of at most 1024 bytes of visible characters")]
    BadKey { problem: KeyProblem },
    #[error(
        "archive {archive_id} was given a key on line {first} already; keep one line per archive"
    )]
    ArchiveTwice { archive_id: String, first: u64 },
    #[error(
        "its key '{key}' is given to another archive on line {first}; give each archive a key of its own"
    )]
    KeyTwice { key: String, first: u64 },
    #[error(
        "it cannot be read as CSV ({detail}); check its quotes: a quoted field ends with a quote, and a quote inside one is doubled"
    )]
    Syntax { detail: String },
}

/// A names file that cannot be used, with the line to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line} of the names file: {problem}")]
pub struct NamesFileError {
    pub line: u64,
    pub problem: NamesProblem,
}

impl NameOverrides {
    /// Reads a names file's text (a file that is not UTF-8 is the caller's to
    /// refuse as it reads it).
    pub fn parse(text: &str) -> Result<Self, NamesFileError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut by_archive: HashMap<String, String> = HashMap::new();
        let mut archive_lines: HashMap<String, u64> = HashMap::new();
        let mut key_lines: HashMap<String, u64> = HashMap::new();
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|err| NamesFileError {
                line: err.position().map_or(0, |at| at.line()),
                problem: NamesProblem::Syntax {
                    detail: printable(&err.to_string()),
                },
            })?;
            let line = record.position().map_or(0, |at| at.line());
            let at_line = |problem| NamesFileError { line, problem };
            if record.len() != 2 {
                return Err(at_line(NamesProblem::FieldCount {
                    fields: record.len(),
                }));
            }
            let (archive_id, key) = (record[0].trim(), &record[1]);
            if index == 0 && archive_id.eq_ignore_ascii_case("archive_id") && key.trim() == "key" {
                continue;
            }
            if archive_id.is_empty() {
                return Err(at_line(NamesProblem::EmptyArchiveId));
            }
            check_key(key).map_err(|problem| at_line(NamesProblem::BadKey { problem }))?;
            if let Some(&first) = archive_lines.get(archive_id) {
                return Err(at_line(NamesProblem::ArchiveTwice {
                    archive_id: printable(archive_id),
                    first,
                }));
            }
            if let Some(&first) = key_lines.get(key) {
                return Err(at_line(NamesProblem::KeyTwice {
                    key: printable(key),
                    first,
                }));
            }
            archive_lines.insert(archive_id.to_owned(), line);
            key_lines.insert(key.to_owned(), line);
            by_archive.insert(archive_id.to_owned(), key.to_owned());
        }
        Ok(Self { by_archive })
    }

    /// The key the user chose for an archive.
    pub fn key_for(&self, archive_id: &str) -> Option<&str> {
        self.by_archive.get(archive_id).map(String::as_str)
    }

    /// The archives the file names, in no particular order: a caller can say
    /// which of them are not in the batch.
    pub fn archive_ids(&self) -> impl Iterator<Item = &str> {
        self.by_archive.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_archive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_archive.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> NamesFileError {
        NameOverrides::parse(text).unwrap_err()
    }

    #[test]
    fn rows_give_keys_with_or_without_a_header() {
        let names = NameOverrides::parse(
            "\u{feff}archive_id,key\r\nID1,photos/a.jpg\n\n ID2 ,\"b, with \"\"quotes\"\".txt\"\n",
        )
        .unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(names.key_for("ID1"), Some("photos/a.jpg"));
        assert_eq!(names.key_for("ID2"), Some("b, with \"quotes\".txt"));
        let bare = NameOverrides::parse("ID1,k").unwrap();
        assert_eq!(bare.key_for("ID1"), Some("k"));
        assert!(NameOverrides::parse("").unwrap().is_empty());
    }

    #[test]
    fn each_mistake_names_its_line_and_the_fix() {
        let wrong = error("ID1,a\nID2,b,c\n");
        assert_eq!(wrong.line, 2);
        assert_eq!(
            wrong.to_string(),
            "line 2 of the names file: it has 3 fields; write each line as archive_id,key (quote a key that holds a comma)"
        );
        let twice = error("ID1,a\nID2,b\nID1,c\n");
        assert_eq!(twice.line, 3);
        assert!(twice.to_string().contains("on line 1 already"), "{twice}");
        let same_key = error("ID1,a\nID2,a\n");
        assert_eq!(same_key.line, 2);
        assert!(same_key.to_string().contains("another archive on line 1"));
        assert_eq!(error(",k\n").problem, NamesProblem::EmptyArchiveId);
        let control = error("ID1,\"a\u{1b}b\"\n");
        assert!(matches!(control.problem, NamesProblem::BadKey { .. }));
        assert!(!control.to_string().contains('\u{1b}'));
        let long = error(&format!("ID1,{}\n", "k".repeat(1025)));
        assert!(long.to_string().contains("1025 bytes"), "{long}");
    }

    #[test]
    fn a_header_is_only_a_header_on_the_first_line() {
        let names = NameOverrides::parse("ID1,a\narchive_id,key\n").unwrap();
        assert_eq!(names.key_for("archive_id"), Some("key"));
    }
}

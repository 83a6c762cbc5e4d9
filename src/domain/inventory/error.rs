//! Why an inventory cannot be used: where the problem is (line and column, or row)
//! and what it is, in a sentence that says what to do about it.

use std::fmt;
use std::io;

use super::TimestampError;
use crate::domain::job_params::CharName;
use crate::text::printable;

/// A field of the inventory, named as Glacier names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    VaultArn,
    InventoryDate,
    ArchiveList,
    ArchiveId,
    ArchiveDescription,
    CreationDate,
    Size,
    Sha256TreeHash,
}

impl Field {
    /// The five columns of a CSV inventory and the five keys of a JSON archive.
    pub const ARCHIVE_FIELDS: [Field; 5] = [
        Field::ArchiveId,
        Field::ArchiveDescription,
        Field::CreationDate,
        Field::Size,
        Field::Sha256TreeHash,
    ];

    /// The key or column name Glacier uses.
    pub fn glacier_name(self) -> &'static str {
        match self {
            Field::VaultArn => "VaultARN",
            Field::InventoryDate => "InventoryDate",
            Field::ArchiveList => "ArchiveList",
            Field::ArchiveId => "ArchiveId",
            Field::ArchiveDescription => "ArchiveDescription",
            Field::CreationDate => "CreationDate",
            Field::Size => "Size",
            Field::Sha256TreeHash => "SHA256TreeHash",
        }
    }

    /// What a well-formed value of the field is, for messages.
    fn expected(self) -> &'static str {
        match self {
            Field::Size => "a whole number of bytes",
            Field::ArchiveList => "a list of archives",
            _ => "a string",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.glacier_name())
    }
}

/// Fix for damage that a fresh copy of the job output repairs.
const REFETCH: &str = "download the inventory job's output again";
/// Fix for a file that may not be an inventory at all.
const CHECK_FILE: &str = "check that the file is a Glacier inventory and not another document";

/// What is wrong, wherever it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the file ends before the inventory does, so it was cut short; {REFETCH}")]
    Truncated,
    #[error("this is not valid JSON ({detail}); {REFETCH}")]
    Syntax { detail: String },
    #[error("the text is not valid UTF-8, which Glacier always writes; {REFETCH}")]
    InvalidUtf8,
    #[error("the document does not have the shape of an inventory ({detail}); {CHECK_FILE}")]
    WrongShape { detail: String },
    #[error("there is no ArchiveList, so the archives are unknown; {CHECK_FILE}, then {REFETCH}")]
    MissingArchiveList,
    #[error("{field} is missing; {REFETCH}")]
    MissingField { field: Field },
    #[error("{field} appears twice, so it is unclear which to believe; {REFETCH}")]
    DuplicateField { field: Field },
    #[error("{field} is {found} but should be {}; {CHECK_FILE}", .field.expected())]
    WrongType { field: Field, found: &'static str },
    #[error("Size is {}, but a size cannot be negative; {REFETCH}", Shown(.text))]
    NegativeSize { text: String },
    #[error(
        "Size is larger than 18446744073709551615 bytes, more than any archive holds; {REFETCH}"
    )]
    SizeTooLarge,
    #[error("Size `{}` is not written as a whole number of bytes; {REFETCH}", Shown(.text))]
    SizeNotWhole { text: String },
    #[error("{field} `{}` {reason}; {REFETCH}", Shown(.text))]
    BadDate {
        field: Field,
        text: String,
        reason: TimestampError,
    },
    #[error("SHA256TreeHash `{}` is not 64 hex digits; {REFETCH}", Shown(.text))]
    BadTreeHash { text: String },
    #[error("ArchiveId is empty, but every archive has an id; {REFETCH}")]
    EmptyArchiveId,
    #[error(
        "ArchiveId has {} at character {position}, but Glacier's archive ids are printable ASCII without spaces, so no job could retrieve it; {REFETCH}",
        CharName(*.found)
    )]
    BadArchiveId { found: char, position: usize },
    #[error(
        "ArchiveId `{}` was listed before, but ids are unique within a vault; {REFETCH}",
        Shown(.id)
    )]
    DuplicateArchiveId { id: String },
    #[error(
        "the file has no header row; a CSV inventory starts with ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash, so {CHECK_FILE}"
    )]
    NoHeader,
    #[error("the header has no {column} column; {CHECK_FILE}")]
    MissingColumn { column: Field },
    #[error(
        "the header names the {column} column twice, so it is unclear which to read; {CHECK_FILE}"
    )]
    DuplicateColumn { column: Field },
    #[error(
        "the row has {found} fields but the header has {expected}; the row is cut short or damaged, so {REFETCH}"
    )]
    FieldCount { expected: usize, found: usize },
    #[error("a quoted field has no closing quote; the row is cut short or damaged, so {REFETCH}")]
    UnclosedQuote,
    #[error(
        "a single value is longer than {limit} bytes, far longer than any inventory holds; {CHECK_FILE}"
    )]
    ValueTooLarge { limit: usize },
    #[error(
        "the row is longer than {limit} bytes, far longer than any inventory row; {CHECK_FILE}"
    )]
    RowTooLong { limit: usize },
}

/// Why an inventory cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("the inventory is unusable at line {line}, column {column}{}: {problem}", ArchiveNumber(*.archive))]
    Json {
        line: usize,
        column: usize,
        /// The 1-based position in `ArchiveList` of the archive being read, if any.
        archive: Option<u64>,
        problem: Problem,
    },
    /// Rows never span lines (descriptions are printable ASCII), so the row number
    /// is also the line number; the header is row 1.
    #[error("the inventory is unusable at row {row}: {problem}")]
    Csv { row: u64, problem: Problem },
    #[error(
        "the inventory could not be read ({0}); check that the file or download is still there and try again"
    )]
    Io(#[source] io::Error),
}

impl InventoryError {
    /// The problem, wherever it was found; `None` for an I/O failure.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            InventoryError::Json { problem, .. } | InventoryError::Csv { problem, .. } => {
                Some(problem)
            }
            InventoryError::Io(_) => None,
        }
    }
}

/// Why reading stopped: the inventory, or the consumer of its archives.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    /// The callback refused an archive; reading stopped there.
    #[error("reading the inventory stopped: {0}")]
    Stopped(E),
}

/// ` (archive 12)` after a JSON position inside `ArchiveList`.
struct ArchiveNumber(Option<u64>);

impl fmt::Display for ArchiveNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(number) => write!(f, " (archive {number})"),
            None => Ok(()),
        }
    }
}

/// Untrusted text from the file, made safe for a terminal and cut to a length
/// that keeps the message one readable line.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const LIMIT: usize = 80;
        match self.0.char_indices().nth(LIMIT) {
            Some((cut, _)) => write!(f, "{}…", printable(&self.0[..cut])),
            None => f.write_str(&printable(self.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_say_where_and_what() {
        let error = InventoryError::Json {
            line: 3,
            column: 17,
            archive: Some(2),
            problem: Problem::NegativeSize { text: "-5".into() },
        };
        assert_eq!(
            error.to_string(),
            "the inventory is unusable at line 3, column 17 (archive 2): Size is -5, but a size cannot be negative; download the inventory job's output again"
        );
    }

    #[test]
    fn untrusted_text_is_printable_and_short() {
        let problem = Problem::BadTreeHash {
            text: format!("\u{1b}[31m{}", "a".repeat(200)),
        };
        let message = problem.to_string();
        assert!(!message.chars().any(char::is_control), "{message}");
        assert!(message.contains('…'));
        assert!(message.len() < 200);
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let problem = Problem::WrongType {
            field: Field::Size,
            found: "a string",
        };
        assert_eq!(
            problem.to_string(),
            "Size is a string but should be a whole number of bytes; check that the file is a Glacier inventory and not another document"
        );
    }
}

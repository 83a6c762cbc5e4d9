//! The JSON inventory, read as a stream: the top level here, each value found
//! whole in a bounded buffer and handed to serde_json as a slice.

mod archive;
mod fast;
mod source;
#[cfg(test)]
mod tests;

use std::io::{self, Read};

use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny};
use serde_json::de::SliceRead;
use serde_json::error::Category;

use self::archive::{ArchiveSeed, Scalar};
use self::source::{Position, Source, SourceError};
use super::{
    Field, InventoryArchive, InventoryError, InventoryHeader, InventorySummary, Problem, ReadError,
    ReadOptions, Tally, Timestamp, fields,
};

pub use self::source::MAX_VALUE_BYTES;

/// Reads `{"VaultARN", "InventoryDate", "ArchiveList": [...]}` from `reader`, handing
/// each archive to `on_archive` as soon as it is read; memory does not grow with
/// the list. Unknown keys are skipped anywhere (a single value may take up to
/// [`MAX_VALUE_BYTES`]); `ArchiveList` may come before or after the other keys.
/// Returns the header and totals only once the whole document, up to its closing
/// brace and nothing but whitespace after it, is read.
///
/// When `on_archive` returns an error, reading stops and that error comes back as
/// [`ReadError::Stopped`].
pub fn read_json<R, F, E>(
    reader: R,
    options: ReadOptions,
    mut on_archive: F,
) -> Result<InventorySummary, ReadError<E>>
where
    R: Read,
    F: FnMut(InventoryArchive) -> Result<(), E>,
{
    let mut document = Document {
        source: Source::new(reader),
        on_archive: &mut on_archive,
        tally: Tally::new(options),
        in_list: false,
    };
    match document.read() {
        Ok(header) => Ok(document.tally.summary(Some(header))),
        Err(Failure::Stopped(error)) => Err(ReadError::Stopped(error)),
        Err(Failure::Io(error)) => Err(InventoryError::Io(error).into()),
        Err(Failure::At { position, problem }) => Err(InventoryError::Json {
            line: position.line,
            column: position.column,
            archive: document.in_list.then_some(document.tally.archive_count + 1),
            problem,
        }
        .into()),
    }
}

/// Why reading stopped, before the archive number is added.
enum Failure<E> {
    At {
        position: Position,
        problem: Problem,
    },
    Io(io::Error),
    /// The callback refused an archive with this error.
    Stopped(E),
}

struct Document<'f, R, F> {
    source: Source<R>,
    on_archive: &'f mut F,
    tally: Tally,
    /// Whether reading is inside `ArchiveList`, for the archive number in errors.
    in_list: bool,
}

impl<R, F, E> Document<'_, R, F>
where
    R: Read,
    F: FnMut(InventoryArchive) -> Result<(), E>,
{
    fn read(&mut self) -> Result<InventoryHeader, Failure<E>> {
        self.source.skip_byte_order_mark().map_err(Failure::Io)?;
        match self.peek()? {
            b'{' => self.source.advance(1),
            other => {
                let detail = format!("it starts with {} where an object should", kind_of(other));
                return Err(self.here(Problem::WrongShape { detail }));
            }
        }
        let mut header = HeaderParts::default();
        let mut list_read = false;
        let mut expecting_key = self.opens_member(b'}')?;
        while expecting_key {
            match self.key()? {
                Some(Field::ArchiveList) if !list_read => {
                    self.archive_list()?;
                    list_read = true;
                }
                Some(field) => {
                    let value = match field {
                        Field::ArchiveList => None,
                        _ => Some(self.value(|slice, _| Scalar::deserialize(slice))?),
                    };
                    header
                        .set(field, value)
                        .map_err(|problem| self.here(problem))?;
                }
                None => self
                    .value(|slice, _| IgnoredAny::deserialize(slice))
                    .map(drop)?,
            }
            expecting_key = self.after_member(b'}', "`,` or `}`")?;
        }
        let header = header
            .finish(list_read)
            .map_err(|problem| self.here(problem))?;
        match self.source.peek().map_err(Failure::Io)? {
            None => Ok(header),
            Some(_) => Err(self.syntax("trailing characters after the inventory")),
        }
    }

    /// `"ArchiveList": [`, after the key, to the closing `]`.
    fn archive_list(&mut self) -> Result<(), Failure<E>> {
        match self.peek()? {
            b'[' => self.source.advance(1),
            other => {
                let found = kind_of(other);
                let field = Field::ArchiveList;
                return Err(self.here(Problem::WrongType { field, found }));
            }
        }
        self.in_list = true;
        let mut expecting_archive = self.opens_member(b']')?;
        while expecting_archive {
            let archive = match self.common_archive()? {
                Some(archive) => archive,
                None => self.value(|slice, problem| ArchiveSeed { problem }.deserialize(slice))?,
            };
            self.tally
                .count(&archive)
                .map_err(|problem| self.here(problem))?;
            (self.on_archive)(archive).map_err(Failure::Stopped)?;
            expecting_archive = self.after_member(b']', "`,` or `]`")?;
        }
        self.in_list = false;
        Ok(())
    }

    /// The next archive if it is in the common form and already buffered, read
    /// without serde_json; `None` leaves it, read or not, to [`Document::value`].
    fn common_archive(&mut self) -> Result<Option<InventoryArchive>, Failure<E>> {
        if self.source.peek().map_err(Failure::Io)? != Some(b'{') {
            return Ok(None);
        }
        Ok(fast::archive(self.source.buffered()).map(|(archive, len)| {
            self.source.advance(len);
            archive
        }))
    }

    /// A key and its colon; `None` for a key other than the three of an inventory.
    fn key(&mut self) -> Result<Option<Field>, Failure<E>> {
        if self.peek()? != b'"' {
            return Err(self.syntax("expected a key in double quotes"));
        }
        let key: String = self.value(|slice, _| String::deserialize(slice))?;
        if self.peek()? != b':' {
            return Err(self.syntax("expected `:`"));
        }
        self.source.advance(1);
        let known = [Field::VaultArn, Field::InventoryDate, Field::ArchiveList];
        Ok(known.into_iter().find(|field| field.glacier_name() == key))
    }

    /// Right after `{` or `[`: true if a member follows, false (having read it) at
    /// the closing `close`.
    fn opens_member(&mut self, close: u8) -> Result<bool, Failure<E>> {
        if self.peek()? == close {
            self.source.advance(1);
            return Ok(false);
        }
        Ok(true)
    }

    /// After a member of an object or list: true if a comma promises another,
    /// false at the closing `close`.
    fn after_member(&mut self, close: u8, expected: &str) -> Result<bool, Failure<E>> {
        match self.peek()? {
            b',' => {
                self.source.advance(1);
                Ok(true)
            }
            byte if byte == close => {
                self.source.advance(1);
                Ok(false)
            }
            _ => Err(self.syntax(&format!("expected {expected}"))),
        }
    }

    /// Reads the next value with serde_json, as one slice of the buffer.
    fn value<T>(
        &mut self,
        read: impl FnOnce(
            &mut serde_json::Deserializer<SliceRead<'_>>,
            &mut Option<Problem>,
        ) -> serde_json::Result<T>,
    ) -> Result<T, Failure<E>> {
        let len = self
            .source
            .value_len()
            .map_err(|error| self.source_failure(error))?;
        let mut problem = None;
        let mut slice = serde_json::Deserializer::from_slice(self.source.unread(len));
        match read(&mut slice, &mut problem).and_then(|value| slice.end().map(|()| value)) {
            Ok(value) => {
                self.source.advance(len);
                Ok(value)
            }
            Err(error) => {
                let relative = Position {
                    line: error.line(),
                    column: error.column(),
                };
                let position = self.source.translate(relative);
                let problem = problem.unwrap_or_else(|| problem_of(&error));
                Err(Failure::At { position, problem })
            }
        }
    }

    /// The next byte after whitespace; the end of the input is a truncated file.
    fn peek(&mut self) -> Result<u8, Failure<E>> {
        match self.source.peek() {
            Ok(Some(byte)) => Ok(byte),
            Ok(None) => Err(self.here(Problem::Truncated)),
            Err(error) => Err(Failure::Io(error)),
        }
    }

    fn source_failure(&self, error: SourceError) -> Failure<E> {
        match error {
            SourceError::Io(error) => Failure::Io(error),
            SourceError::Truncated => self.here(Problem::Truncated),
            SourceError::NotAValue(found) => {
                // Only `,` `:` `]` `}` are refused as the start of a value.
                self.syntax(&format!("expected a value, found `{}`", char::from(found)))
            }
            SourceError::TooLarge => self.here(Problem::ValueTooLarge {
                limit: MAX_VALUE_BYTES,
            }),
        }
    }

    fn here(&self, problem: Problem) -> Failure<E> {
        Failure::At {
            position: self.source.position(),
            problem,
        }
    }

    fn syntax(&self, detail: &str) -> Failure<E> {
        self.here(Problem::Syntax {
            detail: detail.to_owned(),
        })
    }
}

/// What serde_json found wrong in a value, in our terms.
fn problem_of(error: &serde_json::Error) -> Problem {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let detail = message
        .strip_suffix(&position)
        .unwrap_or(&message)
        .to_owned();
    match error.classify() {
        Category::Eof | Category::Io => Problem::Truncated,
        // serde_json's one name for bytes that are not UTF-8 inside a string.
        Category::Syntax if detail == "invalid unicode code point" => Problem::InvalidUtf8,
        Category::Syntax => Problem::Syntax { detail },
        Category::Data => Problem::WrongShape { detail },
    }
}

/// What kind of JSON value starts with `first`, for messages.
fn kind_of(first: u8) -> &'static str {
    match first {
        b'{' => "an object",
        b'[' => "a list",
        b'"' => "a string",
        b't' | b'f' => "true or false",
        b'n' => "null",
        b'-' | b'0'..=b'9' => "a number",
        _ => "something that is not JSON",
    }
}

/// The header keys read so far.
#[derive(Default)]
struct HeaderParts {
    vault_arn: Option<String>,
    inventory_date: Option<Timestamp>,
}

impl HeaderParts {
    /// Takes the value of a header key; `None` stands for a second `ArchiveList`,
    /// whose value is not read because the document is refused at its key.
    fn set(&mut self, field: Field, value: Option<Scalar>) -> Result<(), Problem> {
        match (field, value) {
            (Field::VaultArn, Some(value)) if self.vault_arn.is_none() => {
                self.vault_arn = Some(value.text(field)?);
            }
            (Field::InventoryDate, Some(value)) if self.inventory_date.is_none() => {
                self.inventory_date = Some(fields::timestamp(field, &value.text(field)?)?);
            }
            _ => return Err(Problem::DuplicateField { field }),
        }
        Ok(())
    }

    fn finish(self, list_read: bool) -> Result<InventoryHeader, Problem> {
        if !list_read {
            return Err(Problem::MissingArchiveList);
        }
        let missing = |field| Problem::MissingField { field };
        Ok(InventoryHeader {
            vault_arn: self.vault_arn.ok_or(missing(Field::VaultArn))?,
            inventory_date: self.inventory_date.ok_or(missing(Field::InventoryDate))?,
        })
    }
}

//! Why job parameters would be refused. Every message names the field as Glacier
//! names it and says how to fix it in words any front end can use; a front end
//! that sets a field its own way (a flag, a form) names that itself, from
//! [`ParamsError::fields`].

use std::fmt;

use super::{GlacierDate, JobKind};
use crate::domain::range::{ByteRange, MIB, RangeError};
use crate::text::printable;

/// A field of InitiateJob's request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Type,
    ArchiveId,
    Description,
    SnsTopic,
    RetrievalByteRange,
    Tier,
    Format,
    StartDate,
    EndDate,
    Limit,
    Marker,
}

impl Field {
    /// The name Glacier gives the field in the request body.
    pub fn glacier_name(self) -> &'static str {
        match self {
            Field::Type => "Type",
            Field::ArchiveId => "ArchiveId",
            Field::Description => "Description",
            Field::SnsTopic => "SNSTopic",
            Field::RetrievalByteRange => "RetrievalByteRange",
            Field::Tier => "Tier",
            Field::Format => "Format",
            Field::StartDate => "StartDate",
            Field::EndDate => "EndDate",
            Field::Limit => "Limit",
            Field::Marker => "Marker",
        }
    }
}

/// The name Glacier gives the field, which is the one a JSON file holds.
impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.glacier_name())
    }
}

/// Why a StartDate or EndDate cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateProblem {
    #[error(
        "is not a date; write it as 2024-01-31T00:00:00Z (ISO 8601 in UTC, to the second) or as 2024-01-31 for midnight UTC"
    )]
    Shape,
    #[error(
        "has fractions of a second, but Glacier takes whole seconds; drop them, as in 2024-01-31T00:00:00Z"
    )]
    Fraction,
    #[error(
        "is not marked as UTC; convert it to UTC and end it with Z, as in 2024-01-31T00:00:00Z"
    )]
    NotUtc,
    #[error("has no such {component} on the calendar or the clock; give a real date and time")]
    NotOnCalendar { component: &'static str },
}

/// Why an SNSTopic is not an SNS topic ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnProblem {
    #[error("it needs six parts separated by colons")]
    PartCount,
    #[error("it must start with `arn:`")]
    Prefix,
    #[error("the partition `{0}` is not aws, aws-cn or aws-us-gov")]
    Partition(String),
    #[error("the service `{0}` is not sns")]
    Service(String),
    #[error("the region `{0}` does not look like a region such as us-east-1")]
    Region(String),
    #[error("the region `{region}` is not in the {partition} partition")]
    RegionOutsidePartition { region: String, partition: String },
    #[error("the account id `{0}` is not 12 digits")]
    Account(String),
    #[error(
        "the topic name `{0}` is not 1 to 256 letters, digits, hyphens and underscores (ending in .fifo for a FIFO topic)"
    )]
    Topic(String),
}

/// Why job parameters would be refused, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    #[error("Type is missing; set it to archive-retrieval or inventory-retrieval")]
    MissingType,
    #[error(
        "ArchiveId is required for an archive retrieval; give the archive's id as the vault inventory lists it"
    )]
    MissingArchiveId,
    #[error("{field} is empty; {fix}")]
    Empty { field: Field, fix: &'static str },
    #[error("{field} belongs only in {} jobs; remove it from this {kind} job", other_kind(*.kind))]
    NotForThisJob { field: Field, kind: JobKind },
    #[error("{field} has {} at character {position}, which is not allowed there; {fix}", CharName(*.found))]
    BadCharacter {
        field: Field,
        found: char,
        /// 1-based, counted in characters.
        position: usize,
        fix: &'static str,
    },
    #[error(
        "Description is {length} bytes long, but Glacier takes at most 1024; shorten it by {} bytes",
        .length.saturating_sub(1024)
    )]
    DescriptionTooLong { length: usize },
    #[error("RetrievalByteRange cannot be used: {0}")]
    RangeUnusable(RangeError),
    #[error(
        "RetrievalByteRange {range} is not MiB-aligned for this {size}-byte archive, so Glacier would refuse it; snap it to MiB for the fewest bytes, or to the tree-hash tree for a range Glacier returns a checksum for"
    )]
    RangeNotMibAligned { range: ByteRange, size: u64 },
    #[error(
        "RetrievalByteRange starts at byte {start}, which is not a multiple of 1048576 (1 MiB); start at byte {} instead, or give the archive's size and snap the range to MiB",
        mib_start_at_or_before(*.start)
    )]
    RangeStartNotMibAligned { start: u64 },
    #[error(
        "RetrievalByteRange ends at byte {end}, which is not one byte before a multiple of 1048576 (1 MiB); end at byte {} instead, or, if byte {end} is the archive's last byte, give the archive's size so that can be checked",
        mib_end_at_or_after(*.end)
    )]
    RangeEndNotMibAligned { end: u64 },
    #[error("Tier `{input}` is not a Glacier tier; use Standard, Expedited or Bulk")]
    UnknownTier { input: String },
    #[error("Format `{input}` is not an inventory format; use JSON or CSV")]
    UnknownFormat { input: String },
    #[error("{field} `{input}` {problem}")]
    Date {
        field: Field,
        input: String,
        problem: DateProblem,
    },
    #[error(
        "StartDate {start} is not before EndDate {end}; the start is included and the end is not, so give a start earlier than the end"
    )]
    DatesOutOfOrder {
        start: GlacierDate,
        end: GlacierDate,
    },
    #[error(
        "Limit `{input}` is not a whole number; give the most archives one inventory page may list, 1 or more, like 1000"
    )]
    LimitNotWholeNumber { input: String },
    #[error(
        "Limit is 0, but a page must list at least one archive; give 1 or more, or leave Limit out to list every archive"
    )]
    LimitZero,
    #[error(
        "SNSTopic `{input}` is not an SNS topic ARN because {problem}; write it as arn:aws:sns:us-east-1:123456789012:topic-name"
    )]
    SnsTopic { input: String, problem: ArnProblem },
    #[error(
        "the vault name is {length} characters long, but Glacier allows 1 to 255; give the vault's name exactly as Glacier lists it"
    )]
    VaultNameLength { length: usize },
    #[error(
        "the vault name has {} at character {position}, which Glacier does not allow; vault names hold only letters, digits, hyphens, underscores and periods",
        CharName(*.found)
    )]
    VaultNameCharacter { found: char, position: usize },
    #[error(
        "the region `{}` does not look like a region such as us-east-1; give the vault's region as AWS names it",
        printable(.input)
    )]
    Region { input: String },
    #[error(
        "the account id `{}` is not 12 digits; give the vault's 12-digit account id, or - for the account of your credentials",
        printable(.input)
    )]
    AccountId { input: String },
    #[error("the {what} holds a NUL character, which no shell command can carry; remove it")]
    Unquotable { what: &'static str },
    #[error(
        "the job-parameters JSON cannot be read ({message}); write one object with Glacier's field names, as the job-parameters preview writes it"
    )]
    Json { message: String },
}

fn other_kind(kind: JobKind) -> JobKind {
    match kind {
        JobKind::ArchiveRetrieval => JobKind::InventoryRetrieval,
        JobKind::InventoryRetrieval => JobKind::ArchiveRetrieval,
    }
}

impl ParamsError {
    /// The fields the message names, in its order, each by its Glacier name; the
    /// first, if any, opens the message.
    pub fn fields(&self) -> Vec<Field> {
        use ParamsError as P;
        match self {
            P::MissingType => vec![Field::Type],
            P::MissingArchiveId => vec![Field::ArchiveId],
            P::Empty { field, .. }
            | P::NotForThisJob { field, .. }
            | P::BadCharacter { field, .. }
            | P::Date { field, .. } => vec![*field],
            P::DescriptionTooLong { .. } => vec![Field::Description],
            P::RangeUnusable(_)
            | P::RangeNotMibAligned { .. }
            | P::RangeStartNotMibAligned { .. }
            | P::RangeEndNotMibAligned { .. } => vec![Field::RetrievalByteRange],
            P::UnknownTier { .. } => vec![Field::Tier],
            P::UnknownFormat { .. } => vec![Field::Format],
            P::DatesOutOfOrder { .. } => vec![Field::StartDate, Field::EndDate],
            P::LimitNotWholeNumber { .. } | P::LimitZero => vec![Field::Limit],
            P::SnsTopic { .. } => vec![Field::SnsTopic],
            P::VaultNameLength { .. }
            | P::VaultNameCharacter { .. }
            | P::Region { .. }
            | P::AccountId { .. }
            | P::Unquotable { .. }
            | P::Json { .. } => Vec::new(),
        }
    }
}

/// The nearest byte at or before `start` that is a multiple of 1 MiB.
fn mib_start_at_or_before(start: u64) -> u64 {
    start / MIB * MIB
}

/// The nearest byte at or after `end` that is one before a multiple of 1 MiB.
fn mib_end_at_or_after(end: u64) -> u64 {
    end | (MIB - 1)
}

/// A character named so that a reader can find it, even when it is invisible or
/// would upset the terminal if printed as itself.
pub struct CharName(pub char);

impl fmt::Display for CharName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.0;
        let code = format!("U+{:04X}", u32::from(c));
        match c {
            ' ' => write!(f, "a space ({code})"),
            '\t' => write!(f, "a tab ({code})"),
            '\n' | '\r' => write!(f, "a line break ({code})"),
            c if c.is_control() => write!(f, "a control character ({code})"),
            c if c.is_whitespace() => write!(f, "a non-ASCII space ({code})"),
            c if c.is_ascii_graphic() => write!(f, "`{c}` ({code})"),
            c if c.is_alphanumeric() => write!(f, "the non-ASCII character `{c}` ({code})"),
            _ => write!(f, "the non-ASCII character {code}"),
        }
    }
}

//! Job parameters for InitiateJob: check what a user asks for before anything is sent,
//! then print it as Glacier's JSON request body or as the equivalent aws CLI line.
//!
//! A [`JobRequest`] holds what was typed, every field optional and unchecked.
//! [`validate`] turns it into [`JobParams`], which can only hold values Glacier
//! accepts, so everything downstream can print or send it without further checks.

mod aws_ids;
mod dates;
mod error;
mod fields;
mod render;
mod request;
mod sns;
mod validate;

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::range::ByteRange;

pub use aws_ids::{check_account_id, check_region};
pub use dates::GlacierDate;
pub use error::{ArnProblem, CharName, DateProblem, Field, ParamsError};
pub use fields::{MAX_DESCRIPTION_BYTES, TokenFault, check_vault_name, token_fault};
pub use render::{AwsCliOptions, FIELD_ORDER, INVENTORY_FIELD_ORDER};
pub use request::JobRequest;
pub use validate::validate;

/// Glacier's `Type` of a retrieval job. Select jobs are out of scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobKind {
    ArchiveRetrieval,
    InventoryRetrieval,
}

impl JobKind {
    /// The value of `Type` in the request body.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::ArchiveRetrieval => "archive-retrieval",
            JobKind::InventoryRetrieval => "inventory-retrieval",
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How fast (and at what price) Glacier prepares an archive. Glacier uses
/// `Standard` when none is sent. Serialised in Glacier's spelling, so a stored job
/// reads like DescribeJob's `Tier`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tier {
    Standard,
    Expedited,
    Bulk,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Standard, Tier::Expedited, Tier::Bulk];

    /// Glacier's spelling, as sent in `Tier`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Standard => "Standard",
            Tier::Expedited => "Expedited",
            Tier::Bulk => "Bulk",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Case-insensitive, so `bulk` on a command line means `Bulk`.
impl FromStr for Tier {
    type Err = ParamsError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .into_iter()
            .find(|tier| tier.as_str().eq_ignore_ascii_case(input))
            .ok_or_else(|| ParamsError::UnknownTier {
                input: input.to_owned(),
            })
    }
}

/// The form Glacier writes an inventory in. Glacier uses `JSON` when none is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InventoryFormat {
    Json,
    Csv,
}

impl InventoryFormat {
    pub const ALL: [InventoryFormat; 2] = [InventoryFormat::Json, InventoryFormat::Csv];

    /// Glacier's spelling, as sent in `Format`.
    pub fn as_str(self) -> &'static str {
        match self {
            InventoryFormat::Json => "JSON",
            InventoryFormat::Csv => "CSV",
        }
    }
}

impl fmt::Display for InventoryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Case-insensitive, so `csv` on a command line means `CSV`.
impl FromStr for InventoryFormat {
    type Err = ParamsError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        InventoryFormat::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(input))
            .ok_or_else(|| ParamsError::UnknownFormat {
                input: input.to_owned(),
            })
    }
}

/// Checked parameters of one InitiateJob request. Built only by [`validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobParams {
    Archive(ArchiveRetrieval),
    Inventory(InventoryRetrieval),
}

impl JobParams {
    pub fn kind(&self) -> JobKind {
        match self {
            JobParams::Archive(_) => JobKind::ArchiveRetrieval,
            JobParams::Inventory(_) => JobKind::InventoryRetrieval,
        }
    }

    pub fn description(&self) -> Option<&str> {
        match self {
            JobParams::Archive(job) => job.description(),
            JobParams::Inventory(job) => job.description(),
        }
    }

    pub fn sns_topic(&self) -> Option<&str> {
        match self {
            JobParams::Archive(job) => job.sns_topic(),
            JobParams::Inventory(job) => job.sns_topic(),
        }
    }
}

/// An archive retrieval, whole or of a MiB-aligned byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRetrieval {
    archive_id: String,
    range: Option<ByteRange>,
    tier: Option<Tier>,
    description: Option<String>,
    sns_topic: Option<String>,
}

impl ArchiveRetrieval {
    pub fn archive_id(&self) -> &str {
        &self.archive_id
    }

    /// The bytes to retrieve; `None` means the whole archive.
    pub fn range(&self) -> Option<ByteRange> {
        self.range
    }

    /// The tier asked for; `None` leaves Glacier's default (Standard).
    pub fn tier(&self) -> Option<Tier> {
        self.tier
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn sns_topic(&self) -> Option<&str> {
        self.sns_topic.as_deref()
    }
}

/// A vault inventory retrieval, optionally filtered by creation date and paged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRetrieval {
    format: Option<InventoryFormat>,
    start_date: Option<GlacierDate>,
    end_date: Option<GlacierDate>,
    limit: Option<NonZeroU64>,
    marker: Option<String>,
    description: Option<String>,
    sns_topic: Option<String>,
}

impl InventoryRetrieval {
    /// The format asked for; `None` leaves Glacier's default (JSON).
    pub fn format(&self) -> Option<InventoryFormat> {
        self.format
    }

    /// Archives created at or after this moment.
    pub fn start_date(&self) -> Option<GlacierDate> {
        self.start_date
    }

    /// Archives created before this moment.
    pub fn end_date(&self) -> Option<GlacierDate> {
        self.end_date
    }

    /// At most this many archives in one page.
    pub fn limit(&self) -> Option<NonZeroU64> {
        self.limit
    }

    /// Where the page starts, from the previous page's job.
    pub fn marker(&self) -> Option<&str> {
        self.marker.as_deref()
    }

    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    pub fn sns_topic(&self) -> Option<&str> {
        self.sns_topic.as_deref()
    }

    /// True when any of InventoryRetrievalParameters' fields is set.
    pub fn has_filters(&self) -> bool {
        self.start_date.is_some()
            || self.end_date.is_some()
            || self.limit.is_some()
            || self.marker.is_some()
    }
}

#[cfg(test)]
mod tests;

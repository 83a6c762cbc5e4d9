//! Tests of the whole job-parameters path: request → validate → JSON or aws CLI line.

mod messages;
mod render;
mod round_trip;
mod validate;
mod validate_inventory;

use super::{JobKind, JobRequest};
use crate::domain::range::{ByteRange, MIB};

pub(super) const ARCHIVE_ID: &str = "NkbByEejwEggmBz2fTHgJrg0XBoDfjP4q6iu87-TjhqG6eGoOY9Z8i1_AUyUsuhPAdTqLHy8pTl5nfCFJmDl2yEZONi5L26Omw12vcs01MNGntHEQL8MBfGlqrEXAMPLEArchiveId";

pub(super) const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:glacier-jobs";

pub(super) fn archive_request() -> JobRequest {
    JobRequest {
        kind: Some(JobKind::ArchiveRetrieval),
        archive_id: Some(ARCHIVE_ID.into()),
        ..JobRequest::default()
    }
}

pub(super) fn inventory_request() -> JobRequest {
    JobRequest {
        kind: Some(JobKind::InventoryRetrieval),
        ..JobRequest::default()
    }
}

/// Chunks `first..=last` of 1 MiB, as a byte range.
pub(super) fn chunks(first: u64, last: u64) -> ByteRange {
    ByteRange {
        start: first * MIB,
        end: (last + 1) * MIB - 1,
    }
}

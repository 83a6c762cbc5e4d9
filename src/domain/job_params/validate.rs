//! InitiateJob's rules, applied to a [`JobRequest`] before anything is sent: which
//! fields belong to which job, and what each field may hold.

use super::dates::GlacierDate;
use super::fields::{check_description, check_token, parse_limit};
use super::sns::check_sns_topic;
use super::{
    ArchiveRetrieval, Field, InventoryFormat, InventoryRetrieval, JobKind, JobParams, JobRequest,
    ParamsError, Tier,
};
use crate::domain::range::{ByteRange, MIB, is_mib_aligned};

/// Checks `request` against Glacier's rules and returns parameters Glacier accepts.
///
/// `archive_size`, when known, lets a byte range be checked fully; without it only
/// what holds for every archive is checked, and the error says so.
pub fn validate(request: &JobRequest, archive_size: Option<u64>) -> Result<JobParams, ParamsError> {
    let kind = request.kind.ok_or(ParamsError::MissingType)?;
    refuse_fields_of_other_kind(request, kind)?;
    let labels = Labels {
        description: checked_text(&request.description, check_description)?,
        sns_topic: checked_text(&request.sns_topic, check_sns_topic)?,
    };
    Ok(match kind {
        JobKind::ArchiveRetrieval => {
            JobParams::Archive(validate_archive(request, archive_size, labels)?)
        }
        JobKind::InventoryRetrieval => JobParams::Inventory(validate_inventory(request, labels)?),
    })
}

/// The fields both kinds of job share, already checked.
struct Labels {
    description: Option<String>,
    sns_topic: Option<String>,
}

fn validate_archive(
    request: &JobRequest,
    archive_size: Option<u64>,
    labels: Labels,
) -> Result<ArchiveRetrieval, ParamsError> {
    let archive_id = request
        .archive_id
        .as_deref()
        .ok_or(ParamsError::MissingArchiveId)?;
    check_token(Field::ArchiveId, archive_id)?;
    let range = request
        .range
        .map(|range| check_range(range, archive_size))
        .transpose()?;
    let tier = request
        .tier
        .as_deref()
        .map(str::parse::<Tier>)
        .transpose()?;
    Ok(ArchiveRetrieval {
        archive_id: archive_id.to_owned(),
        range,
        tier,
        description: labels.description,
        sns_topic: labels.sns_topic,
    })
}

fn validate_inventory(
    request: &JobRequest,
    labels: Labels,
) -> Result<InventoryRetrieval, ParamsError> {
    let format = request
        .format
        .as_deref()
        .map(str::parse::<InventoryFormat>)
        .transpose()?;
    let start_date = parse_date(Field::StartDate, &request.start_date)?;
    let end_date = parse_date(Field::EndDate, &request.end_date)?;
    if let (Some(start), Some(end)) = (start_date, end_date)
        && start >= end
    {
        return Err(ParamsError::DatesOutOfOrder { start, end });
    }
    let limit = request.limit.as_deref().map(parse_limit).transpose()?;
    let marker = checked_text(&request.marker, |text| check_token(Field::Marker, text))?;
    Ok(InventoryRetrieval {
        format,
        start_date,
        end_date,
        limit,
        marker,
        description: labels.description,
        sns_topic: labels.sns_topic,
    })
}

/// Glacier refuses (or silently ignores) a field sent with the wrong kind of job;
/// either way the user meant something else, so it is refused here.
fn refuse_fields_of_other_kind(request: &JobRequest, kind: JobKind) -> Result<(), ParamsError> {
    use JobKind::{ArchiveRetrieval as Archive, InventoryRetrieval as Inventory};
    let fields = [
        (Field::ArchiveId, request.archive_id.is_some(), Archive),
        (Field::RetrievalByteRange, request.range.is_some(), Archive),
        (Field::Tier, request.tier.is_some(), Archive),
        (Field::Format, request.format.is_some(), Inventory),
        (Field::StartDate, request.start_date.is_some(), Inventory),
        (Field::EndDate, request.end_date.is_some(), Inventory),
        (Field::Limit, request.limit.is_some(), Inventory),
        (Field::Marker, request.marker.is_some(), Inventory),
    ];
    match fields
        .into_iter()
        .find(|&(_, is_set, owner)| is_set && owner != kind)
    {
        Some((field, _, _)) => Err(ParamsError::NotForThisJob { field, kind }),
        None => Ok(()),
    }
}

/// MiB alignment, InitiateJob's rule for ranges. Without the archive size the end
/// cannot be told apart from the archive's last byte, so it must fall on a boundary.
fn check_range(range: ByteRange, archive_size: Option<u64>) -> Result<ByteRange, ParamsError> {
    match archive_size {
        Some(size) => {
            range
                .check_within(size)
                .map_err(ParamsError::RangeUnusable)?;
            if !is_mib_aligned(size, range) {
                return Err(ParamsError::RangeNotMibAligned { range, size });
            }
        }
        None => {
            // Re-checked because ByteRange's fields are public.
            ByteRange::new(range.start, range.end).map_err(ParamsError::RangeUnusable)?;
            if !range.start.is_multiple_of(MIB) {
                return Err(ParamsError::RangeStartNotMibAligned { start: range.start });
            }
            if range.end % MIB != MIB - 1 {
                return Err(ParamsError::RangeEndNotMibAligned { end: range.end });
            }
        }
    }
    Ok(range)
}

fn parse_date(field: Field, input: &Option<String>) -> Result<Option<GlacierDate>, ParamsError> {
    input
        .as_deref()
        .map(|text| {
            GlacierDate::parse(text).map_err(|problem| ParamsError::Date {
                field,
                input: text.to_owned(),
                problem,
            })
        })
        .transpose()
}

fn checked_text(
    input: &Option<String>,
    check: impl Fn(&str) -> Result<(), ParamsError>,
) -> Result<Option<String>, ParamsError> {
    input
        .as_deref()
        .map(|text| check(text).map(|()| text.to_owned()))
        .transpose()
}

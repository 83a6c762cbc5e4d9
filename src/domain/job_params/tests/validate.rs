//! Validation of archive jobs and of the rules every job shares.

use super::{ARCHIVE_ID, TOPIC, archive_request, chunks, inventory_request};
use crate::domain::job_params::{
    Field, JobKind, JobParams, JobRequest, ParamsError, Tier, validate,
};
use crate::domain::range::{ByteRange, MIB, RangeError};

fn archive_with_range(range: ByteRange, size: Option<u64>) -> Result<JobParams, ParamsError> {
    let request = JobRequest {
        range: Some(range),
        ..archive_request()
    };
    validate(&request, size)
}

#[test]
fn minimal_archive_job_needs_only_its_id() {
    let JobParams::Archive(job) = validate(&archive_request(), None).unwrap() else {
        panic!("expected an archive job");
    };
    assert_eq!(job.archive_id(), ARCHIVE_ID);
    assert_eq!((job.range(), job.tier()), (None, None));
    assert_eq!((job.description(), job.sns_topic()), (None, None));
}

#[test]
fn full_archive_job_keeps_every_field() {
    let request = JobRequest {
        range: Some(chunks(2, 3)),
        tier: Some("bulk".into()),
        description: Some("restore 2019 photos".into()),
        sns_topic: Some(TOPIC.into()),
        ..archive_request()
    };
    let JobParams::Archive(job) = validate(&request, Some(10 * MIB)).unwrap() else {
        panic!("expected an archive job");
    };
    assert_eq!(job.range(), Some(chunks(2, 3)));
    assert_eq!(job.tier(), Some(Tier::Bulk));
    assert_eq!(job.description(), Some("restore 2019 photos"));
    assert_eq!(job.sns_topic(), Some(TOPIC));
}

#[test]
fn type_is_required() {
    let request = JobRequest {
        kind: None,
        ..archive_request()
    };
    assert_eq!(validate(&request, None), Err(ParamsError::MissingType));
}

#[test]
fn archive_id_is_required_non_empty_and_clean() {
    let missing = JobRequest {
        archive_id: None,
        ..archive_request()
    };
    let err = validate(&missing, None).unwrap_err();
    assert_eq!(err, ParamsError::MissingArchiveId);
    assert!(err.to_string().starts_with("ArchiveId is required"));
    for (id, expected_field) in [("", Field::ArchiveId), ("abc def", Field::ArchiveId)] {
        let request = JobRequest {
            archive_id: Some(id.into()),
            ..archive_request()
        };
        let err = validate(&request, None).unwrap_err();
        assert!(
            matches!(err, ParamsError::Empty { field, .. } | ParamsError::BadCharacter { field, .. } if field == expected_field),
            "{id:?}: {err:?}"
        );
    }
}

/// `base` with `field` set to a value that would be fine on the right kind of job.
fn with_field(base: JobRequest, field: Field) -> JobRequest {
    let text = Some("x".to_owned());
    match field {
        Field::ArchiveId => JobRequest {
            archive_id: text,
            ..base
        },
        Field::RetrievalByteRange => JobRequest {
            range: Some(chunks(0, 0)),
            ..base
        },
        Field::Tier => JobRequest {
            tier: Some("Bulk".into()),
            ..base
        },
        Field::Format => JobRequest {
            format: text,
            ..base
        },
        Field::StartDate => JobRequest {
            start_date: text,
            ..base
        },
        Field::EndDate => JobRequest {
            end_date: text,
            ..base
        },
        Field::Limit => JobRequest {
            limit: text,
            ..base
        },
        Field::Marker => JobRequest {
            marker: text,
            ..base
        },
        Field::Type | Field::Description | Field::SnsTopic => base,
    }
}

#[test]
fn fields_of_the_other_kind_are_refused() {
    use Field::*;
    let cases = [
        (
            JobKind::InventoryRetrieval,
            &[ArchiveId, RetrievalByteRange, Tier][..],
        ),
        (
            JobKind::ArchiveRetrieval,
            &[Format, StartDate, EndDate, Limit, Marker][..],
        ),
    ];
    for (kind, misplaced) in cases {
        let base = match kind {
            JobKind::ArchiveRetrieval => archive_request(),
            JobKind::InventoryRetrieval => inventory_request(),
        };
        for &field in misplaced {
            let err = validate(&with_field(base.clone(), field), None).unwrap_err();
            assert_eq!(err, ParamsError::NotForThisJob { field, kind });
            let message = err.to_string();
            assert!(message.starts_with(&field.to_string()), "{message}");
            assert!(
                message.ends_with(&format!("remove it from this {kind} job")),
                "{message}"
            );
        }
    }
}

#[test]
fn range_with_known_size_must_be_mib_aligned() {
    let size = 5 * MIB + 10;
    assert!(archive_with_range(chunks(1, 2), Some(size)).is_ok());
    // The archive's last byte is a valid end even off a MiB boundary.
    let tail = ByteRange::new(4 * MIB, size - 1).unwrap();
    assert!(archive_with_range(tail, Some(size)).is_ok());
    for range in [
        ByteRange::new(1, 2 * MIB - 1).unwrap(),
        ByteRange::new(MIB, 2 * MIB).unwrap(),
        ByteRange::new(4 * MIB, size - 2).unwrap(),
    ] {
        let err = archive_with_range(range, Some(size)).unwrap_err();
        assert_eq!(err, ParamsError::RangeNotMibAligned { range, size });
        let message = err.to_string();
        assert!(message.starts_with("RetrievalByteRange "), "{message}");
        assert!(
            message.contains("snap it to MiB") && message.contains("to the tree-hash tree"),
            "{message}"
        );
    }
}

#[test]
fn range_outside_the_archive_is_refused() {
    let size = 2 * MIB;
    assert_eq!(
        archive_with_range(chunks(1, 2), Some(size)),
        Err(ParamsError::RangeUnusable(RangeError::EndBeyondArchive {
            end: 3 * MIB - 1,
            size
        }))
    );
    assert_eq!(
        archive_with_range(chunks(0, 0), Some(0)),
        Err(ParamsError::RangeUnusable(RangeError::EmptyArchive))
    );
}

#[test]
fn range_without_size_must_start_and_end_on_mib_boundaries() {
    assert!(archive_with_range(chunks(3, 7), None).is_ok());
    let err = archive_with_range(ByteRange::new(MIB + 5, 2 * MIB - 1).unwrap(), None).unwrap_err();
    assert_eq!(err, ParamsError::RangeStartNotMibAligned { start: MIB + 5 });
    assert!(
        err.to_string().contains("start at byte 1048576 instead"),
        "{err}"
    );
    let err = archive_with_range(ByteRange::new(0, MIB + 5).unwrap(), None).unwrap_err();
    assert_eq!(err, ParamsError::RangeEndNotMibAligned { end: MIB + 5 });
    let message = err.to_string();
    assert!(message.contains("end at byte 2097151 instead"), "{message}");
    assert!(
        message.contains("archive's last byte") && message.contains("give the archive's size"),
        "{message}"
    );
}

#[test]
fn reversed_range_is_refused_even_without_size() {
    let reversed = ByteRange {
        start: 2 * MIB,
        end: MIB - 1,
    };
    assert!(matches!(
        archive_with_range(reversed, None),
        Err(ParamsError::RangeUnusable(
            RangeError::EndBeforeStart { .. }
        ))
    ));
}

#[test]
fn tiers_are_case_insensitive_and_checked() {
    for (input, tier) in [
        ("Standard", Tier::Standard),
        ("EXPEDITED", Tier::Expedited),
        ("bulk", Tier::Bulk),
    ] {
        let request = JobRequest {
            tier: Some(input.into()),
            ..archive_request()
        };
        let JobParams::Archive(job) = validate(&request, None).unwrap() else {
            panic!("expected an archive job");
        };
        assert_eq!(job.tier(), Some(tier));
    }
    let request = JobRequest {
        tier: Some("fast".into()),
        ..archive_request()
    };
    let err = validate(&request, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Tier `fast` is not a Glacier tier; use Standard, Expedited or Bulk"
    );
}

#[test]
fn description_and_topic_are_checked_on_both_kinds() {
    for base in [archive_request(), inventory_request()] {
        let request = JobRequest {
            description: Some("café".into()),
            ..base.clone()
        };
        assert!(matches!(
            validate(&request, None),
            Err(ParamsError::BadCharacter {
                field: Field::Description,
                found: 'é',
                position: 4,
                ..
            })
        ));
        let request = JobRequest {
            description: Some("d".repeat(1025)),
            ..base.clone()
        };
        assert_eq!(
            validate(&request, None),
            Err(ParamsError::DescriptionTooLong { length: 1025 })
        );
        let request = JobRequest {
            sns_topic: Some("my-topic".into()),
            ..base
        };
        assert!(matches!(
            validate(&request, None),
            Err(ParamsError::SnsTopic { .. })
        ));
    }
}

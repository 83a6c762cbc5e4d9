//! Validation of inventory jobs: format, date filters, paging.

use super::inventory_request;
use crate::domain::job_params::{
    DateProblem, Field, GlacierDate, InventoryFormat, JobParams, JobRequest, ParamsError, validate,
};
use crate::domain::range::MIB;

#[test]
fn full_inventory_job_is_normalised() {
    let request = JobRequest {
        format: Some("csv".into()),
        start_date: Some("2024-01-01".into()),
        end_date: Some("2024-02-01T12:30:00Z".into()),
        limit: Some("500".into()),
        marker: Some("vyS0t2jHQe5qbcDggIeD50chS1SXwYMrkVKo0KHiTUjEYxBGCqRLKaiySzdN7QXGVVV5XZpNVG67pCZ_uykQXFMLaxOSu2hO_-5C0AtWMDrfo7LgVOyfnveDRuOSecUo3Ueq7K0".into()),
        description: Some("monthly audit".into()),
        ..inventory_request()
    };
    let JobParams::Inventory(job) = validate(&request, None).unwrap() else {
        panic!("expected an inventory job");
    };
    assert_eq!(job.format(), Some(InventoryFormat::Csv));
    assert_eq!(
        job.start_date().map(|d| d.to_string()).as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(
        job.end_date().map(|d| d.to_string()).as_deref(),
        Some("2024-02-01T12:30:00Z")
    );
    assert_eq!(job.limit().map(|n| n.get()), Some(500));
    assert!(job.marker().is_some_and(|m| m.starts_with("vyS0")));
    assert!(job.has_filters());
}

#[test]
fn minimal_inventory_job_has_no_filters() {
    let JobParams::Inventory(job) = validate(&inventory_request(), Some(MIB)).unwrap() else {
        panic!("expected an inventory job");
    };
    assert!(!job.has_filters());
    assert_eq!(job.format(), None);
}

#[test]
fn unknown_format_is_refused() {
    let request = JobRequest {
        format: Some("XML".into()),
        ..inventory_request()
    };
    assert_eq!(
        validate(&request, None).unwrap_err().to_string(),
        "Format `XML` is not an inventory format; use JSON or CSV"
    );
}

#[test]
fn bad_dates_name_their_field() {
    let request = JobRequest {
        end_date: Some("2024-02-30".into()),
        ..inventory_request()
    };
    let err = validate(&request, None).unwrap_err();
    assert_eq!(
        err,
        ParamsError::Date {
            field: Field::EndDate,
            input: "2024-02-30".into(),
            problem: DateProblem::NotOnCalendar { component: "day" },
        }
    );
    assert!(
        err.to_string()
            .starts_with("EndDate `2024-02-30` has no such day"),
        "{err}"
    );
    let request = JobRequest {
        start_date: Some("2024-01-31T00:00:00+02:00".into()),
        ..inventory_request()
    };
    let message = validate(&request, None).unwrap_err().to_string();
    assert!(
        message.starts_with("StartDate `2024-01-31T00:00:00+02:00` is not marked as UTC"),
        "{message}"
    );
}

#[test]
fn start_date_must_come_strictly_before_end_date() {
    for (start, end) in [
        ("2024-02-01", "2024-01-01"),
        ("2024-01-01", "2024-01-01T00:00:00Z"),
    ] {
        let request = JobRequest {
            start_date: Some(start.into()),
            end_date: Some(end.into()),
            ..inventory_request()
        };
        let err = validate(&request, None).unwrap_err();
        assert!(
            matches!(err, ParamsError::DatesOutOfOrder { .. }),
            "{start} {end}"
        );
        assert!(
            err.to_string()
                .contains("give a start earlier than the end"),
            "{err}"
        );
    }
    let request = JobRequest {
        start_date: Some("2024-01-01T00:00:00Z".into()),
        end_date: Some("2024-01-01T00:00:01Z".into()),
        ..inventory_request()
    };
    assert!(validate(&request, None).is_ok());
    assert!(GlacierDate::parse("2024-01-01").is_ok());
}

#[test]
fn limit_and_marker_are_checked() {
    for (limit, expected) in [
        ("0", ParamsError::LimitZero),
        (
            "ten",
            ParamsError::LimitNotWholeNumber {
                input: "ten".into(),
            },
        ),
    ] {
        let request = JobRequest {
            limit: Some(limit.into()),
            ..inventory_request()
        };
        assert_eq!(validate(&request, None), Err(expected));
    }
    let request = JobRequest {
        marker: Some(String::new()),
        ..inventory_request()
    };
    let err = validate(&request, None).unwrap_err();
    assert!(matches!(
        err,
        ParamsError::Empty {
            field: Field::Marker,
            ..
        }
    ));
    assert!(
        err.to_string()
            .starts_with("Marker is empty; leave Marker out"),
        "{err}"
    );
}

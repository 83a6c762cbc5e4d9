//! Printing and reading back must give the same parameters, for any valid request,
//! and validation must answer (never panic) for any request at all.

use proptest::option;
use proptest::prelude::*;

use crate::domain::job_params::{JobKind, JobParams, JobRequest, validate};
use crate::domain::range::{ByteRange, MIB};

fn read_back(json: &str, archive_size: Option<u64>) -> JobParams {
    let request = JobRequest::from_json(json).unwrap();
    validate(&request, archive_size).unwrap()
}

fn assert_round_trip(params: &JobParams, archive_size: Option<u64>) {
    assert_eq!(&read_back(&params.to_json_compact(), archive_size), params);
    assert_eq!(&read_back(&params.to_json_pretty(), archive_size), params);
}

/// One of `words`, as typed.
fn one_of(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(words).prop_map(str::to_owned)
}

fn date() -> impl Strategy<Value = String> {
    (
        1970u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(year, month, day, hour, minute, second)| {
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
        })
}

fn topic() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,40}(\\.fifo)?"
        .prop_map(|name| format!("arn:aws:sns:us-west-2:123456789012:{name}"))
}

/// A valid archive request and the size of its archive.
fn archive_request() -> impl Strategy<Value = (JobRequest, u64)> {
    (
        "[A-Za-z0-9_-]{1,138}",
        1u64..64 * MIB,
        option::of((any::<u64>(), any::<u64>())),
        option::of(one_of(&[
            "standard",
            "Standard",
            "EXPEDITED",
            "Expedited",
            "bulk",
            "Bulk",
        ])),
        option::of("[ -~]{0,80}"),
        option::of(topic()),
    )
        .prop_map(|(archive_id, size, range, tier, description, sns_topic)| {
            let chunks = size.div_ceil(MIB);
            let range = range.map(|(a, b)| {
                let (first, last) = (a % chunks, b % chunks);
                let (first, last) = (first.min(last), first.max(last));
                ByteRange {
                    start: first * MIB,
                    end: ((last + 1) * MIB).min(size) - 1,
                }
            });
            let request = JobRequest {
                kind: Some(JobKind::ArchiveRetrieval),
                archive_id: Some(archive_id),
                range,
                tier,
                description,
                sns_topic,
                ..JobRequest::default()
            };
            (request, size)
        })
}

fn inventory_request() -> impl Strategy<Value = JobRequest> {
    (
        option::of(one_of(&["json", "JSON", "csv", "Csv"])),
        option::of(date()),
        option::of(date()),
        option::of(1u64..=u64::MAX),
        option::of("[!-~]{1,120}"),
        option::of("[ -~]{0,80}"),
        option::of(topic()),
    )
        .prop_map(
            |(format, first, second, limit, marker, description, sns_topic)| {
                // Dates in this form sort as text, so ordering the strings orders the dates.
                let (start_date, end_date) = match (first, second) {
                    (Some(a), Some(b)) if a == b => (Some(a), None),
                    (Some(a), Some(b)) => (Some(a.clone().min(b.clone())), Some(a.max(b))),
                    other => other,
                };
                JobRequest {
                    kind: Some(JobKind::InventoryRetrieval),
                    format,
                    start_date,
                    end_date,
                    limit: limit.map(|n| n.to_string()),
                    marker,
                    description,
                    sns_topic,
                    ..JobRequest::default()
                }
            },
        )
}

fn any_request() -> impl Strategy<Value = JobRequest> {
    let text = || option::of(any::<String>());
    (
        (
            option::of(prop_oneof![
                Just(JobKind::ArchiveRetrieval),
                Just(JobKind::InventoryRetrieval)
            ]),
            text(),
            option::of((any::<u64>(), any::<u64>())),
            text(),
            text(),
            text(),
        ),
        (text(), text(), text(), text(), text()),
    )
        .prop_map(
            |(
                (kind, archive_id, range, tier, description, sns_topic),
                (format, start_date, end_date, limit, marker),
            )| JobRequest {
                kind,
                archive_id,
                range: range.map(|(start, end)| ByteRange { start, end }),
                tier,
                description,
                sns_topic,
                format,
                start_date,
                end_date,
                limit,
                marker,
            },
        )
}

proptest! {
    #[test]
    fn valid_archive_requests_round_trip((request, size) in archive_request()) {
        let params = validate(&request, Some(size)).unwrap();
        assert_round_trip(&params, Some(size));
    }

    #[test]
    fn valid_inventory_requests_round_trip(request in inventory_request()) {
        let params = validate(&request, None).unwrap();
        assert_round_trip(&params, None);
    }

    #[test]
    fn any_request_gets_an_answer(request in any_request(), size in option::of(any::<u64>())) {
        if let Ok(params) = validate(&request, size) {
            assert_round_trip(&params, size);
        }
    }
}

//! Job-parameter validation from field values, as the command line gives them:
//! any text in any field, any byte range, with the same checks as from JSON.

use defrost::domain::job_params::{JobKind, JobRequest};
use defrost::domain::range::ByteRange;

use crate::engine::{Pool, Rng, Target, Verdict, fields, join, text};
use crate::job_params::check_request;
use crate::mutate::field_mutant;

/// Input: `a` (archive) or `i` (inventory) and a presence mask (`-` leaves a field
/// out), then archive id, range `START-END`, tier, description, SNS topic, format,
/// start date, end date, limit and marker, as fields.
pub struct JobParamsFields;

const TOKENS: &[&[u8]] = &[
    b"Bulk",
    b"standard",
    b"EXPEDITED",
    b"csv",
    b"JSON",
    b"arn:aws:sns:us-east-1:123456789012:topic",
    b"arn:aws-cn:sns:cn-north-1:123456789012:t.fifo",
    b"2024-01-31T00:00:00Z",
    b"2024-02-29",
    b"T23:59:60Z",
    b".5Z",
    b"+01:00",
    b"-1048575",
    b"1048576-",
];

const REQUESTS: &[&[&str]] = &[
    &["a", "EXAMPLEID"],
    &[
        "a",
        "id",
        "0-1048575",
        "Bulk",
        "a description",
        "arn:aws:sns:us-east-1:123456789012:t",
    ],
    &["a-", "", "1048576-2097151", "expedited"],
    &["a", "id", "0-10485760", "standard", "", ""],
    &["a", "id with space", "5-4", "Fast"],
    &["i"],
    &[
        "i-----",
        "",
        "",
        "",
        "d",
        "",
        "CSV",
        "2024-01-01T00:00:00Z",
        "2024-02-01",
        "1000",
        "marker",
    ],
    &[
        "i-----",
        "",
        "",
        "",
        "",
        "",
        "json",
        "2024-01-31",
        "2024-01-31",
        "0",
        "",
    ],
    &["i", "id", "", "Bulk"],
    &["x"],
];

impl Target for JobParamsFields {
    fn name(&self) -> &'static str {
        "job_params_fields"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        REQUESTS
            .iter()
            .map(|fields| {
                let bytes: Vec<&[u8]> = fields.iter().map(|field| field.as_bytes()).collect();
                join(&bytes)
            })
            .collect()
    }

    fn tokens(&self) -> &[&[u8]] {
        TOKENS
    }

    /// Half the time a fresh request of plausible values.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        if rng.one_in(2) {
            return field_mutant(rng, pool, TOKENS, 4096);
        }
        encode(&random_request(rng, pool))
    }

    fn check(&self, input: &[u8]) -> Verdict {
        check_request(&request(input))
    }
}

/// The input that [`request`] reads back as `request`.
fn encode(request: &JobRequest) -> Vec<u8> {
    let kind = match request.kind {
        Some(JobKind::ArchiveRetrieval) => 'a',
        Some(JobKind::InventoryRetrieval) => 'i',
        None => 'x',
    };
    let range = request
        .range
        .map(|range| format!("{}-{}", range.start, range.end));
    let values = [
        &request.archive_id,
        &range,
        &request.tier,
        &request.description,
        &request.sns_topic,
        &request.format,
        &request.start_date,
        &request.end_date,
        &request.limit,
        &request.marker,
    ];
    let mask: String = values
        .iter()
        .map(|v| if v.is_some() { '+' } else { '-' })
        .collect();
    let head = format!("{kind}{mask}");
    let mut fields = vec![head.as_bytes()];
    fields.extend(
        values
            .iter()
            .map(|v| v.as_deref().unwrap_or_default().as_bytes()),
    );
    join(&fields)
}

pub fn request(input: &[u8]) -> JobRequest {
    let parts = fields(input);
    let head = parts[0];
    let field = |at: usize| {
        let present = head.get(at) != Some(&b'-');
        parts
            .get(at)
            .filter(|_| present)
            .map(|bytes| text(bytes).into_owned())
    };
    let range = field(2).and_then(|text| {
        let (start, end) = text.split_once('-')?;
        Some(ByteRange {
            start: start.parse().ok()?,
            end: end.parse().ok()?,
        })
    });
    JobRequest {
        kind: match head.first() {
            Some(b'a') => Some(JobKind::ArchiveRetrieval),
            Some(b'i') => Some(JobKind::InventoryRetrieval),
            _ => None,
        },
        archive_id: field(1),
        range,
        tier: field(3),
        description: field(4),
        sns_topic: field(5),
        format: field(6),
        start_date: field(7),
        end_date: field(8),
        limit: field(9),
        marker: field(10),
    }
}

/// A request of plausible values, valid and not, for each field, mostly those of
/// its own kind of job; a value now and then mutated.
pub fn random_request(rng: &mut Rng, pool: &Pool) -> JobRequest {
    let kind = match rng.below(10) {
        0 => None,
        1..=5 => Some(JobKind::ArchiveRetrieval),
        _ => Some(JobKind::InventoryRetrieval),
    };
    let archive = kind == Some(JobKind::ArchiveRetrieval);
    let value = |rng: &mut Rng, own: bool, choices: &[&str]| {
        if rng.below(if own { 2 } else { 12 }) != 0 {
            return None;
        }
        let mut bytes = rng.pick(choices).as_bytes().to_vec();
        if rng.one_in(8) {
            crate::mutate::mutate(rng, &mut bytes, pool, TOKENS, 2048);
        }
        Some(text(&bytes).into_owned())
    };
    let long_id = "A".repeat(138);
    let long_text = "x".repeat(1024);
    let too_long = "x".repeat(1025);
    let ranges = [
        (0, 1_048_575),
        (1_048_576, 2_097_151),
        (0, 10_485_760),
        (1_048_576, 10_485_760),
        (3_221_225_472, 3_355_443_199),
        (5, 4),
        (0, u64::MAX),
    ];
    JobRequest {
        kind,
        archive_id: value(
            rng,
            archive,
            &["EXAMPLEID", "a", &long_id, "id with space", "", "é"],
        ),
        range: (archive && rng.one_in(2)).then(|| {
            let (start, end) = *rng.pick(&ranges);
            ByteRange { start, end }
        }),
        tier: value(rng, archive, &["Standard", "bulk", "EXPEDITED", "fast", ""]),
        description: value(
            rng,
            true,
            &[
                "",
                "a description",
                &long_text,
                &too_long,
                "tab\t",
                "é",
                "it's \"q\" $(x) `y`",
            ],
        ),
        sns_topic: value(
            rng,
            true,
            &[
                "arn:aws:sns:us-east-1:123456789012:t",
                "arn:aws-cn:sns:cn-north-1:123456789012:t.fifo",
                "arn:aws:sns:useast1:123456789012:t",
                "",
            ],
        ),
        format: value(rng, !archive, &["CSV", "json", "xml"]),
        start_date: value(
            rng,
            !archive,
            &[
                "2024-01-01T00:00:00Z",
                "2024-02-29",
                "2023-02-29",
                "9999-12-31T23:59:59Z",
                "0000-01-01",
            ],
        ),
        end_date: value(
            rng,
            !archive,
            &[
                "2024-02-01T00:00:00Z",
                "2024-01-31T00:00:00.5Z",
                "2024-01-31T00:00:00+01:00",
                "2025-01-01",
            ],
        ),
        limit: value(
            rng,
            !archive,
            &[
                "1",
                "1000",
                "0",
                "0001",
                "-1",
                "18446744073709551615",
                "18446744073709551616",
            ],
        ),
        marker: value(rng, !archive, &["m", "a b", "", "opaque-marker_123"]),
    }
}

//! Job-parameter validation from a JSON body: whatever is accepted holds only what
//! Glacier takes, and its JSON (compact, pretty, and inside the aws CLI line, as a
//! shell reads it back) validates again to the same parameters.

use defrost::domain::job_params::{
    AwsCliOptions, JobParams, JobRequest, MAX_DESCRIPTION_BYTES, ParamsError, validate,
};
use defrost::domain::range::{MIB, is_mib_aligned};

use serde_json::{Map, Value};

use crate::engine::{Pool, Rng, Target, Verdict, text, wording};
use crate::job_params_fields::random_request;
use crate::mutate::{mutant, mutate};

/// Archive sizes each request is validated against; `None` is an unknown size.
pub const SIZES: &[Option<u64>] = &[
    None,
    Some(0),
    Some(1),
    Some(MIB),
    Some(10 * MIB + 1),
    Some(3 << 30),
    Some(u64::MAX),
];

pub struct JobParamsJson;

const TOKENS: &[&[u8]] = &[
    b"\"Type\"",
    b"\"archive-retrieval\"",
    b"\"inventory-retrieval\"",
    b"\"select\"",
    b"\"ArchiveId\"",
    b"\"Description\"",
    b"\"SNSTopic\"",
    b"\"arn:aws:sns:us-east-1:123456789012:t\"",
    b"\"arn:aws-cn:sns:cn-north-1:123456789012:t.fifo\"",
    b"\"RetrievalByteRange\"",
    b"\"0-1048575\"",
    b"\"Tier\"",
    b"\"Bulk\"",
    b"\"Expedited\"",
    b"\"Format\"",
    b"\"CSV\"",
    b"\"InventoryRetrievalParameters\"",
    b"\"StartDate\"",
    b"\"EndDate\"",
    b"\"2024-01-31T00:00:00Z\"",
    b"\"2024-02-29\"",
    b"\"Limit\"",
    b"\"Marker\"",
    b"'",
];

const BODIES: &[&str] = &[
    r#"{"Type":"archive-retrieval","ArchiveId":"EXAMPLEID"}"#,
    r#"{"Type":"archive-retrieval","ArchiveId":"abc","Description":"d","SNSTopic":"arn:aws:sns:us-east-1:123456789012:t","RetrievalByteRange":"0-1048575","Tier":"Bulk"}"#,
    r#"{"Type":"archive-retrieval","ArchiveId":"x-_9","RetrievalByteRange":"1048576-10485760","Tier":"expedited"}"#,
    r#"{"Type":"archive-retrieval","ArchiveId":"id","RetrievalByteRange":"3221225472-3355443199","Tier":"Standard","Description":"it's \"quoted\" $(x) `y`"}"#,
    r#"{"Type":"inventory-retrieval"}"#,
    r#"{"Type":"inventory-retrieval","Format":"CSV","InventoryRetrievalParameters":{"StartDate":"2024-01-01T00:00:00Z","EndDate":"2024-02-01T00:00:00Z","Limit":"100","Marker":"m"}}"#,
    r#"{"Type":"inventory-retrieval","Format":"json","InventoryRetrievalParameters":{"StartDate":"2024-01-31","Limit":"0001"}}"#,
    r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":null},"RetrievalByteRange":null}"#,
    r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"Limit":100}}"#,
    r#"{"Type":"inventory-retrieval","SNSTopic":"arn:aws-us-gov:sns:us-gov-west-1:123456789012:orders.fifo"}"#,
    r#"{"Type":"select"}"#,
    r#"{"Descripton":"x"}"#,
    r#"{"Type":"archive-retrieval","ArchiveId":"a","RetrievalByteRange":"9-3"}"#,
    r#"{"Type":"inventory-retrieval","InventoryRetrievalParameters":{"StartDate":"2024-01-31T00:00:00.5Z","EndDate":"2024-01-31T00:00:00+01:00"}}"#,
    "[]",
    "{",
];

impl Target for JobParamsJson {
    fn name(&self) -> &'static str {
        "job_params_json"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        BODIES.iter().map(|body| body.as_bytes().to_vec()).collect()
    }

    fn tokens(&self) -> &[&[u8]] {
        TOKENS
    }

    fn max_len(&self) -> usize {
        4096
    }

    /// Half the time a fresh request of plausible values in Glacier's JSON.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        if rng.one_in(2) {
            return mutant(rng, pool, TOKENS, self.max_len());
        }
        let request = random_request(rng, pool);
        let mut json = wire_json(rng, &request);
        if rng.one_in(4) {
            mutate(rng, &mut json, pool, TOKENS, self.max_len());
        }
        json
    }

    fn check(&self, input: &[u8]) -> Verdict {
        match JobRequest::from_json(&text(input)) {
            Ok(request) => check_request(&request),
            Err(error) => Verdict::rejected(wording(&error.to_string())),
        }
    }
}

/// `request` as the JSON body `--job-parameters` takes, members in any order,
/// some absent ones written as null, `Limit` now and then as a bare number.
fn wire_json(rng: &mut Rng, request: &JobRequest) -> Vec<u8> {
    let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::String);
    let limit = match request.limit.as_deref().map(str::parse::<u64>) {
        Some(Ok(number)) if rng.one_in(10) => Value::from(number),
        _ => text(&request.limit),
    };
    let filters = [
        ("StartDate", text(&request.start_date)),
        ("EndDate", text(&request.end_date)),
        ("Limit", limit),
        ("Marker", text(&request.marker)),
    ];
    let filters = object(rng, filters.into_iter().collect());
    let range = request
        .range
        .map(|r| Value::String(format!("{}-{}", r.start, r.end)));
    let members = vec![
        (
            "Type",
            request
                .kind
                .map_or(Value::Null, |kind| kind.as_str().into()),
        ),
        ("ArchiveId", text(&request.archive_id)),
        ("Description", text(&request.description)),
        ("SNSTopic", text(&request.sns_topic)),
        ("RetrievalByteRange", range.unwrap_or(Value::Null)),
        ("Tier", text(&request.tier)),
        ("Format", text(&request.format)),
        ("InventoryRetrievalParameters", filters),
    ];
    let body = object(rng, members);
    let written = if rng.one_in(3) {
        serde_json::to_vec_pretty(&body)
    } else {
        serde_json::to_vec(&body)
    };
    written.unwrap_or_default()
}

/// An object of the members that are set, in shuffled order, with a null member
/// now and then; null itself when no member is set.
fn object(rng: &mut Rng, mut members: Vec<(&str, Value)>) -> Value {
    for at in (1..members.len()).rev() {
        members.swap(at, rng.below(at + 1));
    }
    let mut map = Map::new();
    for (key, value) in members {
        let empty =
            matches!(&value, Value::Null) || matches!(&value, Value::Object(m) if m.is_empty());
        if !empty || rng.one_in(12) {
            map.insert(key.to_owned(), value);
        }
    }
    if map.is_empty() && !rng.one_in(4) {
        return Value::Null;
    }
    Value::Object(map)
}

/// Validates `request` against every size in [`SIZES`] and checks what is accepted.
pub fn check_request(request: &JobRequest) -> Verdict {
    let mut accepted = 0;
    let mut last_error = None;
    for &size in SIZES {
        match validate(request, size) {
            Ok(params) => {
                check_accepted(&params, request, size);
                accepted += 1;
            }
            Err(error) => last_error = Some(error),
        }
    }
    match last_error {
        Some(error) if accepted == 0 => Verdict::rejected(error_kind(&error)),
        _ => {
            let present = [
                request.range.is_some(),
                request.tier.is_some(),
                request.description.is_some(),
                request.sns_topic.is_some(),
                request.format.is_some(),
                request.start_date.is_some(),
                request.end_date.is_some(),
                request.limit.is_some(),
                request.marker.is_some(),
            ];
            Verdict::accepted((request.kind.map(|kind| kind.as_str()), present, accepted))
        }
    }
}

fn error_kind(error: &ParamsError) -> u64 {
    wording(&error.to_string())
}

fn check_accepted(params: &JobParams, request: &JobRequest, size: Option<u64>) {
    assert_eq!(
        params.kind(),
        request.kind.expect("accepted without a Type")
    );
    if let Some(description) = params.description() {
        assert!(description.len() <= MAX_DESCRIPTION_BYTES);
        assert!(description.bytes().all(|b| (b' '..=b'~').contains(&b)));
    }
    match params {
        JobParams::Archive(job) => {
            let id = job.archive_id();
            assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic()));
            if let Some(range) = job.range() {
                match size {
                    Some(size) => assert!(is_mib_aligned(size, range), "{range} in {size}"),
                    None => {
                        assert!(
                            range.start.is_multiple_of(MIB) && range.end % MIB == MIB - 1,
                            "{range}"
                        );
                    }
                }
            }
        }
        JobParams::Inventory(job) => {
            if let (Some(start), Some(end)) = (job.start_date(), job.end_date()) {
                assert!(start < end);
            }
            if let Some(marker) = job.marker() {
                assert!(!marker.is_empty() && marker.bytes().all(|b| b.is_ascii_graphic()));
            }
        }
    }
    let again = |json: &str, how: &str| {
        let request = JobRequest::from_json(json)
            .unwrap_or_else(|err| panic!("the {how} JSON does not read: {err}\n{json}"));
        let params_again = validate(&request, size)
            .unwrap_or_else(|err| panic!("the {how} JSON is refused: {err}\n{json}"));
        assert_eq!(&params_again, params, "the {how} JSON means something else");
    };
    again(&params.to_json_compact(), "compact");
    again(&params.to_json_pretty(), "pretty");
    let options = AwsCliOptions {
        profile: Some("my profile".into()),
        region: Some("us-east-1".into()),
        endpoint_url: None,
    };
    let line = params
        .aws_cli_command("vault.name-1", &options)
        .expect("checked parameters make a command line");
    let words = shlex::split(&line).expect("the command line splits as a shell splits it");
    let at = words
        .iter()
        .position(|word| word == "--job-parameters")
        .expect("the command line has --job-parameters");
    again(&words[at + 1], "aws CLI");
}

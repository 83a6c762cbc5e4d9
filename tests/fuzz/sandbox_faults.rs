//! Fault specs as the admin endpoint reads them (JSON) and as a seed file holds
//! them (TOML): an accepted fault writes back to itself, and fires only within its
//! scope and on the bytes it names; an accepted seed plans its archives.

use axum::http::{Method, StatusCode};
use defrost::domain::names::{Format, decode};
use defrost::sandbox::faults::{FaultBook, FaultKind, FaultSpec, classify};
use defrost::sandbox::seed::describe::DescriptionFormat;
use defrost::sandbox::seed::{self, plan_archives};
use defrost::sandbox::seeding::check_seed;
use time::Duration;

use crate::corpus::NAMES;
use crate::engine::{Pool, Rng, Target, Verdict, fields, join, text, wording};
use crate::mutate::field_mutant;
use crate::sandbox_state::NOW;

/// Input: the fault's JSON, then a request's method and path, and a download's
/// vault, job and body range (`START-END`), as fields.
pub struct SandboxFaults;

const FAULTS: &[&str] = &[
    r#"{"kind":"flip_byte","vault":"family-photos","offset":1048576}"#,
    r#"{"kind":"flip_byte","offset":0,"xor":1,"persistent":true}"#,
    r#"{"kind":"drop_output","after_bytes":100,"job_id":"J","count":2}"#,
    r#"{"kind":"throttling","operation":"DescribeJob","count":3}"#,
    r#"{"kind":"service_unavailable","vault":"v","message":"down"}"#,
    r#"{"kind":"fail_job","vault":"v","message":"no"}"#,
    r#"{"kind":"fail_job","job_id":"J"}"#,
    r#"{"kind":"fail_job","offset":5}"#,
    r#"{"kind":"flip_byte","offset":5,"xor":0}"#,
    r#"{"kind":"throttling","count":0}"#,
];

impl Target for SandboxFaults {
    fn name(&self) -> &'static str {
        "sandbox_faults"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let requests: [&[&str]; 3] = [
            &["GET", "/-/vaults/v/jobs/J/output", "v", "J", "0-2097152"],
            &[
                "GET",
                "/123456789012/vaults/family-photos/jobs/J",
                "family-photos",
                "J",
                "1048576-1048577",
            ],
            &[
                "POST",
                "/-/vaults/v/jobs",
                "v",
                "K",
                "50-18446744073709551615",
            ],
        ];
        FAULTS
            .iter()
            .enumerate()
            .map(|(at, fault)| {
                let mut parts = vec![fault.as_bytes()];
                parts.extend(requests[at % requests.len()].iter().map(|f| f.as_bytes()));
                join(&parts)
            })
            .collect()
    }

    fn tokens(&self) -> &[&[u8]] {
        &[
            b"\"kind\"",
            b"\"flip_byte\"",
            b"\"drop_output\"",
            b"\"fail_job\"",
            b"\"throttling\"",
            b"\"service_unavailable\"",
            b"\"vault\"",
            b"\"job_id\"",
            b"\"operation\"",
            b"\"GetJobOutput\"",
            b"\"count\"",
            b"\"persistent\"",
            b"\"after_bytes\"",
            b"\"offset\"",
            b"\"xor\"",
            b"\"message\"",
        ]
    }

    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        field_mutant(rng, pool, self.tokens(), 4096)
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let parts = fields(input);
        let spec: FaultSpec = match serde_json::from_slice(parts[0]) {
            Ok(spec) => spec,
            Err(error) => return Verdict::rejected(wording(&error.to_string())),
        };
        check_written_back(&spec);
        let mut book = FaultBook::default();
        if book.add(spec.clone()).is_err() {
            assert!(spec.fails_an_existing_job().is_some());
            return Verdict::accepted("acts on a job");
        }
        let field = |at: usize| text(parts.get(at).copied().unwrap_or_default()).into_owned();
        let method = Method::from_bytes(field(1).as_bytes()).unwrap_or(Method::GET);
        let request = classify(&method, &field(2), None);
        if let Some(error) = book.request_error(&request) {
            assert!(spec.kind.is_error_reply());
            assert!(
                spec.operation
                    .is_none_or(|wanted| request.operation == Some(wanted))
            );
            assert!(spec.vault.is_none() || spec.vault == request.vault);
            assert!(spec.job_id.is_none() || spec.job_id == request.job_id);
            let expected = match spec.kind {
                FaultKind::Throttling => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            assert_eq!(error.status, expected);
        }
        let (vault, job) = (field(3), field(4));
        let body = field(5);
        let (start, end) = body
            .split_once('-')
            .and_then(|(s, e)| Some((s.parse::<u64>().ok()?, e.parse::<u64>().ok()?)))
            .unwrap_or((0, 0));
        let body = start..end.max(start);
        let faults = book.output_faults(&vault, &job, body.clone());
        assert_eq!(faults.body_start, body.start);
        let sent_end = faults.drop_after.map_or(body.end, |after| {
            assert!(after < body.end - body.start, "a drop after the body's end");
            body.start + after
        });
        for (offset, xor) in &faults.flips {
            assert!(
                (body.start..sent_end).contains(offset),
                "a flip outside the bytes sent"
            );
            assert_ne!(*xor, 0);
        }
        let scope = (spec.vault.is_some(), spec.job_id.is_some(), spec.operation);
        Verdict::accepted((spec.kind.name(), scope, faults.is_empty()))
    }
}

/// The written form of an accepted fault, JSON or TOML, reads back as itself.
fn check_written_back(spec: &FaultSpec) {
    let json = serde_json::to_string(spec).expect("a fault writes as JSON");
    let again: FaultSpec = serde_json::from_str(&json)
        .unwrap_or_else(|err| panic!("the fault written as {json} does not read: {err}"));
    assert_eq!(&again, spec);
}

/// Input: a seed file, as `defrost sandbox --seed` reads and checks it.
pub struct SandboxSeed;

impl Target for SandboxSeed {
    fn name(&self) -> &'static str {
        "sandbox_seed"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let demo = std::fs::read(format!(
            "{}/assets/demo-seed.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("the demo seed is readable");
        let formats = [
            "mt2",
            "mt1",
            "fastglacier",
            "fastglacier-v1",
            "cloudberry",
            "qnap",
            "raw",
            "empty",
        ];
        let mut corpus = vec![demo];
        for (at, name) in NAMES.iter().enumerate() {
            let name = toml_string(name);
            let format = formats[at % formats.len()];
            corpus.push(format!(
                "[account]\nbytes_per_hour = \"1GiB\"\n\n[[vaults]]\nname = \"v{at}\"\ncreated = \"2019-03-01T10:00:00Z\"\n\n[[vaults.archives]]\nname = {name}\nformat = \"{format}\"\nsize = {at}\n\n[[vaults.generated]]\ncount = 2\nseed = {at}\nmax_size = \"1MiB\"\n\n[[faults]]\nkind = \"throttling\"\noperation = \"DescribeJob\"\ncount = 3\n"
            ).into_bytes());
        }
        corpus.push(b"[[vaults]]\nname = \"x\"\ncreated = \"9999-12-31T23:59:59Z\"\n[[vaults.archives]]\ndescription = \"d\"\nsize = \"1.5KiB\"\n".to_vec());
        corpus.push(b"[[vaults]]\nname = \"x\"\n[[vaults.faults]]\nkind = \"flip_byte\"\noffset = 5\nvault = \"y\"\n".to_vec());
        corpus
    }

    fn tokens(&self) -> &[&[u8]] {
        &[
            b"[[vaults]]\n",
            b"[[vaults.archives]]\n",
            b"[[vaults.generated]]\n",
            b"[[faults]]\n",
            b"name = ",
            b"size = ",
            b"created = ",
            b"count = ",
            b"seed = ",
            b"format = ",
            b"\"\"\"",
            b"'''",
            b"9999-12-31T23:59:59Z",
            b"-9999-01-01T00:00:00Z",
            b"0000-01-01T00:00:00+23:59",
        ]
    }

    fn check(&self, input: &[u8]) -> Verdict {
        // Parsing reads the file; the second check is what parsing cannot see.
        let seed = match seed::parse(&text(input)) {
            Ok(seed) => seed,
            Err(message) => return Verdict::rejected(wording(&message)),
        };
        if let Err(problem) = check_seed(&seed) {
            return Verdict::rejected(wording(&problem.message));
        }
        for fault in seed.all_faults() {
            check_written_back(&fault);
        }
        let mut planned = 0;
        for vault in &seed.vaults {
            // Generated batches are capped: a seed may ask for billions of archives.
            let mut vault = vault.clone();
            for batch in &mut vault.generated {
                batch.count = batch.count.min(3);
            }
            let created = vault.created.unwrap_or(NOW - Duration::days(30));
            let archives = plan_archives(&vault, created, NOW);
            for (at, archive) in archives.iter().enumerate() {
                assert!(
                    archive
                        .description
                        .bytes()
                        .all(|b| (b' '..=b'~').contains(&b))
                );
                let Some(listed) = vault.archives.get(at) else {
                    continue;
                };
                let format = listed.format.unwrap_or(DescriptionFormat::Raw);
                let Some(name) = listed.name.as_deref().filter(|name| !name.is_empty()) else {
                    continue;
                };
                if !matches!(format, DescriptionFormat::Raw | DescriptionFormat::Empty) {
                    let decoded = decode(&archive.description);
                    assert_ne!(decoded.format, Format::Raw, "{:?}", archive.description);
                    assert_eq!(
                        decoded.name.as_deref(),
                        Some(name),
                        "{:?}",
                        archive.description
                    );
                }
            }
            planned += archives.len();
        }
        Verdict::accepted((seed.vaults.len().min(4), planned.min(8)))
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

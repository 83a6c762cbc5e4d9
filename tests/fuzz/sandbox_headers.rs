//! The sandbox's request rules, called directly: `Range`, checksum, length, part
//! size, `Content-Range` and description headers, `limit` and `marker` query
//! parameters, vault names, the operation a path names, and the policy and
//! notification bodies. Each input names its rule in its first field.

use axum::http::Method;
use defrost::domain::job_params::check_vault_name;
use defrost::domain::range::MIB;
use defrost::sandbox::archives::{
    MAX_DESCRIPTION_LEN, parse_byte_count, parse_description, parse_digest_header,
};
use defrost::sandbox::error::GlacierResult;
use defrost::sandbox::faults::classify;
use defrost::sandbox::jobs::{
    decode_marker, get_notifications, parse_range_header, set_notifications,
};
use defrost::sandbox::multipart::listing::{list_parts, list_uploads};
use defrost::sandbox::multipart::{
    MAX_PART_SIZE, MAX_PARTS, parse_content_range, parse_part_size, part_index,
};
use defrost::sandbox::policy::{parse_policy, policy_json};
use defrost::sandbox::vaults::{parse_limit, validate_vault_name};

use crate::engine::{Pool, Rng, Target, Verdict, fields, hash_of, join, text};
use crate::mutate::field_mutant;
use crate::sandbox_state::{VAULT, context, markers, state, upload, vault_arn};

pub struct SandboxHeaders;

/// A number from a field, or one of `choices` picked by the field's bytes.
fn number_or(field: Option<&[u8]>, choices: &[u64]) -> u64 {
    let bytes = field.unwrap_or_default();
    text(bytes)
        .parse()
        .unwrap_or_else(|_| choices[(hash_of(&bytes) % choices.len() as u64) as usize])
}

const TOTALS: &[u64] = &[0, 1, 2, MIB, 10 * MIB + 1, u64::MAX];

impl Target for SandboxHeaders {
    fn name(&self) -> &'static str {
        "sandbox_headers"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let mut inputs: Vec<Vec<&str>> = vec![
            vec!["range", "bytes=0-1048575", "10485761"],
            vec!["range", "bytes=5-", "6"],
            vec!["range", " bytes=0-0 ", "1"],
            vec!["range", "bytes=-5", "100"],
            vec!["digest", hash],
            vec![
                "digest",
                "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            ],
            vec!["digest"],
            vec!["count", "1048576"],
            vec!["count", "007"],
            vec!["desc", "my archive, \"quoted\""],
            vec!["desc"],
            vec!["partsize", "1048576"],
            vec!["partsize", "4294967296"],
            vec!["crange", "bytes 0-1048575/*", "1048576", "1048576"],
            vec![
                "crange",
                "bytes 2097152-3145727/4194304",
                "1048576",
                "1048576",
            ],
            vec!["crange", "bytes 1048576-1048580/*", "1048576", "5"],
            vec!["limit", "10", "1000"],
            vec!["limit", "0", "50"],
            vec!["vault", "photos_2024-backup.v1"],
            vec!["vault", "my vault"],
            vec!["classify", "GET", "/-/vaults/v/jobs/J/output"],
            vec![
                "classify",
                "POST",
                "/123456789012/vaults/v/tags",
                "operation=add",
            ],
            vec!["classify", "PUT", "/-/policies/data-retrieval"],
            vec![
                "policy",
                r#"{"Policy":{"Rules":[{"Strategy":"BytesPerHour","BytesPerHour":10737418240}]}}"#,
            ],
            vec![
                "policy",
                r#"{"Policy":{"Rules":[{"Strategy":"FreeTier"}]}}"#,
            ],
            vec![
                "policy",
                r#"{"Policy":{"Rules":[{"Strategy":"None","BytesPerHour":null}]}}"#,
            ],
            vec![
                "notify",
                r#"{"SNSTopic":"arn:aws:sns:us-east-1:123456789012:t","Events":["ArchiveRetrievalCompleted","InventoryRetrievalCompleted"]}"#,
            ],
            vec![
                "notify",
                r#"{"SNSTopic":"arn:aws:sns:us-east-1:123456789012:t","Events":[]}"#,
            ],
            vec!["parts", "1048576", "2"],
            vec!["parts", "3145728"],
            vec!["uploads", "upload", "1"],
        ];
        let markers = markers();
        inputs.extend(markers.iter().map(|marker| vec!["marker", marker.as_str()]));
        inputs
            .iter()
            .map(|input| join(&input.iter().map(|f| f.as_bytes()).collect::<Vec<_>>()))
            .collect()
    }

    fn tokens(&self) -> &[&[u8]] {
        &[
            b"bytes=",
            b"bytes ",
            b"/*",
            b"-",
            b"/",
            b"vaults",
            b"jobs",
            b"output",
            b"multipart-uploads",
            b"Strategy",
            b"BytesPerHour",
            b"Events",
        ]
    }

    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        field_mutant(rng, pool, self.tokens(), 4096)
    }

    fn check(&self, input: &[u8]) -> Verdict {
        let parts = fields(input);
        let value = parts.get(1).copied();
        let arg = |at: usize| parts.get(at).copied();
        let outcome: GlacierResult<()> = match parts[0] {
            b"range" => range(&text(value.unwrap_or_default()), number_or(arg(2), TOTALS)),
            b"digest" => parse_digest_header("x-amz-sha256-tree-hash", value).map(|hash| {
                let written = hash.to_string();
                assert!(written.eq_ignore_ascii_case(&text(value.unwrap_or_default())));
            }),
            b"count" => parse_byte_count("Content-Length", value).map(|count| {
                let digits = text(value.unwrap_or_default()).into_owned();
                assert_eq!(Ok(u128::from(count)), digits.parse::<u128>());
                assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            }),
            b"desc" => parse_description(value).map(|description| {
                assert_eq!(description.as_bytes(), value.unwrap_or_default());
                assert!(description.len() <= MAX_DESCRIPTION_LEN);
                assert!(description.bytes().all(|b| (b' '..=b'~').contains(&b)));
            }),
            b"partsize" => parse_part_size(value).map(|size| {
                assert!((MIB..=MAX_PART_SIZE).contains(&size) && (size / MIB).is_power_of_two());
                assert!(size.is_multiple_of(MIB));
            }),
            b"crange" => content_range(
                value,
                number_or(arg(2), &[MIB, 4 * MIB, MAX_PART_SIZE]),
                number_or(arg(3), &[0, 1, MIB]),
            ),
            b"limit" => {
                let max = number_or(arg(2), &[1, 50, 1000]).clamp(1, 1 << 20) as usize;
                parse_limit(value.map(text).as_deref(), 10, max).map(|limit| {
                    assert!((1..=max).contains(&limit));
                })
            }
            b"vault" => vault_name(&text(value.unwrap_or_default())),
            b"marker" => decode_marker(&text(value.unwrap_or_default())).map(|(at, id)| {
                let entry = defrost::sandbox::model::InventoryEntry {
                    archive_id: id.clone(),
                    description: String::new(),
                    created: at,
                    size: 0,
                    tree_hash: String::new(),
                };
                let again = decode_marker(&defrost::sandbox::jobs::encode_marker(&entry));
                assert_eq!(again, Ok((at, id)));
            }),
            b"classify" => {
                operation(
                    value.unwrap_or_default(),
                    &text(arg(2).unwrap_or_default()),
                    arg(3),
                );
                Ok(())
            }
            b"policy" => parse_policy(value.unwrap_or_default()).map(|policy| {
                let written = policy_json(&policy).to_string();
                assert_eq!(parse_policy(written.as_bytes()), Ok(policy));
            }),
            b"notify" => notifications(value.unwrap_or_default()),
            b"parts" => {
                let limit = arg(2).map(text);
                list_parts(
                    &upload(),
                    &vault_arn(),
                    value.map(text).as_deref(),
                    limit.as_deref(),
                )
                .map(|listing| {
                    let parts = listing["Parts"].as_array().map_or(0, Vec::len);
                    assert!(parts <= 50);
                })
            }
            b"uploads" => {
                let limit = arg(2).map(text);
                let vault = &state().vaults[VAULT];
                list_uploads(
                    vault,
                    &context(),
                    value.map(text).as_deref(),
                    limit.as_deref(),
                )
                .map(drop)
            }
            _ => return Verdict::rejected("no such rule"),
        };
        match outcome {
            Ok(()) => Verdict::accepted(parts[0]),
            Err(error) => {
                assert!(!error.message.is_empty());
                Verdict::rejected((parts[0], error.code))
            }
        }
    }
}

fn range(header: &str, total: u64) -> GlacierResult<()> {
    let range = parse_range_header(header, total)?;
    assert!(
        range.start <= range.end && range.end < total,
        "{range} of {total}"
    );
    let again = parse_range_header(&format!("bytes={}-{}", range.start, range.end), total);
    assert_eq!(again, Ok(range));
    Ok(())
}

fn content_range(header: Option<&[u8]>, part_size: u64, length: u64) -> GlacierResult<()> {
    let range = parse_content_range(header)?;
    assert!(range.start <= range.end);
    let count = u128::from(range.end) - u128::from(range.start) + 1;
    // Saturated, as for `ByteRange::len`, for the one count a u64 cannot hold.
    let saturated = count.min(u128::from(u64::MAX));
    assert_eq!(
        u128::from(range.byte_count()),
        saturated,
        "the byte count of {range:?}"
    );
    let mut upload = upload();
    upload.part_size = part_size;
    let index = part_index(&upload, range, length)?;
    assert!(range.start.is_multiple_of(part_size) && index == range.start / part_size);
    assert!(count <= u128::from(part_size) && count == u128::from(length));
    assert!(index < MAX_PARTS);
    Ok(())
}

/// The sandbox's rule and the job parameters' rule for vault names agree.
fn vault_name(name: &str) -> GlacierResult<()> {
    let outcome = validate_vault_name(name);
    assert_eq!(outcome.is_ok(), check_vault_name(name).is_ok(), "{name:?}");
    if outcome.is_ok() {
        assert!((1..=255).contains(&name.len()));
    }
    outcome
}

fn operation(method: &[u8], path: &str, query: Option<&[u8]>) {
    let method = Method::from_bytes(method).unwrap_or(Method::GET);
    let query = query.map(text);
    let info = classify(&method, path, query.as_deref());
    if let Some(vault) = &info.vault {
        assert!(path.contains(vault.as_str()));
    }
    if let Some(job) = &info.job_id {
        assert!(info.vault.is_some() && path.contains(job.as_str()));
    }
}

fn notifications(body: &[u8]) -> GlacierResult<()> {
    let mut changed = state().clone();
    set_notifications(&mut changed, &context(), VAULT, body)?;
    let written = get_notifications(&changed, &context(), VAULT)?.to_string();
    let config = changed.vaults[VAULT].notifications.clone();
    set_notifications(&mut changed, &context(), VAULT, written.as_bytes())?;
    assert_eq!(changed.vaults[VAULT].notifications, config);
    Ok(())
}

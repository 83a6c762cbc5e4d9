//! A fault as an admin or a seed writes it (flat JSON or TOML keys), checked into a
//! `FaultSpec` whose every field means something for its kind.

use serde::{Deserialize, Deserializer, Serialize};

use super::operations::{OPERATIONS, known_operation, known_s3_operation, s3_operation_names};
use crate::sandbox::vaults::validate_vault_name;

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// A job initiated in scope ends `Failed` with the fault's message.
    FailJob,
    /// A job-output body ends with an error after `after_bytes` bytes.
    DropOutput { after_bytes: u64 },
    /// A job-output body sends `after_bytes` bytes, then nothing more, with the
    /// connection kept open, until the client gives up.
    StallOutput { after_bytes: u64 },
    /// The byte at `offset` of a job's output is XORed with `xor`.
    FlipByte { offset: u64, xor: u8 },
    /// Requests in scope get 500 `ServiceUnavailableException`.
    ServiceUnavailable,
    /// Requests in scope get 400 `ThrottlingException`.
    Throttling,
    /// Requests in scope get 403 `AccessDeniedException`, as a vault lock or an
    /// access policy that forbids them answers.
    AccessDenied,
}

impl FaultKind {
    pub fn name(self) -> &'static str {
        self.tag().name()
    }

    fn tag(self) -> KindTag {
        match self {
            FaultKind::FailJob => KindTag::FailJob,
            FaultKind::DropOutput { .. } => KindTag::DropOutput,
            FaultKind::StallOutput { .. } => KindTag::StallOutput,
            FaultKind::FlipByte { .. } => KindTag::FlipByte,
            FaultKind::ServiceUnavailable => KindTag::ServiceUnavailable,
            FaultKind::Throttling => KindTag::Throttling,
            FaultKind::AccessDenied => KindTag::AccessDenied,
        }
    }

    /// Whether the fault answers requests with an error (as opposed to acting on
    /// jobs or their output).
    pub fn is_error_reply(self) -> bool {
        matches!(
            self,
            FaultKind::ServiceUnavailable | FaultKind::Throttling | FaultKind::AccessDenied
        )
    }
}

/// How many times a fault fires before it is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uses {
    Times(u64),
    Always,
}

/// A checked fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "FaultText")]
pub struct FaultSpec {
    pub kind: FaultKind,
    /// Only requests, jobs and outputs of this vault.
    pub vault: Option<String>,
    /// Only this job (its DescribeJob and GetJobOutput requests, its output).
    pub job_id: Option<String>,
    /// Only this operation: Glacier's, or the S3 endpoint's as `s3:Name`
    /// (error replies only).
    pub operation: Option<&'static str>,
    /// The error message or the failed job's status message.
    pub message: Option<String>,
    pub uses: Uses,
    /// Requests in scope let through before an error reply fires: 0 fires on
    /// the first. So a failure can strike in the middle of a run ("the third
    /// part fails"), and a fault that never fires counts requests.
    pub after_requests: u64,
}

impl FaultSpec {
    /// A fault of `kind` for everything, firing once.
    pub fn once(kind: FaultKind) -> Self {
        Self {
            kind,
            vault: None,
            job_id: None,
            operation: None,
            message: None,
            uses: Uses::Times(1),
            after_requests: 0,
        }
    }

    /// The `StatusMessage` a job failed by this fault reports.
    pub fn job_failure_message(&self) -> String {
        self.message
            .clone()
            .unwrap_or_else(|| "The job failed: an injected fault; initiate the job again".into())
    }

    /// A `fail_job` fault that names its job acts on that job when it is given,
    /// instead of waiting, as a rule, for jobs still to come.
    pub fn fails_an_existing_job(&self) -> Option<&str> {
        match self.kind {
            FaultKind::FailJob => self.job_id.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindTag {
    FailJob,
    DropOutput,
    StallOutput,
    FlipByte,
    ServiceUnavailable,
    Throttling,
    AccessDenied,
}

impl KindTag {
    fn name(self) -> &'static str {
        match self {
            KindTag::FailJob => "fail_job",
            KindTag::DropOutput => "drop_output",
            KindTag::StallOutput => "stall_output",
            KindTag::FlipByte => "flip_byte",
            KindTag::ServiceUnavailable => "service_unavailable",
            KindTag::Throttling => "throttling",
            KindTag::AccessDenied => "access_denied",
        }
    }
}

/// The written form: every key of every kind, checked by `FaultSpec::try_from`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultText {
    kind: KindTag,
    #[serde(skip_serializing_if = "Option::is_none")]
    vault: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    persistent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    after_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after_requests: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    xor: Option<u8>,
}

// By hand rather than `#[serde(try_from)]`: the derive would demand `'de: 'static`
// for the `&'static str` field, so nothing could be read from a request body.
impl<'de> Deserialize<'de> for FaultSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = FaultText::deserialize(deserializer)?;
        FaultSpec::try_from(text).map_err(serde::de::Error::custom)
    }
}

/// Flipping every bit of the byte makes the damage plain in a hex dump.
const DEFAULT_XOR: u8 = 0xFF;

impl TryFrom<FaultText> for FaultSpec {
    type Error = String;

    fn try_from(text: FaultText) -> Result<Self, String> {
        let kind = checked_kind(&text)?;
        let uses = checked_uses(&text)?;
        if let Some(vault) = &text.vault {
            validate_vault_name(vault).map_err(|err| err.message)?;
        }
        if text.job_id.as_deref() == Some("") {
            return Err("job_id is empty; give a job id or leave the key out".into());
        }
        let operation = match &text.operation {
            None => None,
            Some(_) if !kind.is_error_reply() => {
                return Err(format!(
                    "operation applies to service_unavailable and throttling faults, not to {}",
                    kind.name()
                ));
            }
            Some(name) => Some(
                known_operation(name)
                    .or_else(|| known_s3_operation(name))
                    .ok_or_else(|| {
                        format!(
                            "operation {name:?} is not a Glacier operation or one of the S3 endpoint's; use one of {}, or {}",
                            OPERATIONS.join(", "),
                            s3_operation_names().collect::<Vec<_>>().join(", ")
                        )
                    })?,
            ),
        };
        let for_s3 = operation.is_some_and(|name| known_s3_operation(name).is_some());
        if for_s3 && (text.vault.is_some() || text.job_id.is_some()) {
            return Err(
                "vault and job_id do not apply to S3 operations; leave them out of a fault for an s3: operation"
                    .into(),
            );
        }
        if text.after_requests.is_some() && !kind.is_error_reply() {
            return Err(format!(
                "after_requests applies to service_unavailable, throttling and access_denied faults, not to {}",
                kind.name()
            ));
        }
        if text.message.is_some() && !matches!(kind, FaultKind::FailJob) && !kind.is_error_reply() {
            return Err(format!(
                "message applies to fail_job, service_unavailable and throttling faults, not to {}",
                kind.name()
            ));
        }
        Ok(FaultSpec {
            kind,
            vault: text.vault,
            job_id: text.job_id,
            operation,
            message: text.message,
            uses,
            after_requests: text.after_requests.unwrap_or(0),
        })
    }
}

fn checked_kind(text: &FaultText) -> Result<FaultKind, String> {
    let kind_name = text.kind.name();
    let only_for = |key: &str, given: bool, owner: KindTag| {
        if given && text.kind != owner {
            Err(format!(
                "{key} applies to {} faults, not to {kind_name}",
                owner.name()
            ))
        } else {
            Ok(())
        }
    };
    if text.after_bytes.is_some()
        && !matches!(text.kind, KindTag::DropOutput | KindTag::StallOutput)
    {
        return Err(format!(
            "after_bytes applies to drop_output and stall_output faults, not to {kind_name}"
        ));
    }
    only_for("offset", text.offset.is_some(), KindTag::FlipByte)?;
    only_for("xor", text.xor.is_some(), KindTag::FlipByte)?;
    Ok(match text.kind {
        KindTag::FailJob => FaultKind::FailJob,
        KindTag::ServiceUnavailable => FaultKind::ServiceUnavailable,
        KindTag::Throttling => FaultKind::Throttling,
        KindTag::AccessDenied => FaultKind::AccessDenied,
        KindTag::DropOutput => FaultKind::DropOutput {
            after_bytes: text.after_bytes.ok_or(
                "a drop_output fault needs after_bytes: how many bytes of the body to send before the connection drops",
            )?,
        },
        KindTag::StallOutput => FaultKind::StallOutput {
            after_bytes: text.after_bytes.ok_or(
                "a stall_output fault needs after_bytes: how many bytes of the body to send before it goes quiet",
            )?,
        },
        KindTag::FlipByte => {
            let xor = text.xor.unwrap_or(DEFAULT_XOR);
            if xor == 0 {
                return Err("xor = 0 would change nothing; give 1 to 255".into());
            }
            FaultKind::FlipByte {
                offset: text.offset.ok_or(
                    "a flip_byte fault needs offset: the position of the byte in the job's output",
                )?,
                xor,
            }
        }
    })
}

fn checked_uses(text: &FaultText) -> Result<Uses, String> {
    match (text.count, text.persistent) {
        (Some(_), true) => Err("give either count or persistent = true, not both".into()),
        (Some(0), false) => Err(
            "count must be at least 1; to keep a fault until it is cleared, give persistent = true"
                .into(),
        ),
        (Some(count), false) => Ok(Uses::Times(count)),
        (None, true) => Ok(Uses::Always),
        (None, false) => Ok(Uses::Times(1)),
    }
}

impl From<FaultSpec> for FaultText {
    fn from(spec: FaultSpec) -> Self {
        let (after_bytes, offset, xor) = match spec.kind {
            FaultKind::DropOutput { after_bytes } | FaultKind::StallOutput { after_bytes } => {
                (Some(after_bytes), None, None)
            }
            FaultKind::FlipByte { offset, xor } => (None, Some(offset), Some(xor)),
            _ => (None, None, None),
        };
        let (count, persistent) = match spec.uses {
            Uses::Times(count) => (Some(count), false),
            Uses::Always => (None, true),
        };
        FaultText {
            kind: spec.kind.tag(),
            vault: spec.vault,
            job_id: spec.job_id,
            operation: spec.operation.map(str::to_owned),
            message: spec.message,
            count,
            persistent,
            after_bytes,
            after_requests: (spec.after_requests > 0).then_some(spec.after_requests),
            offset,
            xor,
        }
    }
}

//! The faults in force and the rules that pick which one fires: pure data, so every
//! decision is tested without a server.

use std::ops::Range;

use serde::Serialize;

use super::operations::RequestInfo;
use super::output::OutputFaults;
use super::spec::{FaultKind, FaultSpec, Uses};
use crate::sandbox::error::GlacierError;

/// The faults in force, oldest first; the oldest matching fault fires first.
#[derive(Debug, Default)]
pub struct FaultBook {
    next_id: u64,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    id: u64,
    spec: FaultSpec,
    /// `None` for a persistent fault.
    remaining: Option<u64>,
    fired: u64,
    /// Requests in scope let through while the fault waited (`after_requests`).
    passed: u64,
}

/// A fault as the admin listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedFault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Firings left; absent for a persistent fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    pub fired: u64,
    /// Requests in scope it let through before firing; only for a fault with
    /// `after_requests`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passed: Option<u64>,
}

/// Why a fault cannot go into the book.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookError {
    #[error(
        "a fail_job fault with job_id acts on a job in progress; give it to the admin endpoint once the job exists, or scope it by vault to fail jobs still to come"
    )]
    JobFailureNeedsExistingJob,
}

impl FaultBook {
    /// Adds a fault and returns its id (ids are never reused).
    pub fn add(&mut self, spec: FaultSpec) -> Result<u64, BookError> {
        if spec.fails_an_existing_job().is_some() {
            return Err(BookError::JobFailureNeedsExistingJob);
        }
        self.next_id += 1;
        let remaining = match spec.uses {
            Uses::Times(count) => Some(count),
            Uses::Always => None,
        };
        self.entries.push(Entry {
            id: self.next_id,
            spec,
            remaining,
            fired: 0,
            passed: 0,
        });
        Ok(self.next_id)
    }

    pub fn list(&self) -> Vec<ListedFault> {
        self.entries
            .iter()
            .map(|entry| ListedFault {
                id: entry.id,
                spec: entry.spec.clone(),
                remaining: entry.remaining,
                fired: entry.fired,
                passed: (entry.spec.after_requests > 0).then_some(entry.passed),
            })
            .collect()
    }

    /// Removes every fault and says how many there were.
    pub fn clear(&mut self) -> usize {
        std::mem::take(&mut self.entries).len()
    }

    /// Removes one fault; false when there is none with that id.
    pub fn remove(&mut self, id: u64) -> bool {
        let before = self.entries.len();
        self.entries.retain(|entry| entry.id != id);
        self.entries.len() != before
    }

    /// The error reply a request gets, if an error fault matches it.
    pub fn request_error(&mut self, request: &RequestInfo) -> Option<GlacierError> {
        let index = self.replying(|spec| {
            spec.operation
                .is_none_or(|wanted| request.operation == Some(wanted))
                && in_scope(spec, request.vault.as_deref(), request.job_id.as_deref())
        })?;
        let spec = self.fire(index);
        let message = spec.message.clone();
        Some(match spec.kind {
            FaultKind::Throttling => GlacierError::throttling(
                message.unwrap_or_else(|| "Rate exceeded (an injected fault)".into()),
            ),
            FaultKind::AccessDenied => GlacierError::access_denied(message.unwrap_or_else(|| {
                "Access denied by the vault's access policy or lock (an injected fault)".into()
            })),
            _ => GlacierError::service_unavailable(message.unwrap_or_else(|| {
                "Glacier is temporarily unavailable (an injected fault); retry the request".into()
            })),
        })
    }

    /// The kind and message of the error fault an S3 request gets, if one
    /// names its operation (`s3:UploadPart`): S3 requests meet only faults
    /// that name them, so a fault meant for Glacier never fires on S3.
    pub fn s3_request_fault(&mut self, operation: &str) -> Option<(FaultKind, Option<String>)> {
        let index = self.replying(|spec| spec.operation == Some(operation))?;
        let spec = self.fire(index);
        Some((spec.kind, spec.message))
    }

    /// The status message a job just initiated in `vault` fails with, if a
    /// `fail_job` fault matches it.
    pub fn new_job_failure(&mut self, vault: &str) -> Option<String> {
        let index = self.entries.iter().position(|entry| {
            entry.spec.kind == FaultKind::FailJob && in_scope(&entry.spec, Some(vault), None)
        })?;
        Some(self.fire(index).job_failure_message())
    }

    /// The faults to apply to a download of `body` (a range of the job's output).
    /// A drop or a stall (the first listed of them) fires only when the body is
    /// longer than where it cuts, and a flip only when the bytes sent hold its
    /// byte, so a fault is spent only when it shows.
    pub fn output_faults(&mut self, vault: &str, job_id: &str, body: Range<u64>) -> OutputFaults {
        let mut faults = OutputFaults::none(body.start);
        let in_reach = |entry: &Entry| in_scope(&entry.spec, Some(vault), Some(job_id));
        let cut_at = |kind: FaultKind| match kind {
            FaultKind::DropOutput { after_bytes } | FaultKind::StallOutput { after_bytes } => {
                Some(after_bytes)
            }
            _ => None,
        };
        let cut = self.entries.iter().position(|entry| {
            cut_at(entry.spec.kind).is_some_and(|after_bytes| {
                in_reach(entry) && body.end.saturating_sub(body.start) > after_bytes
            })
        });
        let mut chosen: Vec<usize> = cut.into_iter().collect();
        let mut sent = body.clone();
        if let Some(kind) = cut.map(|i| self.entries[i].spec.kind) {
            let after_bytes = cut_at(kind).unwrap_or_default();
            match kind {
                FaultKind::StallOutput { .. } => faults.stall_after = Some(after_bytes),
                _ => faults.drop_after = Some(after_bytes),
            }
            sent.end = body.start + after_bytes;
        }
        for (index, entry) in self.entries.iter().enumerate() {
            if let FaultKind::FlipByte { offset, xor } = entry.spec.kind
                && in_reach(entry)
                && sent.contains(&offset)
            {
                faults.flips.push((offset, xor));
                chosen.push(index);
            }
        }
        // Last first, so that removing a spent fault leaves the other indices valid.
        chosen.sort_unstable();
        for index in chosen.into_iter().rev() {
            self.fire(index);
        }
        faults
    }

    /// The oldest error fault whose scope `matches` the request and that is
    /// done waiting. Every matching fault still waiting lets the request
    /// through and counts it, whether or not another fault answers it.
    fn replying(&mut self, matches: impl Fn(&FaultSpec) -> bool) -> Option<usize> {
        let mut chosen = None;
        for (index, entry) in self.entries.iter_mut().enumerate() {
            if !entry.spec.kind.is_error_reply() || !matches(&entry.spec) {
                continue;
            }
            if entry.passed < entry.spec.after_requests {
                entry.passed += 1;
            } else if chosen.is_none() {
                chosen = Some(index);
            }
        }
        chosen
    }

    /// Counts a firing of the fault at `index` (found by a search of `entries`, so
    /// in bounds), removing it once spent, and returns its spec.
    fn fire(&mut self, index: usize) -> FaultSpec {
        let entry = &mut self.entries[index];
        entry.fired += 1;
        let spent = match &mut entry.remaining {
            Some(remaining) => {
                *remaining = remaining.saturating_sub(1);
                *remaining == 0
            }
            None => false,
        };
        if spent {
            self.entries.remove(index).spec
        } else {
            entry.spec.clone()
        }
    }
}

/// A fault scoped to a vault or a job matches only that vault or job; a request
/// that names no vault (ListVaults) matches only unscoped faults.
fn in_scope(spec: &FaultSpec, vault: Option<&str>, job_id: Option<&str>) -> bool {
    let matches = |wanted: &Option<String>, actual: Option<&str>| {
        wanted
            .as_deref()
            .is_none_or(|wanted| actual == Some(wanted))
    };
    matches(&spec.vault, vault) && matches(&spec.job_id, job_id)
}

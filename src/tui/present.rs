//! Words for what the model holds, shared by `update` (which says them in the
//! status bar) and `view` (which draws them), so neither reaches into the other.

use crate::domain::job::{JobStatus, PlanState};
use crate::domain::range::{ByteRange, MIB};
use crate::glacier::RetrievalPolicy;
use crate::store::PlanId;

/// The first ten characters of a job id, shown through `text::printable` (cut
/// before it is shown, so no `<U+202E>` is cut in half).
pub fn short(job_id: &str) -> String {
    let head: String = job_id.chars().take(10).collect();
    let head = crate::text::printable(&head);
    if job_id.chars().count() > 10 {
        format!("{head}…")
    } else {
        head
    }
}

pub fn status_word(status: JobStatus) -> &'static str {
    match status {
        JobStatus::InProgress => "in progress",
        JobStatus::Succeeded => "ready",
        JobStatus::Failed => "failed",
        JobStatus::Expired => "expired",
    }
}

/// Why the policy will refuse this retrieval, when it clearly will.
pub fn policy_refusal(policy: &RetrievalPolicy, bytes: u64) -> Option<String> {
    match policy {
        RetrievalPolicy::FreeTier => Some(
            "the vault's data retrieval policy allows only the free tier, which Glacier may refuse this retrieval under; ask the account's admin to change the policy if it does".into(),
        ),
        RetrievalPolicy::BytesPerHour(limit) if bytes > *limit => Some(format!(
            "the data retrieval policy allows {limit} bytes per hour and this plan retrieves {bytes}; Glacier will refuse it: choose a smaller range or ask for a higher limit"
        )),
        _ => None,
    }
}

/// A range as the planner writes it back after a move: on MiB boundaries as
/// `4MiB-8MiB` (a ruler's reading, end not included), else in bytes.
pub fn written(range: ByteRange) -> String {
    let next = range.end.saturating_add(1);
    if range.start.is_multiple_of(MIB) && next.is_multiple_of(MIB) {
        format!("{}MiB-{}MiB", range.start / MIB, next / MIB)
    } else {
        format!("{}-{}", range.start, range.end)
    }
}

/// What a plan leaves in the download folder once every job is in, in one
/// sentence: the file's name and whether its bytes are checked.
pub fn end_result(name: &str, want: Option<ByteRange>, checksum: bool) -> String {
    let name = crate::text::printable(name);
    match want {
        None => format!(
            "At the end you get {name}, the whole archive, verified against Glacier's tree hash."
        ),
        Some(want) => {
            let verified = if checksum {
                "verified against Glacier's tree hashes"
            } else {
                "not verified: Glacier sends no checksum for this range"
            };
            format!(
                "At the end you get {name}.bytes-{}-{}: exactly the {} bytes wanted, {verified}.",
                want.start,
                want.end,
                want.len()
            )
        }
    }
}

/// What a plan retrieves and where it stands, in one sentence.
pub fn plan_is(
    plan: PlanId,
    name: &str,
    want: Option<ByteRange>,
    jobs: usize,
    state: PlanState,
) -> String {
    let name = crate::text::printable(name);
    let what = match want {
        Some(want) => format!("bytes {}-{} of {name}", want.start, want.end),
        None => format!("all of {name}"),
    };
    let jobs = if jobs == 1 {
        "1 job".to_owned()
    } else {
        format!("{jobs} jobs")
    };
    format!("Plan {plan} retrieves {what} with {jobs}; it is {state}.")
}

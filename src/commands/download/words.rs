//! A plan's download outcome in the command line's words, and as JSON.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::shown_size;
use crate::text::printable;
use crate::tracking::download::{FinishedPlan, PlanOutcome, WaitState, WaitingJob};

/// What the run did and what is still to come, a line each.
pub(crate) fn outcome_lines(outcome: &PlanOutcome, now: OffsetDateTime) -> Vec<String> {
    let plan = outcome.plan;
    let mut lines = Vec::new();
    if !outcome.fetched.is_empty() && outcome.jobs > 1 {
        let numbers: Vec<String> = outcome.fetched.iter().map(u32::to_string).collect();
        lines.push(format!(
            "plan {plan}: verified job {} of {}",
            numbers.join(", "),
            outcome.jobs
        ));
    }
    for waiting in &outcome.waiting {
        lines.push(format!(
            "plan {plan}: {}",
            waiting_line(waiting, outcome, now)
        ));
    }
    if let Some(finished) = &outcome.finished {
        lines.push(finished_line(finished));
    }
    lines
}

fn finished_line(finished: &FinishedPlan) -> String {
    let shown = printable(&finished.shown.display().to_string());
    match (&finished.tree_hash, finished.verified) {
        (Some(tree_hash), _) => format!(
            "verified {} into {shown} (tree hash {tree_hash}){}",
            shown_size(finished.bytes),
            match finished.resumed_chunks {
                0 => String::new(),
                n => format!("; {n} chunks were already verified by an earlier run"),
            }
        ),
        (None, true) => format!(
            "finished {shown}: the {} wanted, verified against Glacier's tree hashes",
            shown_size(finished.bytes)
        ),
        (None, false) => format!(
            "finished {shown}: the {} wanted; not verified: Glacier sends no checksum for this range",
            shown_size(finished.bytes)
        ),
    }
}

/// "job 3 of 6 still in progress, ready in about 2 h".
fn waiting_line(waiting: &WaitingJob, outcome: &PlanOutcome, now: OffsetDateTime) -> String {
    let job = format!("job {} of {}", waiting.number, outcome.jobs);
    let renew = format!(
        "'defrost retrieve --renew {} --vault {}' starts it again and keeps what the plan's other jobs brought",
        outcome.plan,
        printable(&outcome.vault)
    );
    match &waiting.state {
        WaitState::InProgress { ready_by } => {
            let left = (*ready_by - now).max(time::Duration::ZERO);
            format!(
                "{job} still in progress, ready in about {}; 'defrost jobs' shows when it is ready",
                crate::commands::jobs::short_duration(left.whole_seconds().unsigned_abs())
            )
        }
        WaitState::Expired => {
            format!("{job}: its output window closed before it was downloaded; {renew}")
        }
        WaitState::Failed { reason } => format!(
            "{job} failed ({}); {renew}",
            printable(reason.as_deref().unwrap_or("no reason given"))
        ),
        WaitState::NotStarted => format!("{job} was never started; {renew}"),
    }
}

/// The outcome as one JSON object.
pub(crate) fn outcome_json(outcome: &PlanOutcome, now: OffsetDateTime) -> String {
    let waiting: Vec<Value> = outcome
        .waiting
        .iter()
        .map(|job| {
            let (state, ready_by) = match &job.state {
                WaitState::InProgress { ready_by } => ("in progress", Some(ready_by)),
                WaitState::Expired => ("expired", None),
                WaitState::Failed { .. } => ("failed", None),
                WaitState::NotStarted => ("not started", None),
            };
            json!({
                "job": job.number,
                "job_id": job.job_id,
                "state": state,
                "ready_in_seconds": ready_by.map(|at| (*at - now).whole_seconds().max(0)),
            })
        })
        .collect();
    let finished = outcome.finished.as_ref().map(|finished| {
        json!({
            "path": finished.file.display().to_string(),
            "bytes": finished.bytes,
            "verified": finished.verified,
            "tree_hash": finished.tree_hash.map(|hash| hash.to_string()),
        })
    });
    let value = json!({
        "plan": outcome.plan.to_string(),
        "jobs": outcome.jobs,
        "fetched": outcome.fetched,
        "waiting": waiting,
        "finished": finished,
    });
    crate::text::terminal_json(&value).unwrap_or_default()
}

//! What `defrost retrieve` shows and asks: the plan with each job's exact
//! parameters, jobs that can be reused, the confirmation, and the jobs started.

use std::io::{BufRead as _, Write};

use anyhow::Context;
use serde::Serialize;
use time::OffsetDateTime;

use crate::commands::cached::size;
use crate::domain::job::{JobStatus, TrackedJob, effective_status, time_left};
use crate::domain::range::{ByteRange, PlanKind};
use crate::store::{ArchiveRow, PlanId};
use crate::text::{printable, terminal_json};
use crate::tracking::launch::{LaunchRequest, LaunchedJob, PlannedRetrieval};

/// The plan, on standard output (on standard error with `--json`, which keeps
/// standard output for the JSON Lines of the jobs, so the question that follows
/// has its context).
pub fn show_plan(
    planned: &PlannedRetrieval,
    cached: Option<&ArchiveRow>,
    json: bool,
) -> anyhow::Result<()> {
    let text = plan_text(planned, cached);
    let written = if json {
        std::io::stderr().lock().write_all(text.as_bytes())
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())
    };
    written.context("cannot show the plan")
}

fn plan_text(planned: &PlannedRetrieval, cached: Option<&ArchiveRow>) -> String {
    let archive = match (cached, planned.archive_size) {
        (Some(row), _) => format!(
            "{}, {}, tree hash {}, from the cached inventory",
            printable(&row.name),
            bytes(row.size),
            printable(&row.sha256_tree_hash)
        ),
        (None, Some(known)) => format!("{}, not in the cached inventory", bytes(known)),
        (None, None) => "not in the cached inventory, size unknown".into(),
    };
    let mut out = format!(
        "Archive   {}\n          {archive}\n",
        printable(&planned.archive_id)
    );
    match (&planned.plan, planned.want) {
        (Some(plan), Some(want)) => {
            out.push_str(&format!("Wanted    {want}, {}\n", bytes(want.len())));
            out.push_str(&format!(
                "Plan      {}: {} job(s), {} retrieved, {} extra, {}\n",
                plan_name(plan.plan),
                plan.jobs.len(),
                bytes(plan.bytes),
                size(u128::from(plan.extra_bytes)),
                checksum_note(plan.checksum)
            ));
        }
        _ => out.push_str(&format!(
            "Wanted    the whole archive\nPlan      1 job, {}\n",
            checksum_note(planned.checksum())
        )),
    }
    for (index, params) in planned.jobs.iter().enumerate() {
        let what = match crate::tracking::launch::range_of(params) {
            Some(range) => format!("bytes {range} ({})", size(u128::from(range.len()))),
            None => "the whole archive".into(),
        };
        out.push_str(&format!(
            "Job {}     {what}\n          {}\n",
            index + 1,
            printable(&params.to_json_compact())
        ));
    }
    out
}

fn bytes(count: u64) -> String {
    format!("{} ({count} bytes)", size(u128::from(count)))
}

fn plan_name(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Mib => "mib",
        PlanKind::Tree => "tree",
        PlanKind::Split => "split",
    }
}

fn checksum_note(checksum: bool) -> &'static str {
    if checksum {
        "Glacier returns a checksum"
    } else {
        "no checksum comes back"
    }
}

/// A job that already retrieves the planned bytes, and where it stands.
pub fn reusable_line(job: &TrackedJob, now: OffsetDateTime) -> String {
    let state = match (effective_status(job, now), time_left(job, now)) {
        (JobStatus::Succeeded, Some(left)) => {
            format!(
                "ready, output downloadable for {} more minutes",
                left.as_secs() / 60
            )
        }
        (JobStatus::Succeeded, None) => "ready".into(),
        _ => "in progress".into(),
    };
    format!(
        "job {} already retrieves {} ({}, {state})",
        printable(&job.job_id),
        range_words(job.range),
        job.tier.map_or("Standard", |tier| tier.as_str()),
    )
}

/// Asks on the terminal; an empty answer takes `default`.
pub fn confirm(question: &str, default: bool) -> anyhow::Result<bool> {
    eprint!("{question}");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(means_yes(&answer, default))
}

/// An answer to a `[y/N]` or `[Y/n]` question: empty takes the default, and only
/// y or yes (any case) agrees, so a typo never starts a paid job.
fn means_yes(answer: &str, default: bool) -> bool {
    match answer.trim().to_ascii_lowercase().as_str() {
        "" => default,
        "y" | "yes" => true,
        _ => false,
    }
}

#[derive(Serialize)]
struct JobLine<'a> {
    /// The plan the job serves (`P12`): `defrost download P12` finishes it.
    plan: Option<String>,
    vault: &'a str,
    archive_id: &'a str,
    job_id: &'a str,
    range: Option<String>,
    tier: &'static str,
    reused: bool,
    params: serde_json::Value,
}

/// A line per job started or reused, in the plan's order.
pub fn show_jobs(
    request: &LaunchRequest,
    plan: Option<PlanId>,
    jobs: &[LaunchedJob],
    json: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for (job, params) in jobs.iter().zip(&request.planned.jobs) {
        let tier = job.tier.map_or("Standard", |tier| tier.as_str());
        if json {
            let line = JobLine {
                plan: plan.map(|plan| plan.to_string()),
                vault: &request.vault.name,
                archive_id: &request.planned.archive_id,
                job_id: &job.job_id,
                range: job.range.map(|range| range.to_string()),
                tier,
                reused: job.reused,
                params: params.to_json_value(),
            };
            writeln!(out, "{}", terminal_json(&line)?)?;
        } else {
            let how = if job.reused { "reused" } else { "started" };
            writeln!(
                out,
                "{how} job {} for {} ({tier})",
                printable(&job.job_id),
                range_words(job.range)
            )?;
        }
    }
    Ok(out.flush()?)
}

/// What to do once the jobs are running.
pub fn show_next_steps(vault: &str, plan: PlanId) {
    let vault = printable(vault);
    println!(
        "plan {plan}: follow it with 'defrost jobs --vault {vault}', then fetch it with 'defrost download {plan} --vault {vault} --to DIR' (its file is finished once every job is in)"
    );
}

fn range_words(range: Option<ByteRange>) -> String {
    match range {
        Some(range) => format!("bytes {range}"),
        None => "the whole archive".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::means_yes;

    #[test]
    fn only_y_or_yes_agrees_and_an_empty_answer_takes_the_default() {
        for yes in ["y\n", "Y", " yes ", "YES\r\n"] {
            assert!(means_yes(yes, false), "{yes:?}");
        }
        for no in ["n", "no", "yy", "sure", "\u{1b}[A"] {
            assert!(!means_yes(no, true), "{no:?}");
        }
        assert!(means_yes("\n", true));
        assert!(!means_yes("", false));
    }
}

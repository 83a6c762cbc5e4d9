//! What `defrost peek` and `defrost restore-member` print: a retrieval's
//! bytes, cost and wait before it is started; a zip's members as a table or
//! JSON Lines; the sentence for an archive that is not a zip. Every name in a
//! zip is untrusted text and is shown through `printable` or `terminal_json`.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use serde::Serialize;
use time::OffsetDateTime;

use crate::commands::cached::{size, wait};
use crate::domain::cost::{PriceTable, estimate, format_cost};
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::Tier;
use crate::domain::zip::Directory;
use crate::store::{ListedMember, PeekPart, PlanArchive, PlanId};
use crate::text::{printable, terminal_json};
use crate::tracking::download::{WaitState, WaitingJob};
use crate::tracking::launch::PlannedRetrieval;

/// The retrieval's tier: the one asked for, else Glacier's default.
pub(super) fn tier_of(planned: &PlannedRetrieval) -> Tier {
    planned
        .jobs
        .first()
        .and_then(|params| match params {
            crate::domain::job_params::JobParams::Archive(job) => job.tier(),
            crate::domain::job_params::JobParams::Inventory(_) => None,
        })
        .unwrap_or(Tier::Standard)
}

/// "1.0 MiB in 1 job, $0.0100 at Standard, ready in 3-5 hours".
pub fn cost_line(
    bytes: u64,
    jobs: usize,
    tier: Tier,
    prices: &PriceTable,
    speed: ServiceSpeed,
) -> String {
    let estimate = estimate(prices, tier, bytes, jobs, speed);
    format!(
        "{} in {jobs} job(s), {} at {tier}, typically ready in {} to {}",
        size(u128::from(bytes)),
        format_cost(estimate.cost, &prices.currency),
        wait(estimate.earliest),
        wait(estimate.latest),
    )
}

fn retrieved(planned: &PlannedRetrieval) -> (u64, usize) {
    let bytes = planned.plan.as_ref().map_or(0, |plan| plan.bytes);
    (bytes, planned.jobs.len())
}

/// The retrieval a peek needs next, before it is started.
pub fn show_retrieval(
    planned: &PlannedRetrieval,
    first: bool,
    prices: &PriceTable,
    speed: ServiceSpeed,
) -> anyhow::Result<()> {
    let (bytes, jobs) = retrieved(planned);
    let what = if first {
        "the archive's tail, which holds a zip's end record"
    } else {
        "the rest of the zip's central directory, which lies before the tail"
    };
    let range = planned
        .want
        .map(|range| range.to_string())
        .unwrap_or_default();
    let mut err = std::io::stderr().lock();
    writeln!(err, "To peek, retrieve {what}: bytes {range}")?;
    writeln!(
        err,
        "  {}",
        cost_line(bytes, jobs, tier_of(planned), prices, speed)
    )?;
    if let Some(whole) = planned.archive_size {
        writeln!(
            err,
            "  (the whole archive: {})",
            cost_line(whole, 1, tier_of(planned), prices, speed)
        )?;
    }
    Ok(())
}

/// A retrieval just started.
pub fn show_started(
    planned: &PlannedRetrieval,
    first: bool,
    plan: PlanId,
    reused: usize,
    prices: &PriceTable,
    speed: ServiceSpeed,
) -> anyhow::Result<()> {
    let (bytes, jobs) = retrieved(planned);
    let what = if first {
        "the tail"
    } else {
        "the rest of the directory"
    };
    let reuse = if reused > 0 {
        format!(", {reused} job(s) already under way reused")
    } else {
        String::new()
    };
    eprintln!(
        "started plan {plan} for {what}: {}{reuse}",
        cost_line(bytes, jobs, tier_of(planned), prices, speed)
    );
    Ok(())
}

pub fn show_waiting(plan: PlanId, jobs: &[WaitingJob]) {
    for job in jobs {
        let state = match &job.state {
            WaitState::InProgress { ready_by } => {
                format!("in progress, typically ready by {ready_by}")
            }
            WaitState::Expired => "expired before it was downloaded".into(),
            WaitState::Failed { .. } => "failed".into(),
            WaitState::NotStarted => "never answered".into(),
        };
        eprintln!("plan {plan}, job {}: {state}", job.number);
    }
}

pub fn show_go_on(vault: &str, archive_id: &str, command: &str) {
    eprintln!(
        "run `defrost {command} --vault {} --archive-id {} ...` again once it is ready; it goes on from here",
        printable(vault),
        printable(archive_id)
    );
}

pub fn sleeping(until: OffsetDateTime) {
    eprintln!("waiting for Glacier; next look at {}", until.time());
}

/// One member, as `--json` prints it. The field names are a contract.
#[derive(Serialize)]
struct MemberLine<'a> {
    number: u32,
    name: &'a str,
    path: &'a str,
    folder: bool,
    size: u64,
    compressed_size: u64,
    method: String,
    crc32: String,
    modified: Option<String>,
    offset: u64,
    span_end: u64,
    encrypted: bool,
}

pub fn show_listing(
    archive: &PlanArchive,
    directory: &Directory,
    members: &[ListedMember],
    parts: &[PeekPart],
    json: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        for listed in members {
            let member = &listed.member;
            let line = MemberLine {
                number: listed.position,
                name: &member.name,
                path: member.path.as_str(),
                folder: member.is_dir,
                size: member.size,
                compressed_size: member.compressed_size,
                method: member.method.label(),
                crc32: format!("{:08x}", member.crc32),
                modified: member.modified.map(|at| at.to_string()),
                offset: member.local_header,
                span_end: listed.span_end,
                encrypted: member.encrypted,
            };
            writeln!(out, "{}", terminal_json(&line)?).context("cannot print the listing")?;
        }
        return Ok(());
    }
    let retrieved: u64 = parts.iter().map(|part| part.range.len()).sum();
    writeln!(
        out,
        "{}: a zip of {} member(s){}, its directory {} at byte {}; {} retrieved to read it",
        printable(archive.name.as_deref().unwrap_or(&archive.archive_id)),
        members.len(),
        if directory.zip64 { " (zip64)" } else { "" },
        size(u128::from(directory.size)),
        directory.offset,
        size(u128::from(retrieved)),
    )?;
    writeln!(
        out,
        "{:>5}  {:>10}  {:>10}  {:<8}  {:<8}  {:<19}  {:>12}  NAME",
        "#", "SIZE", "PACKED", "METHOD", "CRC-32", "MODIFIED", "OFFSET"
    )?;
    for listed in members {
        let member = &listed.member;
        let modified = member
            .modified
            .map(|at| at.to_string().chars().take(19).collect())
            .unwrap_or_else(|| "-".to_owned());
        writeln!(
            out,
            "{:>5}  {:>10}  {:>10}  {:<8}  {:08x}  {:<19}  {:>12}  {}{}",
            listed.position,
            size(u128::from(member.size)),
            size(u128::from(member.compressed_size)),
            member.method.label(),
            member.crc32,
            modified,
            member.local_header,
            printable(&member.name),
            if member.encrypted {
                "  (encrypted)"
            } else {
                ""
            },
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct NotZipLine<'a> {
    archive_id: &'a str,
    zip: bool,
    reason: &'a str,
    kept: Vec<String>,
}

pub fn show_not_zip(
    archive: &PlanArchive,
    reason: &str,
    kept: &[PathBuf],
    json: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let line = NotZipLine {
            archive_id: &archive.archive_id,
            zip: false,
            reason,
            kept: kept.iter().map(|path| path.display().to_string()).collect(),
        };
        writeln!(out, "{}", terminal_json(&line)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} is not a zip file: {}.",
        printable(archive.name.as_deref().unwrap_or(&archive.archive_id)),
        printable(reason)
    )?;
    for path in kept {
        writeln!(
            out,
            "The retrieved bytes are kept in {}",
            printable(&path.display().to_string())
        )?;
    }
    Ok(())
}

//! The table of `defrost jobs`: a row per plan, its jobs indented beneath it.
//! Plan rows and job rows say different things, so each kind is aligned on its
//! own (two grids, two header lines), and long untrusted text (job ids, archive
//! names) is shortened so a row fits in 120 columns; `--json` has it whole.

use time::OffsetDateTime;

use super::{Listing, jobs_ready, minute, short_duration, status_of};
use crate::commands::cached::size;
use crate::commands::inventory::print_table;
use crate::domain::job::{PlanShape, time_left};
use crate::domain::job_params::JobKind;
use crate::domain::range::ByteRange;
use crate::store::{JournalEntry, PlanEntry};
use crate::text::printable;

const PLAN_HEADER: [&str; 9] = [
    "PLAN",
    "VAULT",
    "ARCHIVE",
    "WANTED",
    "KIND",
    "STATE",
    "READY",
    "RETRIEVED",
    "FILE",
];
/// Sizes line up on the right.
const PLAN_RIGHT: [bool; 9] = [false, false, false, false, false, false, false, true, false];

/// The last column holds notes about a job's place in the plan, unlabelled.
const JOB_HEADER: [&str; 8] = [
    "  └ JOB",
    "RANGE",
    "TIER",
    "STATUS",
    "STARTED",
    "OUTPUT",
    "ORIGIN",
    "",
];

/// The characters of a job or archive id shown: enough to tell them apart by eye.
const ID_SHOWN: usize = 10;
/// The characters of an archive name shown, from its end (the file's name).
const NAME_SHOWN: usize = 32;

/// A plan's row and its jobs' rows.
struct Group {
    plan: [String; 9],
    jobs: Vec<[String; 8]>,
}

/// The plans as a table, each with its jobs beneath; the lines written.
pub(super) fn write_table(
    out: &mut impl std::io::Write,
    listing: &Listing,
    now: OffsetDateTime,
) -> std::io::Result<usize> {
    let mut groups: Vec<Group> = listing
        .plans
        .iter()
        .map(|plan| plan_group(plan, now))
        .collect();
    groups.extend(listing.loose_entries().into_iter().map(|entry| Group {
        plan: planless_row(entry),
        jobs: vec![job_cells(entry, range_of_state(entry), now)],
    }));
    let plan_rows: Vec<[String; 9]> = groups.iter().map(|group| group.plan.clone()).collect();
    let job_rows: Vec<[String; 8]> = groups.iter().flat_map(|g| g.jobs.clone()).collect();
    let mut plan_lines = aligned_lines(&PLAN_HEADER, &plan_rows, &PLAN_RIGHT)?.into_iter();
    let mut job_lines = aligned_lines(&JOB_HEADER, &job_rows, &[false; 8])?.into_iter();
    let mut written = 0;
    let mut line = |text: Option<String>| -> std::io::Result<()> {
        written += 1;
        writeln!(out, "{}", text.unwrap_or_default())
    };
    line(plan_lines.next())?;
    line(job_lines.next())?;
    for group in &groups {
        line(plan_lines.next())?;
        for _ in &group.jobs {
            line(job_lines.next())?;
        }
    }
    Ok(written)
}

/// `print_table`'s lines, header first, to interleave with another grid's.
fn aligned_lines<const N: usize>(
    header: &[&str; N],
    rows: &[[String; N]],
    right: &[bool; N],
) -> std::io::Result<Vec<String>> {
    let mut text = Vec::new();
    print_table(&mut text, header, rows, right)?;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_owned)
        .collect())
}

fn plan_row(plan: &PlanEntry, now: OffsetDateTime) -> [String; 9] {
    let retrieved = plan
        .retrieved_bytes()
        .map_or("-".to_owned(), |bytes| size(u128::from(bytes)));
    let file = plan.finished.as_ref().map_or(String::new(), |file| {
        let path = printable(&file.path);
        if file.verified {
            path
        } else {
            format!("{path} (not verified)")
        }
    });
    [
        plan.id.to_string(),
        printable(&plan.vault.name),
        archive_label(plan),
        wanted_label(plan),
        plan.shape.as_str().to_owned(),
        plan.state(now).as_str().to_owned(),
        format!("{}/{}", jobs_ready(plan, now), plan.current_jobs().len()),
        retrieved,
        file,
    ]
}

/// A job whose plan the journal could not read: its plan's id, if known, and
/// its vault, the rest in the job's row.
fn planless_row(entry: &JournalEntry) -> [String; 9] {
    let dash = || "-".to_owned();
    [
        entry.plan.map_or_else(dash, |plan| plan.to_string()),
        printable(&entry.vault.name),
        dash(),
        dash(),
        dash(),
        dash(),
        dash(),
        dash(),
        String::new(),
    ]
}

/// The archive by its name when the inventory gave one, else by its id.
fn archive_label(plan: &PlanEntry) -> String {
    match &plan.archive {
        None => "-".to_owned(),
        Some(archive) => match archive.name.as_deref() {
            Some(name) => tail(name, NAME_SHOWN),
            None => format!("id {}", head(&archive.archive_id, ID_SHOWN)),
        },
    }
}

fn wanted_label(plan: &PlanEntry) -> String {
    match (plan.shape, plan.want) {
        (PlanShape::Inventory, _) => "inventory".to_owned(),
        (_, Some(want)) => format!("bytes {}-{}", want.start, want.end),
        (_, None) => "whole archive".to_owned(),
    }
}

/// A plan's row and its jobs' rows, each job noted when another plan owns it
/// or a renewal replaced it.
fn plan_group(plan: &PlanEntry, now: OffsetDateTime) -> Group {
    let current = plan.current_jobs();
    let jobs = plan
        .jobs
        .iter()
        .map(|job| {
            let mut notes = Vec::new();
            if let Some(owner) = job.entry.plan.filter(|owner| *owner != plan.id) {
                notes.push(format!("(from {owner})"));
            }
            if !current.iter().any(|listed| std::ptr::eq(*listed, job)) {
                notes.push("(replaced)".to_owned());
            }
            let inventory = plan.shape == PlanShape::Inventory;
            let mut cells = job_cells(&job.entry, range_label(job.range, inventory), now);
            cells[7] = notes.join(" ");
            cells
        })
        .collect();
    Group {
        plan: plan_row(plan, now),
        jobs,
    }
}

fn range_label(range: Option<ByteRange>, inventory: bool) -> String {
    match range {
        Some(range) => format!("{}-{}", range.start, range.end),
        None if inventory => "inventory".to_owned(),
        None => "whole archive".to_owned(),
    }
}

/// The range of a job shown without its plan, from what Glacier said of it.
fn range_of_state(entry: &JournalEntry) -> String {
    entry.state.as_ref().map_or("-".to_owned(), |job| {
        range_label(job.range, job.kind == JobKind::InventoryRetrieval)
    })
}

/// A job's own cells, its range already worded; the last (notes) left empty.
fn job_cells(entry: &JournalEntry, range: String, now: OffsetDateTime) -> [String; 8] {
    let job = entry.state.as_ref();
    let tier = match job {
        Some(job) if job.kind == JobKind::InventoryRetrieval => "-",
        // An archive job that named no tier runs at Glacier's default.
        Some(job) => job.tier.map_or("Standard", |tier| tier.as_str()),
        None => "-",
    };
    let output = match job.and_then(|job| time_left(job, now)) {
        Some(left) if left.is_zero() => "closed".to_owned(),
        Some(left) => format!("{} left", short_duration(left.as_secs())),
        None => "-".to_owned(),
    };
    let origin = if entry.adopted { "adopted" } else { "defrost" };
    [
        format!(
            "  └ {}",
            head(entry.job_id.as_deref().unwrap_or("-"), ID_SHOWN)
        ),
        range,
        tier.to_owned(),
        status_of(entry, now).to_owned(),
        job.map_or("-".to_owned(), |job| minute(job.started_at)),
        output,
        origin.to_owned(),
        String::new(),
    ]
}

/// The first `keep` characters of untrusted text, shown printable; cut before it
/// is made printable, so no `<U+202E>` is cut in half.
fn head(text: &str, keep: usize) -> String {
    if text.chars().count() <= keep {
        return printable(text);
    }
    let kept: String = text.chars().take(keep).collect();
    format!("{}…", printable(&kept))
}

/// The last `keep` characters, the same way: a name's end is its file's name.
fn tail(text: &str, keep: usize) -> String {
    let count = text.chars().count();
    if count <= keep {
        return printable(text);
    }
    let kept: String = text.chars().skip(count - (keep - 1)).collect();
    format!("…{}", printable(&kept))
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;

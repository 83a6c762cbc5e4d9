//! The jobs pane: every batch and every other plan of the journal as one row,
//! live, with its download's gauge; an expanded plan shows its current jobs
//! beneath it (a batch's row and its archives are drawn in `jobs_batch`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::format::{size, span};
use super::jobs_batch::{batch_row, item_row};
use super::pane_block;
use crate::domain::job::{
    JobStanding, JobStatus, PlanShape, PlanState, TrackedJob, effective_status,
    expected_completion, time_left,
};
use crate::domain::range::ByteRange;
use crate::store::{PlanEntry, PlanJob};
use crate::text::printable;
use crate::tui::model::{DownloadState, DownloadView, JobsRow, Model, Pane};
use crate::tui::present::{short, status_word};

pub fn jobs(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    let focused = model.focus == Pane::Jobs && model.dialog.is_none();
    let syncing = if model.jobs.syncing {
        " · asking Glacier…"
    } else {
        ""
    };
    let plans = model.jobs.plans.len();
    let plural = if plans == 1 { "" } else { "s" };
    let batches = match model.jobs.batches.len() {
        0 => String::new(),
        1 => " · 1 batch".to_owned(),
        n => format!(" · {n} batches"),
    };
    let title = format!(" Jobs · {plans} plan{plural}{batches}{syncing} ");
    let (header, widths, columns) = layout(model, area);
    let shown = model.jobs.rows();
    // Only the rows in sight are drawn: an opened batch may list a million.
    let visible = usize::from(area.height.saturating_sub(3)).max(1);
    let top = model.jobs.top.min(shown.len().saturating_sub(1));
    let rows: Vec<Row> = (shown.iter().skip(top).take(visible))
        .filter_map(|row| draw_row(model, *row, columns))
        .collect();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.marked(theme.accent, Modifier::BOLD)))
        .block(pane_block(model, title, focused))
        .row_highlight_style(theme.selection());
    let cursor = (model.jobs.cursor.min(shown.len().saturating_sub(1))).saturating_sub(top);
    let mut state =
        TableState::default().with_selected((!shown.is_empty() && focused).then_some(cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The header, the column widths, and what the cells need to know of them. The
/// vault goes without saying when every plan is in the vault on screen.
fn layout(model: &Model, area: Rect) -> (Vec<&'static str>, Vec<Constraint>, Columns) {
    let on_screen = model.selected_vault().map(|vault| &vault.key);
    let with_vault = (model.jobs.plans.iter()).any(|plan| Some(&plan.vault) != on_screen)
        || (model.jobs.batches.iter()).any(|batch| Some(&batch.entry.vault) != on_screen);
    let mut header = vec![
        "Vault", "Plan", "What", "Tier", "State", "Jobs", "Bytes in", "Ready",
    ];
    let mut widths = vec![
        Constraint::Length(13),
        Constraint::Length(6),
        Constraint::Min(16),
        Constraint::Length(9),
        Constraint::Length(12),
        Constraint::Length(11),
        Constraint::Length(22),
        Constraint::Length(15),
    ];
    if !with_vault {
        header.remove(0);
        widths.remove(0);
    }
    // What the fixed columns, the spaces between columns and the borders leave.
    let fixed: u16 = (widths.iter())
        .map(|width| match width {
            Constraint::Length(length) => *length,
            _ => 0,
        })
        .sum();
    let spacing = widths.len() as u16 - 1;
    let columns = Columns {
        with_vault,
        what: usize::from(area.width.saturating_sub(fixed + spacing + 2)),
    };
    (header, widths, columns)
}

/// How the table is laid out, for the cells that depend on it.
#[derive(Debug, Clone, Copy)]
struct Columns {
    with_vault: bool,
    /// The What column's width, in cells.
    what: usize,
}

/// A row's cells, the first (the vault) left out when the table has no vault
/// column.
fn draw_row(model: &Model, row: JobsRow, columns: Columns) -> Option<Row<'static>> {
    let (mut cells, style) = match row {
        JobsRow::Batch(index) => {
            let batch = model.jobs.batches.get(index)?;
            (batch_row(model, batch, columns.what), Style::new())
        }
        JobsRow::BatchItem { batch, item } => {
            let batch = model.jobs.batches.get(batch)?;
            (item_row(model, batch, item)?, Style::new())
        }
        JobsRow::Plan(index) => {
            let plan = model.jobs.plans.get(index)?;
            (plan_row(model, plan, columns.what), Style::new())
        }
        JobsRow::Job { plan, job } => {
            let plan = model.jobs.plans.get(plan)?;
            job_row(model, plan, plan.jobs.get(job)?)
        }
    };
    if !columns.with_vault {
        cells.remove(0);
    }
    Some(Row::new(cells).style(style))
}

/// A plan in one row: what it retrieves, how far it is, and how long its
/// ready outputs stay downloadable.
fn plan_row(model: &Model, plan: &PlanEntry, what_width: usize) -> Vec<Cell<'static>> {
    let theme = &model.config.theme;
    let state = plan.state(model.now);
    let color = match state {
        PlanState::Started => theme.warning,
        PlanState::PartlyReady | PlanState::Ready | PlanState::Finished => theme.good,
        PlanState::Downloading => theme.accent,
        PlanState::Expired | PlanState::Failed => theme.bad,
    };
    let marker = if model.jobs.expanded.contains(&plan.id) {
        "▾"
    } else {
        "▸"
    };
    let current = plan.current_jobs();
    // Glacier's word first; a job it refused has only the one asked for.
    let tier = (current.iter())
        .find_map(|job| job.entry.state.as_ref().and_then(|job| job.tier))
        .or_else(|| current.iter().find_map(|job| job.asked_tier));
    let ready = current
        .iter()
        .filter(|job| is_in_or_ready(model, job))
        .count();
    vec![
        Cell::from(printable(&plan.vault.name)),
        Cell::from(format!("{marker} {}", plan.id)),
        Cell::from(plan_what(model, plan, what_width)),
        Cell::from(tier.map_or("-".to_owned(), |tier| tier.to_string())),
        Cell::from(Span::styled(state.as_str(), theme.text(color))),
        Cell::from(format!("{ready}/{} ready", current.len())),
        Cell::from(plan_bytes(model, plan)),
        Cell::from(plan_readiness(model, plan, state)),
    ]
}

/// One current job of an expanded plan, beneath it.
fn job_row(model: &Model, plan: &PlanEntry, listed: &PlanJob) -> (Vec<Cell<'static>>, Style) {
    let theme = &model.config.theme;
    let current = plan.current_jobs();
    let number = format!("job {}/{}", listed.position + 1, current.len());
    let last = current
        .last()
        .is_some_and(|job| job.position == listed.position);
    let branch = if last { "└" } else { "├" };
    let Some(job) = listed.entry.state.as_ref() else {
        let cells = vec![
            Cell::from(""),
            Cell::from(""),
            Cell::from(format!("  {branch} never started")),
            Cell::from(""),
            Cell::from(""),
            Cell::from(number),
        ];
        return (cells, theme.text(theme.muted));
    };
    let status = effective_status(job, model.now);
    let (word, color) = match status {
        _ if listed.staged => ("fetched", theme.good),
        JobStatus::InProgress => (status_word(status), theme.warning),
        JobStatus::Succeeded => (status_word(status), theme.good),
        JobStatus::Failed | JobStatus::Expired => (status_word(status), theme.bad),
    };
    let bytes = job_bytes(plan, listed);
    let fetched = if listed.staged || plan.finished.is_some() {
        bytes
    } else {
        bytes.map(|_| 0)
    };
    let cells = vec![
        Cell::from(""),
        Cell::from(""),
        Cell::from(format!(
            "  {branch} {} {}",
            short(&job.job_id),
            wanted(plan, listed.range)
        )),
        Cell::from(job.tier.map_or("-".to_owned(), |tier| tier.to_string())),
        Cell::from(Span::styled(word, theme.text(color))),
        Cell::from(number),
        Cell::from(of(fetched, bytes)),
        // A fetched output's window no longer matters.
        Cell::from(if listed.staged {
            String::new()
        } else {
            readiness(model, job, status)
        }),
    ];
    (cells, Style::new())
}

/// The archive's name and the bytes wanted, `wedding.tar bytes 1 GiB-2 GiB`, in
/// `width` cells: a long name gives up its start, so the range stays in sight.
fn plan_what(model: &Model, plan: &PlanEntry, width: usize) -> String {
    let Some(archive) = plan.archive.as_ref() else {
        return "inventory".into();
    };
    let names = &model.jobs.names;
    let name = (archive.name.as_ref())
        .or_else(|| names.get(&archive.archive_id))
        .map(|name| printable(name))
        .unwrap_or_else(|| short(&archive.archive_id));
    let range = wanted(plan, plan.want);
    let room = width.saturating_sub(Span::raw(&range).width() + 1);
    format!("{} {range}", tail(&name, room.max(MIN_NAME)))
}

/// The fewest cells a cut name keeps.
const MIN_NAME: usize = 10;

/// `text` in at most `width` cells: its end, after `…`, when it is too long.
pub(super) fn tail(text: &str, width: usize) -> String {
    if Span::raw(text).width() <= width {
        return text.to_owned();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let cells = Span::raw(c.to_string()).width();
        if used + cells > width {
            break;
        }
        used += cells;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// A range as `bytes START-END` in short sizes (the end is the first byte after
/// it, as a ruler reads), or `whole`, or `inventory`.
fn wanted(plan: &PlanEntry, range: Option<ByteRange>) -> String {
    match range {
        Some(range) => {
            let (from, to) = (size(range.start), size(range.end.saturating_add(1)));
            // A span smaller than the rounding (a zip member's) reads as its
            // start and length, the way `defrost range` takes `4MiB+100KiB`.
            if from == to {
                format!("bytes {from}+{}", size(range.len()))
            } else {
                format!("bytes {from}-{to}")
            }
        }
        None if plan.shape == PlanShape::Inventory => "inventory".into(),
        None => "whole".into(),
    }
}

/// Whether the job's output is in (fetched for the plan's file) or can be had now.
fn is_in_or_ready(model: &Model, job: &PlanJob) -> bool {
    let status = job
        .entry
        .state
        .as_ref()
        .map(|job| effective_status(job, model.now));
    job.staged || status == Some(JobStatus::Succeeded)
}

/// The archive bytes `job` retrieves, when known.
fn job_bytes(plan: &PlanEntry, job: &PlanJob) -> Option<u64> {
    let size = plan.archive.as_ref().and_then(|archive| archive.size);
    job.range.map(|range| range.len()).or(size)
}

/// How much of the plan's retrieved bytes is in: the running download's gauge,
/// else what the journal has staged (all of it once the file is finished).
fn plan_bytes(model: &Model, plan: &PlanEntry) -> String {
    let running = plan_download(model, plan).filter(|d| d.state == DownloadState::Running);
    if let Some(download) = running {
        return gauge(model, download);
    }
    let total = plan.retrieved_bytes();
    let fetched = if plan.finished.is_some() {
        total
    } else {
        let staged = plan.current_jobs().into_iter().filter(|job| job.staged);
        staged.map(|job| job_bytes(plan, job)).sum()
    };
    of(fetched, total)
}

/// `2 GiB/6 GiB`, or `-` when the sizes are not known.
fn of(fetched: Option<u64>, total: Option<u64>) -> String {
    match (fetched, total) {
        (Some(fetched), Some(total)) => format!("{}/{}", size(fetched), size(total)),
        _ => "-".into(),
    }
}

/// The plan's download, started with its id (or, from before plans, one of
/// its jobs' ids).
fn plan_download<'a>(model: &'a Model, plan: &PlanEntry) -> Option<&'a DownloadView> {
    let downloads = &model.jobs.downloads;
    downloads.get(&plan.id.to_string()).or_else(|| {
        plan.current_jobs()
            .into_iter()
            .filter_map(|job| job.entry.job_id.as_ref())
            .find_map(|id| downloads.get(id))
    })
}

/// For the plan's row: how long the first output to close stays downloadable;
/// with none ready, when the next job will be; else why nothing will be.
fn plan_readiness(model: &Model, plan: &PlanEntry, state: PlanState) -> String {
    if state == PlanState::Finished {
        return "file written".into();
    }
    let current = plan.current_jobs();
    let waiting = || current.iter().filter(|job| !job.staged);
    let tracked = |status: JobStatus| {
        waiting()
            .filter_map(|job| job.entry.state.as_ref())
            .filter(move |job| effective_status(job, model.now) == status)
    };
    let closing = tracked(JobStatus::Succeeded)
        .filter_map(|job| time_left(job, model.now))
        .min();
    if let Some(left) = closing {
        return format!("{} left", span(left));
    }
    // A lost job is what the plan waits on longest: it must be started again.
    let lost = (waiting())
        .find(|job| {
            JobStanding::of(job.entry.state.as_ref(), job.staged, model.now).needs_renewal()
        })
        .map(|job| job.entry.state.as_ref());
    match lost {
        Some(Some(job)) => return readiness(model, job, effective_status(job, model.now)),
        Some(None) => return "never started".into(),
        None => {}
    }
    tracked(JobStatus::InProgress)
        .min_by_key(|job| expected_completion(job).latest)
        .map_or_else(
            || "-".into(),
            |job| readiness(model, job, JobStatus::InProgress),
        )
}

/// When it will be ready, or how long its output stays downloadable.
pub(super) fn readiness(model: &Model, job: &TrackedJob, status: JobStatus) -> String {
    match status {
        JobStatus::InProgress => {
            let expected = expected_completion(job);
            let until = |at: time::OffsetDateTime| {
                std::time::Duration::try_from(at - model.now).unwrap_or_default()
            };
            if expected.latest <= model.now {
                "any moment".into()
            } else if expected.earliest <= model.now {
                format!("by {}", span(until(expected.latest)))
            } else {
                format!(
                    "in {}–{}",
                    span(until(expected.earliest)),
                    span(until(expected.latest))
                )
            }
        }
        JobStatus::Succeeded => {
            time_left(job, model.now).map_or("ready".into(), |left| format!("{} left", span(left)))
        }
        JobStatus::Failed => job
            .status_message
            .as_deref()
            .map(printable)
            .unwrap_or_else(|| "failed".into()),
        JobStatus::Expired => "window closed".into(),
    }
}

/// A text gauge over the plan's retrieved bytes, `████░░  62% 48 MiB/s`: the
/// rate in whole units, so it fits its column at any speed.
fn gauge(model: &Model, download: &DownloadView) -> String {
    let fraction = if download.total == 0 {
        0.0
    } else {
        download.done as f64 / download.total as f64
    };
    let cells = 6;
    let filled = ((fraction * cells as f64).round() as usize).min(cells);
    let elapsed = (model.now - download.started).as_seconds_f64();
    let rate = if elapsed > 0.0 {
        download.done as f64 / elapsed
    } else {
        0.0
    };
    format!(
        "{}{} {:>3.0}% {}/s",
        "█".repeat(filled),
        "░".repeat(cells - filled),
        fraction * 100.0,
        humansize::format_size(rate as u64, humansize::BINARY.decimal_places(0))
    )
}

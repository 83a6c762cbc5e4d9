//! The jobs pane: every job of the journal, live, with its download.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table, TableState};

use super::format::{ago, size, span};
use super::pane_block;
use crate::domain::job::{JobStatus, TrackedJob, effective_status, expected_completion, time_left};
use crate::domain::job_params::JobKind;
use crate::store::JournalEntry;
use crate::text::printable;
use crate::tui::model::{DownloadState, DownloadView, Model, Pane};
use crate::tui::present::{short, status_word};

pub fn jobs(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    let focused = model.focus == Pane::Jobs && model.dialog.is_none();
    let syncing = if model.jobs.syncing {
        " · asking Glacier…"
    } else {
        ""
    };
    let title = format!(" Jobs {}{syncing} ", model.jobs.entries.len());
    let header = Row::new([
        "Vault", "Job", "What", "Tier", "Status", "Started", "Ready", "Download",
    ])
    .style(theme.marked(theme.accent, Modifier::BOLD));
    let rows: Vec<Row> = model
        .jobs
        .entries
        .iter()
        .map(|entry| row(model, entry))
        .collect();
    let widths = [
        Constraint::Length(14),
        Constraint::Length(12),
        Constraint::Min(18),
        Constraint::Length(9),
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(16),
        Constraint::Length(22),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(pane_block(model, title, focused))
        .row_highlight_style(theme.selection());
    let mut state = TableState::default()
        .with_selected((!model.jobs.entries.is_empty() && focused).then_some(model.jobs.cursor));
    frame.render_stateful_widget(table, area, &mut state);
}

fn row<'a>(model: &Model, entry: &'a JournalEntry) -> Row<'a> {
    let theme = &model.config.theme;
    let Some(job) = entry.state.as_ref() else {
        return Row::new(vec![
            Cell::from(printable(&entry.vault.name)),
            Cell::from("-"),
            Cell::from("never started"),
        ])
        .style(theme.text(theme.muted));
    };
    let status = effective_status(job, model.now);
    let color = match status {
        JobStatus::InProgress => theme.warning,
        JobStatus::Succeeded => theme.good,
        JobStatus::Failed | JobStatus::Expired => theme.bad,
    };
    let download = model.jobs.downloads.get(&job.job_id);
    Row::new(vec![
        Cell::from(printable(&entry.vault.name)),
        Cell::from(short(&job.job_id)),
        Cell::from(what(model, job)),
        Cell::from(job.tier.map_or("-".to_owned(), |tier| tier.to_string())),
        Cell::from(Span::styled(status_word(status), theme.text(color))),
        Cell::from(ago(model.now - job.started_at)),
        Cell::from(readiness(model, job, status)),
        Cell::from(download.map(|d| gauge(model, d)).unwrap_or_default()),
    ])
}

/// The archive's name when the table knows it, and the range.
fn what(model: &Model, job: &TrackedJob) -> String {
    if job.kind == JobKind::InventoryRetrieval {
        return "inventory".into();
    }
    let id = job.archive_id.as_deref().unwrap_or_default();
    let name = model
        .jobs
        .names
        .get(id)
        .map(|name| printable(name))
        .unwrap_or_else(|| short(id));
    match job.range {
        Some(range) => format!("{name} [{}+{}]", size(range.start), size(range.len())),
        None => name,
    }
}

/// When it will be ready, or how long its output stays downloadable.
fn readiness(model: &Model, job: &TrackedJob, status: JobStatus) -> String {
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

/// A text gauge: `████▌     62% 48 MB/s`, or the outcome.
fn gauge(model: &Model, download: &DownloadView) -> String {
    match &download.state {
        DownloadState::Verified(_) => "✓ verified".into(),
        DownloadState::Failed(_) => "✗ failed".into(),
        DownloadState::Running => {
            let fraction = if download.total == 0 {
                0.0
            } else {
                download.done as f64 / download.total as f64
            };
            let cells = 8;
            let filled = (fraction * cells as f64).round() as usize;
            let elapsed = (model.now - download.started).as_seconds_f64();
            let rate = if elapsed > 0.0 {
                download.done as f64 / elapsed
            } else {
                0.0
            };
            format!(
                "{}{} {:>3.0}% {}/s",
                "█".repeat(filled.min(cells)),
                "░".repeat(cells - filled.min(cells)),
                fraction * 100.0,
                size(rate as u64)
            )
        }
    }
}

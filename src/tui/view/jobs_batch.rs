//! A batch in the jobs pane: one row for the whole batch (archives restored
//! of all, ready, its bytes, what the screen does for it or when the next job
//! is expected), and beneath an opened batch a row per archive.

use ratatui::text::Span;
use ratatui::widgets::Cell;

use super::format::{size, span};
use super::jobs::{readiness, tail};
use crate::domain::batch::{ItemStep, next_step};
use crate::domain::job::effective_status;
use crate::store::{BatchItem, BatchSelection};
use crate::text::printable;
use crate::tracking::batch::item_facts;
use crate::tui::batch::{BatchRow, BatchWork, MARKS_SOURCE};
use crate::tui::marks::grouped;
use crate::tui::model::Model;

/// The batch's own row.
pub(super) fn batch_row(model: &Model, batch: &BatchRow, what_width: usize) -> Vec<Cell<'static>> {
    let theme = &model.config.theme;
    let counts = &batch.tally.counts;
    let work = model.jobs.batch_work.get(&batch.entry.id);
    let marker = if model.jobs.expanded_batches.contains(&batch.entry.id) {
        "▾"
    } else {
        "▸"
    };
    // A migration's archives are done once copied into the bucket.
    let done = if batch.is_migration() {
        "copied"
    } else {
        "restored"
    };
    let (state, color) = match work {
        Some(BatchWork::Starting { .. }) => ("starting", theme.accent),
        Some(BatchWork::Migrating { .. }) => ("copying", theme.accent),
        Some(BatchWork::Downloading { .. }) => ("downloading", theme.accent),
        None if counts.archives > 0 && counts.restored == counts.archives => (done, theme.good),
        None if counts.ready > 0 => ("ready", theme.good),
        None if counts.running > 0 => ("running", theme.warning),
        None if counts.waiting_to_start > 0 => ("to start", theme.warning),
        None if counts.given_up > 0 => ("given up", theme.bad),
        None => ("-", theme.muted),
    };
    let what = format!(
        "{}/{} {done} · {}",
        grouped(counts.restored),
        grouped(counts.archives),
        selection_words(&batch.entry.selection)
    );
    vec![
        Cell::from(printable(&batch.entry.vault.name)),
        Cell::from(format!("{marker} {}", batch.entry.id)),
        Cell::from(tail(&what, what_width.max(10))),
        Cell::from(batch.entry.tier.to_string()),
        Cell::from(Span::styled(state, theme.text(color))),
        Cell::from(format!("{} ready", grouped(counts.ready))),
        Cell::from(batch_bytes(batch, work)),
        Cell::from(batch_next(model, batch, work)),
    ]
}

/// The downloads' gauge while they go, else the bytes restored of all.
fn batch_bytes(batch: &BatchRow, work: Option<&BatchWork>) -> String {
    if let Some(BatchWork::Downloading { progress, .. }) = work {
        let cells = 6;
        let fraction = if progress.ready == 0 {
            0.0
        } else {
            progress.done as f64 / progress.ready as f64
        };
        let filled = ((fraction * cells as f64).round() as usize).min(cells);
        return format!(
            "{}{} {}/{}",
            "█".repeat(filled),
            "░".repeat(cells - filled),
            grouped(progress.done),
            grouped(progress.ready)
        );
    }
    let counts = &batch.tally.counts;
    format!("{}/{}", size(counts.restored_bytes), size(counts.bytes))
}

/// What comes next: how far starting is, or when the next job is expected.
fn batch_next(model: &Model, batch: &BatchRow, work: Option<&BatchWork>) -> String {
    let counts = &batch.tally.counts;
    match work {
        Some(
            BatchWork::Starting { held: Some(_), .. } | BatchWork::Migrating { held: Some(_), .. },
        ) => "held by Glacier".into(),
        Some(BatchWork::Starting {
            started, to_start, ..
        }) => format!("{}/{} started", grouped(*started), grouped(*to_start)),
        Some(BatchWork::Migrating {
            started, to_start, ..
        }) if started < to_start => {
            format!("{}/{} started", grouped(*started), grouped(*to_start))
        }
        Some(BatchWork::Downloading { .. }) => "fetching".into(),
        _ if counts.archives > 0 && counts.restored == counts.archives => {
            if batch.is_migration() {
                "objects written".into()
            } else {
                "files written".into()
            }
        }
        // Copied as they come, while the migration is carried on.
        Some(BatchWork::Migrating { .. }) if counts.ready > 0 => {
            format!("{} to copy", grouped(counts.ready))
        }
        _ if counts.ready > 0 => match batch.tally.first_closing {
            Some(at) if at > model.now => format!(
                "{} left",
                span(std::time::Duration::try_from(at - model.now).unwrap_or_default())
            ),
            _ => "ready".into(),
        },
        _ => match batch.tally.next_ready {
            Some(at) if at > model.now => format!(
                "in {}",
                span(std::time::Duration::try_from(at - model.now).unwrap_or_default())
            ),
            Some(_) => "any moment".into(),
            None if counts.waiting_to_start > 0 => {
                format!("{} to start", grouped(counts.waiting_to_start))
            }
            None => "-".into(),
        },
    }
}

/// One archive of an opened batch, beneath it.
pub(super) fn item_row(
    model: &Model,
    batch: &BatchRow,
    index: usize,
) -> Option<Vec<Cell<'static>>> {
    let theme = &model.config.theme;
    let item = batch.items.get(index)?;
    let branch = if index + 1 == batch.items.len() {
        "└"
    } else {
        "├"
    };
    let done = if batch.is_migration() {
        "copied"
    } else {
        "restored"
    };
    let (word, color) = match next_step(item_facts(item, None, model.now)) {
        ItemStep::Done => (done, theme.good),
        ItemStep::Download => ("ready", theme.good),
        ItemStep::Wait => ("running", theme.warning),
        ItemStep::Start(_) if item.current.is_some() => ("to renew", theme.bad),
        ItemStep::Start(_) => ("to start", theme.muted),
        ItemStep::GaveUp => ("given up", theme.bad),
    };
    Some(vec![
        Cell::from(""),
        Cell::from(""),
        Cell::from(format!("  {branch} {} {}", item.plan, item_name(item))),
        Cell::from(""),
        Cell::from(Span::styled(word, theme.text(color))),
        Cell::from(""),
        Cell::from(item.size.map_or("-".into(), size)),
        Cell::from(item_readiness(model, item)),
    ])
}

/// How the batch's archives were chosen; those marked on the screen say so.
fn selection_words(selection: &BatchSelection) -> String {
    match selection {
        BatchSelection::Ids { source, .. } if source == MARKS_SOURCE => {
            "marked on the screen".to_owned()
        }
        other => printable(&other.to_string()),
    }
}

fn item_name(item: &BatchItem) -> String {
    printable(item.name.as_deref().unwrap_or(&item.archive_id))
}

/// Where the archive's file is, or how its job stands.
fn item_readiness(model: &Model, item: &BatchItem) -> String {
    if let Some(finished) = &item.finished {
        return if finished.starts_with("s3://") {
            "object written".into()
        } else {
            "file written".into()
        };
    }
    let job = item.current.as_ref().and_then(|job| job.state.as_ref());
    match job {
        Some(job) => readiness(model, job, effective_status(job, model.now)),
        None => "-".into(),
    }
}

//! Moving over the jobs pane: a row per plan, its jobs shown beneath it while it
//! is expanded, and the cursor kept on the same plan (or job) when the journal
//! is read again.

use super::super::super::keymap::Action;
use super::super::super::layout::areas;
use super::super::super::model::{JobsPane, JobsRow, Model, Severity};
use super::super::super::msg::Cmd;
use super::super::batch;
use super::downloads::download_selected;
use crate::store::{BatchId, PlanId};

/// What the cursor is on, named so that it survives a reload: row indexes move
/// when plans are added or expanded, plan ids and job positions do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Selection {
    Batch(BatchId),
    /// An archive of an expanded batch, by its plan.
    BatchItem {
        batch: BatchId,
        plan: PlanId,
    },
    Plan(PlanId),
    /// A job row, by its plan and its place in the plan (a renewed job takes the
    /// place of the one it replaces, so the cursor stays on the place).
    Job {
        plan: PlanId,
        position: u32,
    },
}

pub(in crate::tui::update) fn jobs_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let last = model.jobs.rows().len().saturating_sub(1);
    let cursor = model.jobs.cursor.min(last);
    let page = visible_rows(model).max(1);
    let on_batch = model.jobs.selected_batch().is_some();
    model.jobs.cursor = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (cursor + page).min(last),
        Action::First => 0,
        Action::Last => last,
        Action::Open => return expand_or_collapse(model),
        Action::Download if on_batch => return batch::download_selected(model),
        Action::Launch if on_batch => return batch::resume_selected(model),
        Action::Download => return download_selected(model),
        Action::Renew => return renew_selected(model),
        _ => cursor,
    };
    keep_visible(model);
    Vec::new()
}

/// How many rows of the jobs table fit on screen (below its border and header).
fn visible_rows(model: &Model) -> usize {
    areas(
        model.width,
        model.height,
        crate::tui::layout::lower_panel(model),
    )
    .map_or(0, |areas| usize::from(areas.jobs.height.saturating_sub(3)))
}

/// Moves the first row on screen so that the cursor's row is in sight.
pub(in crate::tui::update) fn keep_visible(model: &mut Model) {
    let visible = visible_rows(model).max(1);
    let pane = &mut model.jobs;
    let last = pane.rows().len().saturating_sub(1);
    pane.cursor = pane.cursor.min(last);
    if pane.cursor < pane.top {
        pane.top = pane.cursor;
    } else if pane.cursor >= pane.top + visible {
        pane.top = pane.cursor + 1 - visible;
    }
    pane.top = pane.top.min(last.saturating_sub(visible - 1));
}

/// The renew key: on an archive of a batch, its plan (Glacier is asked which
/// of its jobs must start again); on a batch, where renewal happens.
fn renew_selected(model: &mut Model) -> Vec<Cmd> {
    match model.jobs.selected() {
        Some(JobsRow::BatchItem { batch, item }) => {
            let Some(item) = model
                .jobs
                .batches
                .get(batch)
                .and_then(|b| b.items.get(item))
            else {
                return Vec::new();
            };
            if model.session.read_only {
                return crate::tui::update::refuse_read_only(
                    model,
                    "renewing a plan starts paid jobs",
                );
            }
            let plan = item.plan;
            model.tell(
                Severity::Info,
                format!("asking Glacier which jobs of plan {plan} to start again…"),
            );
            vec![Cmd::PlanRenewal { plan }]
        }
        Some(JobsRow::Batch(index)) => {
            let id = model.jobs.batches.get(index).map(|b| b.entry.id);
            if let Some(id) = id {
                model.tell(
                    Severity::Info,
                    format!(
                        "open batch {id} with {} and renew one archive, or run 'defrost restore --resume {id}', which renews what expired as it goes",
                        model.config.keymap.label(Action::Open)
                    ),
                );
            }
            Vec::new()
        }
        _ => crate::tui::update::renew::renew_selected(model),
    }
}

/// On a plan row, shows or hides its jobs; on a job row, hides its plan's jobs
/// and goes back to the plan.
fn expand_or_collapse(model: &mut Model) -> Vec<Cmd> {
    let pane = &mut model.jobs;
    let cmds = match pane.selected() {
        Some(JobsRow::Batch(index)) => match pane.batches.get(index).map(|b| b.entry.id) {
            Some(id) => batch::expand_or_collapse(model, id, true),
            None => Vec::new(),
        },
        Some(JobsRow::BatchItem { batch, .. }) => {
            match pane.batches.get(batch).map(|b| b.entry.id) {
                Some(id) => batch::expand_or_collapse(model, id, false),
                None => Vec::new(),
            }
        }
        _ => expand_or_collapse_plan(model),
    };
    keep_visible(model);
    cmds
}

fn expand_or_collapse_plan(model: &mut Model) -> Vec<Cmd> {
    let pane = &mut model.jobs;
    match pane.selected() {
        Some(JobsRow::Plan(index)) => {
            if let Some(id) = pane.plans.get(index).map(|plan| plan.id)
                && !pane.expanded.remove(&id)
            {
                pane.expanded.insert(id);
            }
        }
        Some(JobsRow::Job { plan, .. }) => {
            if let Some(id) = pane.plans.get(plan).map(|plan| plan.id) {
                pane.expanded.remove(&id);
                pane.select_plan(id);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The selected row, by what it shows.
pub(super) fn selection(pane: &JobsPane) -> Option<Selection> {
    match pane.selected()? {
        JobsRow::Batch(index) => Some(Selection::Batch(pane.batches.get(index)?.entry.id)),
        JobsRow::BatchItem { batch, item } => {
            let batch = pane.batches.get(batch)?;
            Some(Selection::BatchItem {
                batch: batch.entry.id,
                plan: batch.items.get(item)?.plan,
            })
        }
        JobsRow::Plan(index) => Some(Selection::Plan(pane.plans.get(index)?.id)),
        JobsRow::Job { plan, job } => {
            let plan = pane.plans.get(plan)?;
            Some(Selection::Job {
                plan: plan.id,
                position: plan.jobs.get(job)?.position,
            })
        }
    }
}

/// After the journal was read again: a job just launched is selected once its
/// plan is listed; otherwise the cursor stays on what it was on, and on its plan
/// when that job row is gone.
pub(super) fn keep_cursor(model: &mut Model, before: Option<Selection>) {
    keep_cursor_on_rows(&mut model.jobs, before);
    keep_visible(model);
}

fn keep_cursor_on_rows(pane: &mut JobsPane, before: Option<Selection>) {
    let listed: Vec<PlanId> = pane.plans.iter().map(|plan| plan.id).collect();
    pane.expanded.retain(|id| listed.contains(id));
    let batches: Vec<BatchId> = pane.batches.iter().map(|b| b.entry.id).collect();
    pane.expanded_batches.retain(|id| batches.contains(id));
    if let Some(batch) = pane.follow_batch
        && pane.select_batch(batch)
    {
        pane.follow_batch = None;
        return;
    }
    let followed = pane.follow.take();
    if let Some(job_id) = followed.as_deref()
        && pane.select_job(job_id)
    {
        return;
    }
    pane.follow = followed;
    match before {
        // A job row that is gone (its plan closed) leaves the cursor on its plan.
        Some(Selection::Job { plan, position }) if !select_job_at(pane, plan, position) => {
            pane.select_plan(plan);
        }
        Some(Selection::Plan(id)) => {
            pane.select_plan(id);
        }
        Some(Selection::BatchItem { batch, plan }) if !select_batch_item(pane, batch, plan) => {
            pane.select_batch(batch);
        }
        Some(Selection::Batch(id)) => {
            pane.select_batch(id);
        }
        Some(Selection::Job { .. } | Selection::BatchItem { .. }) | None => {}
    }
    pane.cursor = pane.cursor.min(pane.rows().len().saturating_sub(1));
}

/// Puts the cursor on the row of batch `id`'s archive of `plan`, when shown.
fn select_batch_item(pane: &mut JobsPane, id: BatchId, plan: PlanId) -> bool {
    let found = pane.rows().iter().position(|row| match *row {
        JobsRow::BatchItem { batch, item } => pane.batches.get(batch).is_some_and(|batch| {
            batch.entry.id == id && batch.items.get(item).is_some_and(|item| item.plan == plan)
        }),
        _ => false,
    });
    if let Some(found) = found {
        pane.cursor = found;
    }
    found.is_some()
}

/// Puts the cursor on the row of plan `id`'s job at `position`, when shown.
fn select_job_at(pane: &mut JobsPane, id: PlanId, position: u32) -> bool {
    let found = pane.rows().iter().position(|row| match *row {
        JobsRow::Job { plan, job } => pane.plans.get(plan).is_some_and(|plan| {
            plan.id == id
                && plan
                    .jobs
                    .get(job)
                    .is_some_and(|job| job.position == position)
        }),
        _ => false,
    });
    if let Some(found) = found {
        pane.cursor = found;
    }
    found.is_some()
}

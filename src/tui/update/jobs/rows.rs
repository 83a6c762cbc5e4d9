//! Moving over the jobs pane: a row per plan, its jobs shown beneath it while it
//! is expanded, and the cursor kept on the same plan (or job) when the journal
//! is read again.

use super::super::super::keymap::Action;
use super::super::super::model::{JobsPane, JobsRow, Model};
use super::super::super::msg::Cmd;
use super::downloads::download_selected;
use crate::store::PlanId;

/// What the cursor is on, named so that it survives a reload: row indexes move
/// when plans are added or expanded, plan ids and job positions do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Selection {
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
    model.jobs.cursor = match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::First => 0,
        Action::Last => last,
        Action::Open => return expand_or_collapse(model),
        Action::Download => return download_selected(model),
        Action::Renew => return crate::tui::update::renew::renew_selected(model),
        _ => cursor,
    };
    Vec::new()
}

/// On a plan row, shows or hides its jobs; on a job row, hides its plan's jobs
/// and goes back to the plan.
fn expand_or_collapse(model: &mut Model) -> Vec<Cmd> {
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
        None => {}
    }
    Vec::new()
}

/// The selected row, by what it shows.
pub(super) fn selection(pane: &JobsPane) -> Option<Selection> {
    match pane.selected()? {
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
    let pane = &mut model.jobs;
    let listed: Vec<PlanId> = pane.plans.iter().map(|plan| plan.id).collect();
    pane.expanded.retain(|id| listed.contains(id));
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
        Some(Selection::Job { .. }) | None => {}
    }
    pane.cursor = pane.cursor.min(pane.rows().len().saturating_sub(1));
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
        JobsRow::Plan(_) => false,
    });
    if let Some(found) = found {
        pane.cursor = found;
    }
    found.is_some()
}

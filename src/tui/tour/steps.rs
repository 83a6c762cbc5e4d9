//! What each step asks for, read off the model; what the tour notices on
//! the way that the model does not keep; what the demo does for a step; and
//! which keys to highlight where the user is.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{StepId, TourCmd};
use crate::domain::job::{PlanShape, PlanState};
use crate::domain::job_params::Tier;
use crate::domain::range::PlanKind;
use crate::store::PlanEntry;
use crate::tui::context::{Context, has_output_to_download};
use crate::tui::keymap::Action;
use crate::tui::model::{Dialog, DownloadState, JobsRow, Model, Severity};
use crate::tui::msg::Cmd;

fn kind_id(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Mib => "mib",
        PlanKind::Tree => "tree",
        PlanKind::Split => "split",
    }
}

/// Notes what passes by and would be gone by the time a step is checked: the
/// plans lit in the planner, an Expedited launch and Glacier's answer to it,
/// a download that failed verification.
pub(super) fn observe(model: &mut Model) {
    let tour = &mut model.tour;
    match &model.dialog {
        // Only over a part of the archive do the three plans differ.
        Some(Dialog::Range(dialog)) if dialog.want.len() < dialog.archive.size => {
            let kind = kind_id(dialog.chosen).to_owned();
            if !tour.progress.seen_plans.contains(&kind) {
                tour.progress.seen_plans.push(kind);
            }
        }
        Some(Dialog::Launch(launch)) if launch.confirming => {
            tour.confirming = Some(launch.preview.tier);
        }
        dialog => {
            // The confirmed launch took the dialog away and said it is starting.
            let sent = tour.confirming.take() == Some(Tier::Expedited)
                && dialog.is_none()
                && (model.status.as_ref())
                    .is_some_and(|status| status.text.starts_with("starting"));
            tour.expedited_sent |= sent;
        }
    }
    if tour.expedited_sent
        && let Some(status) = &model.status
    {
        match status.severity {
            Severity::Problem => {
                tour.expedited_sent = false;
                tour.progress.expedited_refused |= status.text.to_lowercase().contains("capacity");
            }
            Severity::Good => tour.expedited_sent = false,
            Severity::Info => {}
        }
    }
    if tour.step() == Some(StepId::Mismatch) && tour.progress.caught.is_none() {
        let ids: Vec<String> = tour_plans(model).iter().map(|p| p.id.to_string()).collect();
        let caught = (model.jobs.downloads.iter())
            .filter(|(id, _)| ids.contains(id))
            .find_map(|(_, download)| match &download.state {
                DownloadState::Failed(text) if text.contains("tree hash") => Some(text.clone()),
                _ => None,
            });
        model.tour.progress.caught = caught;
    }
}

/// Whether `step` is done in `model`.
pub(super) fn done(step: StepId, model: &Model) -> bool {
    let tour = &model.tour.progress;
    let plans = tour_plans(model);
    let of_tier = |tier: Tier| plans.iter().any(|plan| plan_tier(plan) == Some(tier));
    let has_output = |plan: &&PlanEntry| has_output_to_download(plan, model.now);
    match step {
        StepId::Filter => {
            let table = &model.archives;
            !table.filter.is_empty() && !table.filtering && table.selected().is_some()
        }
        StepId::Planner => matches!(model.dialog, Some(Dialog::Range(_))),
        StepId::Plans => PlanKind::ALL
            .iter()
            .all(|kind| tour.seen_plans.iter().any(|seen| seen == kind_id(*kind))),
        StepId::Preview => matches!(
            &model.dialog,
            Some(Dialog::Preview(preview)) if preview.plan.plan != PlanKind::Mib
        ),
        StepId::Cli => (model.status.as_ref()).is_some_and(|status| {
            status.severity == Severity::Good
                && (status.text.starts_with("copied the job parameters")
                    || status.text.starts_with("saved the preview"))
        }),
        StepId::Bulk => of_tier(Tier::Bulk),
        StepId::Expedited => tour.expedited_refused || of_tier(Tier::Expedited),
        StepId::ExpeditedAgain => of_tier(Tier::Expedited),
        StepId::Ready => plans
            .iter()
            .any(|plan| plan.finished.is_some() || has_output(plan)),
        StepId::Download => plans
            .iter()
            .any(|plan| plan.finished.as_ref().is_some_and(|file| file.verified)),
        StepId::Watch => {
            // A launch Glacier refused is journaled too, as a plan that never
            // started: only plans with jobs still running are waited for.
            let running = |plan: &&PlanEntry| {
                matches!(
                    plan.state(model.now),
                    PlanState::Started | PlanState::PartlyReady
                )
            };
            !plans.iter().any(running) && plans.iter().any(has_output)
        }
        StepId::Mismatch => tour.caught.is_some(),
    }
}

/// What the demo does as `step` is done.
pub(super) fn on_done(step: StepId, model: &mut Model) -> Vec<Cmd> {
    if step == StepId::Mismatch && model.tour.armed.take() == Some(StepId::Mismatch) {
        return vec![Cmd::Tour(TourCmd::Uncorrupt)];
    }
    Vec::new()
}

/// What the demo does for `step` while it is the current one, once a run: the
/// capacity Expedited was refused for, a flipped byte in the outputs to
/// download. `None` when the step needs nothing, or not yet.
pub(super) fn arm(step: StepId, model: &Model) -> Option<Cmd> {
    match step {
        StepId::ExpeditedAgain if model.tour.progress.expedited_refused => {
            Some(Cmd::Tour(TourCmd::ProvideCapacity))
        }
        StepId::Mismatch => {
            let job_ids: Vec<String> = corruptible(model)
                .iter()
                .flat_map(|plan| plan.current_jobs())
                .filter(|job| !job.staged)
                .filter_map(|job| job.entry.job_id.clone())
                .collect();
            (!job_ids.is_empty()).then_some(Cmd::Tour(TourCmd::Corrupt { job_ids }))
        }
        _ => None,
    }
}

/// The tour's plans that have output still to download.
fn corruptible(model: &Model) -> Vec<&PlanEntry> {
    (tour_plans(model).into_iter())
        .filter(|plan| plan.finished.is_none() && has_output_to_download(plan, model.now))
        .collect()
}

/// The archive plans made since the tour began.
pub fn tour_plans(model: &Model) -> Vec<&PlanEntry> {
    let Some(began) = model.tour.progress.began else {
        return Vec::new();
    };
    (model.jobs.plans.iter())
        .filter(|plan| plan.shape != PlanShape::Inventory)
        .filter(|plan| {
            OffsetDateTime::parse(&plan.made_at, &Rfc3339).is_ok_and(|made| made >= began)
        })
        .collect()
}

fn plan_tier(plan: &PlanEntry) -> Option<Tier> {
    (plan.current_jobs().into_iter()).find_map(|job| job.entry.state.as_ref()?.tier)
}

/// The actions to press now, where the user is: the step's keys of this
/// context, narrowed where the step knows which one leads on (the tier to
/// choose, the plan to light, the row to select).
pub fn highlighted(model: &Model) -> Vec<Action> {
    let Some(step) = model.tour.step().filter(|_| model.tour.shown) else {
        return Vec::new();
    };
    let context = Context::of(model);
    let listed: Vec<Action> = (model.config.tour.step(step).into_iter())
        .flat_map(|text| text.keys.iter())
        .filter(|key| key.context == context)
        .map(|key| key.action)
        .collect();
    let narrowed = match (step, context, &model.dialog) {
        (StepId::Filter, Context::Filter, _) if model.archives.filter.is_empty() => Vec::new(),
        (StepId::Plans, Context::Planner, Some(Dialog::Range(dialog))) => {
            if dialog.want.len() >= dialog.archive.size {
                return Vec::new();
            }
            let seen = &model.tour.progress.seen_plans;
            let at = PlanKind::ALL.iter().position(|kind| *kind == dialog.chosen);
            let unseen_right = PlanKind::ALL.iter().enumerate().any(|(index, kind)| {
                Some(index) > at && !seen.iter().any(|known| known == kind_id(*kind))
            });
            vec![if unseen_right {
                Action::Right
            } else {
                Action::Left
            }]
        }
        (StepId::Preview, Context::Planner, Some(Dialog::Range(dialog))) => {
            vec![if dialog.chosen == PlanKind::Mib {
                Action::Right
            } else {
                Action::Open
            }]
        }
        (
            StepId::Bulk | StepId::Expedited | StepId::ExpeditedAgain,
            Context::Launch,
            Some(Dialog::Launch(launch)),
        ) => {
            let wanted = if step == StepId::Bulk {
                Tier::Bulk
            } else {
                Tier::Expedited
            };
            vec![match (launch.preview.tier, wanted) {
                (tier, wanted) if tier == wanted => Action::Open,
                (_, Tier::Bulk) => Action::Up,
                _ => Action::Down,
            }]
        }
        (StepId::Download | StepId::Mismatch, Context::Jobs, _) => {
            let targets: Vec<_> = corruptible(model).iter().map(|plan| plan.id).collect();
            select_then(model, &targets, Action::Download)
        }
        // Left too long, an output expires: the plan is renewed, not waited for.
        (StepId::Watch, Context::Jobs, _) => {
            let lapsed: Vec<_> = (tour_plans(model).into_iter())
                .filter(|plan| plan.finished.is_none() && plan.state(model.now).needs_renewal())
                .filter(|plan| plan_tier(plan).is_some())
                .map(|plan| plan.id)
                .collect();
            if lapsed.is_empty() {
                vec![Action::Refresh]
            } else {
                select_then(model, &lapsed, Action::Renew)
            }
        }
        _ => listed.clone(),
    };
    // Only actions that act here: a narrowed one is one of the context's.
    narrowed
        .into_iter()
        .filter(|action| context.acts_on(*action))
        .collect()
}

/// In the jobs pane: the way to one of the `targets` plans, then `action` on it.
fn select_then(model: &Model, targets: &[crate::store::PlanId], action: Action) -> Vec<Action> {
    if (model.jobs.selected_plan()).is_some_and(|plan| targets.contains(&plan.id)) {
        return vec![action];
    }
    let rows = model.jobs.rows();
    let target_row = rows.iter().position(|row| match row {
        JobsRow::Plan(index) => {
            (model.jobs.plans.get(*index)).is_some_and(|p| targets.contains(&p.id))
        }
        _ => false,
    });
    match target_row {
        Some(row) if row < model.jobs.cursor => vec![Action::Up],
        Some(_) => vec![Action::Down],
        None => Vec::new(),
    }
}

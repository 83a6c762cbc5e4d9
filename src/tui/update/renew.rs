//! Renewing a plan from the jobs pane: the key asks Glacier which jobs must
//! start again, a dialog shows them with their cost, and Enter starts them.

use super::super::keymap::Action;
use super::super::model::{Dialog, Model, RenewDialog, Severity};
use super::super::msg::Cmd;
use super::{close_dialog, refuse_read_only};
use crate::domain::cost::{estimate, format_cost};
use crate::tui::effects::RenewalView;

/// The renew key on a plan (or one of its jobs).
pub(super) fn renew_selected(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "renewing a plan starts paid jobs");
    }
    let Some(plan) = model.jobs.selected_plan() else {
        model.tell(Severity::Info, "select a plan to renew");
        return Vec::new();
    };
    let (id, state) = (plan.id, plan.state(model.now));
    if !state.needs_renewal() {
        model.tell(
            Severity::Info,
            format!("plan {id} needs no renewal: it is {state}"),
        );
        return Vec::new();
    }
    model.tell(
        Severity::Info,
        format!("asking Glacier which jobs of plan {id} to start again…"),
    );
    vec![Cmd::PlanRenewal { plan: id }]
}

/// Glacier's answer: the dialog, or why there is none.
pub(super) fn renewal_planned(model: &mut Model, result: Result<RenewalView, String>) -> Vec<Cmd> {
    match result {
        Err(reason) => model.tell(Severity::Problem, reason),
        Ok(renewal) if renewal.renewed.is_empty() => model.tell(
            Severity::Info,
            format!(
                "plan {} needs no renewal: every job is downloaded, ready or on its way",
                renewal.plan
            ),
        ),
        Ok(renewal) => {
            let cost = renewal_cost(model, &renewal);
            model.dialog = Some(Dialog::Renew(RenewDialog { renewal, cost }));
        }
    }
    Vec::new()
}

/// What the jobs cost at their tiers, from the price table.
fn renewal_cost(model: &Model, renewal: &RenewalView) -> String {
    let prices = &model.config.prices;
    let cost: f64 = renewal
        .renewed
        .iter()
        .map(|job| {
            let bytes = job
                .range
                .map(|range| range.len())
                .or(renewal.archive_size)
                .unwrap_or(0);
            estimate(prices, job.tier, bytes, 1, model.session.speed).cost
        })
        .sum();
    format!(
        "about {} (prices of {}, as of {})",
        format_cost(cost, &prices.currency),
        prices.region,
        prices.as_of
    )
}

/// Keys in the dialog: Enter starts the jobs, Esc leaves them.
pub(super) fn dialog_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    match action {
        Action::Open => {
            let Some(Dialog::Renew(dialog)) = model.dialog.take() else {
                return Vec::new();
            };
            let plan = dialog.renewal.plan;
            model.tell(
                Severity::Info,
                format!("starting the jobs of plan {plan} again…"),
            );
            vec![Cmd::Renew { plan }]
        }
        Action::Back => close_dialog(model),
        _ => Vec::new(),
    }
}

/// What started; the journal is read again so the plan's row shows it.
pub(super) fn renewed(model: &mut Model, result: Result<String, String>) -> Vec<Cmd> {
    match result {
        Ok(said) => {
            model.tell(Severity::Good, said);
            super::jobs::sync_all(model)
        }
        Err(reason) => {
            model.tell(Severity::Problem, reason);
            Vec::new()
        }
    }
}

//! Retrievals a zip's key started from the screen go on by themselves: once
//! the jobs pane's sync finds a plan of theirs ready, the peek or the member's
//! restore is asked of the engine again, as pressing the key again would. One
//! is asked at a time, and none while a dialog is open, so an answer that
//! opens a dialog never lands on another.

use super::super::members::{CarryOn, ZipStep};
use super::super::model::Model;
use super::super::msg::Cmd;
use crate::domain::job::PlanState;
use crate::store::PlanId;

/// Takes `step` further once `plan` is ready.
pub(super) fn remember(model: &mut Model, plan: PlanId, step: ZipStep) {
    model.zips.carry_on.retain(|waiting| waiting.plan != plan);
    model.zips.carry_on.push(CarryOn { plan, step });
}

/// The next retrieval whose plan is ready, asked for again; those that can
/// no longer be (expired or failed: renewing is the user's choice, and the
/// key asks again) are let go.
pub(super) fn due(model: &mut Model) -> Vec<Cmd> {
    let now = model.now;
    let state = |model: &Model, plan: PlanId| {
        (model.jobs.plans.iter())
            .find(|entry| entry.id == plan)
            .map(|entry| entry.state(now))
    };
    let ended =
        |state: Option<PlanState>| matches!(state, Some(PlanState::Expired | PlanState::Failed));
    let states: Vec<Option<PlanState>> = (model.zips.carry_on.iter())
        .map(|waiting| state(model, waiting.plan))
        .collect();
    let mut states = states.into_iter();
    model
        .zips
        .carry_on
        .retain(|_| !ended(states.next().flatten()));
    let busy =
        model.dialog.is_some() || model.zips.asking.is_some() || model.zips.restoring.is_some();
    if busy {
        return Vec::new();
    }
    let ready = (model.zips.carry_on.iter()).position(|waiting| {
        matches!(
            state(model, waiting.plan),
            Some(PlanState::Ready | PlanState::Downloading | PlanState::Finished)
        )
    });
    let Some(index) = ready else {
        return Vec::new();
    };
    match model.zips.carry_on.remove(index).step {
        ZipStep::Peek(ask) => super::peek::send(model, ask),
        ZipStep::Member { ask, member } => super::member_restore::send(model, ask, member),
    }
}

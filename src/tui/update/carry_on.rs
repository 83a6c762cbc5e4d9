//! Retrievals a zip's key started from the screen go on by themselves: once
//! the jobs pane's sync finds a plan of theirs ready, the peek or the member's
//! restore is asked of the engine again, as pressing the key again would, but
//! never to pay: a further range a peek needs is shown with its cost first.
//! One is asked at a time, and none while a dialog is open, so an answer that
//! opens a dialog never lands on another. Here too is what the status line
//! says of a retrieval started or waited for.

use time::OffsetDateTime;

use super::super::keymap::Action;
use super::super::members::{CarryOn, ZipStep};
use super::super::model::{Model, Severity};
use super::super::msg::Cmd;
use crate::domain::job::PlanState;
use crate::store::PlanId;

/// Takes `step` further once `plan` is ready, paying for nothing.
fn remember(model: &mut Model, plan: PlanId, step: ZipStep) {
    let step = match step {
        ZipStep::Peek(ask) => ZipStep::Peek(super::super::members::PeekAsk {
            launch: false,
            ..ask
        }),
        ZipStep::Member(ask) => ZipStep::Member(super::super::member_restore::MemberAsk {
            launch: false,
            ..ask
        }),
    };
    model.zips.carry_on.retain(|waiting| waiting.plan != plan);
    model.zips.carry_on.push(CarryOn { plan, step });
}

/// `step`'s retrieval started as `plan` (`reused` jobs already under way):
/// said in the status line ("started plan P3 to WHAT"), remembered, and the
/// jobs pane asked to show it.
pub(super) fn started(
    model: &mut Model,
    (plan, reused): (PlanId, usize),
    what: &str,
    step: ZipStep,
) -> Vec<Cmd> {
    let reuse = if reused > 0 {
        format!(" ({reused} job(s) already under way reused)")
    } else {
        String::new()
    };
    model.tell(
        Severity::Good,
        format!("started plan {plan} to {what}{reuse}; it goes on by itself once ready"),
    );
    remember(model, plan, step);
    super::jobs::sync_all(model)
}

/// A retrieval whose jobs are not all ready, as the engine found it.
pub(super) struct Waiting {
    pub plan: PlanId,
    /// When the last of its jobs should be ready.
    pub ready_by: Option<OffsetDateTime>,
    /// Why one of its jobs never will be.
    pub stuck: Option<String>,
}

/// `what` ("the peek of NAME") waits: when it should be ready, remembered to
/// go on then; or why it never will be, and how to renew it.
pub(super) fn waiting(model: &mut Model, waiting: Waiting, what: &str, step: ZipStep) {
    let Waiting {
        plan,
        ready_by,
        stuck,
    } = waiting;
    if let Some(why) = stuck {
        let renew = model.config.keymap.label(Action::Renew);
        model.tell(
            Severity::Problem,
            format!(
                "{what} waits for plan {plan}: {why}; renew the plan with {renew} in the jobs pane"
            ),
        );
        return;
    }
    remember(model, plan, step);
    let when = ready_by
        .filter(|at| *at > model.now)
        .map(|at| {
            let left = std::time::Duration::try_from(at - model.now).unwrap_or_default();
            format!(
                ", typically ready in {}",
                super::super::view::format::span(left)
            )
        })
        .unwrap_or_default();
    model.tell(
        Severity::Info,
        format!("{what} waits for plan {plan}{when}; it goes on by itself then"),
    );
}

/// The next retrieval whose plan is ready, asked for again; those that can
/// no longer be (expired or failed: renewing is the user's choice, and the
/// key asks again) are let go.
pub(super) fn due(model: &mut Model) -> Vec<Cmd> {
    let (now, plans) = (model.now, &model.jobs.plans);
    let state = |plan: PlanId| {
        (plans.iter())
            .find(|entry| entry.id == plan)
            .map(|entry| entry.state(now))
    };
    (model.zips.carry_on).retain(|waiting| {
        !matches!(
            state(waiting.plan),
            Some(PlanState::Expired | PlanState::Failed)
        )
    });
    let busy =
        model.dialog.is_some() || model.zips.asking.is_some() || model.zips.restoring.is_some();
    let ready = (model.zips.carry_on.iter()).position(|waiting| {
        matches!(
            state(waiting.plan),
            Some(PlanState::Ready | PlanState::Downloading | PlanState::Finished)
        )
    });
    let Some(index) = ready.filter(|_| !busy) else {
        return Vec::new();
    };
    match model.zips.carry_on.remove(index).step {
        ZipStep::Peek(ask) => super::peek::send(model, ask),
        ZipStep::Member(ask) => super::member_restore::send(model, ask),
    }
}

//! Reducer tests of renewing a plan from the jobs pane: the key asks Glacier
//! only for a plan that lost a job, the dialog shows the jobs and their cost,
//! Enter starts them, Esc leaves them, and the journal is read again after.

use super::*;
use crate::store::{PlanEntry, PlanId};
use crate::tracking::launch::RenewReason;
use crate::tui::effects::{RenewalView, RenewedView};

fn with_plans(plans: Vec<PlanEntry>) -> crate::tui::model::Model {
    let mut model = browsing(120, 40, 10);
    update(&mut model, plans_loaded(plans), NOW);
    model.focus = Pane::Jobs;
    model
}

fn expired_plan() -> PlanEntry {
    let range = ByteRange::new(0, MIB - 1).unwrap();
    plan(
        3,
        Some(range),
        vec![job("lost", JobStatus::Expired, Some(range))],
    )
}

fn renewal() -> RenewalView {
    RenewalView {
        plan: PlanId(3),
        name: "photos/2019/x.bin".into(),
        jobs: 1,
        renewed: vec![RenewedView {
            number: 1,
            range: ByteRange::new(0, MIB - 1).ok(),
            tier: Tier::Bulk,
            why: RenewReason::Expired,
        }],
        archive_size: Some(13 * MIB),
    }
}

#[test]
fn the_renew_key_asks_glacier_about_a_plan_that_lost_a_job() {
    let mut model = with_plans(vec![expired_plan()]);
    let cmds = update(&mut model, key(KeyCode::Char('R')), NOW);
    assert_eq!(cmds, vec![Cmd::PlanRenewal { plan: PlanId(3) }]);
}

#[test]
fn a_plan_that_lost_nothing_is_not_renewed_and_says_why() {
    let ready = plan(4, None, vec![job("fine", JobStatus::Succeeded, None)]);
    let mut model = with_plans(vec![ready]);
    let cmds = update(&mut model, key(KeyCode::Char('R')), NOW);
    assert!(cmds.is_empty());
    let said = &model.status.as_ref().unwrap().text;
    assert!(
        said.contains("plan P4 needs no renewal: it is ready"),
        "{said}"
    );
}

#[test]
fn the_dialog_shows_the_cost_and_enter_starts_the_jobs() {
    let mut model = with_plans(vec![expired_plan()]);
    let answer = Msg::Loaded(Loaded::RenewalPlanned(Ok(renewal())));
    assert!(update(&mut model, answer, NOW).is_empty());
    let Some(Dialog::Renew(dialog)) = &model.dialog else {
        panic!("no renewal dialog: {:?}", model.dialog);
    };
    assert!(dialog.cost.starts_with("about $"), "{}", dialog.cost);
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    assert_eq!(cmds, vec![Cmd::Renew { plan: PlanId(3) }]);
    assert!(model.dialog.is_none());

    let done = Msg::Loaded(Loaded::Renewed(Ok("plan P3: 1 job started again".into())));
    let cmds = update(&mut model, done, NOW);
    assert!(
        cmds.iter().any(|cmd| matches!(cmd, Cmd::SyncJobs { .. })),
        "{cmds:?}"
    );
}

#[test]
fn escape_leaves_the_jobs_unstarted_and_nothing_to_renew_opens_no_dialog() {
    let mut model = with_plans(vec![expired_plan()]);
    update(
        &mut model,
        Msg::Loaded(Loaded::RenewalPlanned(Ok(renewal()))),
        NOW,
    );
    assert!(update(&mut model, key(KeyCode::Esc), NOW).is_empty());
    assert!(model.dialog.is_none());

    let nothing = RenewalView {
        renewed: Vec::new(),
        ..renewal()
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::RenewalPlanned(Ok(nothing))),
        NOW,
    );
    assert!(model.dialog.is_none());
    let said = &model.status.as_ref().unwrap().text;
    assert!(said.contains("needs no renewal"), "{said}");
}

#[test]
fn a_read_only_session_does_not_renew() {
    let mut model = with_plans(vec![expired_plan()]);
    model.session.read_only = true;
    assert!(update(&mut model, key(KeyCode::Char('R')), NOW).is_empty());
}

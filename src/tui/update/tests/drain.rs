//! Reducer tests of drains from the screen: the drain key on a vault row
//! with copies (and without), the summary to its own request, one Enter to
//! delete, and what the drain reports.

use crossterm::event::KeyCode;

use super::key;
use crate::tui::drain::{DrainStage, Draining};
use crate::tui::model::{Dialog, Model, Pane, Severity};
use crate::tui::msg::{Cmd, DrainNews, Loaded, Msg, RequestId};
use crate::tui::testing::*;
use crate::tui::testing_migration::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(model, key(code), NOW)
}

fn status(model: &Model) -> String {
    model
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// The vaults pane focused on a vault of which three archives are copied.
fn copied() -> Model {
    let mut model = browsing(120, 40, 10);
    model.vaults[0].migration = Some(migration_progress());
    model.focus = Pane::Vaults;
    model
}

fn answer(model: &mut Model, request: RequestId, result: Result<Draining, String>) {
    update(
        model,
        Msg::Loaded(Loaded::DrainPrepared { request, result }),
        NOW,
    );
}

fn asked(model: &mut Model) -> RequestId {
    let cmds = press(model, KeyCode::Char('D'));
    let [Cmd::PrepareDrain { request, vault, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(*vault, vault_key());
    *request
}

#[test]
fn a_vault_with_nothing_copied_is_not_drained_from_here_and_says_how_to_copy() {
    let mut model = browsing(120, 40, 10);
    model.focus = Pane::Vaults;
    assert!(press(&mut model, KeyCode::Char('D')).is_empty());
    assert!(model.dialog.is_none());
    let said = status(&model);
    assert!(said.contains("deletes only copied archives"), "{said}");
    assert!(said.ends_with("press m to copy them first"), "{said}");
}

#[test]
fn the_drain_key_shows_the_summary_then_one_enter_deletes_in_the_background() {
    let mut model = copied();
    let request = asked(&mut model);
    answer(&mut model, RequestId(request.0 + 3), Ok(draining(3)));
    assert!(matches!(
        &model.dialog,
        Some(Dialog::Drain(dialog)) if dialog.stage == DrainStage::Preparing(request)
    ));
    let summary = draining(3);
    answer(&mut model, request, Ok(summary.clone()));
    let cmds = press(&mut model, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::StartDrain {
            vault: vault_key(),
            draining: summary,
        }]
    );
    assert!(model.dialog.is_none());
    assert_eq!(model.draining, vec![vault_key()]);
    assert!(status(&model).starts_with("deleting 3 copied archives from family-photos"));
    // A second drain of the same vault waits for the first.
    assert!(press(&mut model, KeyCode::Char('D')).is_empty());
    assert!(
        status(&model).contains("is being drained"),
        "{}",
        status(&model)
    );
}

#[test]
fn a_drain_that_cannot_be_summed_up_says_why_and_one_with_nothing_to_delete_closes() {
    let mut model = copied();
    let request = asked(&mut model);
    answer(
        &mut model,
        request,
        Err("no inventory of family-photos is cached".into()),
    );
    assert!(model.dialog.is_none());
    assert_eq!(
        model.status.as_ref().map(|s| &s.severity),
        Some(&Severity::Problem)
    );
    let request = asked(&mut model);
    answer(&mut model, request, Ok(draining(0)));
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert!(model.dialog.is_none());
    assert!(model.draining.is_empty());
}

#[test]
fn each_deletion_has_the_vault_counted_again_and_the_end_is_said() {
    let mut model = copied();
    model.draining.push(vault_key());
    let news = |news| Msg::Loaded(Loaded::Drain(news));
    let cmds = update(
        &mut model,
        news(DrainNews::Deleted { vault: vault_key() }),
        NOW,
    );
    assert!(matches!(cmds.as_slice(), [Cmd::LoadProgress { .. }]));
    let held = DrainNews::Held {
        vault: vault_key(),
        message: "slow down".into(),
    };
    update(&mut model, news(held), NOW);
    assert!(status(&model).contains("Glacier pushed back (slow down)"));
    let ended = DrainNews::Ended {
        vault: vault_key(),
        result: Ok("family-photos: 3 copied archives deleted".into()),
    };
    let cmds = update(&mut model, news(ended), NOW);
    assert!(matches!(cmds.as_slice(), [Cmd::LoadProgress { .. }]));
    assert!(model.draining.is_empty());
    assert_eq!(
        model.status.as_ref().map(|s| &s.severity),
        Some(&Severity::Good)
    );
}

#[test]
fn deleting_archives_is_off_in_read_only_mode() {
    let mut model = copied();
    model.session.read_only = true;
    assert!(press(&mut model, KeyCode::Char('D')).is_empty());
    assert!(model.dialog.is_none());
    assert!(status(&model).contains("read-only"), "{}", status(&model));
}

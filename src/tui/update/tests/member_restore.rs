//! Reducer tests of restoring a zip's member from the screen: the restore key
//! asks the engine first, pays nothing, and opens a dialog with each plan and
//! the folder; Enter starts the span's retrieval; the same key later says how
//! long it waits, or where the member was restored, into the folder chosen.

use std::path::PathBuf;

use super::members::members_shown;
use super::*;
use crate::domain::zip::member_range;
use crate::store::PlanId;
use crate::tui::member_restore::{MemberAsk, MemberView};
use crate::tui::members::{ZipAnswer, ZipCmd};
use crate::tui::model::Model;
use crate::tui::msg::RequestId;
use crate::tui::testing_members::members;

/// The members shown, inside `docs/`, the cursor on `docs/a.txt`.
fn on_a_file() -> Model {
    let mut model = members_shown();
    update(&mut model, key(KeyCode::Enter), NOW);
    update(&mut model, key(KeyCode::Down), NOW);
    let view = model.zips.members.as_ref().unwrap();
    assert_eq!(view.selected_member(), Some(&members()[0]));
    model
}

/// The command `cmds` hold: a member's restore asked of the engine.
fn asked(cmds: &[Cmd]) -> (RequestId, MemberAsk) {
    match cmds {
        [Cmd::Zip(ZipCmd::RestoreMember { request, ask })] => (*request, ask.clone()),
        other => panic!("expected a member's restore, got {other:?}"),
    }
}

fn answer(model: &mut Model, request: RequestId, result: Result<MemberView, String>) -> Vec<Cmd> {
    let answer = ZipAnswer::Member { request, result };
    update(model, Msg::Loaded(Loaded::Zip(answer)), NOW)
}

/// The dialog on `docs/a.txt`, opened by the key and the engine's answer.
fn dialog_open() -> Model {
    let mut model = on_a_file();
    let (request, _) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    answer(&mut model, request, Ok(MemberView::ToPay));
    model
}

fn status(model: &Model) -> (Severity, String) {
    let status = model.status.as_ref().expect("a status line");
    (status.severity.clone(), status.text.clone())
}

#[test]
fn the_restore_key_asks_the_engine_without_paying_then_opens_the_dialog() {
    let mut model = on_a_file();
    let (request, ask) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    assert_eq!(ask.archive.archive_id, archive(2, "", 0).archive_id);
    assert_eq!(ask.member, members()[0]);
    assert!(!ask.launch, "nothing is paid for before the dialog");
    assert_eq!(ask.to, PathBuf::from("restores"), "the download folder");
    assert!(model.dialog.is_none());

    answer(&mut model, request, Ok(MemberView::ToPay));
    let Some(Dialog::MemberRestore(dialog)) = &model.dialog else {
        panic!("expected the restore dialog, got {:?}", model.dialog);
    };
    let a = &members()[0];
    assert_eq!(dialog.want, member_range(&a.member, a.span_end).unwrap());
    assert_eq!(dialog.want, ByteRange::new(0, 2 * MIB - 1).unwrap());
    assert_eq!(dialog.chosen, PlanKind::Split);
    assert_eq!(dialog.tier, Tier::Standard);
    assert_eq!(dialog.folder, "restores");
    assert_eq!(dialog.plans.len(), 3, "every plan is shown");
    assert!(dialog.can_start());
    assert!(model.status.is_none(), "the dialog says it all");
}

#[test]
fn the_dialog_chooses_plan_and_tier_takes_a_folder_and_enter_starts_it() {
    let mut model = dialog_open();
    update(&mut model, key(KeyCode::Left), NOW);
    update(&mut model, key(KeyCode::Down), NOW);
    typed(&mut model, "/out");
    let Some(Dialog::MemberRestore(dialog)) = &model.dialog else {
        panic!("{:?}", model.dialog);
    };
    assert_eq!(dialog.chosen, PlanKind::Tree);
    assert_eq!(dialog.tier, Tier::Expedited);
    assert_eq!(dialog.folder, "restores/out", "letters go into the folder");

    let (request, ask) = asked(&update(&mut model, key(KeyCode::Enter), NOW));
    assert!(ask.launch, "Enter pays");
    assert_eq!(
        (ask.plan, ask.tier, ask.to.clone()),
        (
            PlanKind::Tree,
            Tier::Expedited,
            PathBuf::from("restores/out")
        )
    );
    assert!(model.dialog.is_none());

    let cmds = answer(
        &mut model,
        request,
        Ok(MemberView::Started {
            plan: PlanId(7),
            reused: 0,
        }),
    );
    let (severity, text) = status(&model);
    assert_eq!(severity, Severity::Good);
    assert!(
        text.contains("plan P7") && text.contains("restores/out"),
        "{text}"
    );
    assert!(text.ends_with("it goes on by itself once ready"), "{text}");
    assert!(!cmds.is_empty(), "the jobs pane is asked to show the plan");

    // The same key asks where it stands any time, into the folder chosen.
    let (_, again) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    assert!(!again.launch);
    assert_eq!(again.to, PathBuf::from("restores/out"));
}

#[test]
fn a_waiting_restore_says_when_and_a_stuck_one_how_to_renew() {
    let mut model = on_a_file();
    let (request, _) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    let ready_by = NOW + time::Duration::hours(2);
    let waiting = MemberView::Waiting {
        plan: PlanId(3),
        ready_by: Some(ready_by),
        stuck: None,
    };
    answer(&mut model, request, Ok(waiting));
    let (severity, text) = status(&model);
    assert_eq!(severity, Severity::Info);
    assert!(
        text.contains("plan P3") && text.contains("typically ready in 2 h"),
        "{text}"
    );
    assert!(model.dialog.is_none(), "nothing to pay for");

    let (request, _) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    let stuck = MemberView::Waiting {
        plan: PlanId(3),
        ready_by: None,
        stuck: Some("job 1 cannot become ready: it failed".into()),
    };
    answer(&mut model, request, Ok(stuck));
    let (severity, text) = status(&model);
    assert_eq!(severity, Severity::Problem);
    assert!(
        text.contains("it failed") && text.contains("renew the plan with R"),
        "{text}"
    );
}

#[test]
fn a_restored_member_says_where_it_is_and_that_its_crc_was_checked() {
    let mut model = on_a_file();
    let (request, _) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    let restored = MemberView::Restored {
        shown: "restores/docs/a.txt".into(),
        bytes: 3 * MIB,
        crc32: 0x1234_5678,
    };
    let cmds = answer(&mut model, request, Ok(restored));
    let (severity, text) = status(&model);
    assert_eq!(severity, Severity::Good);
    assert!(text.contains("restored restores/docs/a.txt"), "{text}");
    assert!(
        text.contains("(3 MiB,") && text.contains("CRC-32 12345678 checked"),
        "{text}"
    );
    assert!(!cmds.is_empty(), "the plan's rows are synced");
}

#[test]
fn a_refusal_is_said_and_an_answer_to_an_older_question_is_dropped() {
    let mut model = on_a_file();
    let (first, _) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    let (second, _) = asked(&update(&mut model, key(KeyCode::Char('d')), NOW));
    assert!(answer(&mut model, first, Ok(MemberView::ToPay)).is_empty());
    assert!(model.dialog.is_none(), "the older answer opens nothing");
    let refusal = "docs/a.txt is encrypted inside the zip".to_owned();
    answer(&mut model, second, Err(refusal.clone()));
    assert_eq!(status(&model), (Severity::Problem, refusal));
    assert!(model.dialog.is_none());
}

#[test]
fn without_a_folder_enter_starts_nothing_and_esc_pays_nothing() {
    let mut model = dialog_open();
    for _ in 0.."restores".len() {
        update(&mut model, key(KeyCode::Backspace), NOW);
    }
    let Some(Dialog::MemberRestore(dialog)) = &model.dialog else {
        panic!("{:?}", model.dialog);
    };
    assert_eq!(dialog.folder, "");
    assert!(!dialog.can_start());
    assert!(update(&mut model, key(KeyCode::Enter), NOW).is_empty());
    assert!(model.dialog.is_some(), "still asking for a folder");
    assert!(update(&mut model, key(KeyCode::Esc), NOW).is_empty());
    assert!(model.dialog.is_none());
}

#[test]
fn a_folder_of_the_zip_is_not_restored_and_read_only_mode_restores_nothing() {
    let mut model = members_shown();
    assert!(update(&mut model, key(KeyCode::Char('d')), NOW).is_empty());
    assert_eq!(status(&model).0, Severity::Info);

    let mut model = on_a_file();
    model.session.read_only = true;
    assert!(update(&mut model, key(KeyCode::Char('d')), NOW).is_empty());
    let (severity, text) = status(&model);
    assert_eq!(severity, Severity::Problem);
    assert!(text.contains("read-only"), "{text}");
}

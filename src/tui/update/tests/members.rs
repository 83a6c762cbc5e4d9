//! Reducer tests of zips on the screen: the marker of listed archives (read
//! when a vault opens), an archive's members as a folder tree, `r` on a
//! member planning its span, and the peek key: the dialog with its cost, the
//! effect it asks for, and what each answer says.

use super::*;
use crate::domain::zip::member_range;
use crate::store::PlanId;
use crate::tui::members::{Listing, MemberEntry, PeekAsk, PeekView, ZipAnswer, ZipCmd};
use crate::tui::model::Model;
use crate::tui::msg::RequestId;
use crate::tui::testing_members::{browsing_listed, members};

fn answer(model: &mut Model, answer: ZipAnswer) -> Vec<Cmd> {
    update(model, Msg::Loaded(Loaded::Zip(answer)), NOW)
}

/// The members of the archive under the cursor, opened with Enter and read.
pub(super) fn members_shown() -> Model {
    let mut model = browsing_listed(120, 40, 10);
    update(&mut model, key(KeyCode::Down), NOW);
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    let request = match cmds.as_slice() {
        [
            Cmd::Zip(ZipCmd::Members {
                request,
                archive_id,
                vault,
            }),
        ] => {
            assert_eq!(archive_id, &archive(2, "", 0).archive_id);
            assert_eq!(vault, &vault_key());
            *request
        }
        other => panic!("expected the members to be read, got {other:?}"),
    };
    assert!(
        model.dialog.is_none(),
        "Enter on a listed archive plans nothing"
    );
    answer(
        &mut model,
        ZipAnswer::Members {
            request,
            result: Ok(members()),
        },
    );
    model
}

/// The peek key on the archive under the cursor, and the request it sends.
fn peek_asked(model: &mut Model) -> (RequestId, PeekAsk) {
    let cmds = update(model, key(KeyCode::Char('z')), NOW);
    match cmds.as_slice() {
        [Cmd::Zip(ZipCmd::Peek { request, ask })] => (*request, ask.clone()),
        other => panic!("expected a peek, got {other:?}"),
    }
}

fn tail_planned() -> PeekView {
    PeekView::Retrieval {
        range: ByteRange::new(47 * MIB, 48 * MIB - 1).unwrap(),
        bytes: MIB,
        jobs: 1,
        first: true,
        started: None,
        reused: 0,
    }
}

#[test]
fn opening_a_vault_asks_which_archives_are_listed_and_the_answer_marks_them() {
    let model = crate::tui::testing::browsing(120, 40, 10);
    assert!(
        model.zips.pending.is_some(),
        "the listed archives are asked for"
    );
    assert!(model.zips.listed.positions.is_empty());
    let model = browsing_listed(120, 40, 10);
    assert!(model.zips.pending.is_none());
    assert!(model.zips.is_listed(&archive(2, "", 0)));
    assert!(!model.zips.is_listed(&archive(1, "", 0)));
    assert!(model.zips.listed.positions.contains(&2));
}

#[test]
fn an_answer_to_an_older_question_is_dropped() {
    let mut model = crate::tui::testing::browsing(120, 40, 10);
    let listing = Listing {
        ids: ["other".to_owned()].into_iter().collect(),
        positions: [7].into_iter().collect(),
    };
    let stale = ZipAnswer::Listed {
        request: RequestId(9999),
        result: Ok(listing),
    };
    answer(&mut model, stale);
    assert!(model.zips.listed.positions.is_empty());
}

#[test]
fn enter_on_a_listed_archive_shows_its_members_as_folders_then_files() {
    let model = members_shown();
    let view = model.zips.members.as_ref().expect("the members are shown");
    assert_eq!(view.path, "");
    assert_eq!(
        view.entries,
        vec![
            MemberEntry::Folder {
                name: "docs".into(),
                files: 2,
                bytes: 23 * MIB,
            },
            MemberEntry::Folder {
                name: "empty".into(),
                files: 0,
                bytes: 0,
            },
            MemberEntry::Member { index: 3 },
        ]
    );
}

#[test]
fn enter_on_an_archive_without_a_listing_still_plans_it() {
    let mut model = browsing_listed(120, 40, 10);
    update(&mut model, key(KeyCode::Enter), NOW);
    assert!(model.zips.members.is_none());
    assert!(matches!(model.dialog, Some(Dialog::Range(_))));
}

#[test]
fn folders_open_with_enter_and_close_with_backspace_or_esc() {
    let mut model = members_shown();
    update(&mut model, key(KeyCode::Enter), NOW);
    let view = model.zips.members.as_ref().unwrap();
    assert_eq!(view.path, "docs/");
    assert_eq!(
        view.entries,
        vec![
            MemberEntry::Folder {
                name: "sub".into(),
                files: 1,
                bytes: 20 * MIB,
            },
            MemberEntry::Member { index: 0 },
        ]
    );
    update(&mut model, key(KeyCode::Enter), NOW);
    assert_eq!(model.zips.members.as_ref().unwrap().path, "docs/sub/");
    update(&mut model, key(KeyCode::Backspace), NOW);
    assert_eq!(model.zips.members.as_ref().unwrap().path, "docs/");
    update(&mut model, key(KeyCode::Esc), NOW);
    assert_eq!(model.zips.members.as_ref().unwrap().path, "");
    update(&mut model, key(KeyCode::Esc), NOW);
    assert!(model.zips.members.is_none(), "back to the archive table");
    assert_eq!(model.archives.cursor, 1, "on the archive it left");
}

#[test]
fn r_on_a_member_opens_the_planner_on_its_span() {
    let mut model = members_shown();
    update(&mut model, key(KeyCode::Enter), NOW);
    update(&mut model, key(KeyCode::Down), NOW);
    update(&mut model, key(KeyCode::Char('r')), NOW);
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!("expected the planner, got {:?}", model.dialog);
    };
    let a = &members()[0];
    let want = member_range(&a.member, a.span_end).unwrap();
    assert_eq!(dialog.want, ByteRange::new(0, 2 * MIB - 1).unwrap());
    assert_eq!(dialog.want, want);
    assert_eq!(dialog.archive.archive_id, archive(2, "", 0).archive_id);
    assert_eq!(dialog.text, "0MiB-2MiB");
    assert!(dialog.chosen_plan().is_some(), "the span has a plan");
    // Enter goes on to the preview, as for any range.
    update(&mut model, key(KeyCode::Enter), NOW);
    assert!(matches!(model.dialog, Some(Dialog::Preview(_))));
}

#[test]
fn a_folder_of_members_has_no_span_of_its_own() {
    let mut model = members_shown();
    update(&mut model, key(KeyCode::Char('r')), NOW);
    assert_eq!(model.zips.members.as_ref().unwrap().path, "docs/");
    assert!(model.dialog.is_none());
}

#[test]
fn the_peek_key_asks_the_engine_then_shows_the_tail_and_its_cost() {
    let mut model = browsing_listed(120, 40, 10);
    let (request, ask) = peek_asked(&mut model);
    assert_eq!(ask.archive.archive_id, archive(1, "", 0).archive_id);
    assert_eq!(ask.tier, Tier::Standard);
    assert!(!ask.launch, "nothing is paid for before the dialog");
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(tail_planned()),
        },
    );
    let Some(Dialog::Peek(dialog)) = &model.dialog else {
        panic!("expected the peek dialog, got {:?}", model.dialog);
    };
    assert_eq!(
        dialog.cost,
        "1 MiB in 1 job, $0.0001 at Standard, typically ready in 3 h to 5 h"
    );
    assert_eq!(
        dialog.whole,
        "48 MiB in 1 job, $0.0005 at Standard, typically ready in 3 h to 5 h"
    );
    // The tier goes round as in the launch step; the costs follow it.
    update(&mut model, key(KeyCode::Down), NOW);
    let Some(Dialog::Peek(dialog)) = &model.dialog else {
        panic!("the dialog stays");
    };
    assert_eq!(dialog.tier, Tier::Expedited);
    assert!(dialog.cost.contains("at Expedited"), "{}", dialog.cost);
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    match cmds.as_slice() {
        [Cmd::Zip(ZipCmd::Peek { ask, .. })] => {
            assert!(ask.launch);
            assert_eq!(ask.tier, Tier::Expedited);
            assert_eq!(ask.archive.archive_id, archive(1, "", 0).archive_id);
        }
        other => panic!("expected the peek to start, got {other:?}"),
    }
    assert!(model.dialog.is_none());
}

#[test]
fn esc_leaves_the_peek_dialog_without_paying() {
    let mut model = browsing_listed(120, 40, 10);
    let (request, _) = peek_asked(&mut model);
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(tail_planned()),
        },
    );
    let cmds = update(&mut model, key(KeyCode::Esc), NOW);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(model.dialog.is_none());
}

#[test]
fn a_started_peek_is_followed_in_the_jobs_pane_and_says_how_to_go_on() {
    let mut model = browsing_listed(120, 40, 10);
    let (request, _) = peek_asked(&mut model);
    let started = PeekView::Retrieval {
        range: ByteRange::new(47 * MIB, 48 * MIB - 1).unwrap(),
        bytes: MIB,
        jobs: 1,
        first: true,
        started: Some(PlanId(4)),
        reused: 0,
    };
    let cmds = answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(started),
        },
    );
    assert!(
        cmds.iter().any(|cmd| matches!(cmd, Cmd::SyncJobs { .. })),
        "{cmds:?}"
    );
    let status = model.status.as_ref().unwrap();
    assert_eq!(status.severity, Severity::Good);
    assert!(status.text.contains("started plan P4"), "{}", status.text);
    assert!(
        status.text.ends_with("it goes on by itself once ready"),
        "{}",
        status.text
    );
}

#[test]
fn a_waiting_peek_says_when_and_a_stuck_one_how_to_renew() {
    let mut model = browsing_listed(120, 40, 10);
    let (request, _) = peek_asked(&mut model);
    let waiting = PeekView::Waiting {
        plan: PlanId(4),
        jobs: 1,
        ready_by: Some(NOW + time::Duration::hours(2)),
        stuck: None,
    };
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(waiting),
        },
    );
    let text = &model.status.as_ref().unwrap().text;
    assert!(
        text.contains("waits for plan P4, typically ready in 2 h"),
        "{text}"
    );
    let (request, _) = peek_asked(&mut model);
    let stuck = PeekView::Waiting {
        plan: PlanId(4),
        jobs: 1,
        ready_by: None,
        stuck: Some("job 1 cannot become ready: it failed".into()),
    };
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(stuck),
        },
    );
    let status = model.status.as_ref().unwrap();
    assert_eq!(status.severity, Severity::Problem);
    assert!(
        status.text.contains("renew the plan with R"),
        "{}",
        status.text
    );
}

#[test]
fn a_peek_that_finds_no_zip_says_why_in_the_status_line() {
    let mut model = browsing_listed(120, 40, 10);
    let (request, _) = peek_asked(&mut model);
    let not_zip = PeekView::NotZip {
        reason: "no zip end record in the archive's last 64 KiB".into(),
    };
    let cmds = answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(not_zip),
        },
    );
    assert!(model.dialog.is_none());
    assert!(
        cmds.iter().any(|cmd| matches!(cmd, Cmd::SyncJobs { .. })),
        "the tail was downloaded: its plan's row is read again: {cmds:?}"
    );
    assert_eq!(
        model.status.as_ref().unwrap().text,
        "photos/IMG_0001.jpg is not a zip that can be listed: no zip end record in the archive's last 64 KiB"
    );
}

#[test]
fn a_peek_that_lists_the_zip_marks_it_and_opens_its_members() {
    let mut model = browsing_listed(120, 40, 10);
    let (request, _) = peek_asked(&mut model);
    let cmds = answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(PeekView::Listed { members: 4 }),
        },
    );
    assert!(model.zips.is_listed(&archive(1, "", 0)));
    assert!(model.zips.members.is_some());
    assert!(
        cmds.iter()
            .any(|cmd| matches!(cmd, Cmd::Zip(ZipCmd::Listed { .. }))),
        "the listed archives are read again: {cmds:?}"
    );
    assert!(
        cmds.iter()
            .any(|cmd| matches!(cmd, Cmd::Zip(ZipCmd::Members { .. }))),
        "{cmds:?}"
    );
}

#[test]
fn the_peek_key_on_a_listed_archive_opens_its_members_for_nothing() {
    let mut model = browsing_listed(120, 40, 10);
    update(&mut model, key(KeyCode::Down), NOW);
    let cmds = update(&mut model, key(KeyCode::Char('z')), NOW);
    assert!(
        matches!(cmds.as_slice(), [Cmd::Zip(ZipCmd::Members { .. })]),
        "{cmds:?}"
    );
}

#[test]
fn peeking_is_off_in_read_only_mode_but_a_listing_still_opens() {
    let mut model = browsing_listed(120, 40, 10);
    model.session.read_only = true;
    let cmds = update(&mut model, key(KeyCode::Char('z')), NOW);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(model.status.as_ref().unwrap().severity, Severity::Problem);
    update(&mut model, key(KeyCode::Down), NOW);
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    assert!(
        matches!(cmds.as_slice(), [Cmd::Zip(ZipCmd::Members { .. })]),
        "{cmds:?}"
    );
}

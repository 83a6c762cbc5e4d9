//! Reducer tests of zips' retrievals going on by themselves: a peek or a
//! member's restore started from the screen is asked for again, without
//! paying, once a sync of the jobs pane finds its plan ready; one at a time,
//! never while a dialog is open, and let go once its plan expired.

use super::members::members_shown;
use super::*;
use crate::store::{PlanEntry, PlanId};
use crate::tui::member_restore::MemberView;
use crate::tui::members::{PeekView, ZipAnswer, ZipCmd};
use crate::tui::model::Model;
use crate::tui::testing_members::browsing_listed;

const SPAN: (u64, u64) = (47 * MIB, 48 * MIB - 1);

fn answer(model: &mut Model, answer: ZipAnswer) -> Vec<Cmd> {
    update(model, Msg::Loaded(Loaded::Zip(answer)), NOW)
}

fn member_answer(model: &mut Model, request: crate::tui::msg::RequestId, view: MemberView) {
    let result = Ok(view);
    answer(model, ZipAnswer::Member { request, result });
}

/// Plan 4, its one job in `status`.
fn plan_four(status: JobStatus) -> PlanEntry {
    let want = ByteRange::new(SPAN.0, SPAN.1).unwrap();
    plan(4, Some(want), vec![job("J4", status, Some(want))])
}

/// A peek of the archive under the cursor, its cost shown and paid for with
/// Enter, started as plan 4.
fn peek_started() -> Model {
    let mut model = browsing_listed(120, 40, 10);
    let cmds = update(&mut model, key(KeyCode::Char('z')), NOW);
    let request = only_peek(&cmds).0;
    let tail = ByteRange::new(SPAN.0, SPAN.1).unwrap();
    let to_pay = PeekView::Retrieval {
        range: tail,
        bytes: MIB,
        jobs: 1,
        first: true,
        started: None,
        reused: 0,
    };
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(to_pay),
        },
    );
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    let (request, paying) = only_peek(&cmds);
    assert!(paying, "Enter in the dialog pays");
    let started = PeekView::Retrieval {
        range: tail,
        bytes: MIB,
        jobs: 1,
        first: true,
        started: Some(PlanId(4)),
        reused: 0,
    };
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(started),
        },
    );
    model
}

/// The one peek `cmds` ask for, and whether it pays.
fn only_peek(cmds: &[Cmd]) -> (crate::tui::msg::RequestId, bool) {
    match cmds {
        [Cmd::Zip(ZipCmd::Peek { request, ask })] => (*request, ask.launch),
        other => panic!("expected one peek, got {other:?}"),
    }
}

fn peeks_asked(cmds: &[Cmd]) -> Vec<&crate::tui::members::PeekAsk> {
    (cmds.iter())
        .filter_map(|cmd| match cmd {
            Cmd::Zip(ZipCmd::Peek { ask, .. }) => Some(ask),
            _ => None,
        })
        .collect()
}

#[test]
fn a_started_peek_is_asked_for_again_once_its_plan_is_ready_and_only_then() {
    let mut model = peek_started();
    let cmds = update(
        &mut model,
        plans_loaded(vec![plan_four(JobStatus::InProgress)]),
        NOW,
    );
    assert!(peeks_asked(&cmds).is_empty(), "not ready yet: {cmds:?}");

    let cmds = update(
        &mut model,
        plans_loaded(vec![plan_four(JobStatus::Succeeded)]),
        NOW,
    );
    let asked = peeks_asked(&cmds);
    let [ask] = asked.as_slice() else {
        panic!("expected the peek asked again, got {cmds:?}")
    };
    assert!(!ask.launch, "going on pays for nothing");
    assert_eq!(ask.archive.archive_id, archive(1, "", 0).archive_id);
    assert_eq!(ask.vault, vault_key());
    assert!(model.zips.carry_on.is_empty(), "asked once");
    let again = update(
        &mut model,
        plans_loaded(vec![plan_four(JobStatus::Succeeded)]),
        NOW,
    );
    assert!(peeks_asked(&again).is_empty(), "{again:?}");
}

#[test]
fn nothing_goes_on_while_a_dialog_is_open_and_an_expired_plan_is_let_go() {
    let mut model = peek_started();
    let running = plans_loaded(vec![plan_four(JobStatus::InProgress)]);
    update(&mut model, running, NOW);
    update(&mut model, key(KeyCode::Char('r')), NOW);
    assert!(model.dialog.is_some(), "the planner is open");
    let cmds = update(
        &mut model,
        plans_loaded(vec![plan_four(JobStatus::Succeeded)]),
        NOW,
    );
    assert!(peeks_asked(&cmds).is_empty(), "{cmds:?}");
    // Ready, it is not offered for downloading: it goes on by itself.
    let said = model.status.as_ref().map(|status| status.text.clone());
    assert!(
        said.as_ref()
            .is_none_or(|text| !text.contains("to download it")),
        "{said:?}"
    );
    assert_eq!(model.zips.carry_on.len(), 1, "it waits for the dialog");

    update(&mut model, key(KeyCode::Esc), NOW);
    let mut expired = plan_four(JobStatus::Succeeded);
    if let Some(job) = expired.jobs[0].entry.state.as_mut() {
        job.completed_at = Some(NOW - time::Duration::days(2));
    }
    let cmds = update(&mut model, plans_loaded(vec![expired]), NOW);
    assert!(peeks_asked(&cmds).is_empty(), "{cmds:?}");
    assert!(
        model.zips.carry_on.is_empty(),
        "renewing is the user's choice"
    );
}

#[test]
fn a_listing_read_by_itself_while_another_vault_is_shown_opens_nothing() {
    let mut model = peek_started();
    let cmds = update(
        &mut model,
        plans_loaded(vec![plan_four(JobStatus::Succeeded)]),
        NOW,
    );
    let request = (cmds.iter())
        .find_map(|cmd| match cmd {
            Cmd::Zip(ZipCmd::Peek { request, .. }) => Some(*request),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{cmds:?}"));
    if let Some(shown) = model.archives.snapshot.as_mut() {
        shown.vault.key.name = "another-vault".into();
    }
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request,
            result: Ok(PeekView::Listed { members: 12 }),
        },
    );
    assert!(model.zips.members.is_none(), "the other vault's pane stays");
    let text = &model.status.as_ref().unwrap().text;
    assert!(text.contains("is a zip of 12 members"), "{text}");
}

#[test]
fn a_started_member_restore_is_unpacked_once_its_plan_is_ready() {
    let mut model = members_shown();
    update(&mut model, key(KeyCode::Enter), NOW);
    update(&mut model, key(KeyCode::Down), NOW);
    let cmds = update(&mut model, key(KeyCode::Char('d')), NOW);
    let [Cmd::Zip(ZipCmd::RestoreMember { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let request = *request;
    member_answer(&mut model, request, MemberView::ToPay);
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    let [Cmd::Zip(ZipCmd::RestoreMember { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let request = *request;
    let started = MemberView::Started {
        plan: PlanId(4),
        reused: 0,
    };
    member_answer(&mut model, request, started);
    let cmds = update(
        &mut model,
        plans_loaded(vec![plan_four(JobStatus::Succeeded)]),
        NOW,
    );
    let asked: Vec<_> = (cmds.iter())
        .filter_map(|cmd| match cmd {
            Cmd::Zip(ZipCmd::RestoreMember { ask, .. }) => Some(ask),
            _ => None,
        })
        .collect();
    let [ask] = asked.as_slice() else {
        panic!("expected the restore asked again, got {cmds:?}")
    };
    assert!(!ask.launch, "going on pays for nothing");
    assert_eq!(
        (ask.member.position, ask.to.as_path()),
        (0, std::path::Path::new("restores"))
    );
}

//! Snapshots of zips on the screen: the marker of an archive whose listing is
//! stored, its members as a folder tree with the selected member's span, and
//! the peek dialog with its cost beside the whole archive's.

use crossterm::event::KeyCode;

use crate::domain::range::{ByteRange, MIB};
use crate::tui::member_restore::MemberView;
use crate::tui::members::{PeekView, ZipAnswer, ZipCmd};
use crate::tui::model::Model;
use crate::tui::msg::{Cmd, Loaded, Msg};
use crate::tui::testing::{NOW, press, screen};
use crate::tui::testing_members::{browsing_listed, members};
use crate::tui::update::update;

fn answer(model: &mut Model, answer: ZipAnswer) -> Vec<Cmd> {
    update(model, Msg::Loaded(Loaded::Zip(answer)), NOW)
}

#[test]
fn a_listed_archive_carries_the_marker() {
    let model = browsing_listed(100, 20, 3005);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_members_of_a_zip() {
    let mut model = browsing_listed(100, 24, 3005);
    press(&mut model, KeyCode::Down);
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::Zip(ZipCmd::Members { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let request = *request;
    insta::assert_snapshot!("the_members_being_read", screen(&model));
    answer(
        &mut model,
        ZipAnswer::Members {
            request,
            result: Ok(members()),
        },
    );
    insta::assert_snapshot!("the_members_at_the_top", screen(&model));
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Down);
    insta::assert_snapshot!("a_member_in_a_folder", screen(&model));
}

#[test]
fn the_peek_dialog_says_what_it_retrieves_and_what_it_costs() {
    let mut model = browsing_listed(100, 28, 3005);
    let cmds = press(&mut model, KeyCode::Char('z'));
    let [Cmd::Zip(ZipCmd::Peek { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let view = PeekView::Retrieval {
        range: ByteRange::new(47 * MIB, 48 * MIB - 1).unwrap(),
        bytes: MIB,
        jobs: 1,
        first: true,
        started: None,
        reused: 0,
    };
    answer(
        &mut model,
        ZipAnswer::Peeked {
            request: *request,
            result: Ok(view),
        },
    );
    insta::assert_snapshot!(screen(&model));
}

/// A zip's members shown `height` rows high, inside `docs/`, past the
/// `sub/` folder, on `a.txt`.
fn on_a_txt(height: u16) -> Model {
    let mut model = browsing_listed(100, height, 3005);
    press(&mut model, KeyCode::Down);
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::Zip(ZipCmd::Members { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let request = *request;
    answer(
        &mut model,
        ZipAnswer::Members {
            request,
            result: Ok(members()),
        },
    );
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Down);
    model
}

#[test]
fn help_in_a_zips_members_lists_their_keys() {
    let mut model = on_a_txt(30);
    press(&mut model, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_restore_dialog_shows_each_plan_the_cost_and_the_folder() {
    let mut model = on_a_txt(32);
    let cmds = press(&mut model, KeyCode::Char('d'));
    let [Cmd::Zip(ZipCmd::RestoreMember { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    answer(
        &mut model,
        ZipAnswer::Member {
            request: *request,
            result: Ok(MemberView::ToPay),
        },
    );
    let drawn = screen(&model);
    assert!(drawn.contains("into folder restores▏"), "{drawn}");
    insta::assert_snapshot!(drawn);
}

#[test]
fn help_over_a_table_with_listed_zips_says_what_the_marker_means() {
    let mut model = browsing_listed(100, 40, 3005);
    press(&mut model, KeyCode::Char('?'));
    let help = screen(&model);
    assert!(
        help.contains("⧉  a zip whose listing is stored: Enter shows its members"),
        "{help}"
    );
    // Without a listed zip in the vault, the marker is nowhere to explain.
    let mut model = crate::tui::testing::browsing(100, 40, 3005);
    press(&mut model, KeyCode::Char('?'));
    assert!(!screen(&model).contains('⧉'));
}

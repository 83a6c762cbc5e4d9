//! Snapshots of the archives pane with marks: the mark column, the totals in the
//! title, a folder all or partly marked; and the marked rows' style, with colours
//! and without.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};

use crate::domain::range::MIB;
use crate::store::{ArchivePage, FolderEntry, FolderEntryKind};
use crate::tui::model::Model;
use crate::tui::msg::{Cmd, Loaded, MarksAnswer, MarksQuery, Msg};
use crate::tui::testing::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        NOW,
    )
}

/// The archives pane of `model` alone, on a `model.width`×10 screen.
fn drawn(model: &Model) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(model.width, 10)).unwrap();
    let area = Rect::new(0, 0, model.width, 10);
    terminal
        .draw(|frame| super::panes::archives(frame, model, area))
        .unwrap();
    terminal.backend().buffer().clone()
}

fn pane(model: &Model) -> String {
    let buffer = drawn(model);
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// Answers the marking `cmds` asked for with `archives`.
fn answer(model: &mut Model, cmds: &[Cmd], archives: Vec<(u32, u64)>) -> Vec<Cmd> {
    let [Cmd::Marks(MarksQuery::Archives { request, .. })] = cmds else {
        panic!("{cmds:?}")
    };
    let answer = MarksAnswer::Archives {
        request: *request,
        result: Ok(archives),
    };
    update(model, Msg::Loaded(Loaded::Marks(answer)), NOW)
}

/// Archives 1 and 3 of 3005 marked by hand, the cursor on the fourth.
fn two_marked(model: &mut Model) {
    press(model, KeyCode::Char(' '));
    press(model, KeyCode::Down);
    press(model, KeyCode::Char(' '));
}

#[test]
fn marked_archives_have_a_column_and_the_title_totals_them() {
    let mut model = browsing(100, 24, 3005);
    insta::assert_snapshot!("nothing_marked", pane(&model));
    two_marked(&mut model);
    insta::assert_snapshot!("two_marked", pane(&model));
}

#[test]
fn marking_a_filter_says_so_until_the_answer_then_totals_it() {
    let mut model = browsing(100, 24, 3005);
    press(&mut model, KeyCode::Char('/'));
    let cmds = press(&mut model, KeyCode::Char('i'));
    let [Cmd::LoadPage { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let page = ArchivePage {
        total: 2000,
        archives: archives(1, 60),
    };
    let loaded = Loaded::Page {
        request: *request,
        result: Ok(page),
    };
    update(&mut model, Msg::Loaded(loaded), NOW);
    press(&mut model, KeyCode::Enter);
    // Two of the archives the filter keeps are marked by hand first.
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Char(' '));
    let cmds = press(&mut model, KeyCode::Char('*'));
    insta::assert_snapshot!("marking_under_way", pane(&model));
    let matching = (1..=2000).map(|position| (position, 48 * MIB)).collect();
    answer(&mut model, &cmds, matching);
    insta::assert_snapshot!("marked_what_the_filter_keeps", pane(&model));
}

/// The folder tree at the top, listed: two folders and two archives.
fn tree(model: &mut Model) -> Vec<Cmd> {
    let cmds = press(model, KeyCode::Char('t'));
    let [Cmd::LoadFolder { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let folder = |name: &str, archives: u64| FolderEntry {
        name: name.into(),
        kind: FolderEntryKind::Folder {
            archives,
            total_size: u128::from(archives) * u128::from(MIB),
        },
    };
    let archive = |name: &str, position: u32| FolderEntry {
        name: name.into(),
        kind: FolderEntryKind::Archive {
            position,
            size: 2048,
        },
    };
    let entries = vec![
        folder("2018", 120),
        folder("scans", 3),
        archive("notes.txt", 9),
        archive("todo.txt", 10),
    ];
    let listed = Loaded::Folder {
        request: *request,
        result: Ok(entries),
    };
    update(model, Msg::Loaded(listed), NOW)
}

#[test]
fn a_folder_shows_whether_all_or_some_of_its_archives_are_marked() {
    let mut model = browsing(100, 24, 3005);
    tree(&mut model);
    insta::assert_snapshot!("a_tree_without_marks", pane(&model));
    // 2018/ marked whole, then notes.txt.
    let cmds = press(&mut model, KeyCode::Char(' '));
    answer(&mut model, &cmds, (1000..1120).map(|p| (p, MIB)).collect());
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Char(' '));
    // Listed again, the cache counts one of the three scans as marked.
    press(&mut model, KeyCode::Char('t'));
    let cmds = tree(&mut model);
    let [Cmd::Marks(MarksQuery::Counts { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let counts = MarksAnswer::Counts {
        request: *request,
        result: Ok(vec![120, 1]),
    };
    update(&mut model, Msg::Loaded(Loaded::Marks(counts)), NOW);
    insta::assert_snapshot!("a_tree_partly_marked", pane(&model));
}

/// Where `text` starts on the pane (each cell holds one character here).
fn find(buffer: &Buffer, text: &str) -> (u16, u16) {
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        if let Some(at) = line.find(text) {
            return (line[..at].chars().count() as u16, y);
        }
    }
    panic!("{text:?} is not on the pane")
}

#[test]
fn marked_rows_stand_out_in_colour_and_in_bold_without_colours() {
    let mut model = browsing(100, 24, 3005);
    two_marked(&mut model);
    let buffer = drawn(&model);
    let cell = |name: &str| buffer[find(&buffer, name)].clone();
    let marked = cell("photos/IMG_0003.jpg");
    let plain = cell("photos/IMG_0002.jpg");
    assert_eq!(marked.fg, model.config.theme.highlight);
    assert_ne!(plain.fg, model.config.theme.highlight);

    model.config.theme.monochrome = true;
    let buffer = drawn(&model);
    let cell = |name: &str| buffer[find(&buffer, name)].clone();
    let marked = cell("photos/IMG_0003.jpg");
    let plain = cell("photos/IMG_0002.jpg");
    assert!(marked.modifier.contains(Modifier::BOLD));
    assert!(!plain.modifier.contains(Modifier::BOLD));
    let coloured = (buffer.content.iter()).find(|c| c.fg != Color::Reset || c.bg != Color::Reset);
    assert!(coloured.is_none(), "{coloured:?}");
}

#[test]
fn a_folder_of_many_entries_draws_the_rows_around_the_cursor() {
    let mut model = browsing(100, 24, 3005);
    let cmds = press(&mut model, KeyCode::Char('t'));
    let [Cmd::LoadFolder { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let entries = (1..=100_000)
        .map(|position| FolderEntry {
            name: format!("file{position:06}.txt"),
            kind: FolderEntryKind::Archive { position, size: 1 },
        })
        .collect();
    let listed = Loaded::Folder {
        request: *request,
        result: Ok(entries),
    };
    update(&mut model, Msg::Loaded(listed), NOW);
    for _ in 0..30 {
        press(&mut model, KeyCode::PageDown);
    }
    press(&mut model, KeyCode::Char(' '));
    let cursor = model.archives.tree.as_ref().unwrap().cursor;
    let buffer = drawn(&model);
    // Eight rows in view, the cursor's on the last, as the whole list scrolled.
    let (_, row) = find(&buffer, &format!("file{:06}.txt", cursor + 1));
    assert_eq!(row, 8);
    assert_eq!(find(&buffer, &format!("file{:06}.txt", cursor - 6)).1, 1);
    assert!(
        buffer[(3, row)].modifier.contains(Modifier::REVERSED)
            || buffer[(3, row)].bg != Color::Reset
    );
    // The archive marked before the cursor moved on shows it.
    let (_, marked) = find(&buffer, &format!("file{cursor:06}.txt"));
    assert_eq!(buffer[(1, marked)].symbol(), "✓");
}

//! The range planner's picture where drawing the whole archive would hide the
//! range: zoomed in around it by default, the whole archive a key away.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::centered;
use super::range::{Mark, archive_picture, ruler};
use crate::domain::range::{ByteRange, MIB, PlanKind, Window, Zoom, plan, window};
use crate::tui::model::{Dialog, Model, RangeDialog};
use crate::tui::msg::Msg;
use crate::tui::testing::*;
use crate::tui::update::update;
use crate::tui::view::draw;

const GIB: u64 = 1 << 30;
/// 40 TB, the largest archive Glacier holds.
const LARGEST: u64 = 40_000_000_000_000;

/// The planner as drawn over the screen, without the panes around it.
fn planner(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(model.width, model.height)).unwrap();
    terminal.draw(|frame| draw(frame, model)).unwrap();
    let buffer = terminal.backend().buffer();
    let area = centered(buffer.area, 110, 26);
    let mut text = String::new();
    for y in area.top()..area.bottom() {
        let line: String = (area.left()..area.right())
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn press(model: &mut Model, code: KeyCode, modifiers: KeyModifiers) {
    update(model, Msg::Key(KeyEvent::new(code, modifiers)), NOW);
}

/// The planner open on `want` of a `size`-byte archive, `kind` chosen.
fn planning(size: u64, want: ByteRange, kind: PlanKind) -> Model {
    let mut model = browsing(120, 36, 10);
    let disk = archive(1, "backups/disk.img", size);
    model.dialog = Some(Dialog::Range(RangeDialog::new(disk, want, kind)));
    model
}

fn dialog(model: &Model) -> &RangeDialog {
    match &model.dialog {
        Some(Dialog::Range(dialog)) => dialog,
        other => panic!("not the planner: {other:?}"),
    }
}

/// 300 MiB from 7 GiB of a 14 GiB archive, split into 256, 32, 8 and 4 MiB jobs.
fn middle_of_14_gib() -> Model {
    let want = ByteRange {
        start: 7 * GIB,
        end: 7 * GIB + 300 * MIB - 1,
    };
    planning(14 * GIB, want, PlanKind::Split)
}

/// The 5 MiB before the short last chunk of 40 TB.
fn end_of_40_tb() -> Model {
    let last_chunk = LARGEST / MIB;
    let want = ByteRange {
        start: (last_chunk - 5) * MIB,
        end: last_chunk * MIB - 1,
    };
    planning(LARGEST, want, PlanKind::Split)
}

#[test]
fn a_range_in_the_middle_of_14_gib_zoomed_in_on() {
    insta::assert_snapshot!(planner(&middle_of_14_gib()));
}

#[test]
fn a_range_in_the_middle_of_14_gib_on_the_whole_archive() {
    let mut model = middle_of_14_gib();
    press(&mut model, KeyCode::Char('z'), KeyModifiers::CONTROL);
    insta::assert_snapshot!(planner(&model));
}

#[test]
fn five_mib_near_the_end_of_40_tb_zoomed_in_on() {
    insta::assert_snapshot!(planner(&end_of_40_tb()));
}

#[test]
fn five_mib_near_the_end_of_40_tb_on_the_whole_archive() {
    let mut model = end_of_40_tb();
    press(&mut model, KeyCode::Char('z'), KeyModifiers::CONTROL);
    insta::assert_snapshot!(planner(&model));
}

#[test]
fn the_zoom_key_shows_the_whole_archive_and_zooms_back_in() {
    let mut model = middle_of_14_gib();
    let around = dialog(&model).window;
    assert_eq!(dialog(&model).zoom, Zoom::Around);
    assert!(around.more_before() && around.more_after());

    press(&mut model, KeyCode::Char('z'), KeyModifiers::CONTROL);
    let shown = dialog(&model);
    assert_eq!(shown.zoom, Zoom::Whole);
    assert_eq!((shown.window.start, shown.window.end), (0, 14 * GIB));
    // The key is not typed into the range.
    assert_eq!(shown.text, "7168MiB-7468MiB");

    press(&mut model, KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(dialog(&model).zoom, Zoom::Around);
    assert_eq!(dialog(&model).window, around);
}

#[test]
fn choosing_another_plan_moves_the_window_to_its_jobs() {
    let mut model = middle_of_14_gib();
    let split = dialog(&model).window;
    // ← from split is the tree plan: one 512 MiB node, 7-7.5 GiB, past the range.
    press(&mut model, KeyCode::Left, KeyModifiers::NONE);
    let shown = dialog(&model);
    assert_eq!(shown.chosen, PlanKind::Tree);
    assert!(shown.window.start <= 7 * GIB && shown.window.end >= 7 * GIB + 512 * MIB);
    assert!(shown.window.end > split.end);
    // A range that crosses 7.5 GiB needs the 1 GiB node, 7-8 GiB.
    for _ in 0..4 {
        press(&mut model, KeyCode::PageDown, KeyModifiers::NONE);
    }
    assert_eq!(dialog(&model).want.end, 7724 * MIB - 1);
    assert!(dialog(&model).window.end >= 8 * GIB);
}

fn lit(rows: &[super::range::PictureRow]) -> Vec<usize> {
    rows.iter()
        .map(|row| row.cells.iter().filter(|cell| cell.1 == Mark::Job).count())
        .collect()
}

#[test]
fn the_chosen_plans_nodes_are_lit_and_the_wanted_bytes_marked() {
    let size = 32 * MIB;
    let want = ByteRange {
        start: 7 * MIB,
        end: 9 * MIB - 1,
    };
    let whole = window(size, want, &[], Zoom::Whole);
    let split = plan(size, want, PlanKind::Split).unwrap();
    let rows = archive_picture(&whole, want, &split.jobs, 64, 20);
    let labels: Vec<&str> = rows.iter().map(|row| row.label.as_str()).collect();
    // Levels of 32 to 2 chunks are outlined; single chunks get a row for the jobs.
    assert_eq!(
        labels,
        [
            "32 MiB", "16 MiB", "8 MiB", "4 MiB", "2 MiB", "1 MiB", "bytes"
        ]
    );
    let bar = &rows.last().unwrap().cells;
    let wanted: Vec<usize> = (0..bar.len())
        .filter(|at| bar[*at].1 == Mark::Wanted)
        .collect();
    assert_eq!((wanted.first(), wanted.last()), (Some(&14), Some(&17)));
    assert_eq!(lit(&rows), [0, 0, 0, 0, 0, 4, 0]);
    let chunks: String = rows[5].cells.iter().map(|cell| cell.0).collect();
    assert_eq!(chunks.trim(), "┣┫┣┫");

    // The smallest tree-aligned cover of chunks 7-8 is the root's left half, 0-15.
    let tree = plan(size, want, PlanKind::Tree).unwrap();
    let rows = archive_picture(&whole, want, &tree.jobs, 64, 20);
    assert_eq!(lit(&rows)[1], 32);
    assert_eq!(lit(&rows).iter().sum::<usize>(), 32);
}

#[test]
fn the_ruler_names_the_edges_and_the_bytes_of_a_cell() {
    let around = Window {
        start: 6 * GIB,
        end: 6 * GIB + 512 * MIB,
        archive_size: 14 * GIB,
    };
    let line = ruler(&around, 60);
    assert!(line.starts_with("… 6 GiB ─"), "{line}");
    assert!(line.ends_with("─ 6.50 GiB …"), "{line}");
    assert!(line.contains(" 1 cell ≈ 8.53 MiB "), "{line}");
    assert_eq!(line.chars().count(), 60);
    // Too narrow for the cell's size, then for anything.
    assert_eq!(ruler(&around, 25), "… 6 GiB ────── 6.50 GiB …");
    assert_eq!(ruler(&around, 10), "");
    // Near the end of 40 TB, GiB and TiB cannot tell the edges apart; MiB can.
    let end = Window {
        start: 38_146_960 * MIB,
        end: LARGEST,
        archive_size: LARGEST,
    };
    let line = ruler(&end, 80);
    assert!(line.starts_with("… 38146960 MiB ─"), "{line}");
    assert!(line.ends_with("─ 38146972.65 MiB"), "{line}");
}

#[test]
fn any_size_draws_without_panicking() {
    for size in [1, MIB - 1, MIB, 5 * MIB + 10, LARGEST, u64::MAX] {
        let want = ByteRange::whole(size).unwrap();
        for zoom in [Zoom::Around, Zoom::Whole] {
            let window = window(size, want, &[want], zoom);
            for width in [0, 1, 4, 7, 200] {
                for height in [0, 1, 3, 40] {
                    let rows = archive_picture(&window, want, &[want], width, height);
                    assert!(rows.len() <= height);
                    assert!(rows.iter().all(|row| row.cells.len() == width));
                    assert!(ruler(&window, width).chars().count() <= width);
                }
            }
        }
    }
}

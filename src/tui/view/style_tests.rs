//! Whole-screen tests of styles, drawn on ratatui's test backend: the focused
//! pane, the selected row and the range planner's lit plan node are told apart
//! by colour, and without colours (NO_COLOR) by reverse video and bold, with no
//! colour in any cell.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

use crate::tui::config::Theme;
use crate::tui::model::Model;
use crate::tui::msg::Msg;
use crate::tui::testing::*;
use crate::tui::update::update;
use crate::tui::view::draw;

fn press(model: &mut Model, code: KeyCode) {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        NOW,
    );
}

/// The screen as the test backend holds it, styles included.
fn drawn(model: &Model) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(model.width, model.height)).unwrap();
    terminal.draw(|frame| draw(frame, model)).unwrap();
    terminal.backend().buffer().clone()
}

/// Where `text` first starts on the screen (each cell holds one character here).
fn find(buffer: &Buffer, text: &str) -> (u16, u16) {
    for y in 0..buffer.area.height {
        let line: Vec<&str> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let joined = line.concat();
        if let Some(at) = joined.find(text) {
            return (joined[..at].chars().count() as u16, y);
        }
    }
    panic!("{text:?} is not on the screen")
}

/// The cells of the planner's tree-hash levels that `lit` says are lit: the
/// chosen plan's nodes.
fn lit_nodes(buffer: &Buffer, lit: impl Fn(&Cell) -> bool) -> Vec<(u16, u16)> {
    let mut found = Vec::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            if matches!(cell.symbol(), "┣" | "━" | "┫") && lit(cell) {
                found.push((x, y));
            }
        }
    }
    found
}

/// The lit cells are one node: one run on one level, from `┣` to `┫`, with
/// nodes of that level left unlit beside it.
fn assert_one_node(buffer: &Buffer, lit: &[(u16, u16)]) {
    assert!(lit.len() > 3, "{lit:?}");
    let (first_x, y) = lit[0];
    let (last_x, _) = lit[lit.len() - 1];
    assert!(lit.iter().all(|(_, at)| *at == y), "{lit:?}");
    assert_eq!(usize::from(last_x - first_x) + 1, lit.len(), "{lit:?}");
    assert_eq!(buffer[(first_x, y)].symbol(), "┣");
    assert_eq!(buffer[(last_x, y)].symbol(), "┫");
    assert_eq!(
        buffer[(last_x + 1, y)].symbol(),
        "├",
        "another node follows"
    );
}

/// A theme whose every colour differs, so a cell's colour says which it is.
fn distinct_theme() -> Theme {
    use Color::Rgb;
    Theme {
        accent: Rgb(1, 0, 0),
        selection_fg: Rgb(2, 0, 0),
        selection_bg: Rgb(3, 0, 0),
        border: Rgb(4, 0, 0),
        focus_border: Rgb(5, 0, 0),
        muted: Rgb(6, 0, 0),
        good: Rgb(7, 0, 0),
        warning: Rgb(8, 0, 0),
        bad: Rgb(9, 0, 0),
        highlight: Rgb(10, 0, 0),
        monochrome: false,
    }
}

/// A vault browsed with the second archive selected, then the same model with
/// the range planner open on `7MiB-9MiB` (the tree plan chosen: one node lit).
fn browsing_then_planning(theme: Theme) -> (Model, Model) {
    let mut model = browsing(120, 36, 3005);
    model.config.theme = theme;
    press(&mut model, KeyCode::Down);
    let browsing = model.clone();
    press(&mut model, KeyCode::Char('r'));
    for _ in 0..12 {
        press(&mut model, KeyCode::Backspace);
    }
    for c in "7MiB-9MiB".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    (browsing, model)
}

#[test]
fn colours_mark_the_focused_pane_the_selection_and_the_lit_plan() {
    let theme = distinct_theme();
    let (browsing, planning) = browsing_then_planning(theme.clone());
    let screen = drawn(&browsing);

    let (x, y) = find(&screen, "Archives 2/3005");
    assert_eq!(screen[(x - 2, y)].symbol(), "┌");
    assert_eq!(screen[(x - 2, y)].fg, theme.focus_border);
    assert!(screen[(x, y)].modifier.contains(Modifier::BOLD));
    let (x, y) = find(&screen, "Vaults");
    assert_eq!(screen[(x - 2, y)].fg, theme.border);
    assert!(!screen[(x, y)].modifier.contains(Modifier::BOLD));

    let (x, y) = find(&screen, "photos/IMG_0002.jpg");
    assert_eq!(
        (screen[(x, y)].fg, screen[(x, y)].bg),
        (theme.selection_fg, theme.selection_bg)
    );
    let (x, y) = find(&screen, "photos/IMG_0003.jpg");
    assert_eq!(
        (screen[(x, y)].fg, screen[(x, y)].bg),
        (Color::Reset, Color::Reset)
    );

    let screen = drawn(&planning);
    let lit = lit_nodes(&screen, |cell| cell.bg == theme.good);
    assert_one_node(&screen, &lit);
    assert!(lit.iter().all(|at| screen[*at].fg == theme.selection_fg));
    let (x, y) = lit[lit.len() - 1];
    assert_eq!(screen[(x + 2, y)].fg, theme.muted, "an unlit node");
    assert_eq!(screen[(x + 2, y)].bg, Color::Reset);
    let (x, y) = find(&screen, "● smallest tree-aligned");
    assert_eq!(
        screen[(x - 2, y)].fg,
        theme.focus_border,
        "the chosen plan's border"
    );
    let (x, y) = find(&screen, "smallest MiB-aligned");
    assert_eq!(screen[(x - 2, y)].fg, theme.border);
    let (x, y) = find(&screen, "█");
    assert_eq!(screen[(x, y)].fg, theme.highlight, "the wanted bytes");
}

#[test]
fn without_colours_reverse_and_bold_mark_the_same_and_no_cell_has_a_colour() {
    let mut theme = distinct_theme();
    theme.monochrome = true;
    let (browsing, planning) = browsing_then_planning(theme);
    let uncoloured = |screen: &Buffer| {
        screen
            .content()
            .iter()
            .all(|cell| cell.fg == Color::Reset && cell.bg == Color::Reset)
    };
    let screen = drawn(&browsing);
    assert!(uncoloured(&screen));

    let (x, y) = find(&screen, "Archives 2/3005");
    assert!(
        screen[(x - 2, y)].modifier.contains(Modifier::BOLD),
        "the focused border"
    );
    assert!(
        screen[(x, y)]
            .modifier
            .contains(Modifier::BOLD | Modifier::REVERSED)
    );
    let (x, y) = find(&screen, "Vaults");
    assert!(screen[(x - 2, y)].modifier.is_empty());
    assert!(!screen[(x, y)].modifier.contains(Modifier::REVERSED));

    let (x, y) = find(&screen, "photos/IMG_0002.jpg");
    assert!(screen[(x, y)].modifier.contains(Modifier::REVERSED));
    let (x, y) = find(&screen, "photos/IMG_0003.jpg");
    assert!(!screen[(x, y)].modifier.contains(Modifier::REVERSED));

    let screen = drawn(&planning);
    assert!(uncoloured(&screen));
    let lit = lit_nodes(&screen, |cell| cell.modifier.contains(Modifier::REVERSED));
    assert_one_node(&screen, &lit);
    let (x, y) = find(&screen, "● smallest tree-aligned");
    assert!(screen[(x, y)].modifier.contains(Modifier::REVERSED));
    assert!(screen[(x - 2, y)].modifier.contains(Modifier::BOLD));
    let (x, y) = find(&screen, "smallest MiB-aligned");
    assert!(!screen[(x, y)].modifier.contains(Modifier::REVERSED));
}

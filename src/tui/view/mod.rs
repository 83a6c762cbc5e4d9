//! `view`: draws the model, and only draws. Every pane has its own file; this one
//! lays them out, and draws the title and status bars.

mod batch;
#[cfg(test)]
mod batch_tests;
mod dialogs;
mod drain;
mod explain;
pub mod format;
mod jobs;
mod jobs_batch;
#[cfg(test)]
mod jobs_tests;
#[cfg(test)]
mod marks_tests;
mod member_restore;
mod members;
#[cfg(test)]
mod members_tests;
mod migration;
#[cfg(test)]
mod migration_tests;
mod panes;
mod range;
#[cfg(test)]
mod range_tests;
mod renew;
#[cfg(test)]
mod style_tests;
#[cfg(test)]
mod tests;
mod theme;
mod tour;

pub use tour::lines as tour_lines;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::layout::{MIN_HEIGHT, MIN_WIDTH, areas, lower_panel};
use super::model::{Dialog, Model, Severity};
use crate::text::printable;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, model: &Model) {
    let screen = frame.area();
    let Some(areas) = areas(screen.width, screen.height, lower_panel(model)) else {
        too_small(frame, screen);
        return;
    };
    title(frame, model, areas.title);
    panes::vaults(frame, model, areas.vaults);
    match &model.zips.members {
        Some(view) => {
            members::members(frame, model, view, areas.archives);
            members::details(frame, model, view, areas.details);
        }
        None => {
            panes::archives(frame, model, areas.archives);
            panes::details(frame, model, areas.details);
        }
    }
    jobs::jobs(frame, model, areas.jobs);
    status(frame, model, areas.status);
    // Dialogs and help stay above the explanation, so it hides none of them.
    let screen = match areas.explain {
        Some(explain) => Rect::new(screen.x, screen.y, screen.width, explain.y - screen.y),
        None => screen,
    };
    match &model.dialog {
        Some(Dialog::Range(dialog)) => range::planner(frame, model, dialog, screen),
        Some(Dialog::Preview(preview)) => dialogs::preview(frame, model, preview, screen),
        Some(Dialog::Launch(launch)) => dialogs::launch(frame, model, launch, screen),
        Some(Dialog::Download(download)) => dialogs::download(frame, model, download, screen),
        Some(Dialog::Renew(renew)) => renew::renewal(frame, model, renew, screen),
        Some(Dialog::Batch(dialog)) => batch::dialog(frame, model, dialog, screen),
        Some(Dialog::Migration(dialog)) => migration::dialog(frame, model, dialog, screen),
        Some(Dialog::Drain(dialog)) => drain::dialog(frame, model, dialog, screen),
        Some(Dialog::Peek(dialog)) => members::peek(frame, model, dialog, screen),
        Some(Dialog::MemberRestore(dialog)) => member_restore::dialog(frame, model, dialog, screen),
        None => {}
    }
    if model.help {
        dialogs::help(frame, model, screen);
    }
    if let Some(area) = areas.explain {
        lower(frame, model, area);
    }
}

/// The panel under the screen: the tour on the left of the explanation when
/// both are open, so neither hides the other.
fn lower(frame: &mut Frame, model: &Model, area: Rect) {
    match (model.tour.shown, model.explain) {
        (true, true) => {
            let [left, right] = ratatui::layout::Layout::horizontal([
                ratatui::layout::Constraint::Percentage(50),
                ratatui::layout::Constraint::Percentage(50),
            ])
            .areas(area);
            tour::tour(frame, model, left);
            explain::explain(frame, model, right);
        }
        (true, false) => tour::tour(frame, model, area),
        _ => explain::explain(frame, model, area),
    }
}

fn too_small(frame: &mut Frame, screen: Rect) {
    let text = format!(
        "terminal too small: defrost needs {MIN_WIDTH}×{MIN_HEIGHT}, this is {}×{}",
        screen.width, screen.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), screen);
}

fn title(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    let mut spans = vec![Span::styled(
        " defrost ",
        theme
            .on(theme.selection_fg, theme.accent)
            .add_modifier(Modifier::BOLD),
    )];
    if let Some(vault) = model.selected_vault() {
        spans.push(Span::raw(format!(
            " {} · {} · account {} ",
            printable(&vault.key.name),
            printable(&vault.key.region),
            printable(&vault.key.account)
        )));
    } else {
        spans.push(Span::raw(format!(
            " {} ",
            printable(model.session.region.as_deref().unwrap_or("connecting…"))
        )));
    }
    if model.session.read_only {
        spans.push(Span::styled(
            " READ-ONLY ",
            theme.text(theme.warning).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(banner) = &model.session.banner {
        spans.push(Span::styled(
            format!(" {} ", printable(banner)),
            theme.text(theme.muted),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The keys that matter now, or the last message.
fn status(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    if let Some(message) = &model.status {
        // Without colours a problem is still told apart from news: in bold.
        let style = match message.severity {
            Severity::Info => theme.text(theme.accent),
            Severity::Good => theme.text(theme.good),
            Severity::Problem => theme.marked(theme.bad, Modifier::BOLD),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(printable(&message.text), style)),
            area,
        );
        return;
    }
    // The context's own bindings that act now, each with the first of its keys
    // that works here: never a key that would be typed into a field instead.
    // Neighbours that say the same share a label: `↑/↓ move end`.
    // The key the tour waits for comes first and stands out, even one the
    // footer would otherwise leave to the help screen.
    let lit = crate::tui::tour::highlighted(model);
    let mut hints = crate::tui::context::hints(model);
    hints.retain(|hint| hint.footer || lit.contains(&hint.action));
    hints.sort_by_key(|hint| !lit.contains(&hint.action));
    let mut shown: Vec<(String, &str, bool)> = Vec::new();
    for hint in hints {
        let Some(key) = hint.keys.first() else {
            continue;
        };
        let tour = lit.contains(&hint.action);
        match shown.last_mut() {
            Some((keys, said, was)) if *said == hint.hint && *was == tour => {
                keys.push('/');
                keys.push_str(&key.label());
            }
            _ => shown.push((key.label(), hint.hint, tour)),
        }
    }
    // Only whole hints: one cut short would name a key without its action.
    let mut spans = Vec::new();
    let mut width = 0;
    for (keys, said, tour) in shown {
        width += keys.chars().count() + said.chars().count() + 5;
        if width > usize::from(area.width) {
            break;
        }
        let (key_style, said_style) = if tour {
            let lit = theme.on(theme.selection_fg, theme.accent);
            (lit.add_modifier(Modifier::BOLD), lit)
        } else {
            (
                theme.on(theme.selection_fg, theme.muted),
                ratatui::style::Style::default(),
            )
        };
        spans.push(Span::styled(format!(" {keys} "), key_style));
        spans.push(Span::styled(format!(" {said} "), said_style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).alignment(Alignment::Left),
        area,
    );
}

/// A bordered block whose border shows whether it has the focus.
fn pane_block<'a>(model: &Model, title: String, focused: bool) -> Block<'a> {
    let theme = &model.config.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(title, theme.title(focused)))
}

/// A rectangle of at most `width`×`height` in the middle of `area`.
fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

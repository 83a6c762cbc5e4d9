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

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::keymap::Action;
use super::layout::{MIN_HEIGHT, MIN_WIDTH, areas};
use super::model::{Dialog, Model, Pane, Severity};
use crate::text::printable;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, model: &Model) {
    let screen = frame.area();
    let Some(areas) = areas(screen.width, screen.height, model.explain) else {
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
    if let Some(area) = areas.explain {
        explain::explain(frame, model, area);
    }
    status(frame, model, areas.status);
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
        None => {}
    }
    if model.help {
        dialogs::help(frame, model, screen);
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
    let keys = &model.config.keymap;
    let hints: Vec<(Action, &str)> = match (&model.dialog, model.focus) {
        (Some(Dialog::Range(_)), _) => vec![
            (Action::Up, "move end"),
            (Action::NextPane, "other end"),
            (Action::Open, "preview"),
            (Action::Back, "close"),
        ],
        (Some(Dialog::Preview(_)), _) => vec![
            (Action::Copy, "copy"),
            (Action::Save, "save"),
            (Action::Launch, "launch"),
            (Action::Back, "back"),
        ],
        (Some(Dialog::Launch(_)), _) => vec![
            (Action::Up, "tier"),
            (Action::Open, "confirm"),
            (Action::Back, "back"),
        ],
        (Some(Dialog::Download(_)), _) => {
            vec![(Action::Open, "download"), (Action::Back, "cancel")]
        }
        (Some(Dialog::Renew(_)), _) => {
            vec![(Action::Open, "start again"), (Action::Back, "cancel")]
        }
        (Some(Dialog::Batch(_)), _) => vec![
            (Action::NextPane, "tier"),
            (Action::Open, "next"),
            (Action::Back, "back"),
        ],
        (Some(Dialog::Migration(dialog)), _) => migration_hints(dialog),
        (Some(Dialog::Drain(_)), _) => vec![(Action::Open, "delete"), (Action::Back, "cancel")],
        (Some(Dialog::Peek(_)), _) => vec![
            (Action::Up, "tier"),
            (Action::Open, "start"),
            (Action::Back, "cancel"),
        ],
        (None, Pane::Archives) if model.zips.members.is_some() => members::hints(),
        (None, Pane::Vaults) => {
            let mut hints = vec![
                (Action::Open, "open"),
                (Action::FetchInventory, "fetch inventory"),
            ];
            // A drain from here deletes copied archives only: while some may
            // still be in the vault.
            let copied = model.selected_vault().is_some_and(|vault| {
                let copied = vault.migration.as_ref().map_or(0, |m| m.copied);
                copied > vault.deletions.done
            });
            if copied && !model.session.read_only {
                hints.push((Action::Drain, "drain copied"));
            }
            hints.extend([
                (Action::NextPane, "next pane"),
                (Action::Help, "help"),
                (Action::Quit, "quit"),
            ]);
            hints
        }
        (None, Pane::Archives) => {
            let mut hints = vec![
                (Action::Filter, "filter"),
                (Action::Tree, "tree"),
                (Action::PlanRange, "plan range"),
                (Action::Peek, "peek zip"),
                (Action::Mark, "mark"),
                (Action::Launch, "restore marked"),
            ];
            // Copying works on marks only, and never in read-only mode.
            if !model.archives.marks.is_empty() && !model.session.read_only {
                hints.push((Action::Migrate, "copy marked to S3"));
            }
            hints.extend([(Action::Help, "help"), (Action::Quit, "quit")]);
            hints
        }
        // A migration copies its outputs itself: its row is carried on, not
        // downloaded.
        (None, Pane::Jobs)
            if model
                .jobs
                .selected_batch()
                .is_some_and(|b| b.is_migration()) =>
        {
            vec![
                (Action::Open, "open"),
                (Action::Launch, "carry on"),
                (Action::Renew, "renew"),
                (Action::Refresh, "refresh"),
                (Action::NextPane, "next pane"),
                (Action::Help, "help"),
                (Action::Quit, "quit"),
            ]
        }
        (None, Pane::Jobs) => vec![
            (Action::Open, "open"),
            (Action::Download, "download"),
            (Action::Renew, "renew"),
            (Action::Refresh, "refresh"),
            (Action::NextPane, "next pane"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
    };
    let mut spans = Vec::new();
    for (action, what) in hints {
        spans.push(Span::styled(
            format!(" {} ", keys.label(action)),
            theme.on(theme.selection_fg, theme.muted),
        ));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(
        Paragraph::new(Line::from(spans)).alignment(Alignment::Left),
        area,
    );
}

/// The migration dialog's keys: those that act at its stage.
fn migration_hints(dialog: &crate::tui::migration::MigrationDialog) -> Vec<(Action, &'static str)> {
    use crate::tui::migration::MigrationStage;
    match dialog.stage {
        MigrationStage::Choosing if dialog.field.takes_typing() => vec![
            (Action::NextPane, "next field"),
            (Action::Open, "summary"),
            (Action::Back, "close"),
        ],
        MigrationStage::Choosing => vec![
            (Action::NextPane, "next field"),
            (Action::Down, "change"),
            (Action::Open, "summary"),
            (Action::Back, "close"),
        ],
        MigrationStage::Preparing(_) => vec![(Action::Back, "back")],
        MigrationStage::Ready(_) => vec![(Action::Open, "start"), (Action::Back, "back")],
    }
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

//! What acts in each context, with the words the footer and the help screen
//! give it, and when it is worth hinting; the tables shared by several
//! contexts are here, the panes' in `panes` and the dialogs' in `dialogs`. An action listed here reaches the
//! context's handler whenever its key is pressed; one whose `when` is false
//! only says why it cannot act now, so it is not hinted then.

use super::Context;
use super::{dialogs, panes};
use crate::tui::keymap::Action;
use crate::tui::model::Model;

/// An action of a context.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub action: Action,
    /// A word or two for the footer.
    pub hint: &'static str,
    /// What it does here, for the help screen.
    pub help: &'static str,
    /// Hinted in the footer too, not only on the help screen.
    pub footer: bool,
    /// Whether it acts now; when it does not, pressing it says why.
    pub when: fn(&Model) -> bool,
}

pub(super) const fn bind(action: Action, hint: &'static str, help: &'static str) -> Binding {
    Binding {
        action,
        hint,
        help,
        footer: false,
        when: always,
    }
}

impl Binding {
    pub(super) const fn shown(mut self) -> Binding {
        self.footer = true;
        self
    }

    pub(super) const fn when(mut self, when: fn(&Model) -> bool) -> Binding {
        self.when = when;
        self
    }
}

/// The tables of `context`: its own, then those it shares.
pub(super) fn tables(context: Context) -> Vec<&'static [Binding]> {
    let own: &[Binding] = match context {
        Context::Vaults => panes::VAULTS,
        Context::Archives => panes::ARCHIVES,
        Context::Tree => panes::TREE,
        Context::Members => panes::MEMBERS,
        Context::Filter => panes::FILTER,
        Context::Jobs => panes::JOBS,
        Context::Planner => dialogs::PLANNER,
        Context::Preview => dialogs::PREVIEW,
        Context::SaveAs => dialogs::SAVE_AS,
        Context::Launch => dialogs::LAUNCH,
        Context::Download => dialogs::DOWNLOAD,
        Context::Renew => dialogs::RENEW,
        Context::BatchFolder => dialogs::BATCH_FOLDER,
        Context::BatchSummary => dialogs::BATCH_SUMMARY,
        Context::MigrationText => dialogs::MIGRATION_TEXT,
        Context::MigrationChoice => dialogs::MIGRATION_CHOICE,
        Context::MigrationSummary => dialogs::MIGRATION_SUMMARY,
        Context::Drain => dialogs::DRAIN,
        Context::Peek => dialogs::PEEK,
        Context::MemberRestore => dialogs::MEMBER_RESTORE,
        Context::Help => return vec![HELP, EXPLAIN, TOUR],
    };
    match context {
        Context::Vaults | Context::Archives | Context::Tree | Context::Members | Context::Jobs => {
            vec![
                own,
                panes::moves_of(context),
                PANES,
                QUIT,
                EXPLAIN,
                HELP_KEY,
                TOUR,
            ]
        }
        Context::Filter => vec![own, QUIT, EXPLAIN, HELP_KEY, TOUR],
        _ => vec![own, EXPLAIN, HELP_KEY, TOUR],
    }
}

pub(super) fn always(_: &Model) -> bool {
    true
}

pub(super) fn writable(model: &Model) -> bool {
    !model.session.read_only
}

const PANES: &[Binding] = &[
    bind(Action::NextPane, "next pane", "move to the next pane").shown(),
    bind(
        Action::PreviousPane,
        "previous pane",
        "move to the previous pane",
    ),
    bind(
        Action::Refresh,
        "refresh",
        "ask Glacier about every job now",
    ),
    bind(
        Action::FetchInventory,
        "fetch inventory",
        "ask Glacier for a new inventory of the selected vault (takes hours)",
    )
    .when(panes::vault_writable),
];

const QUIT: &[Binding] = &[bind(Action::Quit, "quit", "quit defrost").shown()];

/// Esc closes the explanation before anything else, wherever it is open.
const EXPLAIN: &[Binding] = &[
    bind(Action::Back, "close why", "close the explanation")
        .shown()
        .when(explaining),
    bind(
        Action::Explain,
        "why",
        "explain this step: what it does, what Glacier does, what it costs",
    )
    .shown()
    .when(not_explaining),
    bind(Action::Explain, "hide why", "close the explanation").when(explaining),
];

const HELP_KEY: &[Binding] = &[bind(Action::Help, "keys", "list the keys that work here").shown()];

const HELP: &[Binding] = &[
    bind(Action::Back, "close", "close the help")
        .shown()
        .when(not_explaining),
    bind(Action::Help, "close", "close the help").shown(),
];

/// The demo's guided tour, in every context, so it can be left and taken up
/// again from anywhere.
const TOUR: &[Binding] = &[
    bind(
        Action::Tour,
        "tour",
        "show the guided tour of the demo, at the step it was on",
    )
    .shown()
    .when(tour_hidden),
    bind(
        Action::Tour,
        "hide tour",
        "hide the tour; it keeps its place for later",
    )
    .shown()
    .when(tour_shown),
];

fn tour_hidden(model: &Model) -> bool {
    model.tour.available() && !model.tour.shown
}

fn tour_shown(model: &Model) -> bool {
    model.tour.available() && model.tour.shown
}

fn explaining(model: &Model) -> bool {
    model.explain
}

pub(super) fn not_explaining(model: &Model) -> bool {
    !model.explain
}

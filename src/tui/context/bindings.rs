//! What acts in each context, with the words the footer and the help screen
//! give it, and when it is worth hinting. An action listed here reaches the
//! context's handler whenever its key is pressed; one whose `when` is false
//! only says why it cannot act now, so it is not hinted then.

use time::OffsetDateTime;

use super::Context;
use super::dialogs;
use crate::domain::job::{JobStatus, PlanShape, PlanState, effective_status};
use crate::store::PlanEntry;
use crate::tui::keymap::Action;
use crate::tui::model::{JobsRow, Model};

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
        Context::Vaults => VAULTS,
        Context::Archives => ARCHIVES,
        Context::Tree => TREE,
        Context::Filter => FILTER,
        Context::Jobs => JOBS,
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
        Context::Help => return vec![HELP, EXPLAIN],
    };
    match context {
        Context::Vaults | Context::Archives | Context::Tree | Context::Jobs => {
            vec![own, moves_of(context), PANES, QUIT, EXPLAIN, HELP_KEY]
        }
        Context::Filter => vec![own, QUIT, EXPLAIN, HELP_KEY],
        _ => vec![own, EXPLAIN, HELP_KEY],
    }
}

pub(super) fn always(_: &Model) -> bool {
    true
}

pub(super) fn writable(model: &Model) -> bool {
    !model.session.read_only
}

const MOVES_HELP: [&str; 6] = [
    "select the row above",
    "select the row below",
    "a page up",
    "a page down",
    "the first row",
    "the last row",
];

/// Moving over a list: up while a row is above the cursor, down while one is
/// below it.
macro_rules! moves {
    ($above:expr, $below:expr) => {
        [
            bind(Action::Up, "up", MOVES_HELP[0]).when($above),
            bind(Action::Down, "down", MOVES_HELP[1]).when($below),
            bind(Action::PageUp, "page up", MOVES_HELP[2]).when($above),
            bind(Action::PageDown, "page down", MOVES_HELP[3]).when($below),
            bind(Action::First, "first", MOVES_HELP[4]).when($above),
            bind(Action::Last, "last", MOVES_HELP[5]).when($below),
        ]
    };
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
    .when(vault_writable),
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
        "explain this step: what it does, what Glacier does meanwhile, what it costs",
    )
    .shown()
    .when(not_explaining),
    bind(Action::Explain, "hide why", "close the explanation")
        .shown()
        .when(explaining),
];

const HELP_KEY: &[Binding] = &[bind(Action::Help, "keys", "list the keys that work here").shown()];

const HELP: &[Binding] = &[
    bind(Action::Back, "close", "close the help")
        .shown()
        .when(not_explaining),
    bind(Action::Help, "close", "close the help").shown(),
];

fn explaining(model: &Model) -> bool {
    model.explain
}

pub(super) fn not_explaining(model: &Model) -> bool {
    !model.explain
}

const VAULTS: &[Binding] = &[
    bind(Action::Open, "open", "show the vault's archives")
        .shown()
        .when(has_vault),
    bind(
        Action::Drain,
        "drain copied",
        "delete from the vault the archives copied to S3 and verified (asks first)",
    )
    .shown()
    .when(drainable),
    bind(Action::Up, "up", "select the vault above").when(vault_above),
    bind(Action::Down, "down", "select the vault below").when(vault_below),
    bind(Action::First, "first", "the first vault").when(vault_above),
    bind(Action::Last, "last", "the last vault").when(vault_below),
];

fn has_vault(model: &Model) -> bool {
    model.selected_vault().is_some()
}

fn vault_writable(model: &Model) -> bool {
    has_vault(model) && writable(model)
}

fn vault_above(model: &Model) -> bool {
    model.vault_cursor > 0
}

fn vault_below(model: &Model) -> bool {
    model.vault_cursor + 1 < model.vaults.len()
}

/// A drain from here deletes copied archives only: while some may still be
/// in the vault, and none is being drained.
fn drainable(model: &Model) -> bool {
    model.selected_vault().is_some_and(|vault| {
        let copied = vault.migration.as_ref().map_or(0, |m| m.copied);
        copied > vault.deletions.done && !model.draining.contains(&vault.key)
    }) && writable(model)
}

const ARCHIVES: &[Binding] = &[
    bind(Action::Filter, "filter", "filter the archives as you type")
        .shown()
        .when(has_snapshot),
    bind(Action::Back, "clear filter", "show every archive again")
        .shown()
        .when(filtered),
    bind(
        Action::Tree,
        "tree",
        "show the folder tree of the decoded names",
    )
    .shown()
    .when(has_snapshot),
    bind(
        Action::Open,
        "plan range",
        "plan a byte range of the selected archive",
    )
    .when(has_archive),
    bind(
        Action::PlanRange,
        "plan range",
        "plan a byte range of the selected archive",
    )
    .shown()
    .when(has_archive),
    bind(
        Action::Preview,
        "preview",
        "the job parameters for the whole selected archive",
    )
    .when(has_archive),
    bind(
        Action::Mark,
        "mark",
        "mark or unmark the selected archive and move on",
    )
    .shown()
    .when(has_archive),
    bind(
        Action::MarkMatching,
        "mark shown",
        "mark every archive the filter keeps (again: unmark them)",
    )
    .when(has_snapshot),
    bind(Action::ClearMarks, "unmark all", "unmark every archive").when(marked),
    bind(
        Action::Launch,
        "restore marked",
        "restore the marked archives as a batch (asks first)",
    )
    .shown()
    .when(marked_writable),
    bind(
        Action::Migrate,
        "copy marked to S3",
        "copy the marked archives to S3 (asks first)",
    )
    .shown()
    .when(marked_writable),
    bind(
        Action::Sort,
        "sort",
        "sort by the next column (name, size, date)",
    )
    .when(has_snapshot),
    bind(Action::Reverse, "reverse", "reverse the sort order").when(has_snapshot),
];

const ARCHIVE_MOVES: [Binding; 6] = moves!(archive_above, archive_below);

fn has_snapshot(model: &Model) -> bool {
    model.archives.snapshot.is_some()
}

fn has_archive(model: &Model) -> bool {
    model.archives.selected().is_some()
}

fn archive_above(model: &Model) -> bool {
    model.archives.cursor > 0
}

fn archive_below(model: &Model) -> bool {
    model.archives.cursor + 1 < model.archives.total
}

fn filtered(model: &Model) -> bool {
    !model.archives.filter.is_empty() && not_explaining(model)
}

fn marked(model: &Model) -> bool {
    !model.archives.marks.is_empty()
}

fn marked_writable(model: &Model) -> bool {
    marked(model) && writable(model)
}

const TREE: &[Binding] = &[
    bind(
        Action::Open,
        "open",
        "open the folder, or plan a range of the archive",
    )
    .shown()
    .when(has_entry),
    bind(
        Action::PlanRange,
        "open",
        "open the folder, or plan a range of the archive",
    )
    .when(has_entry),
    bind(
        Action::Back,
        "up",
        "go up a folder (at the top: back to the table)",
    )
    .shown()
    .when(not_explaining),
    bind(Action::Tree, "table", "back to the archive table").shown(),
    bind(
        Action::Mark,
        "mark",
        "mark or unmark the archive, or every archive of the folder",
    )
    .shown()
    .when(has_entry),
    bind(
        Action::MarkMatching,
        "mark folder",
        "mark every archive of the folder shown (again: unmark them)",
    )
    .when(has_snapshot),
    bind(Action::ClearMarks, "unmark all", "unmark every archive").when(marked),
    bind(
        Action::Launch,
        "restore marked",
        "restore the marked archives as a batch (asks first)",
    )
    .shown()
    .when(marked_writable),
    bind(
        Action::Migrate,
        "copy marked to S3",
        "copy the marked archives to S3 (asks first)",
    )
    .when(marked_writable),
];

const TREE_MOVES: [Binding; 6] = moves!(entry_above, entry_below);

fn has_entry(model: &Model) -> bool {
    (model.archives.tree.as_ref()).is_some_and(|tree| !tree.entries.is_empty())
}

fn entry_above(model: &Model) -> bool {
    (model.archives.tree.as_ref()).is_some_and(|tree| tree.cursor > 0)
}

fn entry_below(model: &Model) -> bool {
    (model.archives.tree.as_ref()).is_some_and(|tree| tree.cursor + 1 < tree.entries.len())
}

const FILTER: &[Binding] = &[
    bind(
        Action::Open,
        "keep",
        "keep the filter and go back to the rows",
    )
    .shown(),
    bind(
        Action::Down,
        "to rows",
        "keep the filter and go back to the rows",
    ),
    bind(
        Action::NextPane,
        "keep",
        "keep the filter and go back to the rows",
    ),
    bind(Action::Back, "clear", "clear the filter and stop filtering")
        .shown()
        .when(not_explaining),
];

const JOBS: &[Binding] = &[
    bind(
        Action::Open,
        "open",
        "show or hide the jobs of a plan or the archives of a batch",
    )
    .shown()
    .when(has_row),
    bind(
        Action::Download,
        "download",
        "download what is ready of the plan or batch, verified",
    )
    .shown()
    .when(downloadable),
    bind(
        Action::Launch,
        "carry on",
        "go on starting the batch's jobs, or carry the migration on",
    )
    .shown()
    .when(resumable),
    bind(
        Action::Renew,
        "renew",
        "start again the jobs whose output expired or that failed (asks first)",
    )
    .shown()
    .when(renewable),
];

const JOB_MOVES: [Binding; 6] = moves!(row_above, row_below);

fn has_row(model: &Model) -> bool {
    model.jobs.selected().is_some()
}

fn row_above(model: &Model) -> bool {
    model.jobs.cursor > 0 && has_row(model)
}

fn row_below(model: &Model) -> bool {
    model.jobs.cursor + 1 < model.jobs.rows().len()
}

/// Whether `plan` has output to download at `now`: a current job is ready and
/// not fetched, or its download is half-way.
pub fn has_output_to_download(plan: &PlanEntry, now: OffsetDateTime) -> bool {
    let ready = plan.current_jobs().into_iter().any(|job| {
        let status = (job.entry.state.as_ref()).map(|job| effective_status(job, now));
        !job.staged && status == Some(JobStatus::Succeeded)
    });
    ready || plan.state(now) == PlanState::Downloading
}

fn downloadable(model: &Model) -> bool {
    if let Some(batch) = model.jobs.selected_batch() {
        let busy = model.jobs.batch_work.contains_key(&batch.entry.id);
        return writable(model) && !busy && !batch.is_migration() && batch.tally.counts.ready > 0;
    }
    (model.jobs.selected_plan()).is_some_and(|plan| {
        writable(model)
            && plan.shape != PlanShape::Inventory
            && has_output_to_download(plan, model.now)
    })
}

fn resumable(model: &Model) -> bool {
    let Some(batch) = model.jobs.selected_batch() else {
        return false;
    };
    let counts = &batch.tally.counts;
    let busy = model.jobs.batch_work.contains_key(&batch.entry.id);
    let left = if batch.is_migration() {
        counts.archives == 0 || counts.restored < counts.archives
    } else {
        counts.waiting_to_start > 0
    };
    writable(model) && !busy && left
}

fn renewable(model: &Model) -> bool {
    let worth = match model.jobs.selected() {
        Some(JobsRow::BatchItem { .. }) => true,
        Some(JobsRow::Plan(_) | JobsRow::Job { .. }) => {
            (model.jobs.selected_plan()).is_some_and(|plan| plan.state(model.now).needs_renewal())
        }
        Some(JobsRow::Batch(_)) | None => false,
    };
    worth && writable(model)
}

fn moves_of(context: Context) -> &'static [Binding] {
    match context {
        Context::Archives => &ARCHIVE_MOVES,
        Context::Tree => &TREE_MOVES,
        Context::Jobs => &JOB_MOVES,
        _ => &[],
    }
}

//! What acts in each pane and in the filter. Lists hint their movement keys
//! only towards rows that exist.

use time::OffsetDateTime;

use super::Context;
use super::bindings::{Binding, bind, not_explaining, writable};
use crate::domain::job::{JobStatus, PlanShape, PlanState, effective_status};
use crate::store::{FolderEntryKind, PlanEntry};
use crate::tui::keymap::Action;
use crate::tui::members::MemberEntry;
use crate::tui::model::{JobsRow, Model};

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

pub(super) const VAULTS: &[Binding] = &[
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

pub(super) fn vault_writable(model: &Model) -> bool {
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

pub(super) const ARCHIVES: &[Binding] = &[
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
    bind(Action::Open, "members", MEMBERS_HELP)
        .shown()
        .when(listed_selected),
    bind(Action::Peek, "members", MEMBERS_HELP).when(listed_selected),
    bind(
        Action::Open,
        "plan range",
        "plan a byte range of the selected archive",
    )
    .when(unlisted_selected),
    bind(
        Action::PlanRange,
        "plan range",
        "plan a byte range of the selected archive",
    )
    .shown()
    .when(has_archive),
    bind(Action::Peek, "peek zip", PEEK_HELP)
        .shown()
        .when(peekable_selected),
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

const MEMBERS_HELP: &str = "show the zip's members, from its stored listing (costs nothing)";

const PEEK_HELP: &str = "list a zip's members for the price of its tail (asks first)";

/// Whether the selected archive's zip listing is stored.
fn listed_selected(model: &Model) -> bool {
    (model.archives.selected()).is_some_and(|archive| model.zips.is_listed(archive))
}

fn unlisted_selected(model: &Model) -> bool {
    has_archive(model) && !listed_selected(model)
}

/// A peek retrieves bytes: of an archive that has some, when spending is on.
fn peekable_selected(model: &Model) -> bool {
    (model.archives.selected())
        .is_some_and(|archive| !model.zips.is_listed(archive) && archive.size > 0)
        && writable(model)
}

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

pub(super) const TREE: &[Binding] = &[
    bind(Action::Open, "open", TREE_OPEN_HELP)
        .shown()
        .when(has_entry),
    bind(Action::PlanRange, "open", TREE_OPEN_HELP).when(has_entry),
    bind(Action::Peek, "peek zip", PEEK_HELP)
        .shown()
        .when(peekable_entry),
    bind(Action::Peek, "members", MEMBERS_HELP).when(listed_entry),
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

const TREE_OPEN_HELP: &str =
    "open the folder or a listed zip's members, or plan a range of the archive";

/// The archive under the tree's cursor: its position and size.
fn entry_archive(model: &Model) -> Option<(u32, u64)> {
    let tree = model.archives.tree.as_ref()?;
    match tree.entries.get(tree.cursor)?.kind {
        FolderEntryKind::Archive { position, size } => Some((position, size)),
        FolderEntryKind::Folder { .. } => None,
    }
}

fn listed_entry(model: &Model) -> bool {
    entry_archive(model)
        .is_some_and(|(position, _)| model.zips.listed.positions.contains(&position))
}

fn peekable_entry(model: &Model) -> bool {
    entry_archive(model).is_some_and(|(position, size)| {
        !model.zips.listed.positions.contains(&position) && size > 0
    }) && writable(model)
}

fn has_entry(model: &Model) -> bool {
    (model.archives.tree.as_ref()).is_some_and(|tree| !tree.entries.is_empty())
}

fn entry_above(model: &Model) -> bool {
    (model.archives.tree.as_ref()).is_some_and(|tree| tree.cursor > 0)
}

fn entry_below(model: &Model) -> bool {
    (model.archives.tree.as_ref()).is_some_and(|tree| tree.cursor + 1 < tree.entries.len())
}

pub(super) const MEMBERS: &[Binding] = &[
    bind(Action::Open, "open", "open the folder")
        .shown()
        .when(member_folder),
    bind(Action::Open, "plan member", PLAN_MEMBER_HELP)
        .shown()
        .when(member_file),
    bind(Action::PlanRange, "plan member", PLAN_MEMBER_HELP)
        .shown()
        .when(member_file),
    bind(Action::PlanRange, "open", "open the folder").when(member_folder),
    bind(Action::Download, "restore", RESTORE_MEMBER_HELP)
        .shown()
        .when(member_file_writable),
    bind(Action::Back, "up", UP_HELP)
        .shown()
        .when(not_explaining),
    bind(Action::Parent, "up", UP_HELP).shown(),
    bind(Action::Tree, "leave", "back to the archives").shown(),
];

const RESTORE_MEMBER_HELP: &str = "retrieve its span, then unpack and check it into a folder";

fn member_file_writable(model: &Model) -> bool {
    member_file(model) && writable(model)
}

const PLAN_MEMBER_HELP: &str = "plan the member's own span of the archive in the range planner";

const UP_HELP: &str = "go up a folder (at the top: back to the archives)";

const MEMBER_MOVES: [Binding; 6] = moves!(member_above, member_below);

fn member_entry(model: &Model) -> Option<&MemberEntry> {
    let view = model.zips.members.as_ref()?;
    view.entries.get(view.cursor)
}

fn member_folder(model: &Model) -> bool {
    matches!(member_entry(model), Some(MemberEntry::Folder { .. }))
}

fn member_file(model: &Model) -> bool {
    matches!(member_entry(model), Some(MemberEntry::Member { .. }))
}

fn member_above(model: &Model) -> bool {
    (model.zips.members.as_ref()).is_some_and(|view| view.cursor > 0)
}

fn member_below(model: &Model) -> bool {
    (model.zips.members.as_ref()).is_some_and(|view| view.cursor + 1 < view.entries.len())
}

pub(super) const FILTER: &[Binding] = &[
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

pub(super) const JOBS: &[Binding] = &[
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

pub(super) fn moves_of(context: Context) -> &'static [Binding] {
    match context {
        Context::Archives => &ARCHIVE_MOVES,
        Context::Tree => &TREE_MOVES,
        Context::Members => &MEMBER_MOVES,
        Context::Jobs => &JOB_MOVES,
        _ => &[],
    }
}

//! The vaults pane and the archive table (or folder tree): moving, sorting,
//! filtering as you type, and loading only the rows the screen shows.

use super::super::keymap::Action;
use super::super::layout::table_rows;
use super::super::model::{ArchiveTable, FolderView, Model, Pane, Severity, VaultSummary};
use super::super::msg::{Cmd, RequestId};
use super::{marks, members, range};
use crate::store::{ArchivePage, ArchiveQuery, ArchiveRow, FolderEntry, FolderEntryKind, SortKey};

pub(super) fn vaults_loaded(
    model: &mut Model,
    result: Result<Vec<VaultSummary>, String>,
) -> Vec<Cmd> {
    let vaults = match result {
        Ok(vaults) => vaults,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    let previous = model.selected_vault().map(|vault| vault.key.clone());
    model.vaults = vaults;
    let keep = previous.and_then(|key| model.vaults.iter().position(|vault| vault.key == key));
    // The largest cached inventory is the likeliest to be the one wanted.
    let first_cached = model
        .vaults
        .iter()
        .enumerate()
        .filter_map(|(index, vault)| Some((vault.snapshot.as_ref()?.archive_count, index)))
        .max_by_key(|(count, index)| (*count, std::cmp::Reverse(*index)))
        .map(|(_, index)| index);
    model.vault_cursor = keep.or(first_cached).unwrap_or(0);
    let mut cmds = open_vault(model);
    let keys = model.vaults.iter().map(|vault| vault.key.clone()).collect();
    cmds.push(super::jobs::sync_cmd(model, keys));
    model.jobs.syncing = true;
    cmds
}

/// Shows the selected vault's newest snapshot, from the top.
fn open_vault(model: &mut Model) -> Vec<Cmd> {
    let snapshot = model
        .selected_vault()
        .and_then(|vault| vault.snapshot.clone());
    if model.archives.snapshot.as_ref().map(|s| s.id) == snapshot.as_ref().map(|s| s.id)
        && snapshot.is_some()
    {
        return Vec::new();
    }
    let opened = ArchiveTable {
        snapshot,
        sort: model.archives.sort,
        descending: model.archives.descending,
        ..ArchiveTable::default()
    };
    let left = std::mem::replace(&mut model.archives, opened);
    marks::dropped(model, &left);
    let mut cmds = reload(model);
    cmds.extend(members::vault_opened(model));
    cmds
}

/// Asks for the rows around the cursor again, from scratch (the filter or the
/// order changed): whatever is on its way is now stale.
fn reload(model: &mut Model) -> Vec<Cmd> {
    model.archives.rows.clear();
    model.archives.loaded = false;
    model.archives.pending = None;
    if model.archives.tree.is_some() {
        return load_folder(model);
    }
    after_move(model)
}

/// Loads the rows the screen now shows, unless they are loaded or on their way.
pub(super) fn after_move(model: &mut Model) -> Vec<Cmd> {
    let visible = table_rows(
        model.width,
        model.height,
        crate::tui::layout::lower_panel(model),
    ) as u64;
    let table = &mut model.archives;
    if table.total > 0 {
        table.cursor = table.cursor.min(table.total - 1);
    }
    if table.cursor < table.top {
        table.top = table.cursor;
    } else if table.cursor >= table.top + visible {
        table.top = table.cursor + 1 - visible;
    }
    let Some(snapshot) = table.snapshot.as_ref() else {
        return Vec::new();
    };
    let loaded_end = table.rows_offset + table.rows.len() as u64;
    let wanted_end = (table.top + visible).min(table.total);
    // An empty result is an answer too: nothing more to ask for.
    let covered =
        table.loaded && table.rows_offset <= table.top.min(wanted_end) && wanted_end <= loaded_end;
    if covered || table.pending.is_some() {
        return Vec::new();
    }
    // A screen above and below as well, so scrolling rarely waits.
    let offset = table.top.saturating_sub(visible);
    let query = ArchiveQuery {
        filter: (!table.filter.is_empty()).then(|| table.filter.clone()),
        sort: table.sort,
        descending: table.descending,
        offset,
        limit: (visible * 3) as usize,
        ..ArchiveQuery::default()
    };
    let path = snapshot.path.clone();
    let request = model.request();
    model.archives.pending = Some(request);
    vec![Cmd::LoadPage {
        request,
        snapshot: path,
        query,
    }]
}

pub(super) fn page_loaded(
    model: &mut Model,
    request: RequestId,
    result: Result<ArchivePage, String>,
) -> Vec<Cmd> {
    if model.archives.pending != Some(request) {
        return Vec::new();
    }
    model.archives.pending = None;
    match result {
        Ok(page) => {
            let visible = table_rows(
                model.width,
                model.height,
                crate::tui::layout::lower_panel(model),
            ) as u64;
            model.archives.rows_offset = model.archives.top.saturating_sub(visible);
            model.archives.total = page.total;
            model.archives.rows = page.archives;
            model.archives.loaded = true;
            after_move(model)
        }
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            Vec::new()
        }
    }
}

pub(super) fn vaults_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let last = model.vaults.len().saturating_sub(1);
    match action {
        Action::Up => model.vault_cursor = model.vault_cursor.saturating_sub(1),
        Action::Down => model.vault_cursor = (model.vault_cursor + 1).min(last),
        Action::First => model.vault_cursor = 0,
        Action::Last => model.vault_cursor = last,
        Action::Open => {
            model.focus = Pane::Archives;
            let cmds = open_vault(model);
            if model.archives.snapshot.is_none() {
                let name = model
                    .selected_vault()
                    .map(|v| v.key.name.clone())
                    .unwrap_or_default();
                model.tell(
                    Severity::Info,
                    format!(
                        "no inventory of {name} is cached yet; press {} to ask Glacier for one",
                        model.config.keymap.label(Action::FetchInventory)
                    ),
                );
            }
            return cmds;
        }
        _ => {}
    }
    open_vault(model)
}

pub(super) fn table_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    if model.archives.tree.is_some() {
        return tree_action(model, action);
    }
    let page = table_rows(
        model.width,
        model.height,
        crate::tui::layout::lower_panel(model),
    ) as u64;
    let table = &mut model.archives;
    if let Some(cursor) = moved(table.cursor, action, page, table.total.saturating_sub(1)) {
        table.cursor = cursor;
        return after_move(model);
    }
    match action {
        Action::Filter => {
            table.filtering = true;
            Vec::new()
        }
        Action::Back if !table.filter.is_empty() => {
            table.filter.clear();
            table.cursor = 0;
            table.top = 0;
            reload(model)
        }
        Action::Sort => {
            table.sort = match table.sort {
                SortKey::Name => SortKey::Size,
                SortKey::Size => SortKey::Created,
                SortKey::Created => SortKey::Name,
            };
            restart(model)
        }
        Action::Reverse => {
            table.descending = !table.descending;
            restart(model)
        }
        Action::Tree => {
            table.tree = Some(FolderView::default());
            load_folder(model)
        }
        Action::Open | Action::PlanRange => {
            let listed = model
                .archives
                .selected()
                .filter(|a| model.zips.is_listed(a));
            match listed.cloned() {
                Some(archive) if action == Action::Open => members::open_members(model, archive),
                _ => plan_selected(model),
            }
        }
        Action::Preview => range::preview_whole(model),
        Action::Mark | Action::MarkMatching | Action::ClearMarks => marks::on_action(model, action),
        Action::Launch => launch_marked(model),
        Action::Migrate => super::migration::open_dialog(model),
        _ => Vec::new(),
    }
}

/// The launch key in the archives: a batch of the marked archives, or how to
/// mark some.
fn launch_marked(model: &mut Model) -> Vec<Cmd> {
    if model.archives.marks.is_empty() {
        let keymap = &model.config.keymap;
        let hint = format!(
            "mark archives with {} (or every archive shown with {}) to restore them as a batch; {} plans one archive",
            keymap.label(Action::Mark),
            keymap.label(Action::MarkMatching),
            keymap.label(Action::PlanRange)
        );
        model.tell(Severity::Info, hint);
        return Vec::new();
    }
    super::batch::open_dialog(model)
}

/// Back to the first row of a new order or filter, asked for at once; the
/// answer to an older one is dropped when it comes.
pub(super) fn restart(model: &mut Model) -> Vec<Cmd> {
    model.archives.cursor = 0;
    model.archives.top = 0;
    reload(model)
}

fn plan_selected(model: &mut Model) -> Vec<Cmd> {
    match model.archives.selected().cloned() {
        Some(archive) => range::open_planner(model, archive),
        None => Vec::new(),
    }
}

/// Keys while the filter is typed (the text itself goes in through
/// `typing`): Esc clears it, the others keep it and go back to the rows.
pub(super) fn filter_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let table = &mut model.archives;
    match action {
        Action::Back => {
            table.filtering = false;
            table.filter.clear();
            restart(model)
        }
        Action::Open | Action::Down | Action::NextPane => {
            table.filtering = false;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

fn load_folder(model: &mut Model) -> Vec<Cmd> {
    let Some(snapshot) = model.archives.snapshot.as_ref().map(|s| s.path.clone()) else {
        return Vec::new();
    };
    let request = model.request();
    let Some(tree) = model.archives.tree.as_mut() else {
        return Vec::new();
    };
    tree.pending = Some(request);
    vec![Cmd::LoadFolder {
        request,
        snapshot,
        path: tree.path.clone(),
    }]
}

/// The folder view, when `request` is the answer it waits for; it waits no more.
fn tree_answered(model: &mut Model, request: RequestId) -> Option<&mut FolderView> {
    let tree = model
        .archives
        .tree
        .as_mut()
        .filter(|tree| tree.pending == Some(request))?;
    tree.pending = None;
    Some(tree)
}

pub(super) fn folder_loaded(
    model: &mut Model,
    request: RequestId,
    result: Result<Vec<FolderEntry>, String>,
) -> Vec<Cmd> {
    let Some(tree) = tree_answered(model, request) else {
        return Vec::new();
    };
    match result {
        Ok(entries) => {
            tree.entries = entries;
            tree.cursor = tree.cursor.min(tree.entries.len().saturating_sub(1));
            // Counts of the folder listed before are no counts of this one's.
            tree.marked.clear();
            return marks::recount(model);
        }
        Err(problem) => model.tell(Severity::Problem, problem),
    }
    Vec::new()
}

fn tree_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let page = table_rows(
        model.width,
        model.height,
        crate::tui::layout::lower_panel(model),
    );
    let Some(tree) = model.archives.tree.as_mut() else {
        return Vec::new();
    };
    let last = tree.entries.len().saturating_sub(1) as u64;
    if let Some(cursor) = moved(tree.cursor as u64, action, page as u64, last) {
        tree.cursor = cursor as usize;
        return Vec::new();
    }
    match action {
        Action::Tree => {
            model.archives.tree = None;
            return after_move(model);
        }
        Action::Back => {
            if tree.path.is_empty() {
                model.archives.tree = None;
                return after_move(model);
            }
            let trimmed = tree.path.trim_end_matches('/');
            tree.path = trimmed
                .rfind('/')
                .map_or(String::new(), |cut| trimmed[..=cut].to_owned());
            tree.cursor = 0;
            return load_folder(model);
        }
        Action::Open | Action::PlanRange => {
            let Some(entry) = tree.entries.get(tree.cursor).cloned() else {
                return Vec::new();
            };
            match entry.kind {
                FolderEntryKind::Folder { .. } => {
                    tree.path = format!("{}{}/", tree.path, entry.name);
                    tree.cursor = 0;
                    return load_folder(model);
                }
                FolderEntryKind::Archive { position, .. }
                    if action == Action::Open
                        && model.zips.listed.positions.contains(&position) =>
                {
                    return super::peek::peek_key(model);
                }
                FolderEntryKind::Archive { position, .. } => return load_archive(model, position),
            }
        }
        Action::Mark | Action::MarkMatching | Action::ClearMarks => {
            return marks::on_action(model, action);
        }
        Action::Launch => return launch_marked(model),
        Action::Migrate => return super::migration::open_dialog(model),
        _ => {}
    }
    Vec::new()
}

fn load_archive(model: &mut Model, position: u32) -> Vec<Cmd> {
    let Some(snapshot) = model.archives.snapshot.as_ref().map(|s| s.path.clone()) else {
        return Vec::new();
    };
    let request = model.request();
    if let Some(tree) = model.archives.tree.as_mut() {
        tree.pending = Some(request);
    }
    vec![Cmd::LoadArchive {
        request,
        snapshot,
        position,
    }]
}

pub(super) fn archive_loaded(
    model: &mut Model,
    request: RequestId,
    result: Result<Option<ArchiveRow>, String>,
) -> Vec<Cmd> {
    if tree_answered(model, request).is_none() {
        return Vec::new();
    };
    match result {
        Ok(Some(archive)) => super::peek::loaded_for_peek(model, request, &archive)
            .unwrap_or_else(|| range::open_planner(model, archive)),
        Ok(None) => Vec::new(),
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            Vec::new()
        }
    }
}

/// Where a list's cursor goes for a movement action (`None`: the action is not a
/// movement), on a list whose last row is `last`, `page` rows to a screen.
pub(super) fn moved(cursor: u64, action: Action, page: u64, last: u64) -> Option<u64> {
    Some(match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (cursor + page).min(last),
        Action::First => 0,
        Action::Last => last,
        _ => return None,
    })
}

//! Marks, the archives a batch will retrieve: one key marks the selected archive
//! (or every archive of the selected folder), one every archive the filter or the
//! folder shown holds, one clears them. Marking many asks the cache for their
//! positions and sizes; the answer marks them all, or unmarks them when all were
//! marked already. Folder rows say how many of their archives are marked, from a
//! count the cache makes when a folder is listed.

use super::super::keymap::Action;
use super::super::marks::{MarkScope, PendingMark, grouped};
use super::super::model::{ArchiveTable, Model, Severity};
use super::super::msg::{Cmd, MarksAnswer, MarksQuery, RequestId};
use super::archives::after_move;
use crate::store::{ArchiveQuery, FolderEntryKind};

pub(super) fn on_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    match action {
        Action::Mark if model.archives.tree.is_some() => mark_tree_entry(model),
        Action::Mark => mark_selected(model),
        Action::MarkMatching => {
            let scope = match &model.archives.tree {
                Some(tree) => MarkScope::Folder(tree.path.clone()),
                None => MarkScope::Filter(model.archives.filter.clone()),
            };
            ask(model, scope)
        }
        Action::ClearMarks => clear(model),
        _ => Vec::new(),
    }
}

/// Flips the archive under the cursor and moves on to the next row, so a run of
/// archives is marked by pressing the key again and again.
fn mark_selected(model: &mut Model) -> Vec<Cmd> {
    let table = &mut model.archives;
    let Some((position, size)) = table.selected().map(|row| (row.position, row.size)) else {
        return Vec::new();
    };
    table.marks.toggle(position, size);
    table.cursor = (table.cursor + 1).min(table.total.saturating_sub(1));
    after_move(model)
}

/// Flips the archive under the tree's cursor, or asks for every archive of the
/// folder under it; then moves on to the next row.
fn mark_tree_entry(model: &mut Model) -> Vec<Cmd> {
    let table = &mut model.archives;
    let Some(tree) = table.tree.as_mut() else {
        return Vec::new();
    };
    let Some(entry) = tree.entries.get(tree.cursor) else {
        return Vec::new();
    };
    let folder = format!("{}{}/", tree.path, entry.name);
    let kind = entry.kind.clone();
    tree.cursor = (tree.cursor + 1).min(tree.entries.len().saturating_sub(1));
    match kind {
        FolderEntryKind::Archive { position, size } => {
            table.marks.toggle(position, size);
            Vec::new()
        }
        FolderEntryKind::Folder { .. } => ask(model, MarkScope::Folder(folder)),
    }
}

/// Asks the cache for every archive of `scope`, to mark or unmark them.
fn ask(model: &mut Model, scope: MarkScope) -> Vec<Cmd> {
    let Some(snapshot) = model.archives.snapshot.as_ref().map(|s| s.path.clone()) else {
        return Vec::new();
    };
    let query = match &scope {
        MarkScope::Filter(filter) => ArchiveQuery {
            filter: (!filter.is_empty()).then(|| filter.clone()),
            ..ArchiveQuery::default()
        },
        MarkScope::Folder(path) => ArchiveQuery {
            under: (!path.is_empty()).then(|| path.clone()),
            ..ArchiveQuery::default()
        },
    };
    let request = model.request();
    model.archives.marking.push(PendingMark { request, scope });
    vec![Cmd::Marks(MarksQuery::Archives {
        request,
        snapshot,
        query,
    })]
}

fn clear(model: &mut Model) -> Vec<Cmd> {
    let table = &mut model.archives;
    let (count, bytes) = (table.marks.count(), table.marks.bytes());
    table.marks.clear();
    // Marking still on its way would bring marks back after they were cleared.
    table.marking.clear();
    if let Some(tree) = table.tree.as_mut() {
        tree.marked.fill(0);
        tree.counting = None;
    }
    if count > 0 {
        let size = crate::tui::view::format::size_u128(bytes);
        model.tell(
            Severity::Info,
            format!("unmarked {} ({size})", archives(count)),
        );
    }
    Vec::new()
}

pub(super) fn marks_loaded(model: &mut Model, answer: MarksAnswer) -> Vec<Cmd> {
    match answer {
        MarksAnswer::Archives { request, result } => marked(model, request, result),
        MarksAnswer::Counts { request, result } => counted(model, request, result),
    }
}

/// The archives of a scope are known: all marked, or all unmarked when they all
/// were marked. An answer to a request no longer waited for (the marks were
/// cleared, another vault opened) is dropped.
fn marked(
    model: &mut Model,
    request: RequestId,
    result: Result<Vec<(u32, u64)>, String>,
) -> Vec<Cmd> {
    let table = &mut model.archives;
    let Some(at) = table.marking.iter().position(|p| p.request == request) else {
        return Vec::new();
    };
    let scope = table.marking.remove(at).scope;
    let found = match result {
        Ok(found) => found,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    let now_marked = table.marks.toggle_all(&found);
    let what = scope.describe();
    let text = match (found.len(), now_marked) {
        (0, _) => format!("no archives {what} to mark"),
        (count, true) => format!("marked {} {what}", archives(count as u64)),
        (count, false) => format!("unmarked {} {what}", archives(count as u64)),
    };
    model.tell(Severity::Info, text);
    folders_after(model, &scope, now_marked)
}

/// Brings the folder rows' counts up to date after a scope was marked or
/// unmarked: at once when it is the folder shown or one of its folders, else by
/// counting again.
fn folders_after(model: &mut Model, scope: &MarkScope, now_marked: bool) -> Vec<Cmd> {
    let Some(tree) = model.archives.tree.as_mut() else {
        return Vec::new();
    };
    let MarkScope::Folder(path) = scope else {
        return recount(model);
    };
    let whole = *path == tree.path;
    let mut known = whole;
    tree.marked.resize(tree.entries.len(), 0);
    for (entry, marked) in tree.entries.iter().zip(&mut tree.marked) {
        let FolderEntryKind::Folder { archives, .. } = entry.kind else {
            continue;
        };
        if whole || format!("{}{}/", tree.path, entry.name) == *path {
            *marked = if now_marked { archives } else { 0 };
            known = true;
        }
    }
    // A count on its way was made before this change; it would undo it.
    if !known || tree.counting.is_some() {
        return recount(model);
    }
    Vec::new()
}

/// Counts the marked archives under each folder of the tree shown: none when
/// nothing is marked, else the cache counts them (the rows keep the counts
/// they have until then).
pub(super) fn recount(model: &mut Model) -> Vec<Cmd> {
    let snapshot = model.archives.snapshot.as_ref().map(|s| s.path.clone());
    let request = model.request();
    let table = &mut model.archives;
    let Some(tree) = table.tree.as_mut() else {
        return Vec::new();
    };
    tree.marked.resize(tree.entries.len(), 0);
    tree.counting = None;
    let Some(snapshot) = snapshot.filter(|_| !table.marks.is_empty()) else {
        tree.marked.fill(0);
        return Vec::new();
    };
    let has_folders =
        (tree.entries.iter()).any(|entry| matches!(entry.kind, FolderEntryKind::Folder { .. }));
    if !has_folders {
        return Vec::new();
    }
    tree.counting = Some(request);
    vec![Cmd::Marks(MarksQuery::Counts {
        request,
        snapshot,
        folder: tree.path.clone(),
        marks: table.marks.clone(),
    })]
}

/// The cache's count of marked archives under each folder, in listing order.
fn counted(model: &mut Model, request: RequestId, result: Result<Vec<u64>, String>) -> Vec<Cmd> {
    let Some(tree) = (model.archives.tree.as_mut()).filter(|tree| tree.counting == Some(request))
    else {
        return Vec::new();
    };
    tree.counting = None;
    let counts = match result {
        Ok(counts) => counts,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    let mut counts = counts.into_iter();
    tree.marked.resize(tree.entries.len(), 0);
    for (entry, marked) in tree.entries.iter().zip(&mut tree.marked) {
        if matches!(entry.kind, FolderEntryKind::Folder { .. }) {
            *marked = counts.next().unwrap_or(0);
        }
    }
    Vec::new()
}

/// Says that the marks of the table left for another vault or inventory went
/// with it, if it had any.
pub(super) fn dropped(model: &mut Model, left: &ArchiveTable) {
    let count = left.marks.count();
    let Some(snapshot) = left.snapshot.as_ref().filter(|_| count > 0) else {
        return;
    };
    model.tell(
        Severity::Info,
        format!(
            "unmarked {} of {}: marks belong to the inventory they were made in",
            archives(count),
            snapshot.vault.key.name
        ),
    );
}

/// "1 archive", "1,204 archives".
fn archives(count: u64) -> String {
    let noun = if count == 1 { "archive" } else { "archives" };
    format!("{} {noun}", grouped(count))
}

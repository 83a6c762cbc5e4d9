//! The peek key: on an archive without a listing it asks the engine where
//! its peek stands; a retrieval to pay for opens a dialog with its cost at
//! the chosen tier beside the whole archive's, and Enter starts it through
//! `tracking::peek::advance` in an effect. Once the jobs are ready the same
//! key goes on: the bytes are downloaded and read, and the listing opens.

use super::super::keymap::Action;
use super::super::members::{Asking, PeekAsk, PeekDialog, PeekView, ZipCmd, ZipStep};
use super::super::model::{Dialog, Model, Severity};
use super::super::msg::{Cmd, RequestId};
use super::members::{load_listed, open_members};
use super::{close_dialog, refuse_read_only};
use crate::domain::job_params::Tier;
use crate::store::{ArchiveRow, FolderEntryKind};
use crate::text::printable;

/// The peek key in the archive table or the folder tree.
pub(super) fn peek_key(model: &mut Model) -> Vec<Cmd> {
    if let Some(tree) = model.archives.tree.as_ref() {
        let Some(entry) = tree.entries.get(tree.cursor) else {
            return Vec::new();
        };
        let FolderEntryKind::Archive { position, .. } = entry.kind else {
            model.tell(Severity::Info, "select an archive to peek into");
            return Vec::new();
        };
        // The tree knows the archive by its place: its row is read first.
        let Some(snapshot) = model.archives.snapshot.as_ref().map(|s| s.path.clone()) else {
            return Vec::new();
        };
        let request = model.request();
        if let Some(tree) = model.archives.tree.as_mut() {
            tree.pending = Some(request);
        }
        model.zips.peek_on_load = Some(request);
        return vec![Cmd::LoadArchive {
            request,
            snapshot,
            position,
        }];
    }
    match model.archives.selected().cloned() {
        Some(archive) => peek_archive(model, archive),
        None => Vec::new(),
    }
}

/// An archive read for the folder tree: true when it was read to peek at it,
/// and the peek is under way.
pub(super) fn loaded_for_peek(
    model: &mut Model,
    request: RequestId,
    archive: &ArchiveRow,
) -> Option<Vec<Cmd>> {
    if model.zips.peek_on_load != Some(request) {
        return None;
    }
    model.zips.peek_on_load = None;
    Some(peek_archive(model, archive.clone()))
}

/// Opens the members of a listed archive, or asks the engine where its peek
/// stands (what it would retrieve, or what came back).
pub(super) fn peek_archive(model: &mut Model, archive: ArchiveRow) -> Vec<Cmd> {
    if model.zips.is_listed(&archive) {
        return open_members(model, archive);
    }
    if model.session.read_only {
        return refuse_read_only(
            model,
            "peeking into an archive retrieves and keeps its tail",
        );
    }
    if archive.size == 0 {
        model.tell(
            Severity::Info,
            "this archive is empty: there is nothing to peek into",
        );
        return Vec::new();
    }
    ask(model, archive, Tier::Standard, false)
}

fn ask(model: &mut Model, archive: ArchiveRow, tier: Tier, launch: bool) -> Vec<Cmd> {
    let Some(vault) = model.selected_vault().map(|vault| vault.key.clone()) else {
        return Vec::new();
    };
    let ask = PeekAsk {
        vault,
        archive,
        tier,
        launch,
    };
    send(model, ask)
}

/// Asks the engine to take the peek further, and waits for its answer.
pub(super) fn send(model: &mut Model, ask: PeekAsk) -> Vec<Cmd> {
    let request = model.request();
    let doing = if ask.launch { "starting" } else { "looking at" };
    model.tell(
        Severity::Info,
        format!("{doing} the peek of {}…", printable(&ask.archive.name)),
    );
    model.zips.asking = Some(Asking {
        request,
        ask: ask.clone(),
    });
    vec![Cmd::Zip(ZipCmd::Peek { request, ask })]
}

pub(super) fn peeked(
    model: &mut Model,
    request: RequestId,
    result: Result<PeekView, String>,
) -> Vec<Cmd> {
    let Some(asking) = model
        .zips
        .asking
        .take_if(|asking| asking.request == request)
    else {
        return Vec::new();
    };
    let ask = asking.ask;
    let archive = ask.archive.clone();
    let name = printable(&archive.name);
    let view = match result {
        Ok(view) => view,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    match view {
        PeekView::Listed { members } => {
            model.tell(
                Severity::Good,
                format!("{name} is a zip of {members} members; its listing is kept"),
            );
            // Its plans were downloaded into the peek folder: their rows say so.
            let mut cmds = super::jobs::sync_all(model);
            // Taken on by itself, the peek may end while another vault is
            // shown or a dialog is open: then only the message says so.
            if !model.shows_vault(&ask.vault) {
                return cmds;
            }
            cmds.extend(load_listed(model));
            model.zips.listed.ids.insert(archive.archive_id.clone());
            model.zips.listed.positions.insert(archive.position);
            if model.dialog.is_none() {
                cmds.extend(open_members(model, archive));
            }
            cmds
        }
        PeekView::NotZip { reason } => {
            model.tell(
                Severity::Info,
                format!("{name} is not a zip that can be listed: {reason}"),
            );
            super::jobs::sync_all(model)
        }
        PeekView::Retrieval {
            range,
            bytes,
            jobs,
            first,
            started: None,
            ..
        } => {
            if model.dialog.is_some() {
                let again = model.config.keymap.label(Action::Peek);
                model.tell(
                    Severity::Info,
                    format!("the peek of {name} needs another range; press {again} on it to see its cost"),
                );
                return Vec::new();
            }
            let mut dialog = PeekDialog {
                vault: ask.vault.clone(),
                archive,
                range,
                bytes,
                jobs,
                first,
                tier: Tier::Standard,
                cost: String::new(),
                whole: String::new(),
            };
            dialog.price(Tier::Standard, &model.config.prices, model.session.speed);
            model.dialog = Some(Dialog::Peek(dialog));
            // The dialog says it all; the status bar shows its keys.
            model.status = None;
            Vec::new()
        }
        PeekView::Retrieval {
            started: Some(plan),
            reused,
            ..
        } => {
            let what = format!("peek into {name}");
            super::carry_on::started(model, (plan, reused), &what, ZipStep::Peek(ask))
        }
        PeekView::Waiting {
            plan,
            ready_by,
            stuck,
            ..
        } => {
            let what = format!("the peek of {name}");
            let waiting = super::carry_on::Waiting {
                plan,
                ready_by,
                stuck,
            };
            super::carry_on::waiting(model, waiting, &what, ZipStep::Peek(ask));
            Vec::new()
        }
    }
}

/// Actions in the peek dialog: the tier, Enter starts the retrieval, Esc leaves.
pub(super) fn dialog_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Peek(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up | Action::Down | Action::NextPane | Action::PreviousPane => {
            let forward = matches!(action, Action::Down | Action::NextPane);
            let tier = next_tier(dialog.tier, forward);
            dialog.price(tier, &model.config.prices, model.session.speed);
            Vec::new()
        }
        Action::Open => {
            let Some(Dialog::Peek(dialog)) = model.dialog.take() else {
                return Vec::new();
            };
            ask(model, dialog.archive, dialog.tier, true)
        }
        Action::Back => close_dialog(model),
        _ => Vec::new(),
    }
}

/// Bulk, Standard, Expedited, round again.
pub(super) fn next_tier(tier: Tier, forward: bool) -> Tier {
    const ORDER: [Tier; 3] = [Tier::Bulk, Tier::Standard, Tier::Expedited];
    let index = ORDER.iter().position(|t| *t == tier).unwrap_or(1);
    let step = if forward { 1 } else { ORDER.len() - 1 };
    ORDER[(index + step) % ORDER.len()]
}

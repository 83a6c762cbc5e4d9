//! Draining from the screen: the drain key on a vault row reads what a drain
//! of its copied archives would delete (those copied to S3 and verified, as
//! `defrost drain --only-copied` deletes) and shows it; Enter deletes them in
//! the background, each journaled before it is asked for, and the vault's row
//! counts them. Deleting the vault itself waits for Glacier's next inventory,
//! which `defrost drain --delete-vault` follows.

use super::super::drain::{DrainDialog, DrainStage, Draining};
use super::super::keymap::Action;
use super::super::model::{Dialog, Model, Severity};
use super::super::msg::{Cmd, DrainNews, RequestId};
use super::{close_dialog, refuse_read_only};
use crate::text::printable;
use crate::tui::marks::grouped;

/// The drain key on a vault row.
pub(super) fn open_dialog(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "deleting archives");
    }
    let Some(vault) = model.selected_vault() else {
        return Vec::new();
    };
    let key = vault.key.clone();
    let copied = vault.migration.as_ref().map_or(0, |m| m.copied);
    if model.draining.contains(&key) {
        let text = format!(
            "{} is being drained; its row counts the deletions",
            printable(&key.name)
        );
        model.tell(Severity::Info, text);
        return Vec::new();
    }
    if copied == 0 {
        let keys = &model.config.keymap;
        let text = format!(
            "nothing of {} is copied to S3 yet, and a drain from here deletes only copied archives: mark archives and press {} to copy them first",
            printable(&key.name),
            keys.label(Action::Migrate)
        );
        model.tell(Severity::Info, text);
        return Vec::new();
    }
    let request = model.request();
    model.dialog = Some(Dialog::Drain(DrainDialog {
        vault: key.clone(),
        stage: DrainStage::Preparing(request),
    }));
    vec![Cmd::PrepareDrain {
        request,
        vault: key,
        prices: model.config.prices.clone(),
    }]
}

/// Keys in the dialog: Enter on the summary deletes; Esc closes.
pub(super) fn dialog_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Drain(dialog)) = model.dialog.as_ref() else {
        return Vec::new();
    };
    match (action, &dialog.stage) {
        (Action::Back, _) => close_dialog(model),
        (Action::Open, DrainStage::Ready(draining)) if !draining.0.items.is_empty() => {
            let (vault, draining) = (dialog.vault.clone(), draining.clone());
            start(model, vault, draining)
        }
        (Action::Open, DrainStage::Ready(_)) => close_dialog(model),
        _ => Vec::new(),
    }
}

fn start(model: &mut Model, vault: crate::store::VaultKey, draining: Draining) -> Vec<Cmd> {
    model.dialog = None;
    model.tell(
        Severity::Info,
        format!(
            "deleting {} copied archives from {}…",
            grouped(draining.0.items.len() as u64),
            printable(&vault.name)
        ),
    );
    model.draining.push(vault.clone());
    vec![Cmd::StartDrain { vault, draining }]
}

/// The summary, or why there is none (the dialog closes and says it).
pub(super) fn prepared(
    model: &mut Model,
    request: RequestId,
    result: Result<Draining, String>,
) -> Vec<Cmd> {
    let Some(Dialog::Drain(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    if dialog.stage != DrainStage::Preparing(request) {
        return Vec::new();
    }
    match result {
        Ok(draining) => dialog.stage = DrainStage::Ready(draining),
        Err(problem) => {
            model.dialog = None;
            model.tell(Severity::Problem, problem);
        }
    }
    Vec::new()
}

/// What a drain did: each deletion has the vault's row counted again.
pub(super) fn news(model: &mut Model, news: DrainNews) -> Vec<Cmd> {
    match news {
        DrainNews::Deleted { .. } => {}
        DrainNews::Held { vault, message } => {
            let text = format!(
                "the drain of {} waits: Glacier pushed back ({}); it goes on by itself",
                printable(&vault.name),
                printable(&message)
            );
            model.tell(Severity::Info, text);
            return Vec::new();
        }
        DrainNews::Ended { vault, result } => {
            model.draining.retain(|key| *key != vault);
            match result {
                Ok(said) => model.tell(Severity::Good, said),
                Err(problem) => model.tell(
                    Severity::Problem,
                    format!("the drain of {}: {problem}", printable(&vault.name)),
                ),
            }
        }
    }
    vec![super::progress::progress_cmd(model)]
}

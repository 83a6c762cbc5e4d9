//! `update`: the only place the model changes. A message comes in (a key, a
//! resize, a tick, the answer to a command) with the time; the model moves on and
//! the commands to run come out. No I/O happens here, so every reaction is tested
//! by calling this with a model and a message.

mod archives;
mod dialogs;
mod jobs;
mod range;
#[cfg(test)]
mod tests;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use time::OffsetDateTime;

use super::keymap::Action;
use super::model::{Model, Pane, Severity};
use super::msg::{Cmd, Loaded, Msg};

pub use dialogs::policy_refusal;
pub use jobs::{next_wake, short, status_word};

/// Moves the model on by one message at `now`.
pub fn update(model: &mut Model, msg: Msg, now: OffsetDateTime) -> Vec<Cmd> {
    model.now = now;
    match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Mouse(mouse) => on_mouse(model, mouse.kind, mouse.row),
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            archives::after_move(model)
        }
        Msg::Tick => jobs::on_tick(model),
        Msg::Loaded(loaded) => on_loaded(model, loaded),
    }
}

/// The commands that start the program: the vaults, then their jobs.
pub fn start(_model: &mut Model) -> Vec<Cmd> {
    vec![Cmd::LoadVaults]
}

fn on_loaded(model: &mut Model, loaded: Loaded) -> Vec<Cmd> {
    match loaded {
        Loaded::Vaults(result) => archives::vaults_loaded(model, result),
        Loaded::Page { request, result } => archives::page_loaded(model, request, result),
        Loaded::Folder { request, result } => archives::folder_loaded(model, request, result),
        Loaded::Archive { request, result } => archives::archive_loaded(model, request, result),
        Loaded::Jobs(result) => jobs::jobs_loaded(model, result),
        Loaded::Policy { request, result } => dialogs::policy_loaded(model, request, result),
        Loaded::Launched(result) => dialogs::launched(model, result),
        Loaded::DownloadProgress {
            job_id,
            done,
            total,
        } => jobs::download_progress(model, &job_id, done, total),
        Loaded::DownloadFinished { job_id, result } => {
            jobs::download_finished(model, &job_id, result)
        }
        Loaded::InventoryRequested(result) => jobs::inventory_requested(model, result),
        Loaded::InventoryImported(result) => jobs::inventory_imported(model, result),
        Loaded::Saved(result) => dialogs::saved(model, result),
        Loaded::Problem(problem) => {
            model.tell(Severity::Problem, problem);
            Vec::new()
        }
    }
}

/// Whether a key should be typed into the field that has the focus rather than
/// taken as an action: a plain character (Shift allowed), Backspace.
fn is_typing(key: &KeyEvent) -> bool {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    plain && matches!(key.code, KeyCode::Char(_) | KeyCode::Backspace)
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    // Some terminals report releases and repeats too; only presses act.
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let action = model.config.keymap.action(&key);
    // Ctrl-C always leaves, whatever has the focus.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.quit = true;
        return vec![Cmd::Quit];
    }
    if model.help {
        if matches!(action, Some(Action::Help | Action::Back | Action::Quit)) {
            model.help = false;
        }
        return Vec::new();
    }
    if model.dialog.is_some() {
        return dialogs::on_key(model, key, action);
    }
    if model.archives.filtering {
        return archives::filter_key(model, key, action);
    }
    let Some(action) = action else {
        return Vec::new();
    };
    on_action(model, action)
}

fn on_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    match action {
        Action::Quit => {
            model.quit = true;
            vec![Cmd::Quit]
        }
        Action::Help => {
            model.help = true;
            Vec::new()
        }
        Action::Explain => {
            model.explain = !model.explain;
            Vec::new()
        }
        Action::NextPane => {
            model.focus = match model.focus {
                Pane::Vaults => Pane::Archives,
                Pane::Archives => Pane::Jobs,
                Pane::Jobs => Pane::Vaults,
            };
            Vec::new()
        }
        Action::PreviousPane => {
            model.focus = match model.focus {
                Pane::Vaults => Pane::Jobs,
                Pane::Archives => Pane::Vaults,
                Pane::Jobs => Pane::Archives,
            };
            Vec::new()
        }
        Action::Refresh => jobs::sync_all(model),
        Action::FetchInventory => jobs::fetch_inventory(model),
        _ => match model.focus {
            Pane::Vaults => archives::vaults_action(model, action),
            Pane::Archives => archives::table_action(model, action),
            Pane::Jobs => jobs::jobs_action(model, action),
        },
    }
}

fn on_mouse(model: &mut Model, kind: MouseEventKind, _row: u16) -> Vec<Cmd> {
    if !model.config.mouse || model.dialog.is_some() || model.help {
        return Vec::new();
    }
    match kind {
        MouseEventKind::ScrollDown => on_action(model, Action::Down),
        MouseEventKind::ScrollUp => on_action(model, Action::Up),
        _ => Vec::new(),
    }
}

/// Says that something needs a spending action the session does not allow.
fn refuse_read_only(model: &mut Model, what: &str) -> Vec<Cmd> {
    model.tell(
        Severity::Problem,
        format!("{what} is off in read-only mode; start defrost without --read-only to do it"),
    );
    Vec::new()
}

/// Closes whatever dialog is open.
fn close_dialog(model: &mut Model) -> Vec<Cmd> {
    model.dialog = None;
    Vec::new()
}

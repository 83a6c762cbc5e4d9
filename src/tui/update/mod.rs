//! `update`: the only place the model changes. A message comes in (a key, a
//! resize, a tick, the answer to a command) with the time; the model moves on and
//! the commands to run come out. No I/O happens here, so every reaction is tested
//! by calling this with a model and a message.

mod archives;
mod batch;
mod carry_on;
mod dialogs;
mod drain;
mod jobs;
mod marks;
mod member_restore;
mod members;
mod migration;
mod peek;
mod progress;
mod range;
mod renew;
#[cfg(test)]
mod tests;
mod typing;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use time::OffsetDateTime;

use super::context::Context;
use super::keymap::{Action, Key};
use super::layout::areas;
use super::model::{Model, Pane, Severity};
use super::msg::{Cmd, Loaded, Msg};

pub use jobs::next_wake;

/// Moves the model on by one message at `now`.
pub fn update(model: &mut Model, msg: Msg, now: OffsetDateTime) -> Vec<Cmd> {
    model.now = now;
    let mut cmds = match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Mouse(mouse) => on_mouse(model, mouse.kind, mouse.column, mouse.row),
        Msg::Resize { width, height } => {
            model.width = width;
            model.height = height;
            archives::after_move(model)
        }
        Msg::Tick => jobs::on_tick(model),
        Msg::Loaded(loaded) => on_loaded(model, loaded),
    };
    // The tour watches every change, whichever way the user made it.
    cmds.extend(super::tour::after_update(model));
    cmds
}

/// The commands that start the program: the vaults, then their jobs.
pub fn start(_model: &mut Model) -> Vec<Cmd> {
    vec![Cmd::LoadVaults]
}

fn on_loaded(model: &mut Model, loaded: Loaded) -> Vec<Cmd> {
    match loaded {
        Loaded::Vaults(result) => archives::vaults_loaded(model, result),
        Loaded::Progress(result) => progress::progress_loaded(model, result),
        Loaded::Page { request, result } => archives::page_loaded(model, request, result),
        Loaded::Folder { request, result } => archives::folder_loaded(model, request, result),
        Loaded::Archive { request, result } => archives::archive_loaded(model, request, result),
        Loaded::Marks(answer) => marks::marks_loaded(model, answer),
        Loaded::Zip(answer) => members::answered(model, answer),
        Loaded::Jobs(result) => jobs::jobs_loaded(model, result),
        Loaded::JobNames(names) => {
            model.jobs.names.extend(names);
            Vec::new()
        }
        Loaded::Policy { request, result } => dialogs::policy_loaded(model, request, result),
        Loaded::Launched(result) => dialogs::launched(model, result),
        Loaded::BatchPrepared { request, result } => batch::prepared(model, request, result),
        Loaded::MigrationPrepared { request, result } => {
            migration::prepared(model, request, result)
        }
        Loaded::Batch(news) => batch::news(model, news),
        Loaded::DrainPrepared { request, result } => drain::prepared(model, request, result),
        Loaded::Drain(news) => drain::news(model, news),
        Loaded::RenewalPlanned(result) => renew::renewal_planned(model, result),
        Loaded::Renewed(result) => renew::renewed(model, result),
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
        Loaded::CacheReadOnly(data_dir) => {
            model.session.read_only = true;
            model.tell(
                Severity::Info,
                format!(
                    "the cache in {} is read-only: browsing only; to launch jobs or download, start defrost with a writable --data-dir",
                    data_dir.display()
                ),
            );
            model.cache_read_only = Some(data_dir);
            Vec::new()
        }
    }
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    // Some terminals report releases and repeats too; only presses act.
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // Ctrl-C always leaves, whatever has the focus.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        model.quit = true;
        return vec![Cmd::Quit];
    }
    // A message was read by the time a key is pressed; the footer's keys come
    // back, unless the key says something new.
    model.status = None;
    let context = Context::of(model);
    let Some(action) = model.config.keymap.action_in(context, &key) else {
        if context.takes_typing() && Key::of(&key).types_text() {
            return typing::type_key(model, context, &key);
        }
        return Vec::new();
    };
    match action {
        Action::Explain => {
            model.explain = !model.explain;
            return Vec::new();
        }
        Action::Tour => return super::tour::toggle(model),
        // The explanation is the innermost layer: Esc closes it first.
        Action::Back if model.explain => {
            model.explain = false;
            return Vec::new();
        }
        Action::Help => {
            model.help = context != Context::Help;
            return Vec::new();
        }
        _ => {}
    }
    match context {
        Context::Help => {
            model.help = false;
            Vec::new()
        }
        Context::Filter => archives::filter_action(model, action),
        Context::Vaults | Context::Archives | Context::Tree | Context::Members | Context::Jobs => {
            on_action(model, action)
        }
        _ => dialogs::on_action(model, action),
    }
}

fn on_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    match action {
        Action::Quit => {
            model.quit = true;
            vec![Cmd::Quit]
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
        Action::Drain if model.focus == Pane::Vaults => drain::open_dialog(model),
        _ if model.focus == Pane::Archives && model.zips.members.is_some() => {
            members::members_action(model, action)
        }
        Action::Peek if model.focus == Pane::Archives => peek::peek_key(model),
        _ => match model.focus {
            Pane::Vaults => archives::vaults_action(model, action),
            Pane::Archives => archives::table_action(model, action),
            Pane::Jobs => jobs::jobs_action(model, action),
        },
    }
}

/// The wheel scrolls the pane under the focus; a click focuses the pane it lands
/// in and selects the row under it. Off unless the theme's `mouse` option is on.
fn on_mouse(model: &mut Model, kind: MouseEventKind, column: u16, row: u16) -> Vec<Cmd> {
    if !model.config.mouse || model.dialog.is_some() || model.help {
        return Vec::new();
    }
    match kind {
        MouseEventKind::ScrollDown => on_action(model, Action::Down),
        MouseEventKind::ScrollUp => on_action(model, Action::Up),
        MouseEventKind::Down(MouseButton::Left) => click(model, column, row),
        _ => Vec::new(),
    }
}

fn click(model: &mut Model, column: u16, row: u16) -> Vec<Cmd> {
    let Some(areas) = areas(
        model.width,
        model.height,
        crate::tui::layout::lower_panel(model),
    ) else {
        return Vec::new();
    };
    let inside = |area: Rect| area.contains(Position { x: column, y: row });
    // Rows start below the top border, and below the header in tables.
    if inside(areas.vaults) {
        model.focus = Pane::Vaults;
        // Each vault takes its name, two lines of details, and more for a
        // drain or a migration (see `VaultSummary::lines`).
        let mut line = row.saturating_sub(areas.vaults.y + 1);
        let index = model.vaults.iter().position(|vault| {
            let inside = line < vault.lines();
            line = line.saturating_sub(vault.lines());
            inside
        });
        if let Some(index) = index {
            model.vault_cursor = index;
        }
        return archives::vaults_action(model, Action::Open);
    }
    if inside(areas.archives) {
        model.focus = Pane::Archives;
        let offset = u64::from(row.saturating_sub(areas.archives.y + 2));
        let table = model.archives.tree.is_none() && model.zips.members.is_none();
        if table && row >= areas.archives.y + 2 {
            let wanted = model.archives.top + offset;
            if wanted < model.archives.total {
                model.archives.cursor = wanted;
            }
            return archives::after_move(model);
        }
        return Vec::new();
    }
    if inside(areas.jobs) {
        model.focus = Pane::Jobs;
        let index = usize::from(row.saturating_sub(areas.jobs.y + 2));
        if row >= areas.jobs.y + 2 && index < model.jobs.rows().len() {
            model.jobs.cursor = index;
        }
    }
    Vec::new()
}

/// Says that something needs a spending action the session does not allow.
fn refuse_read_only(model: &mut Model, what: &str) -> Vec<Cmd> {
    let fix = match &model.cache_read_only {
        Some(data_dir) => format!(
            "the cache in {} is read-only; start defrost with a writable --data-dir, or make it writable",
            data_dir.display()
        ),
        None => "start defrost without --read-only to do it".to_owned(),
    };
    model.tell(
        Severity::Problem,
        format!("{what} is off in read-only mode; {fix}"),
    );
    Vec::new()
}

/// Closes whatever dialog is open.
fn close_dialog(model: &mut Model) -> Vec<Cmd> {
    model.dialog = None;
    Vec::new()
}

//! The jobs pane: the journal kept in step with Glacier on each job's polling
//! schedule, transitions announced, downloads started and followed.

use std::path::PathBuf;

use time::OffsetDateTime;

use super::super::keymap::Action;
use super::super::model::{DownloadDialog, DownloadState, DownloadView, Model, Severity};
use super::super::msg::Cmd;
use super::{dialogs, refuse_read_only};
use crate::domain::job::{JobStatus, due, effective_status, next_poll_at};
use crate::domain::job_params::JobKind;
use crate::store::JournalEntry;
use crate::tui::present::{short, status_word};

/// How often the screen moves on while something on it changes with time (a job
/// runs, a download goes): countdowns tick by the second.
const LIVE_TICK: time::Duration = time::Duration::SECOND;
const WINDOW_TICK: time::Duration = time::Duration::MINUTE;

/// When the program should next wake without input: the next due poll, or the
/// next second while jobs run or downloads go. `None` when nothing on the screen
/// can change by itself, so an idle screen costs nothing.
pub fn next_wake(model: &Model) -> Option<OffsetDateTime> {
    let jobs = model.jobs.tracked();
    let next_poll = jobs.iter().filter_map(next_poll_at).min();
    let downloading = model
        .jobs
        .downloads
        .values()
        .any(|d| d.state == DownloadState::Running);
    let status = |wanted| {
        jobs.iter()
            .any(|job| effective_status(job, model.now) == wanted)
    };
    // Seconds count while a job runs or a download goes; an output window's time
    // left is shown in minutes, so a ready job needs a look once a minute.
    let tick = if downloading || status(JobStatus::InProgress) {
        Some(model.now + LIVE_TICK)
    } else if status(JobStatus::Succeeded) {
        Some(model.now + WINDOW_TICK)
    } else {
        None
    };
    [next_poll, tick].into_iter().flatten().min()
}

pub(super) fn on_tick(model: &mut Model) -> Vec<Cmd> {
    if model.jobs.syncing {
        return Vec::new();
    }
    let jobs = model.jobs.tracked();
    let due_vaults: Vec<String> = due(&jobs, model.now)
        .into_iter()
        .map(|job| job.vault.clone())
        .collect();
    if due_vaults.is_empty() {
        return Vec::new();
    }
    let mut vaults: Vec<_> = model
        .jobs
        .entries
        .iter()
        .filter(|entry| due_vaults.contains(&entry.vault.name))
        .map(|entry| entry.vault.clone())
        .collect();
    vaults.dedup();
    model.jobs.syncing = true;
    vec![Cmd::SyncJobs { vaults }]
}

/// Asks Glacier about every vault's jobs now.
pub(super) fn sync_all(model: &mut Model) -> Vec<Cmd> {
    let mut vaults: Vec<_> = model.vaults.iter().map(|vault| vault.key.clone()).collect();
    for entry in &model.jobs.entries {
        if !vaults.contains(&entry.vault) {
            vaults.push(entry.vault.clone());
        }
    }
    model.jobs.syncing = true;
    vec![Cmd::SyncJobs { vaults }]
}

pub(super) fn jobs_loaded(
    model: &mut Model,
    result: Result<Vec<JournalEntry>, String>,
) -> Vec<Cmd> {
    model.jobs.syncing = false;
    let entries = match result {
        Ok(entries) => entries,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    let mut cmds = Vec::new();
    for entry in &entries {
        cmds.extend(announce_if_finished(model, entry));
    }
    model.jobs.entries = entries;
    keep_cursor_on_followed_job(model);
    model.jobs.cursor = model
        .jobs
        .cursor
        .min(model.jobs.entries.len().saturating_sub(1));
    model.jobs.last_sync = Some(model.now);
    cmds
}

/// Says so when `entry`'s job was in progress at the last sync and is not now:
/// a ready inventory is imported, a ready retrieval waits for the download key.
fn announce_if_finished(model: &mut Model, entry: &JournalEntry) -> Vec<Cmd> {
    let Some(job) = entry.state.as_ref() else {
        return Vec::new();
    };
    let before = model
        .jobs
        .entries
        .iter()
        .find(|old| old.id == entry.id)
        .and_then(|old| old.state.as_ref())
        .map(|old| old.status);
    if before != Some(JobStatus::InProgress) || job.status == JobStatus::InProgress {
        return Vec::new();
    }
    let mut cmds = Vec::new();
    let what = match job.status {
        JobStatus::Succeeded if job.kind == JobKind::InventoryRetrieval => {
            cmds.push(Cmd::ImportInventory {
                vault: entry.vault.clone(),
            });
            format!("the inventory job of {} is ready: importing it", job.vault)
        }
        JobStatus::Succeeded => format!(
            "job {} is ready: select it in the jobs pane and press {} to download it",
            short(&job.job_id),
            model.config.keymap.label(Action::Download)
        ),
        _ => format!("job {} {}", short(&job.job_id), status_word(job.status)),
    };
    let severity = if job.status == JobStatus::Succeeded {
        Severity::Good
    } else {
        Severity::Problem
    };
    model.tell(severity, what);
    if model.config.bell {
        cmds.push(Cmd::Bell);
    }
    cmds
}

/// A job just launched is selected once the journal lists it.
fn keep_cursor_on_followed_job(model: &mut Model) {
    let Some(followed) = model.jobs.follow.take() else {
        return;
    };
    let listed = model
        .jobs
        .entries
        .iter()
        .position(|entry| entry.job_id.as_deref() == Some(followed.as_str()));
    match listed {
        Some(index) => model.jobs.cursor = index,
        None => model.jobs.follow = Some(followed),
    }
}

pub(super) fn jobs_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let last = model.jobs.entries.len().saturating_sub(1);
    match action {
        Action::Up => model.jobs.cursor = model.jobs.cursor.saturating_sub(1),
        Action::Down => model.jobs.cursor = (model.jobs.cursor + 1).min(last),
        Action::First => model.jobs.cursor = 0,
        Action::Last => model.jobs.cursor = last,
        Action::Download | Action::Open => return download_selected(model),
        _ => {}
    }
    Vec::new()
}

fn download_selected(model: &mut Model) -> Vec<Cmd> {
    let Some(entry) = model.jobs.entries.get(model.jobs.cursor).cloned() else {
        return Vec::new();
    };
    let (Some(job_id), Some(job)) = (entry.job_id.clone(), entry.state.as_ref()) else {
        model.tell(
            Severity::Problem,
            "this job was never started, so it has no output",
        );
        return Vec::new();
    };
    if job.kind == JobKind::InventoryRetrieval {
        model.tell(
            Severity::Info,
            "an inventory job's output is imported into the cache, not downloaded to a folder",
        );
        return Vec::new();
    }
    match effective_status(job, model.now) {
        JobStatus::Succeeded => dialogs::open_download(model, entry.vault, job_id),
        status => {
            model.tell(
                Severity::Problem,
                format!(
                    "job {} is {}: only a ready job's output can be downloaded",
                    short(&job_id),
                    status_word(status)
                ),
            );
            Vec::new()
        }
    }
}

pub(super) fn start_download(model: &mut Model, dialog: DownloadDialog) -> Vec<Cmd> {
    model.jobs.downloads.insert(
        dialog.job_id.clone(),
        DownloadView {
            done: 0,
            total: 0,
            started: model.now,
            state: DownloadState::Running,
        },
    );
    model.tell(
        Severity::Info,
        format!(
            "downloading job {} into {}",
            short(&dialog.job_id),
            dialog.folder.trim()
        ),
    );
    vec![Cmd::Download {
        vault: dialog.vault,
        job_id: dialog.job_id,
        to: PathBuf::from(dialog.folder.trim()),
    }]
}

pub(super) fn download_progress(
    model: &mut Model,
    job_id: &str,
    done: u64,
    total: u64,
) -> Vec<Cmd> {
    if let Some(view) = model.jobs.downloads.get_mut(job_id) {
        view.done = done;
        view.total = total;
    }
    Vec::new()
}

pub(super) fn download_finished(
    model: &mut Model,
    job_id: &str,
    result: Result<String, String>,
) -> Vec<Cmd> {
    let Some(view) = model.jobs.downloads.get_mut(job_id) else {
        return Vec::new();
    };
    match result {
        Ok(summary) => {
            view.done = view.total;
            view.state = DownloadState::Verified(summary.clone());
            model.tell(Severity::Good, summary);
            if model.config.bell {
                return vec![Cmd::Bell];
            }
        }
        Err(problem) => {
            view.state = DownloadState::Failed(problem.clone());
            model.tell(Severity::Problem, problem);
        }
    }
    Vec::new()
}

pub(super) fn fetch_inventory(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "asking for an inventory");
    }
    let Some(vault) = model.selected_vault().map(|vault| vault.key.clone()) else {
        return Vec::new();
    };
    model.tell(
        Severity::Info,
        format!("asking Glacier for an inventory of {}…", vault.name),
    );
    vec![Cmd::FetchInventory { vault }]
}

pub(super) fn inventory_requested(model: &mut Model, result: Result<String, String>) -> Vec<Cmd> {
    match result {
        Ok(job_id) => {
            model.tell(Severity::Good, format!("inventory job {} started; it takes hours on Glacier, and appears in the cache when done", short(&job_id)));
            sync_all(model)
        }
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            Vec::new()
        }
    }
}

pub(super) fn inventory_imported(
    model: &mut Model,
    result: Result<Option<String>, String>,
) -> Vec<Cmd> {
    match result {
        Ok(Some(summary)) => {
            model.tell(Severity::Good, summary);
            vec![Cmd::LoadVaults]
        }
        Ok(None) => Vec::new(),
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            Vec::new()
        }
    }
}

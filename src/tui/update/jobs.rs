//! The jobs pane: the journal kept in step with Glacier on each job's polling
//! schedule, transitions announced; `rows` moves over its plans and their jobs,
//! `downloads` starts and follows a plan's download.

mod downloads;
mod rows;

use time::OffsetDateTime;

use super::super::keymap::Action;
use super::super::model::{DownloadState, Model, Severity};
use super::super::msg::{Cmd, Journal};
use super::refuse_read_only;
use crate::domain::job::{JobStatus, due, effective_status, next_poll_at};
use crate::domain::job_params::JobKind;
use crate::store::{JournalEntry, VaultKey};
use crate::tui::present::{short, status_word};

pub(super) use downloads::{download_finished, download_progress, start_download};
pub(super) use rows::jobs_action;

/// How often the screen moves on while something on it changes with time (a job
/// runs, a download goes): countdowns tick by the second.
const LIVE_TICK: time::Duration = time::Duration::SECOND;
const WINDOW_TICK: time::Duration = time::Duration::MINUTE;

/// When the program should next wake without input: the next due poll, or the
/// next second while jobs run or downloads go. `None` when nothing on the screen
/// can change by itself, so an idle screen costs nothing.
pub fn next_wake(model: &Model) -> Option<OffsetDateTime> {
    let jobs = model.jobs.tracked();
    let batch_poll = (model.jobs.batches.iter()).filter_map(|batch| batch.tally.next_poll);
    let next_poll = jobs.iter().filter_map(next_poll_at).chain(batch_poll).min();
    let downloading = model
        .jobs
        .downloads
        .values()
        .any(|d| d.state == DownloadState::Running)
        || !model.jobs.batch_work.is_empty();
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
    let due_batches = (model.jobs.batches.iter())
        .filter(|batch| batch.tally.next_poll.is_some_and(|at| at <= model.now))
        .map(|batch| batch.entry.vault.clone());
    let mut vaults: Vec<_> = model
        .jobs
        .entries
        .iter()
        .filter(|entry| due_vaults.contains(&entry.vault.name))
        .map(|entry| entry.vault.clone())
        .chain(due_batches)
        .collect();
    if vaults.is_empty() {
        return Vec::new();
    }
    vaults.sort_by(|a, b| (&a.account, &a.region, &a.name).cmp(&(&b.account, &b.region, &b.name)));
    vaults.dedup();
    model.jobs.syncing = true;
    vec![sync_cmd(model, vaults)]
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
    vec![sync_cmd(model, vaults)]
}

/// ListJobs on `vaults` (none: the journal only), then the journal, with the
/// archives of every expanded batch.
pub(in crate::tui::update) fn sync_cmd(model: &Model, vaults: Vec<VaultKey>) -> Cmd {
    Cmd::SyncJobs {
        vaults,
        open_batches: model.jobs.expanded_batches.iter().copied().collect(),
    }
}

pub(super) fn jobs_loaded(model: &mut Model, result: Result<Journal, String>) -> Vec<Cmd> {
    model.jobs.syncing = false;
    let journal = match result {
        Ok(journal) => journal,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    let mut cmds = Vec::new();
    for entry in &journal.entries {
        cmds.extend(announce_if_finished(model, entry));
    }
    cmds.extend(announce_ready_batches(model, &journal.batches));
    // A migration's jobs moved on: the vaults pane counts them again.
    if journal.batches.iter().any(|batch| batch.is_migration()) {
        cmds.push(super::progress::progress_cmd(model));
    }
    let selected = rows::selection(&model.jobs);
    model.jobs.entries = journal.entries;
    model.jobs.plans = journal.plans;
    model.jobs.batches = journal.batches;
    rows::keep_cursor(model, selected);
    model.jobs.last_sync = Some(model.now);
    cmds.extend(super::carry_on::due(model));
    cmds
}

/// Says so when a batch has more outputs ready than at the last sync: they are
/// downloaded from its row, and their windows close after a day. A migration
/// the screen carries on copies them by itself; one it does not is carried
/// on from its row.
fn announce_ready_batches(model: &mut Model, batches: &[crate::tui::batch::BatchRow]) -> Vec<Cmd> {
    let grown = batches.iter().find(|batch| {
        let before = (model.jobs.batches.iter())
            .find(|old| old.entry.id == batch.entry.id)
            .map(|old| old.tally.counts.ready);
        before.is_some_and(|before| batch.tally.counts.ready > before)
    });
    let Some(batch) = grown else {
        return Vec::new();
    };
    let ready = batch.tally.counts.ready;
    let outputs = if ready == 1 {
        "1 output is ready".to_owned()
    } else {
        format!("{} outputs are ready", crate::tui::marks::grouped(ready))
    };
    let keys = &model.config.keymap;
    let text = if !batch.is_migration() {
        format!(
            "batch {}: {outputs}: select its row in the jobs pane and press {} to download",
            batch.entry.id,
            keys.label(Action::Download)
        )
    } else if model.jobs.batch_work.contains_key(&batch.entry.id) {
        // The screen copies them as it carries the migration on.
        return Vec::new();
    } else {
        format!(
            "batch {}: {outputs}: select its row in the jobs pane and press {} to copy them into the bucket",
            batch.entry.id,
            keys.label(Action::Launch)
        )
    };
    model.tell(Severity::Good, text);
    if model.config.bell {
        vec![Cmd::Bell]
    } else {
        Vec::new()
    }
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
    // A zip's retrieval goes on by itself: the key to download is not its.
    let carried_on = |plan| (model.zips.carry_on.iter()).any(|waiting| Some(waiting.plan) == plan);
    if job.status == JobStatus::Succeeded && carried_on(entry.plan) {
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
            "job {} is ready: select its plan in the jobs pane and press {} to download it",
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

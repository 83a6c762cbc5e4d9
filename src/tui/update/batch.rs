//! Batches on the screen: the launch key with archives marked opens a dialog
//! (folder and tier, then the summary of what the batch would do and cost);
//! Enter journals it and starts its jobs at its pace in the background, and
//! the jobs pane follows it as one row. The download key on that row fetches
//! everything of it that is ready.

use super::super::batch::{BatchAsk, BatchDialog, BatchStage, BatchWork, Prepared};
use super::super::keymap::Action;
use super::super::model::{Dialog, DownloadDialog, Model, Pane, Severity};
use super::super::msg::{BatchNews, Cmd, RequestId};
use super::{close_dialog, refuse_read_only};
use crate::domain::job_params::Tier;
use crate::store::BatchId;
use crate::tui::marks::grouped;

/// The launch key in the archives pane with archives marked.
pub(super) fn open_dialog(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "launching a batch starts paid jobs");
    }
    let table = &model.archives;
    let (Some(vault), Some(snapshot)) = (model.selected_vault(), table.snapshot.as_ref()) else {
        return Vec::new();
    };
    let dialog = BatchDialog {
        vault: vault.key.clone(),
        snapshot: snapshot.path.clone(),
        positions: table.marks.positions().collect(),
        marked_bytes: table.marks.bytes(),
        folder: model.session.download_dir.display().to_string(),
        tier: Tier::Bulk,
        stage: BatchStage::Choosing,
    };
    model.dialog = Some(Dialog::Batch(dialog));
    Vec::new()
}

/// Keys in the dialog: the folder is typed and Tab picks the tier; Enter asks
/// what the batch would do, and on the summary Enter starts it. Esc goes back a
/// step, then closes.
pub(super) fn dialog_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Batch(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match (action, &dialog.stage) {
        (Action::NextPane, BatchStage::Choosing | BatchStage::Ready(_)) => {
            dialog.tier = next_tier(dialog.tier);
            Vec::new()
        }
        (Action::Open, BatchStage::Choosing) if !dialog.folder.trim().is_empty() => {
            let request = model.request();
            prepare(model, request)
        }
        (Action::Open, BatchStage::Ready(prepared)) => {
            let prepared = prepared.clone();
            start(model, prepared)
        }
        (Action::Back, BatchStage::Ready(_)) => {
            dialog.stage = BatchStage::Choosing;
            Vec::new()
        }
        (Action::Back, _) => close_dialog(model),
        _ => Vec::new(),
    }
}

/// Bulk, then Standard, then Expedited: cheapest first.
fn next_tier(tier: Tier) -> Tier {
    match tier {
        Tier::Bulk => Tier::Standard,
        Tier::Standard => Tier::Expedited,
        Tier::Expedited => Tier::Bulk,
    }
}

fn prepare(model: &mut Model, request: RequestId) -> Vec<Cmd> {
    let prices = model.config.prices.clone();
    let Some(Dialog::Batch(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    dialog.stage = BatchStage::Preparing(request);
    let ask = BatchAsk {
        vault: dialog.vault.clone(),
        snapshot: dialog.snapshot.clone(),
        positions: dialog.positions.clone(),
        tier: dialog.tier,
        to: std::path::PathBuf::from(dialog.folder.trim()),
        prices,
    };
    vec![Cmd::PrepareBatch { request, ask }]
}

/// Journals the batch and starts it; the marks became the batch, so they go.
fn start(model: &mut Model, prepared: Prepared) -> Vec<Cmd> {
    let Some(Dialog::Batch(dialog)) = model.dialog.take() else {
        return Vec::new();
    };
    marks_became_a_batch(model);
    model.focus = Pane::Jobs;
    model.tell(
        Severity::Info,
        format!(
            "starting a batch of {} archives at {}…",
            grouped(dialog.positions.len() as u64),
            dialog.tier
        ),
    );
    vec![Cmd::StartBatch {
        prepared,
        tier: dialog.tier,
    }]
}

/// Clears the marks a batch (or a migration) was just made of.
pub(super) fn marks_became_a_batch(model: &mut Model) {
    model.archives.marks.clear();
    for folder in model.archives.tree.iter_mut() {
        folder.marked.iter_mut().for_each(|count| *count = 0);
    }
}

/// The summary, or why there is none (the dialog goes back to the folder).
pub(super) fn prepared(
    model: &mut Model,
    request: RequestId,
    result: Result<Prepared, String>,
) -> Vec<Cmd> {
    let Some(Dialog::Batch(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    if dialog.stage != BatchStage::Preparing(request) {
        return Vec::new();
    }
    match result {
        Ok(prepared) => dialog.stage = BatchStage::Ready(prepared),
        Err(problem) => {
            dialog.stage = BatchStage::Choosing;
            model.tell(Severity::Problem, problem);
        }
    }
    Vec::new()
}

/// What a batch the screen works on did.
pub(super) fn news(model: &mut Model, news: BatchNews) -> Vec<Cmd> {
    let work = &mut model.jobs.batch_work;
    match news {
        BatchNews::Recorded { batch, to_start } => {
            work.insert(
                batch,
                BatchWork::Starting {
                    started: 0,
                    to_start,
                    held: None,
                },
            );
            model.jobs.follow_batch = Some(batch);
            return vec![super::jobs::sync_cmd(model, Vec::new())];
        }
        BatchNews::MigrationRecorded { batch, to_start } => {
            work.insert(
                batch,
                BatchWork::Migrating {
                    started: 0,
                    to_start,
                    held: None,
                },
            );
            model.jobs.follow_batch = Some(batch);
            return vec![
                super::jobs::sync_cmd(model, Vec::new()),
                super::progress::progress_cmd(model),
            ];
        }
        BatchNews::Started { batch } => {
            if let Some(
                BatchWork::Starting { started, held, .. }
                | BatchWork::Migrating { started, held, .. },
            ) = work.get_mut(&batch)
            {
                *started += 1;
                *held = None;
            }
            // A migration goes on by itself once its jobs are started: its
            // row and the vaults pane show them running from then on.
            if let Some(BatchWork::Migrating {
                started, to_start, ..
            }) = work.get(&batch)
                && started == to_start
            {
                return vec![
                    super::jobs::sync_cmd(model, Vec::new()),
                    super::progress::progress_cmd(model),
                ];
            }
        }
        BatchNews::Copied { batch, bytes } => {
            return super::migration::copied(model, batch, bytes);
        }
        BatchNews::Held { batch, message } => {
            if let Some(BatchWork::Starting { held, .. } | BatchWork::Migrating { held, .. }) =
                work.get_mut(&batch)
            {
                // Said once per push-back, not at every retry of the same one.
                if held.as_ref() != Some(&message) {
                    let text = format!(
                        "batch {batch} waits: Glacier pushed back ({message}); starting goes on by itself"
                    );
                    *held = Some(message);
                    model.tell(Severity::Info, text);
                }
            }
        }
        BatchNews::Downloading { batch, progress } => {
            if let Some(BatchWork::Downloading { progress: now, .. }) = work.get_mut(&batch) {
                *now = progress;
            }
        }
        BatchNews::Said { batch, text } => {
            model.tell(Severity::Problem, format!("batch {batch}: {text}"));
        }
        BatchNews::Ended { batch, result } => return ended(model, batch, result),
    }
    Vec::new()
}

fn ended(model: &mut Model, batch: BatchId, result: Result<String, String>) -> Vec<Cmd> {
    model.jobs.batch_work.remove(&batch);
    let mut cmds = vec![
        super::jobs::sync_cmd(model, Vec::new()),
        super::progress::progress_cmd(model),
    ];
    match result {
        Ok(said) => {
            model.tell(Severity::Good, said);
            if model.config.bell {
                cmds.push(Cmd::Bell);
            }
        }
        Err(problem) => model.tell(Severity::Problem, format!("batch {batch}: {problem}")),
    }
    cmds
}

/// The launch key on a batch's row: goes on starting its jobs when some
/// archives still wait for one (starting was cut short, or a job must be
/// started again).
pub(super) fn resume_selected(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "starting a batch's jobs");
    }
    let Some(row) = model.jobs.selected_batch() else {
        return Vec::new();
    };
    if row.is_migration() {
        return super::migration::resume_selected(model);
    }
    let (id, to_start) = (row.entry.id, row.tally.counts.waiting_to_start);
    if model.jobs.batch_work.contains_key(&id) {
        model.tell(
            Severity::Info,
            format!("batch {id} is busy; its row says with what"),
        );
        return Vec::new();
    }
    if to_start == 0 {
        model.tell(
            Severity::Info,
            format!("every archive of batch {id} has its job; nothing to start"),
        );
        return Vec::new();
    }
    model.jobs.batch_work.insert(
        id,
        BatchWork::Starting {
            started: 0,
            to_start,
            held: None,
        },
    );
    model.tell(
        Severity::Info,
        format!(
            "starting the jobs of {} archives of batch {id}…",
            grouped(to_start)
        ),
    );
    vec![Cmd::ResumeBatch { batch: id }]
}

/// The download key on a batch's row (or one of its archives'): asks for the
/// folder, the batch's own to begin with, or says why there is nothing to do.
pub(super) fn download_selected(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "downloading");
    }
    let Some(row) = model.jobs.selected_batch() else {
        return Vec::new();
    };
    let id = row.entry.id;
    if model.jobs.batch_work.contains_key(&id) {
        model.tell(
            Severity::Info,
            format!("batch {id} is busy; its row says with what"),
        );
        return Vec::new();
    }
    if row.is_migration() {
        let text = format!(
            "batch {id} copies its outputs into {} itself, as they are ready; {} on its row carries it on",
            crate::text::printable(&row.entry.to),
            model.config.keymap.label(Action::Launch)
        );
        model.tell(Severity::Info, text);
        return Vec::new();
    }
    if row.tally.counts.ready == 0 {
        let why = match row.tally.next_ready {
            Some(at) if at > model.now => format!(
                "batch {id} has no output ready yet; the next is expected in about {}",
                crate::tui::view::format::span(
                    std::time::Duration::try_from(at - model.now).unwrap_or_default()
                )
            ),
            _ => format!("batch {id} has no output ready now"),
        };
        model.tell(Severity::Info, why);
        return Vec::new();
    }
    model.dialog = Some(Dialog::Download(DownloadDialog {
        vault: row.entry.vault.clone(),
        job_id: id.to_string(),
        folder: row.entry.to.clone(),
    }));
    Vec::new()
}

/// The download dialog's Enter for a batch.
pub(super) fn start_download(model: &mut Model, batch: BatchId, folder: &str) -> Vec<Cmd> {
    let to = std::path::PathBuf::from(folder.trim());
    model.jobs.batch_work.insert(
        batch,
        BatchWork::Downloading {
            to: to.clone(),
            progress: Default::default(),
            began: model.now,
        },
    );
    model.tell(
        Severity::Info,
        format!(
            "downloading what is ready of batch {batch} into {}",
            crate::text::printable(folder.trim())
        ),
    );
    vec![Cmd::DownloadBatch { batch, to }]
}

/// Enter on a batch's row opens or closes it: its archives are read from the
/// journal when it opens. On an archive's row it closes the batch.
pub(super) fn expand_or_collapse(model: &mut Model, id: BatchId, on_batch_row: bool) -> Vec<Cmd> {
    let pane = &mut model.jobs;
    if pane.expanded_batches.remove(&id) {
        if let Some(row) = pane.batches.iter_mut().find(|row| row.entry.id == id) {
            row.items = Vec::new();
        }
        pane.select_batch(id);
        return Vec::new();
    }
    if !on_batch_row {
        return Vec::new();
    }
    pane.expanded_batches.insert(id);
    vec![super::jobs::sync_cmd(model, Vec::new())]
}

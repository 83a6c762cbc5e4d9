//! Downloading a plan from the jobs pane: every ready job of it, one after
//! another, followed by one gauge over the plan's retrieved bytes; the journal is
//! read again when it ends, so the plan's row shows what is now in.

use std::path::PathBuf;

use super::super::super::model::{DownloadDialog, DownloadState, DownloadView, Model, Severity};
use super::super::super::msg::Cmd;
use super::super::dialogs;
use crate::domain::job::{PlanShape, PlanState};
use crate::store::{PlanEntry, PlanId};
use crate::text::printable;
use crate::tui::context::has_output_to_download;
use crate::tui::present::short;

/// `d` on a plan's row or one of its jobs' rows: asks where the plan goes, or
/// says why it has nothing to download now.
pub(super) fn download_selected(model: &mut Model) -> Vec<Cmd> {
    let Some(plan) = model.jobs.selected_plan().cloned() else {
        return Vec::new();
    };
    if plan.shape == PlanShape::Inventory {
        model.tell(
            Severity::Info,
            "an inventory job's output is imported into the cache, not downloaded to a folder",
        );
        return Vec::new();
    }
    match nothing_to_download(&plan, model.now) {
        Some(why) => {
            model.tell(Severity::Problem, why);
            Vec::new()
        }
        // The plan's id, not one of its jobs': a job reused by a later plan
        // would stand for that plan.
        None => dialogs::open_download(model, plan.vault.clone(), plan.id.to_string()),
    }
}

/// Why `plan` has nothing to download at `now`, when it has not: no current job
/// is ready and none is half-way to its file.
fn nothing_to_download(plan: &PlanEntry, now: time::OffsetDateTime) -> Option<String> {
    // The footer hints the download key by the same test.
    if has_output_to_download(plan, now) {
        return None;
    }
    let state = plan.state(now);
    let id = plan.id;
    Some(match (state, &plan.finished) {
        (PlanState::Finished, Some(file)) => {
            format!("plan {id} is finished: {}", printable(&file.path))
        }
        (PlanState::Started, _) => format!("plan {id} is started: none of its jobs is ready yet"),
        _ => format!(
            "plan {id} is {state}: none of its jobs has output left to download; its jobs must be started again"
        ),
    })
}

pub(in crate::tui::update) fn start_download(
    model: &mut Model,
    dialog: DownloadDialog,
) -> Vec<Cmd> {
    if let Ok(batch) = dialog.job_id.parse::<crate::store::BatchId>() {
        return super::super::batch::start_download(model, batch, &dialog.folder);
    }
    model.jobs.downloads.insert(
        dialog.job_id.clone(),
        DownloadView {
            done: 0,
            total: 0,
            started: model.now,
            state: DownloadState::Running,
        },
    );
    let what = if dialog.job_id.parse::<PlanId>().is_ok() {
        "plan"
    } else {
        "job"
    };
    model.tell(
        Severity::Info,
        format!(
            "downloading {what} {} into {}",
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

/// `id` is what the download was started with: a plan's id.
pub(in crate::tui::update) fn download_progress(
    model: &mut Model,
    id: &str,
    done: u64,
    total: u64,
) -> Vec<Cmd> {
    if let Some(view) = model.jobs.downloads.get_mut(id) {
        view.done = done;
        view.total = total;
    }
    Vec::new()
}

/// The outcome in the status bar (the finished file, or what the plan still
/// waits for), and the journal read again: the download staged outputs and may
/// have finished the plan.
pub(in crate::tui::update) fn download_finished(
    model: &mut Model,
    id: &str,
    result: Result<String, String>,
) -> Vec<Cmd> {
    // No vault to ask Glacier about: only the journal is read.
    let mut cmds = vec![super::sync_cmd(model, Vec::new())];
    let Some(view) = model.jobs.downloads.get_mut(id) else {
        return Vec::new();
    };
    match result {
        Ok(summary) => {
            view.done = view.total;
            view.state = DownloadState::Verified(summary.clone());
            model.tell(Severity::Good, summary);
            if model.config.bell {
                cmds.push(Cmd::Bell);
            }
        }
        Err(problem) => {
            view.state = DownloadState::Failed(problem.clone());
            model.tell(Severity::Problem, problem);
        }
    }
    cmds
}

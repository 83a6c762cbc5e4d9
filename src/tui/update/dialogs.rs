//! The dialogs after the range planner: the job preview (copy, save), the launch
//! step (tier, estimate, retrieval policy, reuse, confirmation) and the download
//! folder.

use std::path::PathBuf;

use super::super::keymap::Action;
use super::super::model::{
    Dialog, DownloadDialog, LaunchDialog, Model, Pane, PolicyCheck, Preview, RangeDialog, Severity,
};
use super::super::msg::{Cmd, RequestId};
use super::{close_dialog, range, refuse_read_only};
use crate::domain::cost::estimate;
use crate::domain::job::reusable_jobs;
use crate::domain::job_params::Tier;
use crate::glacier::RetrievalPolicy;

/// An action in the open dialog; its context let through only actions that
/// act in it, and typed text went into its field already.
pub(super) fn on_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    match model.dialog.as_ref() {
        Some(Dialog::Range(_)) => range::on_action(model, action),
        Some(Dialog::Preview(_)) => preview_action(model, action),
        Some(Dialog::Launch(_)) => launch_action(model, action),
        Some(Dialog::Download(_)) => download_action(model, action),
        Some(Dialog::Renew(_)) => super::renew::dialog_action(model, action),
        Some(Dialog::Batch(_)) => super::batch::dialog_action(model, action),
        Some(Dialog::Migration(_)) => super::migration::dialog_action(model, action),
        Some(Dialog::Drain(_)) => super::drain::dialog_action(model, action),
        Some(Dialog::Peek(_)) => super::peek::dialog_action(model, action),
        Some(Dialog::MemberRestore(_)) => super::member_restore::dialog_action(model, action),
        None => Vec::new(),
    }
}

fn preview_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Preview(preview)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    if let Some(name) = preview.save_as.as_mut() {
        return match action {
            Action::Back => {
                preview.save_as = None;
                Vec::new()
            }
            Action::Open if !name.trim().is_empty() => {
                let path = PathBuf::from(name.trim());
                let text = preview.text();
                preview.save_as = None;
                vec![Cmd::SaveToFile { path, text }]
            }
            _ => Vec::new(),
        };
    }
    match action {
        Action::Back => back_to_planner(model),
        Action::Up => {
            preview.scroll = preview.scroll.saturating_sub(1);
            Vec::new()
        }
        Action::Down => {
            preview.scroll = preview.scroll.saturating_add(1);
            Vec::new()
        }
        Action::Copy => {
            let text = preview.text();
            model.tell(
                Severity::Good,
                "copied the job parameters and the aws CLI lines to the clipboard",
            );
            vec![Cmd::CopyToClipboard(text)]
        }
        Action::Save => {
            let id: String = preview.archive.archive_id.chars().take(8).collect();
            preview.save_as = Some(format!("defrost-job-{id}.txt"));
            Vec::new()
        }
        Action::Launch | Action::Open => open_launch(model),
        _ => Vec::new(),
    }
}

fn back_to_planner(model: &mut Model) -> Vec<Cmd> {
    if let Some(Dialog::Preview(preview)) = model.dialog.take() {
        model.dialog = Some(Dialog::Range(planner_of(&preview)));
    }
    Vec::new()
}

fn planner_of(preview: &Preview) -> RangeDialog {
    RangeDialog::new(preview.archive.clone(), preview.want, preview.plan.plan)
}

fn open_launch(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "launching a job");
    }
    let Some(Dialog::Preview(preview)) = model.dialog.take() else {
        return Vec::new();
    };
    let request = model.request();
    let reusable = reusable_for(model, &preview);
    let estimates = [Tier::Bulk, Tier::Standard, Tier::Expedited]
        .into_iter()
        .map(|tier| {
            let jobs = preview.planned.jobs.len();
            estimate(
                &model.config.prices,
                tier,
                preview.plan.bytes,
                jobs,
                model.session.speed,
            )
        })
        .collect();
    model.dialog = Some(Dialog::Launch(LaunchDialog {
        preview,
        policy: PolicyCheck::Asking(request),
        estimates,
        reusable,
        confirming: false,
    }));
    vec![Cmd::LoadPolicy { request }]
}

/// Journaled jobs of the same archive that retrieve exactly the planned ranges
/// and are running or still downloadable: launching again would pay twice.
fn reusable_for(model: &Model, preview: &Preview) -> Vec<String> {
    let jobs = model.jobs.tracked();
    let planned = preview.planned.planned_ranges();
    let archive = &preview.archive;
    reusable_jobs(
        &jobs,
        &archive.archive_id,
        Some(archive.size),
        &planned,
        model.now,
    )
    .into_iter()
    .flatten()
    .map(|job| job.job_id.clone())
    .collect()
}

pub(super) fn policy_loaded(
    model: &mut Model,
    request: RequestId,
    result: Result<RetrievalPolicy, String>,
) -> Vec<Cmd> {
    let Some(Dialog::Launch(launch)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    if launch.policy != PolicyCheck::Asking(request) {
        return Vec::new();
    }
    launch.policy = match result {
        Ok(policy) => PolicyCheck::Known(policy),
        Err(problem) => PolicyCheck::Failed(problem),
    };
    Vec::new()
}

fn launch_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Launch(launch)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Back if launch.confirming => launch.confirming = false,
        Action::Back => {
            let preview = launch.preview.clone();
            model.dialog = Some(Dialog::Preview(preview));
        }
        Action::Up | Action::Down => {
            let tier = next_tier(launch.preview.tier, action == Action::Down);
            let planner = planner_of(&launch.preview);
            let vault = launch.preview.vault.clone();
            let rebuilt = range::build_preview(model, vault, &planner, tier);
            if let (Ok(preview), Some(Dialog::Launch(launch))) = (rebuilt, model.dialog.as_mut()) {
                launch.preview = preview;
                launch.confirming = false;
            }
        }
        Action::Download if !launch.reusable.is_empty() => {
            // Reusing: no new job, straight to the job in the jobs pane.
            let first = launch.reusable[0].clone();
            model.dialog = None;
            model.focus = Pane::Jobs;
            model.jobs.select_job(&first);
            model.tell(
                Severity::Good,
                format!("reusing job {first}: nothing new is paid for"),
            );
        }
        Action::Open | Action::Launch if !launch.confirming => launch.confirming = true,
        Action::Open | Action::Launch => return launch_now(model),
        _ => {}
    }
    Vec::new()
}

fn next_tier(tier: Tier, forward: bool) -> Tier {
    const ORDER: [Tier; 3] = [Tier::Bulk, Tier::Standard, Tier::Expedited];
    let index = ORDER.iter().position(|t| *t == tier).unwrap_or(1);
    let next = if forward {
        (index + 1).min(2)
    } else {
        index.saturating_sub(1)
    };
    ORDER[next]
}

fn launch_now(model: &mut Model) -> Vec<Cmd> {
    let Some(Dialog::Launch(launch)) = model.dialog.take() else {
        return Vec::new();
    };
    let preview = launch.preview;
    let count = preview.planned.jobs.len();
    model.tell(
        Severity::Info,
        format!("starting {count} job(s) at {}…", preview.tier),
    );
    vec![Cmd::Launch {
        vault: preview.vault,
        planned: preview.planned,
    }]
}

pub(super) fn launched(model: &mut Model, result: Result<Vec<String>, String>) -> Vec<Cmd> {
    match result {
        Ok(job_ids) => {
            let list = job_ids.join(", ");
            model.tell(
                Severity::Good,
                format!(
                    "started {} job(s): {list}; the jobs pane follows them",
                    job_ids.len()
                ),
            );
            model.focus = Pane::Jobs;
            model.jobs.follow = job_ids.first().cloned();
            super::jobs::sync_all(model)
        }
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            super::jobs::sync_all(model)
        }
    }
}

pub(super) fn open_download(
    model: &mut Model,
    vault: crate::store::VaultKey,
    job_id: String,
) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "downloading");
    }
    let folder = model.session.download_dir.display().to_string();
    model.dialog = Some(Dialog::Download(DownloadDialog {
        vault,
        job_id,
        folder,
    }));
    Vec::new()
}

fn download_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Download(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Back => close_dialog(model),
        Action::Open if !dialog.folder.trim().is_empty() => {
            let Some(Dialog::Download(dialog)) = model.dialog.take() else {
                return Vec::new();
            };
            super::jobs::start_download(model, dialog)
        }
        _ => Vec::new(),
    }
}

pub(super) fn saved(model: &mut Model, result: Result<PathBuf, String>) -> Vec<Cmd> {
    match result {
        Ok(path) => model.tell(
            Severity::Good,
            format!("saved the preview to {}", path.display()),
        ),
        Err(problem) => model.tell(Severity::Problem, problem),
    }
    Vec::new()
}

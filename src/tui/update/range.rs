//! The range planner: a wanted range typed (in any form `defrost range` takes) or
//! moved a MiB at a time, the three plans side by side, and the preview of the
//! chosen plan's exact job parameters.

use super::super::keymap::Action;
use super::super::model::{Dialog, Model, Preview, RangeDialog, RangeEnd, Severity};
use super::super::msg::Cmd;
use crate::domain::job_params::{AwsCliOptions, Tier};
use crate::domain::range::{ByteRange, MIB, PlanKind, RangeSpec, plan};
use crate::store::ArchiveRow;
use crate::tracking::launch::{RetrievalRequest, plan_jobs};
use crate::tui::present::written;

/// How far PageUp and PageDown move an end of the range.
const BIG_STEP: u64 = 64 * MIB;

pub(super) fn open_planner(model: &mut Model, archive: ArchiveRow) -> Vec<Cmd> {
    let Ok(whole) = ByteRange::whole(archive.size) else {
        model.tell(
            Severity::Problem,
            "this archive is empty: there is nothing to retrieve",
        );
        return Vec::new();
    };
    model.dialog = Some(Dialog::Range(RangeDialog::new(
        archive,
        whole,
        PlanKind::Tree,
    )));
    Vec::new()
}

/// The whole selected archive, straight to the preview.
pub(super) fn preview_whole(model: &mut Model) -> Vec<Cmd> {
    let Some(archive) = model.archives.selected().cloned() else {
        return Vec::new();
    };
    open_planner(model, archive);
    if let Some(Dialog::Range(dialog)) = model.dialog.clone() {
        return open_preview(model, &dialog);
    }
    Vec::new()
}

pub(super) fn on_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Range(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Back => model.dialog = None,
        Action::NextPane | Action::PreviousPane => {
            dialog.moving = match dialog.moving {
                RangeEnd::Start => RangeEnd::End,
                RangeEnd::End => RangeEnd::Start,
            };
        }
        Action::Up => nudge(dialog, -(MIB as i128)),
        Action::Down => nudge(dialog, MIB as i128),
        Action::PageUp => nudge(dialog, -(BIG_STEP as i128)),
        Action::PageDown => nudge(dialog, BIG_STEP as i128),
        Action::Zoom => dialog.toggle_zoom(),
        Action::Left => dialog.choose(shift_plan(dialog.chosen, -1)),
        Action::Right => dialog.choose(shift_plan(dialog.chosen, 1)),
        Action::Open | Action::Preview if dialog.problem.is_none() => {
            let dialog = dialog.clone();
            return open_preview(model, &dialog);
        }
        _ => {}
    }
    Vec::new()
}

fn shift_plan(kind: PlanKind, by: isize) -> PlanKind {
    let all = PlanKind::ALL;
    let index = all.iter().position(|k| *k == kind).unwrap_or(0) as isize;
    all[(index + by).rem_euclid(all.len() as isize) as usize]
}

/// The range the text now stands for, or why it stands for none.
pub(super) fn reparse(dialog: &mut RangeDialog) {
    let size = dialog.archive.size;
    match RangeSpec::parse(&dialog.text).and_then(|spec| spec.resolve(Some(size))) {
        Ok(want) => {
            dialog.set_want(want);
            dialog.problem = None;
        }
        Err(err) => dialog.problem = Some(err.to_string()),
    }
}

/// Moves the chosen end by `delta` bytes, landing on MiB boundaries, and never
/// past the other end or the archive.
fn nudge(dialog: &mut RangeDialog, delta: i128) {
    let size = i128::from(dialog.archive.size);
    let mib = i128::from(MIB);
    let mut want = dialog.want;
    match dialog.moving {
        RangeEnd::Start => {
            let start = i128::from(want.start);
            let moved = if delta > 0 {
                (start / mib + delta / mib) * mib
            } else {
                ((start + mib - 1) / mib + delta / mib) * mib
            };
            let start = moved.clamp(0, i128::from(want.end));
            want.start = start as u64;
        }
        RangeEnd::End => {
            let boundary = i128::from(want.end) + 1;
            let moved = if delta > 0 {
                (boundary / mib + delta / mib) * mib
            } else {
                ((boundary + mib - 1) / mib + delta / mib) * mib
            };
            let boundary = moved.clamp(i128::from(want.start) + 1, size);
            want.end = (boundary - 1) as u64;
        }
    }
    dialog.set_want(want);
    dialog.text = written(want);
    dialog.problem = None;
}

fn open_preview(model: &mut Model, dialog: &RangeDialog) -> Vec<Cmd> {
    let Some(vault) = model.selected_vault().map(|vault| vault.key.clone()) else {
        return Vec::new();
    };
    match build_preview(model, vault, dialog, Tier::Standard) {
        Ok(preview) => model.dialog = Some(Dialog::Preview(preview)),
        Err(problem) => model.tell(Severity::Problem, problem),
    }
    Vec::new()
}

/// The jobs of the chosen plan at `tier`, as JSON and as aws CLI lines.
pub(super) fn build_preview(
    model: &Model,
    vault: crate::store::VaultKey,
    dialog: &RangeDialog,
    tier: Tier,
) -> Result<Preview, String> {
    // The whole archive is asked for without a range, as Glacier's default: its
    // output is then checked against the inventory's tree hash.
    let whole = ByteRange::whole(dialog.archive.size).map_err(|err| err.to_string())?;
    let request = RetrievalRequest {
        archive_id: dialog.archive.archive_id.clone(),
        archive_size: Some(dialog.archive.size),
        want: (dialog.want != whole).then_some(dialog.want),
        plan: dialog.chosen,
        tier: Some(tier.as_str().to_owned()),
        sns_topic: None,
    };
    let mut planned = plan_jobs(&request).map_err(|err| err.to_string())?;
    // The plan records the archive as the inventory had it.
    planned.archive_name = Some(dialog.archive.name.clone());
    planned.archive_tree_hash = Some(dialog.archive.sha256_tree_hash.clone());
    let plan = match &planned.plan {
        Some(plan) => plan.clone(),
        None => plan(dialog.archive.size, whole, dialog.chosen).map_err(|err| err.to_string())?,
    };
    let options = AwsCliOptions {
        profile: None,
        region: model.session.region.clone(),
        endpoint_url: model.session.endpoint_url.clone(),
    };
    let cli_lines = planned
        .jobs
        .iter()
        .map(|params| {
            params
                .aws_cli_command(&vault.name, &options)
                .map_err(|err| err.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Preview {
        vault,
        archive: dialog.archive.clone(),
        want: dialog.want,
        plan,
        tier,
        planned,
        cli_lines,
        scroll: 0,
        save_as: None,
    })
}

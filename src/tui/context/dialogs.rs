//! What acts in each dialog, at each of its stages. Dialogs never quit on a
//! plain key (Ctrl-C still does), so a stray `q` typed at the wrong moment
//! loses nothing.

use super::bindings::{Binding, bind, not_explaining, writable};
use crate::domain::job_params::Tier;
use crate::tui::batch::BatchStage;
use crate::tui::drain::DrainStage;
use crate::tui::keymap::Action;
use crate::tui::migration::MigrationStage;
use crate::tui::model::{Dialog, Model};

pub(super) const PLANNER: &[Binding] = &[
    bind(Action::Up, "move end", "move the chosen end 1 MiB earlier").shown(),
    bind(Action::Down, "move end", "move the chosen end 1 MiB later").shown(),
    bind(
        Action::PageUp,
        "64 MiB earlier",
        "move the chosen end 64 MiB earlier",
    ),
    bind(
        Action::PageDown,
        "64 MiB later",
        "move the chosen end 64 MiB later",
    ),
    bind(Action::NextPane, "other end", "move the other end instead").shown(),
    bind(
        Action::PreviousPane,
        "other end",
        "move the other end instead",
    ),
    bind(Action::Left, "plan", "choose the plan on the left").shown(),
    bind(Action::Right, "plan", "choose the plan on the right").shown(),
    bind(
        Action::Zoom,
        "zoom",
        "show the whole archive, or zoom in on the range",
    ),
    bind(
        Action::Open,
        "preview",
        "the job parameters of the chosen plan",
    )
    .shown()
    .when(range_is_valid),
    bind(
        Action::Preview,
        "preview",
        "the job parameters of the chosen plan",
    )
    .when(range_is_valid),
    bind(Action::Back, "close", "close the planner")
        .shown()
        .when(not_explaining),
];

fn range_is_valid(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Range(dialog)) if dialog.problem.is_none())
}

pub(super) const PREVIEW: &[Binding] = &[
    bind(
        Action::Copy,
        "copy",
        "copy it to the clipboard (OSC 52, works over SSH)",
    )
    .shown(),
    bind(Action::Save, "save", "save it to a file (asks its name)").shown(),
    bind(
        Action::Open,
        "launch",
        "choose the tier and launch (asks first)",
    )
    .shown()
    .when(writable),
    bind(
        Action::Launch,
        "launch",
        "choose the tier and launch (asks first)",
    )
    .when(writable),
    bind(Action::Up, "scroll", "scroll up").when(scrolled),
    bind(Action::Down, "scroll", "scroll down"),
    bind(Action::Back, "back", "back to the planner")
        .shown()
        .when(not_explaining),
];

fn scrolled(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Preview(preview)) if preview.scroll > 0)
}

pub(super) const SAVE_AS: &[Binding] = &[
    bind(Action::Open, "save", "save the preview under this name")
        .shown()
        .when(save_name_given),
    bind(Action::Back, "cancel", "do not save")
        .shown()
        .when(not_explaining),
];

fn save_name_given(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Preview(preview))
        if preview.save_as.as_ref().is_some_and(|name| !name.trim().is_empty()))
}

pub(super) const LAUNCH: &[Binding] = &[
    bind(Action::Up, "cheaper tier", "a cheaper, slower tier")
        .shown()
        .when(cheaper_tier),
    bind(Action::Down, "faster tier", "a faster, dearer tier")
        .shown()
        .when(faster_tier),
    bind(
        Action::Open,
        "confirm",
        "show the last question before paying",
    )
    .shown()
    .when(not_confirming),
    bind(
        Action::Launch,
        "confirm",
        "show the last question before paying",
    )
    .when(not_confirming),
    bind(Action::Open, "start", "start the jobs now: this is paid")
        .shown()
        .when(confirming),
    bind(Action::Launch, "start", "start the jobs now: this is paid").when(confirming),
    bind(
        Action::Download,
        "reuse",
        "reuse the job that already retrieves these bytes: nothing more is paid",
    )
    .shown()
    .when(reusable),
    bind(Action::Back, "back", "back a step")
        .shown()
        .when(not_explaining),
];

fn tier_of(model: &Model) -> Option<Tier> {
    match &model.dialog {
        Some(Dialog::Launch(launch)) => Some(launch.preview.tier),
        _ => None,
    }
}

fn cheaper_tier(model: &Model) -> bool {
    tier_of(model).is_some_and(|tier| tier != Tier::Bulk)
}

fn faster_tier(model: &Model) -> bool {
    tier_of(model).is_some_and(|tier| tier != Tier::Expedited)
}

fn confirming(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Launch(launch)) if launch.confirming)
}

fn not_confirming(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Launch(launch)) if !launch.confirming)
}

fn reusable(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Launch(launch)) if !launch.reusable.is_empty())
}

pub(super) const DOWNLOAD: &[Binding] = &[
    bind(
        Action::Open,
        "download",
        "download into this folder, verified",
    )
    .shown()
    .when(folder_given),
    bind(Action::Back, "cancel", "do not download")
        .shown()
        .when(not_explaining),
];

fn folder_given(model: &Model) -> bool {
    match &model.dialog {
        Some(Dialog::Download(dialog)) => !dialog.folder.trim().is_empty(),
        Some(Dialog::Batch(dialog)) => !dialog.folder.trim().is_empty(),
        _ => false,
    }
}

pub(super) const RENEW: &[Binding] = &[
    bind(
        Action::Open,
        "start again",
        "start these jobs again: this is paid",
    )
    .shown(),
    bind(Action::Back, "cancel", "start nothing")
        .shown()
        .when(not_explaining),
];

pub(super) const BATCH_FOLDER: &[Binding] = &[
    bind(
        Action::NextPane,
        "tier",
        "the next tier (Bulk, Standard, Expedited)",
    )
    .shown(),
    bind(
        Action::Open,
        "summary",
        "ask what the batch would do and cost, before paying",
    )
    .shown()
    .when(folder_given),
    bind(Action::Back, "close", "close the dialog")
        .shown()
        .when(not_explaining),
];

pub(super) const BATCH_SUMMARY: &[Binding] = &[
    bind(
        Action::Open,
        "start",
        "journal the batch and start its jobs: this is paid",
    )
    .shown()
    .when(batch_ready),
    bind(
        Action::NextPane,
        "tier",
        "the next tier (Bulk, Standard, Expedited)",
    )
    .shown()
    .when(batch_ready),
    bind(Action::Back, "back", "back to the folder and tier")
        .shown()
        .when(batch_ready_not_explaining),
    bind(Action::Back, "close", "stop asking and close the dialog")
        .shown()
        .when(batch_preparing_not_explaining),
];

fn batch_ready(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Batch(dialog)) if matches!(dialog.stage, BatchStage::Ready(_)))
}

fn batch_ready_not_explaining(model: &Model) -> bool {
    batch_ready(model) && not_explaining(model)
}

fn batch_preparing_not_explaining(model: &Model) -> bool {
    !batch_ready(model) && not_explaining(model)
}

pub(super) const MIGRATION_TEXT: &[Binding] = &[
    bind(Action::NextPane, "next field", "the next field").shown(),
    bind(Action::PreviousPane, "previous field", "the previous field"),
    bind(
        Action::Open,
        "summary",
        "ask what the copy would do and cost, before paying",
    )
    .shown(),
    bind(Action::Back, "close", "close the dialog")
        .shown()
        .when(not_explaining),
];

pub(super) const MIGRATION_CHOICE: &[Binding] = &[
    bind(Action::NextPane, "next field", "the next field").shown(),
    bind(Action::PreviousPane, "previous field", "the previous field"),
    bind(Action::Down, "change", "the next value of this field").shown(),
    bind(Action::Up, "change", "the previous value of this field"),
    bind(
        Action::Open,
        "summary",
        "ask what the copy would do and cost, before paying",
    )
    .shown(),
    bind(Action::Back, "close", "close the dialog")
        .shown()
        .when(not_explaining),
];

pub(super) const MIGRATION_SUMMARY: &[Binding] = &[
    bind(
        Action::Open,
        "start",
        "journal the migration and carry it on: this is paid",
    )
    .shown()
    .when(migration_ready),
    bind(Action::Back, "back", "back to the fields")
        .shown()
        .when(not_explaining),
];

fn migration_ready(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Migration(dialog)) if matches!(dialog.stage, MigrationStage::Ready(_)))
}

pub(super) const DRAIN: &[Binding] = &[
    bind(
        Action::Open,
        "delete",
        "delete these archives from the vault: no undo",
    )
    .shown()
    .when(drain_has_items),
    bind(Action::Open, "close", "nothing to delete: close")
        .shown()
        .when(drain_empty),
    bind(Action::Back, "cancel", "delete nothing")
        .shown()
        .when(not_explaining),
];

fn drain_items(model: &Model) -> Option<usize> {
    match &model.dialog {
        Some(Dialog::Drain(dialog)) => match &dialog.stage {
            DrainStage::Ready(draining) => Some(draining.0.items.len()),
            DrainStage::Preparing(_) => None,
        },
        _ => None,
    }
}

fn drain_has_items(model: &Model) -> bool {
    drain_items(model).is_some_and(|items| items > 0)
}

fn drain_empty(model: &Model) -> bool {
    drain_items(model) == Some(0)
}

pub(super) const PEEK: &[Binding] = &[
    bind(Action::Up, "tier", PREVIOUS_TIER).shown(),
    bind(Action::Down, "tier", NEXT_TIER).shown(),
    bind(Action::NextPane, "tier", NEXT_TIER).shown(),
    bind(Action::PreviousPane, "tier", PREVIOUS_TIER),
    bind(
        Action::Open,
        "start",
        "start the retrieval of the zip's tail: this is paid",
    )
    .shown(),
    bind(Action::Back, "cancel", "start nothing")
        .shown()
        .when(not_explaining),
];

const PREVIOUS_TIER: &str = "the previous tier (Bulk, Standard, Expedited, round)";

const NEXT_TIER: &str = "the next tier (Bulk, Standard, Expedited, round)";

pub(super) const MEMBER_RESTORE: &[Binding] = &[
    bind(Action::Up, "tier", PREVIOUS_TIER).shown(),
    bind(Action::Down, "tier", NEXT_TIER).shown(),
    bind(Action::NextPane, "tier", NEXT_TIER),
    bind(Action::PreviousPane, "tier", PREVIOUS_TIER),
    bind(Action::Left, "plan", "choose the plan on the left").shown(),
    bind(Action::Right, "plan", "choose the plan on the right").shown(),
    bind(
        Action::Open,
        "start",
        "start the retrieval of the member's span: this is paid; it is unpacked into the folder once ready",
    )
    .shown()
    .when(member_restore_ready),
    bind(Action::Back, "cancel", "start nothing")
        .shown()
        .when(not_explaining),
];

fn member_restore_ready(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::MemberRestore(dialog)) if dialog.can_start())
}

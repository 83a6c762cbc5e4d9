//! The restore key on a zip's member: it asks the engine where the member's
//! restore stands. Nothing retrieving its span yet opens a dialog with each
//! plan's cost at the chosen tier beside the whole archive's, and the folder
//! it goes into; Enter starts the retrieval. Once the jobs are ready the same
//! key goes on: the span is downloaded, the member unpacked and checked into
//! the folder chosen, and the status bar says where it is.

use std::path::PathBuf;

use super::super::keymap::Action;
use super::super::member_restore::{MemberAsk, MemberDialog, MemberView, Restoring};
use super::super::members::{ZipCmd, ZipStep};
use super::super::model::{Dialog, Model, Severity};
use super::super::msg::{Cmd, RequestId};
use super::{close_dialog, refuse_read_only};
use crate::domain::job_params::Tier;
use crate::domain::range::PlanKind;
use crate::domain::zip::member_range;
use crate::text::printable;

/// The restore key on the member under the cursor.
pub(super) fn restore_key(model: &mut Model) -> Vec<Cmd> {
    let Some(view) = model.zips.members.as_ref() else {
        return Vec::new();
    };
    let Some(listed) = view.selected_member().cloned() else {
        model.tell(Severity::Info, "select a file of the zip to restore it");
        return Vec::new();
    };
    let archive = view.archive.clone();
    // The members are those of an archive of the vault shown.
    let Some(vault) = (model.archives.snapshot.as_ref()).map(|shown| shown.vault.key.clone())
    else {
        return Vec::new();
    };
    if model.session.read_only {
        return refuse_read_only(model, "restoring a member retrieves its bytes");
    }
    let key = (archive.archive_id.clone(), listed.position);
    let to = (model.zips.restore_to.get(&key).cloned())
        .unwrap_or_else(|| model.session.download_dir.clone());
    let ask = MemberAsk {
        vault,
        archive,
        member: listed,
        plan: PlanKind::Split,
        tier: Tier::Standard,
        to,
        launch: false,
    };
    send(model, ask)
}

/// Asks the engine to take the member's restore further, and waits for its
/// answer.
pub(super) fn send(model: &mut Model, ask: MemberAsk) -> Vec<Cmd> {
    let request = model.request();
    let doing = if ask.launch { "starting" } else { "looking at" };
    model.tell(
        Severity::Info,
        format!(
            "{doing} the restore of {}…",
            printable(&ask.member.member.name)
        ),
    );
    model.zips.restoring = Some(Restoring {
        request,
        ask: ask.clone(),
    });
    vec![Cmd::Zip(ZipCmd::RestoreMember { request, ask })]
}

/// The engine's answer about a member's restore.
pub(super) fn answered(
    model: &mut Model,
    request: RequestId,
    result: Result<MemberView, String>,
) -> Vec<Cmd> {
    let Some(restoring) = (model.zips.restoring).take_if(|asked| asked.request == request) else {
        return Vec::new();
    };
    let name = printable(&restoring.ask.member.member.name);
    let view = match result {
        Ok(view) => view,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    match view {
        MemberView::ToPay => open_dialog(model, restoring),
        MemberView::Started { plan, reused } => {
            let ask = restoring.ask;
            let folder = printable(&ask.to.display().to_string());
            let key = (ask.archive.archive_id.clone(), ask.member.position);
            model.zips.restore_to.insert(key, ask.to.clone());
            let what = format!("restore {name} into {folder}");
            super::carry_on::started(model, (plan, reused), &what, ZipStep::Member(ask))
        }
        MemberView::Waiting {
            plan,
            ready_by,
            stuck,
        } => {
            let what = format!("the restore of {name}");
            let step = ZipStep::Member(restoring.ask);
            let waiting = super::carry_on::Waiting {
                plan,
                ready_by,
                stuck,
            };
            super::carry_on::waiting(model, waiting, &what, step);
            Vec::new()
        }
        MemberView::Restored {
            shown,
            bytes,
            crc32,
        } => {
            model.tell(
                Severity::Good,
                format!(
                    "restored {shown} ({}, CRC-32 {crc32:08x} checked)",
                    super::super::view::format::size(bytes)
                ),
            );
            // Its plan was downloaded into the peek folder: its rows say so.
            super::jobs::sync_all(model)
        }
    }
}

/// Nothing retrieves the member's span yet: the dialog asks before paying.
fn open_dialog(model: &mut Model, restoring: Restoring) -> Vec<Cmd> {
    let MemberAsk {
        vault,
        archive,
        member,
        to,
        ..
    } = restoring.ask;
    let want = member_range(&member.member, member.span_end).filter(|want| want.end < archive.size);
    let Some(want) = want else {
        model.tell(
            Severity::Problem,
            format!(
                "{} has no bytes of its own in the archive to restore",
                printable(&member.member.name)
            ),
        );
        return Vec::new();
    };
    let folder = to.display().to_string();
    let dialog = MemberDialog::new(vault, archive, member, want, folder);
    model.dialog = Some(Dialog::MemberRestore(dialog));
    // The dialog says it all; the status bar shows its keys.
    model.status = None;
    Vec::new()
}

/// Actions in the dialog: the tier, the plan, Enter starts, Esc leaves. The
/// folder takes typing (`typing`).
pub(super) fn dialog_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::MemberRestore(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match action {
        Action::Up | Action::Down | Action::NextPane | Action::PreviousPane => {
            let forward = matches!(action, Action::Down | Action::NextPane);
            dialog.tier = super::peek::next_tier(dialog.tier, forward);
            Vec::new()
        }
        Action::Left | Action::Right => {
            dialog.choose_next(action == Action::Right);
            Vec::new()
        }
        Action::Open if dialog.can_start() => {
            let Some(Dialog::MemberRestore(dialog)) = model.dialog.take() else {
                return Vec::new();
            };
            let ask = MemberAsk {
                vault: dialog.vault,
                archive: dialog.archive,
                member: dialog.member,
                plan: dialog.chosen,
                tier: dialog.tier,
                to: PathBuf::from(dialog.folder.trim()),
                launch: true,
            };
            send(model, ask)
        }
        Action::Back => close_dialog(model),
        _ => Vec::new(),
    }
}

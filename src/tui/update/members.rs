//! Zips in the archives pane: the set of archives with a stored listing (read
//! off the screen's thread when a vault opens and after a peek), and an
//! archive's members as a folder tree whose files plan their own span in the
//! range planner. Peeking is `peek`'s, restoring a member `member_restore`'s.

use super::super::keymap::Action;
use super::super::layout::table_rows;
use super::super::members::{Listing, MemberEntry, MembersView, ZipAnswer, ZipCmd};
use super::super::model::{Dialog, Model, RangeDialog, Severity};
use super::super::msg::Cmd;
use crate::domain::range::PlanKind;
use crate::domain::zip::member_range;
use crate::store::ArchiveRow;
use crate::text::printable;

/// A vault's archives are shown from scratch: its listed archives are read
/// again, and any archive's members are closed.
pub(super) fn vault_opened(model: &mut Model) -> Vec<Cmd> {
    model.zips.members = None;
    model.zips.listed = Listing::default();
    load_listed(model)
}

/// Asks the cache which archives of the vault shown have a stored listing.
pub(super) fn load_listed(model: &mut Model) -> Vec<Cmd> {
    let Some(snapshot) = model.archives.snapshot.as_ref() else {
        model.zips.pending = None;
        return Vec::new();
    };
    let vault = snapshot.vault.key.clone();
    let snapshot = snapshot.path.clone();
    let request = model.request();
    model.zips.pending = Some(request);
    vec![Cmd::Zip(ZipCmd::Listed {
        request,
        vault,
        snapshot,
    })]
}

pub(super) fn answered(model: &mut Model, answer: ZipAnswer) -> Vec<Cmd> {
    match answer {
        ZipAnswer::Listed { request, result } => {
            if model.zips.pending != Some(request) {
                return Vec::new();
            }
            model.zips.pending = None;
            match result {
                Ok(listing) => model.zips.listed = listing,
                Err(problem) => model.tell(Severity::Problem, problem),
            }
            Vec::new()
        }
        ZipAnswer::Members { request, result } => {
            let Some(view) = model.zips.members.as_mut() else {
                return Vec::new();
            };
            if view.loading != Some(request) {
                return Vec::new();
            }
            view.loading = None;
            match result {
                Ok(members) => {
                    view.members = members;
                    view.open_folder(String::new());
                }
                Err(problem) => {
                    model.zips.members = None;
                    model.tell(Severity::Problem, problem);
                }
            }
            Vec::new()
        }
        ZipAnswer::Peeked { request, result } => super::peek::peeked(model, request, result),
        ZipAnswer::Member { request, result } => {
            super::member_restore::answered(model, request, result)
        }
    }
}

/// Shows a listed archive's members in place of the table, once read.
pub(super) fn open_members(model: &mut Model, archive: ArchiveRow) -> Vec<Cmd> {
    let Some(vault) = model.selected_vault().map(|vault| vault.key.clone()) else {
        return Vec::new();
    };
    let request = model.request();
    let archive_id = archive.archive_id.clone();
    model.zips.members = Some(MembersView::loading(archive, request));
    vec![Cmd::Zip(ZipCmd::Members {
        request,
        vault,
        archive_id,
    })]
}

/// Actions while the members are shown (the `Members` context).
pub(super) fn members_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    if action == Action::Download {
        return super::member_restore::restore_key(model);
    }
    let page = table_rows(model.width, model.height, model.explain) as u64;
    let Some(view) = model.zips.members.as_mut() else {
        return Vec::new();
    };
    let last = view.entries.len().saturating_sub(1) as u64;
    if let Some(cursor) = super::archives::moved(view.cursor as u64, action, page, last) {
        view.cursor = cursor as usize;
        return Vec::new();
    }
    match action {
        Action::Back | Action::Parent => match view.parent() {
            Some(parent) => view.open_folder(parent),
            None => model.zips.members = None,
        },
        Action::Tree => model.zips.members = None,
        Action::Open | Action::PlanRange => match view.entries.get(view.cursor) {
            Some(MemberEntry::Folder { name, .. }) => {
                let path = format!("{}{name}/", view.path);
                view.open_folder(path);
            }
            Some(MemberEntry::Member { .. }) => return plan_member(model),
            None => {}
        },
        _ => {}
    }
    Vec::new()
}

/// The range planner on the selected member's span: its local header, its
/// packed bytes and any data descriptor.
fn plan_member(model: &mut Model) -> Vec<Cmd> {
    let Some(view) = model.zips.members.as_ref() else {
        return Vec::new();
    };
    let Some(listed) = view.selected_member() else {
        return Vec::new();
    };
    let name = printable(&listed.member.name);
    let want =
        member_range(&listed.member, listed.span_end).filter(|want| want.end < view.archive.size);
    let Some(want) = want else {
        model.tell(
            Severity::Problem,
            format!("{name} has no bytes of its own in the archive to plan"),
        );
        return Vec::new();
    };
    let archive = view.archive.clone();
    model.dialog = Some(Dialog::Range(RangeDialog::new(
        archive,
        want,
        PlanKind::Tree,
    )));
    Vec::new()
}

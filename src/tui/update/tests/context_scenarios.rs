//! A model in every context, reached with the keys a user would press where
//! that is short, each with its cursor in the middle of its list so that every
//! movement key has somewhere to go, and with something for each key to act
//! on (output ready, a plan to renew, archives marked, a summary to start).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::job::JobStatus;
use crate::domain::range::{ByteRange, MIB};
use crate::glacier::RetrievalPolicy;
use crate::store::{BatchId, FolderEntry, FolderEntryKind, VaultKey};
use crate::tracking::launch::RenewReason;
use crate::tui::drain::{DrainDialog, DrainStage};
use crate::tui::effects::{RenewalView, RenewedView};
use crate::tui::member_restore::MemberView;
use crate::tui::members::{PeekView, ZipAnswer, ZipCmd};
use crate::tui::model::{Model, Pane, VaultSummary};
use crate::tui::msg::{Cmd, Loaded, Msg};
use crate::tui::testing::*;
use crate::tui::testing_batch::*;
use crate::tui::testing_members::{browsing_listed, members};
use crate::tui::testing_migration::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        NOW,
    )
}

fn typed(model: &mut Model, text: &str) {
    for c in text.chars() {
        press(model, KeyCode::Char(c));
    }
}

/// Every scenario, named.
pub(super) fn scenarios() -> Vec<(&'static str, Model)> {
    let mut all = vec![
        ("vaults", vaults()),
        ("archives", archives_marked()),
        ("archives, nothing marked", browsing(120, 40, 10)),
        ("tree", tree()),
        ("tree on a zip", tree_on_archive(false)),
        ("tree on a listed zip", tree_on_archive(true)),
        ("archives on a listed zip", archives_listed()),
        ("members being read", members_loading()),
        ("members at the top", members_at_top()),
        ("members on a member", members_on_member()),
        ("peek", peek(true)),
        ("peek, the rest of the directory", peek(false)),
        ("member restore", member_restore()),
        ("filter", filter()),
        ("planner", planner()),
        ("preview", preview()),
        ("save as", save_as()),
        ("launch", launch(false)),
        ("launch, confirming", launch(true)),
        ("download", download()),
        ("renew", renew()),
        ("batch folder", batch_folder()),
        ("batch summary", batch_summary(true)),
        ("batch preparing", batch_summary(false)),
        ("migration bucket", migration(0)),
        ("migration choices", migration(2)),
        ("migration summary", migration_summary(true)),
        ("migration preparing", migration_summary(false)),
        ("drain", drain(true)),
        ("drain, nothing to delete", drain(false)),
        ("drain preparing", drain_preparing()),
        ("help", help()),
    ];
    all.extend(jobs());
    all
}

fn vaults() -> Model {
    let mut model = browsing(120, 40, 10);
    let mut copied = model.vaults[0].clone();
    copied.migration = Some(migration_progress());
    let other = |name: &str| VaultSummary {
        key: VaultKey {
            name: name.into(),
            ..vault_key()
        },
        snapshot: None,
        ..copied.clone()
    };
    model.vaults = vec![other("archive-2018"), copied.clone(), other("scans")];
    model.vault_cursor = 1;
    model.focus = Pane::Vaults;
    model
}

/// The table with a filter typed and two archives marked, the cursor on the
/// fourth row.
fn archives_marked() -> Model {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Char(' '));
    model.archives.filter = "IMG".into();
    model.archives.cursor = 3;
    model
}

/// Inside `photos/` of the tree: two folders and an archive, the cursor on
/// the second.
fn tree() -> Model {
    let mut model = archives_marked();
    model.archives.filter.clear();
    let cmds = press(&mut model, KeyCode::Char('t'));
    let [Cmd::LoadFolder { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let folder = |name: &str| FolderEntry {
        name: name.into(),
        kind: FolderEntryKind::Folder {
            archives: 3,
            total_size: 3 << 20,
        },
    };
    let entries = vec![
        folder("2018"),
        folder("2019"),
        FolderEntry {
            name: "notes.txt".into(),
            kind: FolderEntryKind::Archive {
                position: 9,
                size: 2048,
            },
        },
    ];
    let request = *request;
    let answer = Loaded::Folder {
        request,
        result: Ok(entries),
    };
    update(&mut model, Msg::Loaded(answer), NOW);
    let tree = model.archives.tree.as_mut().expect("the tree");
    tree.path = "photos/".into();
    tree.cursor = 1;
    model
}

/// The tree on its archive, `notes.txt` (position 9), its listing stored
/// or not.
fn tree_on_archive(listed: bool) -> Model {
    let mut model = tree();
    if listed {
        model.zips.listed.positions.insert(9);
    }
    model.archives.tree.as_mut().expect("the tree").cursor = 2;
    model
}

/// The table on archive 2, whose zip listing is stored.
fn archives_listed() -> Model {
    let mut model = browsing_listed(120, 40, 10);
    model.archives.cursor = 1;
    model
}

/// Enter on archive 2: its members asked for, not yet read.
fn members_loading() -> Model {
    let mut model = archives_listed();
    press(&mut model, KeyCode::Enter);
    model
}

/// The top of archive 2's members: `docs/`, `empty/` and `readme.md`, the
/// cursor on `empty/`.
fn members_at_top() -> Model {
    let mut model = archives_listed();
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::Zip(ZipCmd::Members { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let answer = ZipAnswer::Members {
        request: *request,
        result: Ok(members()),
    };
    update(&mut model, Msg::Loaded(Loaded::Zip(answer)), NOW);
    press(&mut model, KeyCode::Down);
    model
}

/// Inside `docs/`: `sub/` and `a.txt`, the cursor on `a.txt`.
fn members_on_member() -> Model {
    let mut model = members_at_top();
    press(&mut model, KeyCode::Up);
    press(&mut model, KeyCode::Enter);
    press(&mut model, KeyCode::Down);
    model
}

/// The restore dialog on `docs/a.txt`.
fn member_restore() -> Model {
    let mut model = members_on_member();
    let cmds = press(&mut model, KeyCode::Char('d'));
    let [Cmd::Zip(ZipCmd::RestoreMember { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let answer = ZipAnswer::Member {
        request: *request,
        result: Ok(MemberView::ToPay),
    };
    update(&mut model, Msg::Loaded(Loaded::Zip(answer)), NOW);
    model
}

/// The peek dialog on the selected archive: its tail, or (`first` false)
/// the rest of its central directory.
fn peek(first: bool) -> Model {
    let mut model = browsing(120, 40, 10);
    let cmds = press(&mut model, KeyCode::Char('z'));
    let [Cmd::Zip(ZipCmd::Peek { request, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let range = if first {
        ByteRange::new(47 * MIB, 48 * MIB - 1)
    } else {
        ByteRange::new(40 * MIB, 47 * MIB - 1)
    };
    let view = PeekView::Retrieval {
        range: range.expect("a range"),
        bytes: if first { MIB } else { 7 * MIB },
        jobs: 1,
        first,
        started: None,
        reused: 0,
    };
    let answer = ZipAnswer::Peeked {
        request: *request,
        result: Ok(view),
    };
    update(&mut model, Msg::Loaded(Loaded::Zip(answer)), NOW);
    model
}

fn filter() -> Model {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char('/'));
    typed(&mut model, "im");
    model
}

/// 7 MiB-9 MiB of a 48 MiB archive, the end moving.
fn planner() -> Model {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char('r'));
    for _ in 0..12 {
        press(&mut model, KeyCode::Backspace);
    }
    typed(&mut model, "7MiB-9MiB");
    model
}

fn preview() -> Model {
    let mut model = browsing(120, 40, 10);
    update(
        &mut model,
        jobs_loaded(vec![job("job-ready", JobStatus::Succeeded, None)]),
        NOW,
    );
    press(&mut model, KeyCode::Char('p'));
    press(&mut model, KeyCode::Down);
    model
}

fn save_as() -> Model {
    let mut model = preview();
    press(&mut model, KeyCode::Char('w'));
    model
}

/// The launch step at Standard, with a ready job to reuse and the policy
/// known.
fn launch(confirming: bool) -> Model {
    let mut model = preview();
    let cmds = press(&mut model, KeyCode::Char('l'));
    let [Cmd::LoadPolicy { request }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let answer = Loaded::Policy {
        request: *request,
        result: Ok(RetrievalPolicy::BytesPerHour(1 << 30)),
    };
    update(&mut model, Msg::Loaded(answer), NOW);
    if confirming {
        press(&mut model, KeyCode::Enter);
    }
    model
}

/// The jobs pane with a batch, a migration and three plans (one partly
/// ready, one expired, one ready), in every row the cursor can be on.
fn jobs() -> Vec<(&'static str, Model)> {
    let mut model = browsing(120, 40, 10);
    let batch = batch_row(
        3,
        vec![
            batch_item(1, ItemState::Ready),
            batch_item(2, ItemState::NoJob),
            batch_item(3, ItemState::Running),
        ],
        true,
    );
    let mut migration = batch_row(4, vec![batch_item(4, ItemState::Ready)], false);
    migration.entry.to = "s3://demo-migrated/family-photos/".into();
    let range = ByteRange::new(0, MIB - 1).ok();
    let plans = vec![
        split_plan(1, 2),
        plan(2, range, vec![job("lost", JobStatus::Expired, range)]),
        plan(5, None, vec![job("fine", JobStatus::Succeeded, None)]),
    ];
    update(&mut model, plans_loaded(plans), NOW);
    model.jobs.batches = vec![batch, migration];
    model.jobs.expanded_batches.insert(BatchId(3));
    model.focus = Pane::Jobs;
    // Rows: B3, its three archives, B4, P1, P2, P5.
    let at = |row: usize| {
        let mut model = model.clone();
        model.jobs.cursor = row;
        model
    };
    vec![
        ("jobs on a batch", at(0)),
        ("jobs on a batch's archive", at(2)),
        ("jobs on a migration", at(4)),
        ("jobs on a plan partly ready", at(5)),
        ("jobs on an expired plan", at(6)),
    ]
}

fn download() -> Model {
    let mut model = jobs().swap_remove(3).1;
    press(&mut model, KeyCode::Char('d'));
    model
}

fn renew() -> Model {
    let mut model = jobs().swap_remove(4).1;
    let renewal = RenewalView {
        plan: crate::store::PlanId(2),
        name: "photos/IMG_0001.jpg".into(),
        jobs: 1,
        renewed: vec![RenewedView {
            number: 1,
            range: ByteRange::new(0, MIB - 1).ok(),
            tier: crate::domain::job_params::Tier::Bulk,
            why: RenewReason::Expired,
        }],
        archive_size: Some(48 * MIB),
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::RenewalPlanned(Ok(renewal))),
        NOW,
    );
    model
}

fn batch_folder() -> Model {
    let mut model = archives_marked();
    press(&mut model, KeyCode::Char('l'));
    model
}

fn batch_summary(ready: bool) -> Model {
    let mut model = batch_folder();
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::PrepareBatch { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    if ready {
        let answer = Loaded::BatchPrepared {
            request: *request,
            result: Ok(prepared(2, None)),
        };
        update(&mut model, Msg::Loaded(answer), NOW);
    }
    model
}

/// The migration dialog on `field` (0: the bucket), in the demo.
fn migration(field: usize) -> Model {
    let mut model = archives_marked();
    model.session.default_bucket = Some("demo-migrated".into());
    press(&mut model, KeyCode::Char('m'));
    for _ in 0..field {
        press(&mut model, KeyCode::Tab);
    }
    model
}

fn migration_summary(ready: bool) -> Model {
    let mut model = migration(0);
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::PrepareMigration { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    if ready {
        let answer = Loaded::MigrationPrepared {
            request: *request,
            result: Ok(migrating(2, &[])),
        };
        update(&mut model, Msg::Loaded(answer), NOW);
    }
    model
}

fn drain_preparing() -> Model {
    let mut model = vaults();
    press(&mut model, KeyCode::Char('D'));
    model
}

fn drain(with_items: bool) -> Model {
    let mut model = vaults();
    let vault = model.vaults[1].key.clone();
    let stage = DrainStage::Ready(draining(if with_items { 3 } else { 0 }));
    model.dialog = Some(crate::tui::model::Dialog::Drain(DrainDialog {
        vault,
        stage,
    }));
    model
}

fn help() -> Model {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char('?'));
    model
}

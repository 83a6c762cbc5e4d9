//! Reducer tests of batches on the screen: launching one on the marks (folder,
//! tier, the summary, then starting), what its work reports, and its row in the
//! jobs pane (opening it, downloading what is ready, going on starting).

use std::path::PathBuf;

use crossterm::event::KeyCode;

use super::{key, typed};
use crate::domain::range::MIB;
use crate::store::{BatchId, PlanId};
use crate::tracking::batch::ReadyProgress;
use crate::tui::batch::{BatchStage, BatchWork};
use crate::tui::model::{Dialog, Model, Pane, Severity};
use crate::tui::msg::{BatchNews, Cmd, Loaded, Msg, RequestId};
use crate::tui::testing::*;
use crate::tui::testing_batch::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(model, key(code), NOW)
}

fn status(model: &Model) -> String {
    model
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// Browsing with archives 1 and 2 marked (the cursor moves on after each).
fn marked() -> Model {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Char(' '));
    assert_eq!(model.archives.marks.count(), 2);
    model
}

fn stage(model: &Model) -> &BatchStage {
    match &model.dialog {
        Some(Dialog::Batch(dialog)) => &dialog.stage,
        other => panic!("no batch dialog: {other:?}"),
    }
}

/// The batch dialog on the marks, its summary asked for into `/restore`.
fn asked(model: &mut Model) -> RequestId {
    press(model, KeyCode::Char('l'));
    let Some(Dialog::Batch(dialog)) = model.dialog.as_mut() else {
        panic!("no batch dialog: {:?}", model.dialog);
    };
    dialog.folder.clear();
    typed(model, "/restore");
    let cmds = press(model, KeyCode::Enter);
    let [Cmd::PrepareBatch { request, ask }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(ask.positions, [1, 2]);
    assert_eq!(ask.to, PathBuf::from("/restore"));
    *request
}

#[test]
fn launching_without_marks_says_how_to_mark_and_opens_nothing() {
    let mut model = browsing(120, 40, 10);
    assert!(press(&mut model, KeyCode::Char('l')).is_empty());
    assert!(model.dialog.is_none());
    let said = status(&model);
    assert!(
        said.contains("mark archives with Space (or every archive shown with *)"),
        "{said}"
    );
}

#[test]
fn launching_on_the_marks_asks_for_a_folder_and_a_tier_before_anything_else() {
    let mut model = marked();
    assert!(press(&mut model, KeyCode::Char('l')).is_empty());
    let Some(Dialog::Batch(dialog)) = &model.dialog else {
        panic!("{:?}", model.dialog)
    };
    assert_eq!(dialog.positions, [1, 2]);
    assert_eq!(dialog.tier, crate::domain::job_params::Tier::Bulk);
    assert_eq!(
        dialog.folder,
        model.session.download_dir.display().to_string()
    );
    // Tab walks the tiers; letters go to the folder, not to the keymap.
    press(&mut model, KeyCode::Tab);
    typed(&mut model, "lq");
    let Some(Dialog::Batch(dialog)) = &model.dialog else {
        panic!("the dialog closed")
    };
    assert_eq!(dialog.tier, crate::domain::job_params::Tier::Standard);
    assert!(dialog.folder.ends_with("lq"), "{}", dialog.folder);
    assert!(!model.quit);
}

#[test]
fn the_summary_comes_back_to_its_own_request_only_and_enter_then_starts_the_batch() {
    let mut model = marked();
    let request = asked(&mut model);
    assert_eq!(stage(&model), &BatchStage::Preparing(request));
    let stale = Msg::Loaded(Loaded::BatchPrepared {
        request: RequestId(request.0 + 100),
        result: Ok(prepared(2, None)),
    });
    update(&mut model, stale, NOW);
    assert_eq!(stage(&model), &BatchStage::Preparing(request));

    let summary = prepared(2, None);
    let answer = Msg::Loaded(Loaded::BatchPrepared {
        request,
        result: Ok(summary.clone()),
    });
    update(&mut model, answer, NOW);
    assert_eq!(stage(&model), &BatchStage::Ready(summary.clone()));

    let cmds = press(&mut model, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::StartBatch {
            prepared: summary,
            tier: crate::domain::job_params::Tier::Bulk,
        }]
    );
    assert!(model.dialog.is_none());
    assert!(
        model.archives.marks.is_empty(),
        "the marks became the batch"
    );
    assert_eq!(model.focus, Pane::Jobs);
}

#[test]
fn a_summary_that_failed_goes_back_to_the_folder_and_says_why() {
    let mut model = marked();
    let request = asked(&mut model);
    let answer = Msg::Loaded(Loaded::BatchPrepared {
        request,
        result: Err("cannot create the folder /restore: denied; choose another".into()),
    });
    update(&mut model, answer, NOW);
    assert_eq!(stage(&model), &BatchStage::Choosing);
    assert!(status(&model).contains("choose another"));
    // Esc on the summary goes back a step; on the folder it closes.
    press(&mut model, KeyCode::Esc);
    assert!(model.dialog.is_none());
    assert_eq!(model.archives.marks.count(), 2, "nothing was started");
}

#[test]
fn launching_a_batch_is_off_in_read_only_mode() {
    let mut model = marked();
    model.session.read_only = true;
    assert!(press(&mut model, KeyCode::Char('l')).is_empty());
    assert!(model.dialog.is_none());
    assert!(status(&model).contains("read-only"), "{}", status(&model));
}

#[test]
fn starting_is_followed_on_the_row_and_its_end_is_said() {
    let mut model = browsing(120, 40, 10);
    let batch = BatchId(4);
    let news = |news| Msg::Loaded(Loaded::Batch(news));
    let cmds = update(
        &mut model,
        news(BatchNews::Recorded { batch, to_start: 3 }),
        NOW,
    );
    assert!(
        matches!(cmds.as_slice(), [Cmd::SyncJobs { .. }]),
        "{cmds:?}"
    );
    update(&mut model, news(BatchNews::Started { batch }), NOW);
    update(&mut model, news(BatchNews::Started { batch }), NOW);
    let held = BatchNews::Held {
        batch,
        message: "slow down".into(),
    };
    update(&mut model, news(held.clone()), NOW);
    assert!(status(&model).contains("Glacier pushed back (slow down)"));
    model.status = None;
    update(&mut model, news(held), NOW);
    assert!(model.status.is_none(), "the same push-back is said once");
    assert_eq!(
        model.jobs.batch_work.get(&batch),
        Some(&BatchWork::Starting {
            started: 2,
            to_start: 3,
            held: Some("slow down".into()),
        })
    );
    // The journal lists it: the cursor goes to its row.
    let rows = vec![batch_row(4, vec![batch_item(1, ItemState::Running)], false)];
    update(&mut model, batches_loaded(rows), NOW);
    assert_eq!(model.jobs.selected_batch().map(|b| b.entry.id), Some(batch));

    let ended = BatchNews::Ended {
        batch,
        result: Ok("batch B4: 3 archives have their jobs".into()),
    };
    let cmds = update(&mut model, news(ended), NOW);
    assert!(cmds.iter().any(|cmd| matches!(cmd, Cmd::SyncJobs { .. })));
    assert!(model.jobs.batch_work.is_empty());
    assert_eq!(
        model.status.as_ref().map(|s| &s.severity),
        Some(&Severity::Good)
    );
}

/// The jobs pane focused on one batch of a running, a ready and a restored archive.
fn with_batch(open: bool) -> Model {
    let mut model = browsing(120, 40, 10);
    let items = vec![
        batch_item(1, ItemState::Running),
        batch_item(2, ItemState::Ready),
        batch_item(3, ItemState::Restored),
    ];
    update(
        &mut model,
        batches_loaded(vec![batch_row(7, items, open)]),
        NOW,
    );
    model.focus = Pane::Jobs;
    model
}

#[test]
fn enter_opens_a_batch_by_reading_its_archives_and_closes_it_again() {
    let mut model = with_batch(false);
    let cmds = press(&mut model, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::SyncJobs {
            vaults: Vec::new(),
            open_batches: vec![BatchId(7)],
        }]
    );
    // The journal's answer carries its archives: a row each, under the batch.
    let items = vec![
        batch_item(1, ItemState::Running),
        batch_item(2, ItemState::Ready),
        batch_item(3, ItemState::Restored),
    ];
    update(
        &mut model,
        batches_loaded(vec![batch_row(7, items, true)]),
        NOW,
    );
    assert_eq!(model.jobs.rows().len(), 4);
    press(&mut model, KeyCode::Down);
    press(&mut model, KeyCode::Down);
    // Enter on an archive closes the batch and goes back to its row.
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert_eq!(model.jobs.rows().len(), 1);
    assert_eq!(model.jobs.cursor, 0);
}

#[test]
fn the_download_key_on_a_batch_asks_where_then_downloads_what_is_ready() {
    let mut model = with_batch(false);
    assert!(press(&mut model, KeyCode::Char('d')).is_empty());
    let Some(Dialog::Download(dialog)) = &model.dialog else {
        panic!("{:?}", model.dialog)
    };
    assert_eq!(
        (dialog.job_id.as_str(), dialog.folder.as_str()),
        ("B7", "/restore")
    );
    let cmds = press(&mut model, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![Cmd::DownloadBatch {
            batch: BatchId(7),
            to: PathBuf::from("/restore"),
        }]
    );
    let progress = ReadyProgress {
        done: 1,
        ready: 2,
        bytes_done: MIB,
        bytes_total: 2 * MIB,
    };
    let news = BatchNews::Downloading {
        batch: BatchId(7),
        progress,
    };
    update(&mut model, Msg::Loaded(Loaded::Batch(news)), NOW);
    assert!(matches!(
        model.jobs.batch_work.get(&BatchId(7)),
        Some(BatchWork::Downloading { progress: p, .. }) if *p == progress
    ));
    // While it downloads, the keys say it is busy rather than start another.
    assert!(press(&mut model, KeyCode::Char('d')).is_empty());
    assert!(status(&model).contains("busy"), "{}", status(&model));
}

#[test]
fn a_batch_with_nothing_ready_says_when_the_next_output_is_expected() {
    let mut model = browsing(120, 40, 10);
    let rows = vec![batch_row(2, vec![batch_item(1, ItemState::Running)], false)];
    update(&mut model, batches_loaded(rows), NOW);
    model.focus = Pane::Jobs;
    assert!(press(&mut model, KeyCode::Char('d')).is_empty());
    assert!(model.dialog.is_none());
    let said = status(&model);
    assert!(said.starts_with("batch B2 has no output ready"), "{said}");
}

#[test]
fn the_launch_key_on_a_batch_goes_on_starting_only_what_waits_for_a_job() {
    let mut model = browsing(120, 40, 10);
    let items = vec![
        batch_item(1, ItemState::NoJob),
        batch_item(2, ItemState::Running),
    ];
    update(
        &mut model,
        batches_loaded(vec![batch_row(3, items, false)]),
        NOW,
    );
    model.focus = Pane::Jobs;
    let cmds = press(&mut model, KeyCode::Char('l'));
    assert_eq!(cmds, vec![Cmd::ResumeBatch { batch: BatchId(3) }]);
    assert!(matches!(
        model.jobs.batch_work.get(&BatchId(3)),
        Some(BatchWork::Starting { to_start: 1, .. })
    ));

    let mut model = with_batch(false);
    assert!(press(&mut model, KeyCode::Char('l')).is_empty());
    assert!(
        status(&model).contains("nothing to start"),
        "{}",
        status(&model)
    );
}

#[test]
fn the_renew_key_on_an_archive_of_a_batch_asks_glacier_about_its_plan() {
    let mut model = with_batch(true);
    model.jobs.expanded_batches.insert(BatchId(7));
    press(&mut model, KeyCode::Down);
    let cmds = press(&mut model, KeyCode::Char('R'));
    assert_eq!(cmds, vec![Cmd::PlanRenewal { plan: PlanId(101) }]);
}

#[test]
fn a_large_open_batch_scrolls_so_the_cursor_stays_in_sight() {
    let mut model = browsing(120, 40, 10);
    let items: Vec<_> = (1..=5000)
        .map(|n| batch_item(n, ItemState::Running))
        .collect();
    update(
        &mut model,
        batches_loaded(vec![batch_row(1, items, true)]),
        NOW,
    );
    model.jobs.expanded_batches.insert(BatchId(1));
    model.focus = Pane::Jobs;
    press(&mut model, KeyCode::End);
    assert_eq!(model.jobs.cursor, 5000);
    assert!(
        model.jobs.top > 4900 && model.jobs.top <= 5000,
        "{}",
        model.jobs.top
    );
    press(&mut model, KeyCode::Home);
    assert_eq!((model.jobs.cursor, model.jobs.top), (0, 0));
    press(&mut model, KeyCode::PageDown);
    assert!(model.jobs.cursor > 1, "a page, not a row");
    assert!(model.jobs.cursor >= model.jobs.top);
}

#[test]
fn more_outputs_ready_in_a_batch_are_announced() {
    let mut model = browsing(120, 40, 10);
    let before = vec![batch_row(5, vec![batch_item(1, ItemState::Running)], false)];
    update(&mut model, batches_loaded(before), NOW);
    model.status = None;
    let after = vec![batch_row(5, vec![batch_item(1, ItemState::Ready)], false)];
    update(&mut model, batches_loaded(after), NOW);
    let said = status(&model);
    assert!(
        said.starts_with("batch B5: 1 output is ready: select its row"),
        "{said}"
    );
}

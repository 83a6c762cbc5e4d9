//! Snapshots of batches on the screen: the dialog on the marks before and after
//! its summary, and the jobs pane's batch row, closed, opened to its archives,
//! and while its ready outputs download.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use crate::domain::range::MIB;
use crate::glacier::RetrievalPolicy;
use crate::store::BatchId;
use crate::tracking::batch::ReadyProgress;
use crate::tui::batch::{BatchStage, BatchWork};
use crate::tui::model::{Dialog, Model, Pane};
use crate::tui::msg::Msg;
use crate::tui::testing::*;
use crate::tui::testing_batch::*;
use crate::tui::update::update;

/// The jobs pane alone, `model.width`×12.
fn pane(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(model.width, 12)).unwrap();
    let area = Rect::new(0, 0, model.width, 12);
    terminal
        .draw(|frame| super::jobs::jobs(frame, model, area))
        .unwrap();
    text_of(&terminal)
}

fn press(model: &mut Model, code: KeyCode) {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        NOW,
    );
}

/// The batch dialog on three marked archives.
fn dialog_on_marks() -> Model {
    let mut model = browsing(120, 36, 10);
    for _ in 0..3 {
        press(&mut model, KeyCode::Char(' '));
    }
    press(&mut model, KeyCode::Char('l'));
    let Some(Dialog::Batch(dialog)) = model.dialog.as_mut() else {
        panic!("no batch dialog: {:?}", model.dialog)
    };
    dialog.folder = "/restore".into();
    model
}

#[test]
fn the_batch_dialog_asks_for_a_folder_and_a_tier() {
    insta::assert_snapshot!(screen(&dialog_on_marks()));
}

#[test]
fn the_batch_summary_says_what_is_paid_and_what_is_not() {
    let mut model = dialog_on_marks();
    let Some(Dialog::Batch(dialog)) = model.dialog.as_mut() else {
        panic!("the dialog closed")
    };
    let policy = RetrievalPolicy::BytesPerHour(64 * MIB);
    dialog.stage = BatchStage::Ready(prepared(3, Some(policy)));
    let drawn = screen(&model);
    assert!(drawn.contains("2 jobs to start, 96 MiB"), "{drawn}");
    assert!(drawn.contains("already in the folder"), "{drawn}");
    insta::assert_snapshot!(drawn);
}

/// The jobs pane focused on one batch of archives in every state but one.
fn with_batch(open: bool) -> Model {
    let mut model = browsing(120, 36, 10);
    let items = vec![
        batch_item(1, ItemState::Restored),
        batch_item(2, ItemState::Ready),
        batch_item(3, ItemState::Running),
        batch_item(4, ItemState::NoJob),
    ];
    update(
        &mut model,
        batches_loaded(vec![batch_row(9, items, open)]),
        NOW,
    );
    if open {
        model.jobs.expanded_batches.insert(BatchId(9));
    }
    model.focus = Pane::Jobs;
    model
}

#[test]
fn a_batch_is_one_row() {
    let drawn = pane(&with_batch(false));
    assert!(
        drawn.contains("1/4 restored · marked on the screen"),
        "{drawn}"
    );
    insta::assert_snapshot!(drawn);
}

#[test]
fn an_open_batch_lists_its_archives_beneath_it() {
    insta::assert_snapshot!(pane(&with_batch(true)));
}

#[test]
fn a_batch_downloading_shows_how_far_it_is() {
    let mut model = with_batch(false);
    model.jobs.batch_work.insert(
        BatchId(9),
        BatchWork::Downloading {
            to: "/restore".into(),
            progress: ReadyProgress {
                done: 1,
                ready: 2,
                bytes_done: 0,
                bytes_total: 0,
            },
            began: NOW,
        },
    );
    let drawn = pane(&model);
    assert!(drawn.contains("███░░░ 1/2"), "{drawn}");
    insta::assert_snapshot!(drawn);
}

#[test]
fn an_open_batch_of_thousands_draws_only_the_rows_in_sight() {
    let mut model = browsing(120, 36, 10);
    let items: Vec<_> = (1..=3000)
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
    let drawn = pane(&model);
    assert!(drawn.contains("└ P3100 scans/page-3000.tif"), "{drawn}");
    assert!(
        !drawn.contains("▾ B1"),
        "the batch's row is scrolled away: {drawn}"
    );
}

#[test]
fn a_drained_vault_says_how_far_its_drain_is_and_a_click_finds_the_vault_below_it() {
    use crate::store::DeletionTotals;
    use crate::tui::model::VaultSummary;
    use crate::tui::msg::Loaded;
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut model = browsing(120, 36, 10);
    let mut other = snapshot(20);
    other.id = 2;
    other.vault.key.name = "scans".into();
    let vaults = vec![
        VaultSummary {
            key: vault_key(),
            snapshot: Some(snapshot(10)),
            snapshot_count: 1,
            live_archives: None,
            deletions: DeletionTotals {
                asked: 4,
                done: 3,
                done_bytes: 3 * MIB,
            },
            migration: None,
        },
        VaultSummary {
            key: other.vault.key.clone(),
            snapshot: Some(other),
            snapshot_count: 1,
            live_archives: None,
            deletions: DeletionTotals::default(),
            migration: None,
        },
    ];
    update(&mut model, Msg::Loaded(Loaded::Vaults(Ok(vaults))), NOW);
    let drawn = screen(&model);
    assert!(drawn.contains("deleted 3, 1 unanswered"), "{drawn}");
    // The first vault takes four lines, so the fifth line is the second vault.
    model.config.mouse = true;
    let areas = crate::tui::layout::areas(120, 36, false).unwrap();
    let click = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: areas.vaults.x + 2,
        row: areas.vaults.y + 1 + 4,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut model, click, NOW);
    assert_eq!(model.vault_cursor, 1);
}

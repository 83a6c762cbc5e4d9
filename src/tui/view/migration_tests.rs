//! Snapshots of migrations on the screen: the dialog on the marks (its fields,
//! a refusal with its fix, the summary), a migration's row in the jobs pane,
//! a vault's newest migration in the vaults pane, part way and done, and the
//! drain of what it copied.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use crate::store::BatchId;
use crate::tui::batch::BatchWork;
use crate::tui::migration::MigrationStage;
use crate::tui::model::{Dialog, Model, Pane, VaultSummary};
use crate::tui::msg::{Loaded, Msg, VaultProgress};
use crate::tui::testing::*;
use crate::tui::testing_batch::*;
use crate::tui::testing_migration::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) {
    update(
        model,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        NOW,
    );
}

/// The migration dialog on three marked archives, in the demo.
fn dialog_on_marks() -> Model {
    let mut model = browsing(120, 40, 10);
    model.session.default_bucket = Some("demo-migrated".into());
    model.session.s3_endpoint_url = Some("http://127.0.0.1:40212".into());
    for _ in 0..3 {
        press(&mut model, KeyCode::Char(' '));
    }
    press(&mut model, KeyCode::Char('m'));
    model
}

#[test]
fn the_migration_dialog_asks_where_at_which_class_and_tier() {
    let mut model = dialog_on_marks();
    let drawn = screen(&model);
    assert!(
        drawn.contains("S3 at http://127.0.0.1:40212, not AWS"),
        "{drawn}"
    );
    // On the class, what it means is said beside it.
    press(&mut model, KeyCode::Tab);
    press(&mut model, KeyCode::Tab);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn a_refusal_is_one_line_with_its_fix_on_the_field_that_fixes_it() {
    let mut model = dialog_on_marks();
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        panic!("no migration dialog")
    };
    dialog.field = crate::tui::migration::Field::AcrossRegions;
    dialog.refusal = Some("the bucket demo-migrated is in eu-west-1 and the vault in us-east-1: copying between regions is paid for by the byte, so it is done only with 'across regions' at yes (↓ there changes it), or type a bucket in us-east-1; then press Enter".into());
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_migration_summary_says_what_is_paid_and_what_the_storage_costs() {
    let mut model = dialog_on_marks();
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        panic!("no migration dialog")
    };
    dialog.stage = MigrationStage::Ready(migrating(3, &[]));
    let drawn = screen(&model);
    assert!(drawn.contains("2 jobs to start, 96 MiB"), "{drawn}");
    assert!(drawn.contains("1 copied (not paid again)"), "{drawn}");
    assert!(drawn.contains("a month at DEEP_ARCHIVE"), "{drawn}");
    insta::assert_snapshot!(drawn);
    // Everything in the bucket already: Enter only records it.
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        panic!("no migration dialog")
    };
    dialog.stage = MigrationStage::Ready(migrating(1, &[]));
    let drawn = screen(&model);
    assert!(
        drawn.contains("every archive is in the bucket already: Enter records them as copied"),
        "{drawn}"
    );
}

#[test]
fn the_summary_warns_when_every_job_will_notify_the_vaults_topic() {
    let mut model = dialog_on_marks();
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        panic!("no migration dialog")
    };
    let mut told = migrating(3, &[]);
    std::sync::Arc::make_mut(&mut told.prepared).notices =
        crate::tracking::migrate::Notices::On(crate::glacier::VaultNotifications {
            topic: "arn:aws:sns:us-east-1:1:restores\u{1b}[2J".into(),
            events: vec!["ArchiveRetrievalCompleted".into()],
        });
    dialog.stage = MigrationStage::Ready(told);
    let drawn = screen(&model);
    assert!(
        drawn.contains("the vault notifies arn:aws:sns:us-east-1:1:restores"),
        "{drawn}"
    );
    assert!(
        drawn.contains("every finished retrieval: about 2"),
        "{drawn}"
    );
    assert!(!drawn.contains('\u{1b}'));
}

#[test]
fn a_migration_is_one_row_in_the_jobs_pane() {
    let mut model = browsing(120, 36, 10);
    let mut row = batch_row(
        4,
        vec![
            batch_item(1, ItemState::Restored),
            batch_item(2, ItemState::Ready),
            batch_item(3, ItemState::Running),
        ],
        true,
    );
    row.entry.to = "s3://demo-migrated/family-photos/".into();
    row.items[0].finished = Some("s3://demo-migrated/family-photos/scans/page-1.tif".into());
    update(&mut model, batches_loaded(vec![row]), NOW);
    model.jobs.expanded_batches.insert(BatchId(4));
    model.jobs.batch_work.insert(
        BatchId(4),
        BatchWork::Migrating {
            started: 2,
            to_start: 2,
            held: None,
        },
    );
    model.focus = Pane::Jobs;
    let mut terminal = Terminal::new(TestBackend::new(120, 8)).unwrap();
    terminal
        .draw(|frame| super::jobs::jobs(frame, &model, Rect::new(0, 0, 120, 8)))
        .unwrap();
    let drawn = text_of(&terminal);
    // The screen carries it on already: neither key has anything to do.
    let footer = screen(&model);
    assert!(!footer.contains("l  carry on"), "{footer}");
    assert!(!footer.contains("d  download"), "{footer}");
    let mut left = model.clone();
    left.jobs.batch_work.clear();
    let footer = screen(&left);
    assert!(footer.contains("l  carry on"), "{footer}");
    assert!(!footer.contains("d  download"), "{footer}");
    assert!(
        drawn.contains("1/3 copied · marked on the screen"),
        "{drawn}"
    );
    assert!(drawn.contains("copying      1 ready"), "{drawn}");
    assert!(drawn.contains("object written"), "{drawn}");
    insta::assert_snapshot!(drawn);
}

/// The vaults pane alone, 30×12.
fn vaults_pane(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(30, 12)).unwrap();
    terminal
        .draw(|frame| super::panes::vaults(frame, model, Rect::new(0, 0, 30, 12)))
        .unwrap();
    text_of(&terminal)
}

/// Browsing a vault whose newest migration the cache counted as `progress`,
/// as the store's answer brings it.
fn with_progress(progress: crate::store::MigrationProgress) -> Model {
    let mut model = browsing(120, 36, 10);
    let answer = vec![VaultProgress {
        key: vault_key(),
        deletions: Default::default(),
        migration: Some(progress),
    }];
    update(&mut model, Msg::Loaded(Loaded::Progress(Ok(answer))), NOW);
    model
}

#[test]
fn a_vault_being_migrated_says_what_is_copied_and_when_it_should_end() {
    let mut model = with_progress(migration_progress());
    // Nothing works on it: it waits for its archives without a job.
    let stopped = vaults_pane(&model);
    assert!(stopped.contains("copied 3/10 to S3"), "{stopped}");
    assert!(stopped.contains("144 MiB/480 MiB"), "{stopped}");
    assert!(stopped.contains("4 to start"), "{stopped}");
    // Carried on by the screen: the last starts, then Bulk's 12 hours.
    model.jobs.batch_work.insert(
        BatchId(4),
        BatchWork::Migrating {
            started: 0,
            to_start: 4,
            held: None,
        },
    );
    insta::assert_snapshot!(vaults_pane(&model));
}

#[test]
fn a_migrated_vault_says_done_and_a_click_finds_the_vault_below_it() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut done = migration_progress();
    done.copied = done.archives;
    done.copied_bytes = done.bytes;
    let mut model = with_progress(done);
    let mut other = snapshot(20);
    other.vault.key.name = "scans".into();
    let mut vaults = model.vaults.clone();
    vaults.push(VaultSummary {
        key: other.vault.key.clone(),
        snapshot: Some(other),
        snapshot_count: 1,
        live_archives: None,
        deletions: Default::default(),
        migration: None,
    });
    model.vaults = vaults;
    let drawn = vaults_pane(&model);
    assert!(drawn.contains("copied 10/10 to S3"), "{drawn}");
    assert!(drawn.contains("  done"), "{drawn}");
    // The first vault takes six lines, so the seventh is the second vault.
    model.config.mouse = true;
    let areas = crate::tui::layout::areas(120, 36, false).unwrap();
    let click = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: areas.vaults.x + 2,
        row: areas.vaults.y + 1 + 6,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut model, click, NOW);
    assert_eq!(model.vault_cursor, 1);
}

#[test]
fn the_drain_dialog_says_what_goes_what_stays_and_what_it_costs() {
    let mut model = with_progress(migration_progress());
    model.focus = Pane::Vaults;
    let drawn = screen(&model);
    assert!(drawn.contains("D  drain copied"), "{drawn}");
    model.dialog = Some(Dialog::Drain(crate::tui::drain::DrainDialog {
        vault: vault_key(),
        stage: crate::tui::drain::DrainStage::Ready(draining(3)),
    }));
    let drawn = screen(&model);
    assert!(
        drawn.contains("to delete: 3 archives (144 MiB), copied to S3 and verified"),
        "{drawn}"
    );
    insta::assert_snapshot!(drawn);
}

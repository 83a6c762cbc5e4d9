//! Snapshots of migrations on the screen: a vault's newest migration in the
//! vaults pane, part way and done.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use crate::tui::model::{Model, VaultSummary};
use crate::tui::msg::{Loaded, Msg, VaultProgress};
use crate::tui::testing::*;
use crate::tui::testing_migration::*;
use crate::tui::update::update;

fn text_of(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
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
fn migrating(progress: crate::store::MigrationProgress) -> Model {
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
    let mut model = migrating(migration_progress());
    // Nothing works on it: it waits for its archives without a job.
    let stopped = vaults_pane(&model);
    assert!(stopped.contains("copied 3/10 to S3"), "{stopped}");
    assert!(stopped.contains("144 MiB/480 MiB"), "{stopped}");
    assert!(stopped.contains("4 to start"), "{stopped}");
    // Carried on by the screen: the last starts, then Bulk's 12 hours.
    model.jobs.batch_work.insert(
        crate::store::BatchId(4),
        crate::tui::batch::BatchWork::Migrating {
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
    let mut model = migrating(done);
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

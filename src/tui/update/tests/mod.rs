//! Reducer tests: a model and a message in, the model and the commands out. Here
//! browsing and planning; `spending` has launching, jobs and downloads, `plans`
//! the jobs pane's rows of plans.

mod batch;
mod carry_on;
mod context_scenarios;
mod contexts;
mod drain;
mod marks;
mod member_restore;
mod members;
mod migration;
mod plans;
mod renew;
mod spending;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::job::JobStatus;
use crate::domain::job_params::Tier;
use crate::domain::range::{ByteRange, MIB, PlanKind};
use crate::glacier::RetrievalPolicy;
use crate::store::ArchivePage;
use crate::tui::model::{Dialog, Pane, PolicyCheck, Severity};
use crate::tui::msg::{Cmd, Loaded, Msg};
use crate::tui::testing::*;
use crate::tui::update::{next_wake, update};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(model: &mut crate::tui::model::Model, text: &str) -> Vec<Cmd> {
    text.chars()
        .flat_map(|c| update(model, key(KeyCode::Char(c)), NOW))
        .collect()
}

#[test]
fn the_first_screen_asks_for_one_page_and_the_jobs() {
    let mut model = crate::tui::model::Model::new(
        crate::tui::config::Config::defaults(),
        session(false),
        NOW,
        120,
        40,
    );
    let vaults = vec![crate::tui::model::VaultSummary {
        key: vault_key(),
        snapshot: Some(snapshot(1_000_000)),
        snapshot_count: 1,
        live_archives: None,
        deletions: Default::default(),
        migration: None,
    }];
    let cmds = update(&mut model, Msg::Loaded(Loaded::Vaults(Ok(vaults))), NOW);
    let pages: Vec<_> = cmds
        .iter()
        .filter_map(|cmd| match cmd {
            Cmd::LoadPage { query, .. } => Some(query.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(pages.len(), 1, "{cmds:?}");
    // Only what the screen shows, and a screen either side: never the whole million.
    assert!(pages[0].limit < 200, "{}", pages[0].limit);
    assert!(
        cmds.iter()
            .any(|cmd| matches!(cmd, Cmd::SyncJobs { vaults, .. } if vaults.len() == 1))
    );
}

#[test]
fn moving_within_loaded_rows_asks_nothing_and_past_them_asks_once() {
    let mut model = browsing(120, 40, 1_000_000);
    assert!(update(&mut model, key(KeyCode::Down), NOW).is_empty());
    assert_eq!(model.archives.cursor, 1);
    assert_eq!(model.archives.selected().map(|a| a.position), Some(2));
    let cmds = update(&mut model, key(KeyCode::End), NOW);
    assert_eq!(model.archives.cursor, 999_999);
    let [Cmd::LoadPage { request, query, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(
        query.offset > 999_000 && query.offset < 999_999,
        "{}",
        query.offset
    );
    // A second move while the page is on its way does not ask again.
    assert!(update(&mut model, key(KeyCode::Up), NOW).is_empty());
    let rows = archives(query.offset as u32 + 1, 50);
    update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request: *request,
            result: Ok(ArchivePage {
                total: 1_000_000,
                archives: rows,
            }),
        }),
        NOW,
    );
    assert!(model.archives.selected().is_some());
}

#[test]
fn typing_a_filter_drops_answers_to_older_filters() {
    let mut model = browsing(120, 40, 500);
    update(&mut model, key(KeyCode::Char('/')), NOW);
    assert!(model.archives.filtering);
    let first = typed(&mut model, "i");
    let second = typed(&mut model, "m");
    let id_of = |cmds: &[Cmd]| match cmds {
        [Cmd::LoadPage { request, query, .. }] => (*request, query.filter.clone()),
        other => panic!("{other:?}"),
    };
    let (old, old_filter) = id_of(&first);
    let (new, new_filter) = id_of(&second);
    assert_eq!(old_filter.as_deref(), Some("i"));
    assert_eq!(new_filter.as_deref(), Some("im"));
    // The stale answer arrives late: ignored.
    update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request: old,
            result: Ok(ArchivePage {
                total: 7,
                archives: archives(1, 7),
            }),
        }),
        NOW,
    );
    assert_eq!(model.archives.total, 500);
    update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request: new,
            result: Ok(ArchivePage {
                total: 3,
                archives: archives(1, 3),
            }),
        }),
        NOW,
    );
    assert_eq!(model.archives.total, 3);
    // Esc clears the filter and shows everything again.
    let cmds = update(&mut model, key(KeyCode::Esc), NOW);
    assert!(!model.archives.filtering);
    assert!(matches!(cmds.as_slice(), [Cmd::LoadPage { query, .. }] if query.filter.is_none()));
}

#[test]
fn sorting_starts_from_the_top_in_the_new_order() {
    let mut model = browsing(120, 40, 500);
    update(&mut model, key(KeyCode::Down), NOW);
    let cmds = update(&mut model, key(KeyCode::Char('s')), NOW);
    assert_eq!(model.archives.cursor, 0);
    assert!(
        matches!(cmds.as_slice(), [Cmd::LoadPage { query, .. }] if query.sort == crate::store::SortKey::Size && !query.descending)
    );
    let cmds = update(&mut model, key(KeyCode::Char('S')), NOW);
    assert!(matches!(cmds.as_slice(), [Cmd::LoadPage { query, .. }] if query.descending));
}

#[test]
fn planning_a_range_snaps_moves_by_mib_and_previews_the_exact_jobs() {
    let mut model = browsing(120, 40, 10);
    update(&mut model, key(KeyCode::Char('r')), NOW);
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!("no planner")
    };
    assert_eq!(
        dialog.want,
        ByteRange {
            start: 0,
            end: 48 * MIB - 1
        }
    );
    assert_eq!(dialog.text, "0MiB-48MiB");
    // Type a range of chunks 7 and 8 of the 48 MiB archive.
    for _ in 0..dialog.text.len() {
        update(&mut model, key(KeyCode::Backspace), NOW);
    }
    typed(&mut model, "7MiB-9MiB");
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!()
    };
    assert_eq!(
        dialog.want,
        ByteRange {
            start: 7 * MIB,
            end: 9 * MIB - 1
        }
    );
    assert_eq!(dialog.problem, None);
    // Down moves the end a MiB further; Tab then Up moves the start back a MiB.
    update(&mut model, key(KeyCode::Down), NOW);
    update(&mut model, key(KeyCode::Tab), NOW);
    update(&mut model, key(KeyCode::Up), NOW);
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!()
    };
    assert_eq!(
        dialog.want,
        ByteRange {
            start: 6 * MIB,
            end: 10 * MIB - 1
        }
    );
    assert_eq!(dialog.text, "6MiB-10MiB");
    // Choose the split plan and preview it: chunks 6-7 and 8-9 as two aligned jobs.
    update(&mut model, key(KeyCode::Right), NOW);
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!()
    };
    assert_eq!(dialog.chosen, PlanKind::Split);
    update(&mut model, key(KeyCode::Enter), NOW);
    let Some(Dialog::Preview(preview)) = &model.dialog else {
        panic!("{:?}", model.dialog)
    };
    assert_eq!(preview.planned.jobs.len(), 2);
    let text = preview.text();
    assert!(
        text.contains("\"RetrievalByteRange\": \"6291456-8388607\""),
        "{text}"
    );
    assert!(
        text.contains("\"RetrievalByteRange\": \"8388608-10485759\""),
        "{text}"
    );
    assert!(
        text.contains("aws glacier initiate-job --account-id - --vault-name family-photos"),
        "{text}"
    );
}

#[test]
fn a_typo_in_the_range_is_explained_and_blocks_the_preview() {
    let mut model = browsing(120, 40, 10);
    update(&mut model, key(KeyCode::Char('r')), NOW);
    typed(&mut model, "zz");
    let Some(Dialog::Range(dialog)) = &model.dialog else {
        panic!()
    };
    assert!(
        dialog
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("is not a unit")),
        "{:?}",
        dialog.problem
    );
    update(&mut model, key(KeyCode::Enter), NOW);
    assert!(matches!(model.dialog, Some(Dialog::Range(_))));
}

#[test]
fn reusing_a_job_spends_nothing() {
    let mut model = browsing(120, 40, 10);
    update(
        &mut model,
        one_job_loaded("ready-job", JobStatus::Succeeded),
        NOW,
    );
    update(&mut model, key(KeyCode::Char('p')), NOW);
    update(&mut model, key(KeyCode::Char('l')), NOW);
    let cmds = update(&mut model, key(KeyCode::Char('d')), NOW);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(model.dialog.is_none());
    assert_eq!(model.focus, Pane::Jobs);
    assert!(
        model
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains("reusing job ready-job"))
    );
}

#[test]
fn a_filter_that_keeps_nothing_is_an_answer_not_a_reason_to_ask_again() {
    let mut model = browsing(120, 40, 500);
    update(&mut model, key(KeyCode::Char('/')), NOW);
    let cmds = typed(&mut model, "zzqp");
    let Some(Cmd::LoadPage { request, .. }) = cmds.last() else {
        panic!("{cmds:?}")
    };
    let cmds = update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request: *request,
            result: Ok(ArchivePage {
                total: 0,
                archives: Vec::new(),
            }),
        }),
        NOW,
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(model.archives.total, 0);
    assert!(model.archives.selected().is_none());
    assert!(update(&mut model, key(KeyCode::Down), NOW).is_empty());
}

//! Whole-screen snapshots of every pane and dialog, drawn on ratatui's test
//! backend with `now` fixed. A change to the screen shows up as a diff to review.

use crossterm::event::KeyCode;

use crate::domain::job::JobStatus;
use crate::domain::range::{ByteRange, MIB};
use crate::glacier::RetrievalPolicy;
use crate::store::{FolderEntry, FolderEntryKind};
use crate::tui::model::{DownloadState, DownloadView};
use crate::tui::msg::{Cmd, Loaded, Msg};
use crate::tui::testing::*;
use crate::tui::update::update;

#[test]
fn browsing_a_vault() {
    let mut model = browsing(120, 36, 3005);
    update(
        &mut model,
        jobs_loaded(vec![
            job(
                "job-running",
                JobStatus::InProgress,
                Some(ByteRange {
                    start: 0,
                    end: 16 * MIB - 1,
                }),
            ),
            job("job-ready", JobStatus::Succeeded, None),
        ]),
        NOW,
    );
    // The download of the ready job's plan, P2.
    model.jobs.downloads.insert(
        "P2".into(),
        DownloadView {
            done: 0,
            total: 0,
            started: NOW - time::Duration::seconds(2),
            state: DownloadState::Running,
        },
    );
    update(
        &mut model,
        Msg::Loaded(Loaded::DownloadProgress {
            job_id: "P2".into(),
            done: 12 * MIB,
            total: 48 * MIB,
        }),
        NOW,
    );
    press(&mut model, KeyCode::Down);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn filtering_as_you_type() {
    let mut model = browsing(100, 24, 3005);
    press(&mut model, KeyCode::Char('/'));
    for c in "img_00".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_folder_tree() {
    let mut model = browsing(100, 24, 3005);
    let cmds = press(&mut model, KeyCode::Char('t'));
    let [Cmd::LoadFolder { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let entries = vec![
        FolderEntry {
            name: "2018".into(),
            kind: FolderEntryKind::Folder {
                archives: 120,
                total_size: 6 << 30,
            },
        },
        FolderEntry {
            name: "scans".into(),
            kind: FolderEntryKind::Folder {
                archives: 3,
                total_size: 10 << 20,
            },
        },
        FolderEntry {
            name: "notes.txt".into(),
            kind: FolderEntryKind::Archive {
                position: 9,
                size: 2048,
            },
        },
    ];
    update(
        &mut model,
        Msg::Loaded(Loaded::Folder {
            request: *request,
            result: Ok(entries),
        }),
        NOW,
    );
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_range_planner() {
    let mut model = browsing(120, 36, 10);
    press(&mut model, KeyCode::Char('r'));
    for _ in 0..12 {
        press(&mut model, KeyCode::Backspace);
    }
    for c in "7MiB-9MiB".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_job_preview() {
    let mut model = browsing(120, 36, 10);
    press(&mut model, KeyCode::Char('p'));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_launch_step_with_reuse_and_confirmation() {
    let mut model = browsing(120, 36, 10);
    update(
        &mut model,
        jobs_loaded(vec![job("job-ready", JobStatus::Succeeded, None)]),
        NOW,
    );
    press(&mut model, KeyCode::Char('p'));
    let cmds = press(&mut model, KeyCode::Char('l'));
    let [Cmd::LoadPolicy { request }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::Policy {
            request: *request,
            result: Ok(RetrievalPolicy::BytesPerHour(1 << 30)),
        }),
        NOW,
    );
    press(&mut model, KeyCode::Enter);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_download_folder() {
    let mut model = browsing(100, 24, 10);
    update(
        &mut model,
        jobs_loaded(vec![job("job-ready", JobStatus::Succeeded, None)]),
        NOW,
    );
    press(&mut model, KeyCode::Tab);
    press(&mut model, KeyCode::Char('d'));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn help_from_the_keymap() {
    let mut model = browsing(100, 36, 10);
    press(&mut model, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn help_in_the_planner_lists_only_keys_that_work_while_typing() {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char('r'));
    press(&mut model, KeyCode::F(1));
    let drawn = screen(&model);
    assert!(!drawn.contains("(unbound)"), "{drawn}");
    insta::assert_snapshot!(drawn);
}

#[test]
fn the_explain_panel() {
    let mut model = browsing(100, 30, 10);
    press(&mut model, KeyCode::Char('e'));
    press(&mut model, KeyCode::Char('r'));
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn the_explain_panel_under_the_launch_step() {
    let mut model = browsing(120, 40, 10);
    press(&mut model, KeyCode::Char('p'));
    let cmds = press(&mut model, KeyCode::Char('l'));
    let [Cmd::LoadPolicy { request }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::Policy {
            request: *request,
            result: Ok(RetrievalPolicy::FreeTier),
        }),
        NOW,
    );
    press(&mut model, KeyCode::Char('e'));
    press(&mut model, KeyCode::Up);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn a_tiny_terminal_says_so() {
    let model = browsing(40, 10, 10);
    insta::assert_snapshot!(screen(&model));
}

#[test]
fn hostile_descriptions_reach_the_screen_without_control_characters() {
    let mut model = browsing(120, 36, 10);
    let mut evil = archive(1, "evil\u{1b}[2Jname", 1024);
    evil.description = "\u{1b}]52;c;aGk=\u{7}\u{202e}txt.exe".into();
    evil.archive_id = "id\u{9b}31m".into();
    let request = model.request();
    model.archives.pending = Some(request);
    model.archives.rows.clear();
    update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request,
            result: Ok(crate::store::ArchivePage {
                total: 1,
                archives: vec![evil],
            }),
        }),
        NOW,
    );
    let text = screen(&model);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

#[test]
fn every_size_draws_without_panicking() {
    for (width, height) in [
        (1, 1),
        (20, 5),
        (59, 17),
        (60, 18),
        (80, 24),
        (200, 60),
        (400, 120),
    ] {
        let mut model = browsing(width, height, 3005);
        screen(&model);
        press(&mut model, KeyCode::Char('r'));
        screen(&model);
        press(&mut model, KeyCode::Enter);
        screen(&model);
        press(&mut model, KeyCode::Char('?'));
        screen(&model);
    }
}

/// Bidirectional controls and invisible characters, which would reorder or hide
/// what the screen shows.
fn hides_or_reorders(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2060}'
            | '\u{feff}'
            | '\u{061c}'
    )
}

#[test]
fn text_from_glacier_shows_bidirectional_and_invisible_characters_by_code_point() {
    let mut model = browsing(160, 40, 10);
    let mut failed = job("job\u{202e}321", JobStatus::Failed, None);
    failed.vault.name = "cat\u{202e}gpj\u{200b}.exe".into();
    if let Some(state) = failed.state.as_mut() {
        state.completed_at = Some(NOW - time::Duration::hours(1));
        state.status_message = Some("refused\u{2066}by\u{2069}policy".into());
    }
    update(&mut model, jobs_loaded(vec![failed]), NOW);
    model.jobs.expanded.insert(crate::store::PlanId(1));
    let text = screen(&model);
    assert!(!text.chars().any(hides_or_reorders), "{text:?}");
    // The columns cut long cells; what is left shows the characters by code point.
    assert!(text.contains("│cat<U+202E>gp "), "{text}");
    assert!(text.contains(" job<U+202E>3"), "{text}");
    assert!(text.contains(" refused<U+2066>"), "{text}");

    // A problem Glacier reported, in the status bar.
    update(
        &mut model,
        Msg::Loaded(Loaded::Jobs(Err(
            "Glacier refused: denied\u{202e}txt.exe\u{feff}".into(),
        ))),
        NOW,
    );
    let text = screen(&model);
    assert!(!text.chars().any(hides_or_reorders), "{text:?}");
    assert!(text.contains("denied<U+202E>txt.exe<U+FEFF>"), "{text}");
}

#[test]
fn the_vault_title_and_the_archive_panel_show_hidden_characters_by_code_point() {
    let mut model = browsing(160, 40, 10);
    let mut evil = archive(1, "name", 1024);
    evil.description = "desc\u{202e}gpj.exe".into();
    evil.archive_id = "id\u{200d}x".into();
    let request = model.request();
    model.archives.pending = Some(request);
    model.archives.rows.clear();
    update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request,
            result: Ok(crate::store::ArchivePage {
                total: 1,
                archives: vec![evil],
            }),
        }),
        NOW,
    );
    if let Some(vault) = model.vaults.first_mut() {
        vault.key.account = "12\u{202e}34".into();
    }
    let text = screen(&model);
    assert!(!text.chars().any(hides_or_reorders), "{text:?}");
    assert!(text.contains("account 12<U+202E>34"), "{text}");
    assert!(text.contains("desc<U+202E>gpj.exe"), "{text}");
    assert!(text.contains("id<U+200D>x"), "{text}");
}

#[test]
fn the_tour_panel_names_the_step_and_lights_its_key_beside_the_explanation() {
    use crate::tui::tour::{Progress, Tour};
    let mut model = browsing(120, 36, 10);
    let progress = Progress {
        step: Some("plans".into()),
        ..Progress::default()
    };
    model.tour = Tour::new("demo/tour.json".into(), progress, true);
    press(&mut model, KeyCode::Char('r'));
    for _ in 0..12 {
        press(&mut model, KeyCode::Backspace);
    }
    for c in "5MiB+4MiB".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    insta::assert_snapshot!("tour_alone", screen(&model));
    press(&mut model, KeyCode::F(2));
    insta::assert_snapshot!("tour_beside_explain", screen(&model));
}

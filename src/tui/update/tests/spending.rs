//! Reducer tests of what spends or follows spending: launching, reuse, read-only
//! mode, the jobs pane, downloads, and the mouse and quitting.

use super::*;

#[test]
fn launching_checks_the_policy_offers_reuse_and_asks_twice() {
    let mut model = browsing(120, 40, 10);
    let whole_job = job("ready-job", JobStatus::Succeeded, None);
    update(&mut model, jobs_loaded(vec![whole_job]), NOW);
    update(&mut model, key(KeyCode::Char('p')), NOW);
    assert!(matches!(model.dialog, Some(Dialog::Preview(_))));
    let cmds = update(&mut model, key(KeyCode::Char('l')), NOW);
    let [Cmd::LoadPolicy { request }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let Some(Dialog::Launch(launch)) = &model.dialog else {
        panic!()
    };
    assert_eq!(launch.reusable, vec!["ready-job".to_owned()]);
    update(
        &mut model,
        Msg::Loaded(Loaded::Policy {
            request: *request,
            result: Ok(RetrievalPolicy::None),
        }),
        NOW,
    );
    // Down picks a faster tier; the preview follows it.
    update(&mut model, key(KeyCode::Down), NOW);
    let Some(Dialog::Launch(launch)) = &model.dialog else {
        panic!()
    };
    assert_eq!(launch.policy, PolicyCheck::Known(RetrievalPolicy::None));
    assert_eq!(launch.preview.tier, Tier::Expedited);
    assert!(launch.preview.text().contains("\"Tier\": \"Expedited\""));
    // The first Enter only asks; the second starts the job.
    assert!(update(&mut model, key(KeyCode::Enter), NOW).is_empty());
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    assert!(
        matches!(cmds.as_slice(), [Cmd::Launch { planned, .. }] if planned.jobs.len() == 1 && planned.jobs[0].to_json_compact().contains("Expedited")),
        "{cmds:?}"
    );
    assert!(model.dialog.is_none());
}

#[test]
fn read_only_mode_plans_and_previews_but_never_spends() {
    let mut model = browsing(120, 40, 10);
    model.session.read_only = true;
    update(&mut model, key(KeyCode::Char('p')), NOW);
    assert!(matches!(model.dialog, Some(Dialog::Preview(_))));
    let cmds = update(&mut model, key(KeyCode::Char('y')), NOW);
    assert!(
        matches!(cmds.as_slice(), [Cmd::CopyToClipboard(text)] if text.contains("archive-retrieval"))
    );
    let cmds = update(&mut model, key(KeyCode::Char('l')), NOW);
    assert!(cmds.is_empty());
    assert!(matches!(model.dialog, Some(Dialog::Preview(_))));
    let status = model.status.clone().unwrap();
    assert_eq!(status.severity, Severity::Problem);
    assert!(status.text.contains("read-only"), "{}", status.text);
    model.dialog = None;
    assert!(update(&mut model, key(KeyCode::Char('i')), NOW).is_empty());
}

#[test]
fn a_read_only_cache_is_browsed_and_names_the_fix_for_spending() {
    let mut model = browsing(120, 40, 10);
    let data_dir = std::path::PathBuf::from("/srv/defrost-cache");
    update(
        &mut model,
        Msg::Loaded(Loaded::CacheReadOnly(data_dir)),
        NOW,
    );
    assert!(model.session.read_only);
    let status = model.status.clone().unwrap();
    assert!(
        status.text.contains("/srv/defrost-cache is read-only"),
        "{}",
        status.text
    );
    update(&mut model, key(KeyCode::Char('p')), NOW);
    assert!(update(&mut model, key(KeyCode::Char('l')), NOW).is_empty());
    let status = model.status.clone().unwrap();
    assert_eq!(status.severity, Severity::Problem);
    for mention in ["/srv/defrost-cache", "writable --data-dir"] {
        assert!(status.text.contains(mention), "{}", status.text);
    }
    assert!(
        !status.text.contains("without --read-only"),
        "{}",
        status.text
    );
}

#[test]
fn a_job_that_finishes_is_announced_with_the_bell_and_can_be_downloaded() {
    let mut model = browsing(120, 40, 10);
    update(
        &mut model,
        one_job_loaded("job-1", JobStatus::InProgress),
        NOW,
    );
    assert!(next_wake(&model).is_some());
    let cmds = update(
        &mut model,
        one_job_loaded("job-1", JobStatus::Succeeded),
        NOW,
    );
    assert_eq!(cmds, vec![Cmd::Bell]);
    assert!(
        model
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains("job-1 is ready"))
    );
    update(&mut model, key(KeyCode::Tab), NOW);
    assert_eq!(model.focus, Pane::Jobs);
    update(&mut model, key(KeyCode::Char('d')), NOW);
    let Some(Dialog::Download(dialog)) = &model.dialog else {
        panic!("{:?}", model.dialog)
    };
    assert_eq!(dialog.folder, "restores");
    let cmds = update(&mut model, key(KeyCode::Enter), NOW);
    // The job's plan is downloaded, by the plan's id.
    assert!(matches!(cmds.as_slice(), [Cmd::Download { job_id, .. }] if job_id == "P1"));
    update(
        &mut model,
        Msg::Loaded(Loaded::DownloadProgress {
            job_id: "P1".into(),
            done: 10,
            total: 40,
        }),
        NOW,
    );
    assert_eq!(model.jobs.downloads["P1"].done, 10);
}

#[test]
fn an_idle_screen_sleeps_until_something_can_change() {
    let model = browsing(120, 40, 10);
    assert_eq!(next_wake(&model), None);
}

#[test]
fn a_job_in_progress_cannot_be_downloaded_and_says_why() {
    let mut model = browsing(120, 40, 10);
    update(
        &mut model,
        one_job_loaded("job-1", JobStatus::InProgress),
        NOW,
    );
    model.focus = Pane::Jobs;
    assert!(update(&mut model, key(KeyCode::Char('d')), NOW).is_empty());
    assert!(model.dialog.is_none());
    assert!(
        model
            .status
            .as_ref()
            .is_some_and(|s| s.text.contains("none of its jobs is ready yet"))
    );
}

#[test]
fn ctrl_c_quits_from_anywhere_and_q_is_typed_in_fields() {
    let mut model = browsing(120, 40, 10);
    update(&mut model, key(KeyCode::Char('r')), NOW);
    update(&mut model, key(KeyCode::Char('q')), NOW);
    assert!(!model.quit);
    let cmds = update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        NOW,
    );
    assert_eq!(cmds, vec![Cmd::Quit]);
    assert!(model.quit);
}

#[test]
fn the_mouse_works_only_when_switched_on_and_selects_what_is_clicked() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let click = |column, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut model = browsing(120, 40, 50);
    let areas = crate::tui::layout::areas(120, 40, false).unwrap();
    // Off by default: a click changes nothing.
    update(
        &mut model,
        click(areas.archives.x + 5, areas.archives.y + 6),
        NOW,
    );
    assert_eq!(model.archives.cursor, 0);
    model.config.mouse = true;
    // The third data row (under the border and the header) is selected.
    update(
        &mut model,
        click(areas.archives.x + 5, areas.archives.y + 4),
        NOW,
    );
    assert_eq!(model.archives.cursor, 2);
    assert_eq!(model.focus, Pane::Archives);
    let wheel = Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    update(&mut model, wheel, NOW);
    assert_eq!(model.archives.cursor, 3);
    update(&mut model, click(areas.jobs.x + 5, areas.jobs.y + 1), NOW);
    assert_eq!(model.focus, Pane::Jobs);
}

#[test]
fn the_jobs_pane_puts_its_cursor_on_the_job_just_launched() {
    let mut model = browsing(120, 40, 10);
    let older = job("older-job", JobStatus::Succeeded, None);
    update(&mut model, jobs_loaded(vec![older.clone()]), NOW);
    let cmds = update(
        &mut model,
        Msg::Loaded(Loaded::Launched(Ok(vec!["new-job".into()]))),
        NOW,
    );
    assert!(
        matches!(cmds.as_slice(), [Cmd::SyncJobs { .. }]),
        "{cmds:?}"
    );
    assert_eq!(model.focus, Pane::Jobs);
    let new = job("new-job", JobStatus::InProgress, None);
    update(&mut model, jobs_loaded(vec![older, new]), NOW);
    assert_eq!(model.jobs.cursor, 1);
    assert_eq!(model.jobs.follow, None);
}

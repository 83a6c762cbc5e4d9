//! Reducer tests of the jobs pane's plans: a row per plan, expanded to its jobs
//! with Enter, the cursor over the rows shown and kept on its plan across a
//! reload, and `d` downloading the whole plan.

use super::*;
use crate::store::{PlanEntry, PlanId};
use crate::tui::model::{JobsRow, Model};

/// The journal holds a 6-job split plan (two ready) and, after it, a whole
/// plan; the jobs pane has the focus.
fn two_plans() -> Model {
    let mut model = browsing(120, 40, 10);
    update(&mut model, plans_loaded(two_plan_entries()), NOW);
    model.focus = Pane::Jobs;
    model
}

fn two_plan_entries() -> Vec<PlanEntry> {
    let whole = plan(2, None, vec![job("whole-job", JobStatus::Succeeded, None)]);
    vec![split_plan(1, 2), whole]
}

#[test]
fn enter_expands_a_plan_to_its_jobs_and_collapses_it_again() {
    let mut model = two_plans();
    assert_eq!(model.jobs.rows(), vec![JobsRow::Plan(0), JobsRow::Plan(1)]);
    assert!(update(&mut model, key(KeyCode::Enter), NOW).is_empty());
    assert!(model.jobs.expanded.contains(&PlanId(1)));
    let rows = model.jobs.rows();
    assert_eq!(rows.len(), 8, "{rows:?}");
    assert_eq!(rows[1], JobsRow::Job { plan: 0, job: 0 });
    assert_eq!(rows[7], JobsRow::Plan(1));
    assert_eq!(model.jobs.cursor, 0);
    update(&mut model, key(KeyCode::Enter), NOW);
    assert!(model.jobs.expanded.is_empty());
    assert_eq!(model.jobs.rows().len(), 2);
}

#[test]
fn enter_on_a_job_row_collapses_its_plan_and_goes_back_to_it() {
    let mut model = two_plans();
    update(&mut model, key(KeyCode::Enter), NOW);
    for _ in 0..3 {
        update(&mut model, key(KeyCode::Down), NOW);
    }
    assert_eq!(
        model.jobs.selected(),
        Some(JobsRow::Job { plan: 0, job: 2 })
    );
    update(&mut model, key(KeyCode::Enter), NOW);
    assert!(model.jobs.expanded.is_empty());
    assert_eq!(model.jobs.selected(), Some(JobsRow::Plan(0)));
}

#[test]
fn the_cursor_moves_over_plans_and_the_jobs_shown_beneath_them() {
    let mut model = two_plans();
    update(&mut model, key(KeyCode::Down), NOW);
    assert_eq!(model.jobs.selected(), Some(JobsRow::Plan(1)));
    // Collapsed, the split plan's jobs are passed over.
    update(&mut model, key(KeyCode::Up), NOW);
    update(&mut model, key(KeyCode::Enter), NOW);
    update(&mut model, key(KeyCode::Down), NOW);
    assert_eq!(
        model.jobs.selected(),
        Some(JobsRow::Job { plan: 0, job: 0 })
    );
    update(&mut model, key(KeyCode::End), NOW);
    assert_eq!(model.jobs.cursor, 7);
    assert_eq!(model.jobs.selected(), Some(JobsRow::Plan(1)));
    update(&mut model, key(KeyCode::Down), NOW);
    assert_eq!(model.jobs.cursor, 7, "the last row is the last");
    update(&mut model, key(KeyCode::Up), NOW);
    assert_eq!(
        model.jobs.selected(),
        Some(JobsRow::Job { plan: 0, job: 5 })
    );
    update(&mut model, key(KeyCode::Home), NOW);
    assert_eq!(model.jobs.cursor, 0);
}

#[test]
fn the_cursor_stays_on_its_plan_when_the_journal_is_read_again() {
    let mut model = two_plans();
    update(&mut model, key(KeyCode::Down), NOW);
    assert_eq!(
        model.jobs.selected_plan().map(|plan| plan.id),
        Some(PlanId(2))
    );
    // A plan started elsewhere is listed first: the rows move, the cursor with them.
    let mut entries = two_plan_entries();
    let elsewhere = plan(0, None, vec![job("other-job", JobStatus::InProgress, None)]);
    entries.insert(0, elsewhere.clone());
    update(&mut model, plans_loaded(entries.clone()), NOW);
    assert_eq!(model.jobs.cursor, 2);
    assert_eq!(
        model.jobs.selected_plan().map(|plan| plan.id),
        Some(PlanId(2))
    );
    // On a job row of an expanded plan, the cursor keeps to that job's place.
    update(&mut model, key(KeyCode::Up), NOW);
    update(&mut model, key(KeyCode::Enter), NOW);
    for _ in 0..4 {
        update(&mut model, key(KeyCode::Down), NOW);
    }
    assert_eq!(
        model.jobs.selected(),
        Some(JobsRow::Job { plan: 1, job: 3 })
    );
    entries.remove(0);
    update(&mut model, plans_loaded(entries), NOW);
    assert_eq!(
        model.jobs.selected(),
        Some(JobsRow::Job { plan: 0, job: 3 })
    );
    assert!(model.jobs.expanded.contains(&PlanId(1)));
}

#[test]
fn a_plan_just_launched_is_selected_once_the_journal_lists_it() {
    let mut model = two_plans();
    update(
        &mut model,
        Msg::Loaded(Loaded::Launched(Ok(vec!["new-job".into()]))),
        NOW,
    );
    let mut entries = two_plan_entries();
    entries.push(plan(
        3,
        None,
        vec![job("new-job", JobStatus::InProgress, None)],
    ));
    update(&mut model, plans_loaded(entries), NOW);
    assert_eq!(
        model.jobs.selected_plan().map(|plan| plan.id),
        Some(PlanId(3))
    );
    assert_eq!(model.jobs.follow, None);
}

/// `d` on the selected row, then Enter in the download dialog.
fn download_from_selected_row(model: &mut Model) -> Vec<Cmd> {
    update(model, key(KeyCode::Char('d')), NOW);
    let Some(Dialog::Download(dialog)) = &model.dialog else {
        panic!("{:?} {:?}", model.dialog, model.status)
    };
    assert_eq!(dialog.job_id, "P1");
    update(model, key(KeyCode::Enter), NOW)
}

#[test]
fn d_on_a_plan_row_downloads_the_whole_plan() {
    let mut model = two_plans();
    let cmds = download_from_selected_row(&mut model);
    assert!(
        matches!(cmds.as_slice(), [Cmd::Download { job_id, .. }] if job_id == "P1"),
        "{cmds:?}"
    );
    assert!(model.jobs.downloads.contains_key("P1"));
    let status = model.status.clone().unwrap();
    assert!(
        status.text.contains("downloading plan P1"),
        "{}",
        status.text
    );
}

#[test]
fn d_on_a_job_row_downloads_the_plan_it_belongs_to() {
    let mut model = two_plans();
    update(&mut model, key(KeyCode::Enter), NOW);
    // The sixth job, still in progress: the plan is downloaded all the same.
    update(&mut model, key(KeyCode::Char('G')), NOW);
    update(&mut model, key(KeyCode::Up), NOW);
    assert_eq!(
        model.jobs.selected(),
        Some(JobsRow::Job { plan: 0, job: 5 })
    );
    let cmds = download_from_selected_row(&mut model);
    assert!(
        matches!(cmds.as_slice(), [Cmd::Download { job_id, .. }] if job_id == "P1"),
        "{cmds:?}"
    );
}

#[test]
fn a_plan_download_is_one_gauge_and_reads_the_journal_when_it_ends() {
    let mut model = two_plans();
    model.config.bell = false;
    download_from_selected_row(&mut model);
    let progress = Loaded::DownloadProgress {
        job_id: "P1".into(),
        done: 8 * MIB,
        total: 48 * MIB,
    };
    update(&mut model, Msg::Loaded(progress), NOW);
    assert_eq!(model.jobs.downloads["P1"].done, 8 * MIB);
    assert_eq!(model.jobs.downloads["P1"].total, 48 * MIB);
    let finished = Loaded::DownloadFinished {
        job_id: "P1".into(),
        result: Ok("verified into restores/photos/IMG_0001.jpg.bytes-1048576-49283071".into()),
    };
    let cmds = update(&mut model, Msg::Loaded(finished), NOW);
    assert_eq!(
        cmds,
        vec![Cmd::SyncJobs {
            vaults: Vec::new(),
            open_batches: Vec::new()
        }]
    );
    let status = model.status.clone().unwrap();
    assert!(
        status.text.contains("IMG_0001.jpg.bytes-1048576-49283071"),
        "{}",
        status.text
    );
}

#[test]
fn a_plan_with_nothing_ready_says_why_instead_of_downloading() {
    let mut model = browsing(120, 40, 10);
    update(&mut model, plans_loaded(vec![split_plan(1, 0)]), NOW);
    model.focus = Pane::Jobs;
    assert!(update(&mut model, key(KeyCode::Char('d')), NOW).is_empty());
    assert!(model.dialog.is_none());
    let status = model.status.clone().unwrap();
    assert_eq!(status.severity, Severity::Problem);
    assert!(
        status
            .text
            .contains("plan P1 is started: none of its jobs is ready yet"),
        "{}",
        status.text
    );
}

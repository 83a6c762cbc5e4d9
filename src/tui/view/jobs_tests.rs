//! Snapshots of the jobs pane alone: a plan per row, expanded to its jobs, with
//! a download's gauge, finished, and expired; and what the explain panel says of
//! a plan.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use crate::domain::job::JobStatus;
use crate::domain::range::MIB;
use crate::store::{FinishedFile, PlanEntry};
use crate::tui::model::{DownloadState, DownloadView, Model, Pane};
use crate::tui::msg::{Loaded, Msg};
use crate::tui::testing::*;
use crate::tui::update::update;

/// The jobs pane of `model`, focused, drawn on a `model.width`×12 screen.
fn pane(model: &Model) -> String {
    let mut terminal = Terminal::new(TestBackend::new(model.width, 12)).unwrap();
    terminal
        .draw(|frame| super::jobs::jobs(frame, model, Rect::new(0, 0, model.width, 12)))
        .unwrap();
    text_of(&terminal)
}

/// A model whose journal holds `plans`, with the jobs pane focused.
fn showing(plans: Vec<PlanEntry>) -> Model {
    let mut model = browsing(120, 36, 10);
    update(&mut model, plans_loaded(plans), NOW);
    model.focus = Pane::Jobs;
    model
}

/// A whole-archive plan of one ready job, to sit beside the plan under test.
fn whole_plan(id: i64) -> PlanEntry {
    plan(id, None, vec![job("whole-job", JobStatus::Succeeded, None)])
}

#[test]
fn a_split_plan_partly_ready_is_one_row() {
    let model = showing(vec![split_plan(1, 2), whole_plan(2)]);
    insta::assert_snapshot!(pane(&model));
}

#[test]
fn a_split_plan_partly_ready_expanded_shows_its_jobs() {
    let mut model = showing(vec![split_plan(1, 2), whole_plan(2)]);
    model.jobs.expanded.insert(crate::store::PlanId(1));
    model.jobs.cursor = 3;
    insta::assert_snapshot!(pane(&model));
}

#[test]
fn a_plan_downloading_shows_one_gauge_over_its_retrieved_bytes() {
    let mut plan = split_plan(1, 3);
    plan.jobs[0].staged = true;
    let mut model = showing(vec![plan]);
    model.jobs.downloads.insert(
        "P1".into(),
        DownloadView {
            done: 0,
            total: 0,
            started: NOW - time::Duration::seconds(4),
            state: DownloadState::Running,
        },
    );
    let progress = Loaded::DownloadProgress {
        job_id: "P1".into(),
        done: 20 * MIB,
        total: 48 * MIB,
    };
    update(&mut model, Msg::Loaded(progress), NOW);
    insta::assert_snapshot!(pane(&model));
}

#[test]
fn a_finished_plan_has_all_its_bytes_in() {
    let mut plan = split_plan(1, 6);
    for job in &mut plan.jobs {
        job.staged = true;
    }
    // The file outlives the jobs' output windows.
    if let Some(job) = plan.jobs[5].entry.state.as_mut() {
        job.completed_at = Some(NOW - time::Duration::hours(30));
    }
    plan.finished = Some(FinishedFile {
        path: "/restores/photos/IMG_0001.jpg.bytes-1048576-49283071".into(),
        verified: true,
        at: "2026-11-29T09:00:00Z".into(),
    });
    let mut model = showing(vec![plan]);
    model.jobs.expanded.insert(crate::store::PlanId(1));
    insta::assert_snapshot!(pane(&model));
}

#[test]
fn an_expired_plan_says_its_window_closed() {
    let mut plan = split_plan(1, 2);
    plan.jobs[0].staged = true;
    if let Some(job) = plan.jobs[1].entry.state.as_mut() {
        job.completed_at = Some(NOW - time::Duration::hours(30));
    }
    let model = showing(vec![plan]);
    insta::assert_snapshot!(pane(&model));
}

#[test]
fn the_explain_panel_on_a_plan_says_what_it_is_and_what_it_ends_in() {
    let mut model = showing(vec![split_plan(1, 2)]);
    model.explain = true;
    let said = super::explain::explanation(&model);
    assert!(
        said.starts_with(
            "Plan P1 retrieves bytes 1048576-49283071 of photos/IMG_0001.jpg with 6 jobs; it is partly ready. At the end you get photos/IMG_0001.jpg.bytes-1048576-49283071: exactly the 48234496 bytes wanted, verified against Glacier's tree hashes."
        ),
        "{said}"
    );
    // On a job row beneath it, the same plan.
    model.jobs.expanded.insert(crate::store::PlanId(1));
    model.jobs.cursor = 2;
    assert!(super::explain::explanation(&model).starts_with("Plan P1 retrieves"));
}

/// The renewal dialog of `model`, drawn on a 100×12 screen.
fn renewal_dialog(model: &Model) -> String {
    let Some(crate::tui::model::Dialog::Renew(dialog)) = &model.dialog else {
        panic!("no renewal dialog");
    };
    let mut terminal = Terminal::new(TestBackend::new(100, 12)).unwrap();
    terminal
        .draw(|frame| super::renew::renewal(frame, model, dialog, Rect::new(0, 0, 100, 12)))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            let line: String = (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol().to_owned())
                .collect();
            format!("{}\n", line.trim_end())
        })
        .collect()
}

#[test]
fn the_renewal_dialog_names_each_job_why_and_the_cost() {
    use crate::domain::job_params::Tier;
    use crate::domain::range::ByteRange;
    use crate::store::PlanId;
    use crate::tracking::launch::RenewReason;
    use crate::tui::effects::{RenewalView, RenewedView};

    let mut model = showing(vec![split_plan(1, 2)]);
    let renewal = RenewalView {
        plan: PlanId(1),
        name: "2018/wedding/wedding-full.tar".into(),
        jobs: 6,
        renewed: vec![
            RenewedView {
                number: 2,
                range: ByteRange::new(104 * MIB, 112 * MIB - 1).ok(),
                tier: Tier::Standard,
                why: RenewReason::Expired,
            },
            RenewedView {
                number: 5,
                range: ByteRange::new(256 * MIB, 320 * MIB - 1).ok(),
                tier: Tier::Standard,
                why: RenewReason::Failed,
            },
        ],
        archive_size: Some(14 << 30),
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::RenewalPlanned(Ok(renewal))),
        NOW,
    );
    insta::assert_snapshot!(renewal_dialog(&model));
}

#[test]
fn a_refused_plan_names_the_tier_it_asked_for_and_a_small_span_its_length() {
    let want = crate::domain::range::ByteRange::new(5 * MIB + 100, 5 * MIB + 4195).unwrap();
    let mut refused = plan(3, Some(want), vec![job("refused", JobStatus::Failed, None)]);
    let only = &mut refused.jobs[0];
    only.entry.job_id = None;
    only.entry.state = None;
    // As the journal reads them, from the parameters sent.
    only.range = Some(want);
    only.asked_tier = Some(crate::domain::job_params::Tier::Expedited);
    let drawn = pane(&showing(vec![refused]));
    let row = (drawn.lines())
        .find(|line| line.contains("P3"))
        .unwrap_or_else(|| panic!("{drawn}"));
    assert!(row.contains("bytes 5.00 MiB+4 KiB"), "{row}");
    assert!(row.contains("0 B/4 KiB"), "{row}");
    assert!(row.contains("Expedited"), "{row}");
}

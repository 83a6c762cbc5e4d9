//! The tour's steps against `update`: the whole tour walked with the keys it
//! highlights and the answers the runtime would give, each step's predicate
//! checked not to hold before its keys and to hold after; the tour key; a
//! resumed tour; the panel's words with a remapped key.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Progress, StepId, Tour, TourCmd, highlighted};
use crate::domain::job::JobStatus;
use crate::domain::job_params::Tier;
use crate::glacier::RetrievalPolicy;
use crate::store::{ArchivePage, FinishedFile, PlanEntry};
use crate::tui::keymap::{Action, Keymap};
use crate::tui::model::Model;
use crate::tui::msg::{Cmd, Loaded, Msg};
use crate::tui::testing::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    let modifiers = if code == KeyCode::BackTab {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    update(model, Msg::Key(KeyEvent::new(code, modifiers)), NOW)
}

fn typed(model: &mut Model, text: &str) -> Vec<Cmd> {
    text.chars()
        .flat_map(|c| press(model, KeyCode::Char(c)))
        .collect()
}

fn touring() -> Model {
    let mut model = browsing(120, 40, 10);
    model.tour = Tour::new(PathBuf::from("demo/tour.json"), Progress::default(), true);
    update(&mut model, Msg::Tick, NOW);
    model
}

fn step(model: &Model) -> Option<StepId> {
    model.tour.step()
}

fn tour_cmds(cmds: &[Cmd]) -> Vec<TourCmd> {
    (cmds.iter())
        .filter_map(|cmd| match cmd {
            Cmd::Tour(TourCmd::Save { .. }) => None,
            Cmd::Tour(other) => Some(other.clone()),
            _ => None,
        })
        .collect()
}

/// Answers the archive pages asked for with the one archive the filter keeps.
fn answer_pages(model: &mut Model, cmds: Vec<Cmd>) {
    for cmd in cmds {
        if let Cmd::LoadPage { request, .. } = cmd {
            let page = ArchivePage {
                total: 1,
                archives: vec![archive(3, "photos/IMG_0003.jpg", 48 << 20)],
            };
            let answer = Loaded::Page {
                request,
                result: Ok(page),
            };
            update(model, Msg::Loaded(answer), NOW);
        }
    }
}

fn answer_policy(model: &mut Model, cmds: Vec<Cmd>) {
    for cmd in cmds {
        if let Cmd::LoadPolicy { request } = cmd {
            let result = Ok(RetrievalPolicy::None);
            update(model, Msg::Loaded(Loaded::Policy { request, result }), NOW);
        }
    }
}

/// A plan made after the tour began, at `tier`, its one job in `status`.
fn tour_plan(id: i64, tier: Tier, status: JobStatus) -> PlanEntry {
    let mut entry = job(&format!("job-{id}"), status, None);
    if let Some(state) = entry.state.as_mut() {
        state.tier = Some(tier);
    }
    let mut plan = plan(id, None, vec![entry]);
    plan.made_at = "2026-11-29T10:01:00Z".into();
    plan
}

/// Presses `code` after checking the tour highlights it.
fn lit_press(model: &mut Model, code: KeyCode, action: Action) -> Vec<Cmd> {
    assert_eq!(
        highlighted(model),
        [action],
        "at {:?}, {:?}",
        step(model),
        crate::tui::context::Context::of(model)
    );
    press(model, code)
}

#[test]
fn the_whole_tour_moves_on_step_by_step_with_the_keys_it_highlights() {
    let mut model = touring();
    assert_eq!(step(&model), Some(StepId::Filter));
    assert_eq!(model.tour.progress.began, Some(NOW));

    let cmds = lit_press(&mut model, KeyCode::Char('/'), Action::Filter);
    answer_pages(&mut model, cmds);
    let cmds = typed(&mut model, "IMG_0003");
    answer_pages(&mut model, cmds);
    assert_eq!(step(&model), Some(StepId::Filter), "still typing");
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    assert_eq!(step(&model), Some(StepId::Planner));

    lit_press(&mut model, KeyCode::Char('r'), Action::PlanRange);
    assert_eq!(step(&model), Some(StepId::Plans));
    // Over the whole archive the plans are one: nothing is lit until a range is typed.
    assert_eq!(highlighted(&model), []);
    for _ in 0..12 {
        press(&mut model, KeyCode::Backspace);
    }
    typed(&mut model, "5MiB+4MiB");
    lit_press(&mut model, KeyCode::Right, Action::Right);
    lit_press(&mut model, KeyCode::Left, Action::Left);
    assert_eq!(
        step(&model),
        Some(StepId::Plans),
        "the MiB plan is not seen yet"
    );
    lit_press(&mut model, KeyCode::Left, Action::Left);
    assert_eq!(step(&model), Some(StepId::Preview));

    // On the MiB-aligned plan, no checksum: the tour lights the way to another.
    lit_press(&mut model, KeyCode::Right, Action::Right);
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    assert_eq!(step(&model), Some(StepId::Cli));
    lit_press(&mut model, KeyCode::Char('y'), Action::Copy);
    assert_eq!(step(&model), Some(StepId::Bulk));

    let cmds = lit_press(&mut model, KeyCode::Char('l'), Action::Launch);
    answer_policy(&mut model, cmds);
    lit_press(&mut model, KeyCode::Up, Action::Up);
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    let cmds = lit_press(&mut model, KeyCode::Enter, Action::Open);
    assert!(cmds.iter().any(|c| matches!(c, Cmd::Launch { .. })));
    update(
        &mut model,
        Msg::Loaded(Loaded::Launched(Ok(vec!["job-3".into()]))),
        NOW,
    );
    assert_eq!(step(&model), Some(StepId::Bulk), "not in the journal yet");
    let bulk = tour_plan(3, Tier::Bulk, JobStatus::InProgress);
    update(&mut model, plans_loaded(vec![bulk.clone()]), NOW);
    assert_eq!(step(&model), Some(StepId::Expedited));

    lit_press(&mut model, KeyCode::BackTab, Action::PreviousPane);
    lit_press(&mut model, KeyCode::Char('p'), Action::Preview);
    let cmds = lit_press(&mut model, KeyCode::Char('l'), Action::Launch);
    answer_policy(&mut model, cmds);
    lit_press(&mut model, KeyCode::Down, Action::Down);
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    let refusal = "InsufficientCapacityException: There is not enough capacity to process this Expedited request";
    let cmds = update(
        &mut model,
        Msg::Loaded(Loaded::Launched(Err(refusal.into()))),
        NOW,
    );
    assert_eq!(step(&model), Some(StepId::ExpeditedAgain));
    assert_eq!(tour_cmds(&cmds), [TourCmd::ProvideCapacity]);

    let expedited = tour_plan(4, Tier::Expedited, JobStatus::InProgress);
    update(&mut model, plans_loaded(vec![bulk.clone(), expedited]), NOW);
    assert_eq!(step(&model), Some(StepId::Ready));
    let expedited = tour_plan(4, Tier::Expedited, JobStatus::Succeeded);
    update(
        &mut model,
        plans_loaded(vec![bulk.clone(), expedited.clone()]),
        NOW,
    );
    assert_eq!(step(&model), Some(StepId::Download));

    // The cursor is on the Bulk plan, still running: the tour lights the way down.
    model.jobs.cursor = 0;
    model.focus = crate::tui::model::Pane::Jobs;
    lit_press(&mut model, KeyCode::Down, Action::Down);
    lit_press(&mut model, KeyCode::Char('d'), Action::Download);
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    let mut downloaded = expedited.clone();
    downloaded.jobs[0].staged = true;
    downloaded.finished = Some(FinishedFile {
        path: "photos/IMG_0003.jpg".into(),
        verified: true,
        at: "2026-11-29T10:02:00Z".into(),
    });
    update(
        &mut model,
        plans_loaded(vec![bulk, downloaded.clone()]),
        NOW,
    );
    assert_eq!(step(&model), Some(StepId::Watch));

    let bulk = tour_plan(3, Tier::Bulk, JobStatus::Succeeded);
    let cmds = update(&mut model, plans_loaded(vec![bulk, downloaded]), NOW);
    assert_eq!(step(&model), Some(StepId::Mismatch));
    let corrupt = TourCmd::Corrupt {
        job_ids: vec!["job-3".into()],
    };
    assert_eq!(tour_cmds(&cmds), [corrupt]);

    lit_press(&mut model, KeyCode::Up, Action::Up);
    lit_press(&mut model, KeyCode::Char('d'), Action::Download);
    lit_press(&mut model, KeyCode::Enter, Action::Open);
    let message = "bytes 0-50331647 of job job-3's output failed verification 3 times (its tree hash is aa but Glacier's checksum header says bb); kept as evidence";
    let finished = Loaded::DownloadFinished {
        job_id: "P3".into(),
        result: Err(message.into()),
    };
    let cmds = update(&mut model, Msg::Loaded(finished), NOW);
    assert!(model.tour.finished());
    assert_eq!(model.tour.progress.caught.as_deref(), Some(message));
    assert_eq!(tour_cmds(&cmds), [TourCmd::Uncorrupt]);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::Tour(TourCmd::Save { .. })))
    );
}

#[test]
fn the_tour_key_hides_and_shows_the_tour_which_waits_while_hidden() {
    let mut model = touring();
    let cmds = press(&mut model, KeyCode::Char('T'));
    assert!(!model.tour.shown);
    let [Cmd::Tour(TourCmd::Save { path, progress })] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(path, &PathBuf::from("demo/tour.json"));
    assert_eq!(progress.began, Some(NOW));
    // Hidden, it neither moves on nor lights keys.
    let cmds = press(&mut model, KeyCode::Char('/'));
    answer_pages(&mut model, cmds);
    let cmds = typed(&mut model, "IMG");
    answer_pages(&mut model, cmds);
    let cmds = press(&mut model, KeyCode::Enter);
    answer_pages(&mut model, cmds);
    assert_eq!(step(&model), Some(StepId::Filter));
    assert_eq!(highlighted(&model), []);
    // Shown again (F3 works while typing too), it sees what was done meanwhile.
    press(&mut model, KeyCode::F(3));
    assert!(model.tour.shown);
    assert_eq!(step(&model), Some(StepId::Planner));
    // Outside the demo there is no tour, and the key does nothing.
    let mut plain = browsing(120, 40, 10);
    assert!(press(&mut plain, KeyCode::Char('T')).is_empty());
    assert!(!plain.tour.shown);
}

#[test]
fn a_resumed_tour_starts_at_its_step_and_asks_the_demo_again() {
    let progress = Progress {
        step: Some("mismatch".into()),
        began: Some(NOW - time::Duration::hours(1)),
        ..Progress::default()
    };
    let mut model = browsing(120, 40, 10);
    model.tour = Tour::new(PathBuf::from("t.json"), progress, true);
    let bulk = tour_plan(3, Tier::Bulk, JobStatus::Succeeded);
    let cmds = update(&mut model, plans_loaded(vec![bulk]), NOW);
    assert_eq!(step(&model), Some(StepId::Mismatch));
    // The sandbox forgot its faults when it stopped: the byte is flipped again.
    let corrupt = TourCmd::Corrupt {
        job_ids: vec!["job-3".into()],
    };
    assert_eq!(tour_cmds(&cmds), [corrupt]);
    assert!(tour_cmds(&update(&mut model, Msg::Tick, NOW)).is_empty());
    // Hiding takes it back, so downloads outside the tour are left alone.
    let cmds = press(&mut model, KeyCode::Char('T'));
    assert_eq!(tour_cmds(&cmds), [TourCmd::Uncorrupt]);
}

#[test]
fn an_expedited_job_started_at_once_skips_the_second_try() {
    let mut model = touring();
    model.tour.progress.step = Some("expedited".into());
    let plans = vec![
        tour_plan(3, Tier::Bulk, JobStatus::InProgress),
        tour_plan(4, Tier::Expedited, JobStatus::InProgress),
    ];
    let cmds = update(&mut model, plans_loaded(plans), NOW);
    assert_eq!(step(&model), Some(StepId::Ready));
    assert!(tour_cmds(&cmds).is_empty(), "no capacity is bought");
}

#[test]
fn the_panel_names_the_key_of_the_active_keymap() {
    let mut model = touring();
    model.config.keymap = Keymap::from_toml(
        "[keys]\nfilter = [\"f\"]\n",
        Some(&model.config.keymap),
        "k",
    )
    .unwrap();
    let text: String = (crate::tui::view::tour_lines(&model).iter())
        .map(|line| line.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("▶ f "), "{text}");
    assert!(text.contains("press f, type part of a name"), "{text}");
}

#[test]
fn the_shipped_tour_names_every_step_with_keys_that_exist() {
    let texts = super::TourTexts::from_toml(super::texts::DEFAULT_TOUR, None, "tour.toml").unwrap();
    for step in StepId::ALL {
        let text = texts.step(step).unwrap();
        assert!(!text.keys.is_empty(), "{}", step.id());
        for key in &text.keys {
            assert!(key.context.acts_on(key.action), "{}: {key:?}", step.id());
        }
        assert!(!text.todo.contains('{') || text.todo.contains('}'));
    }
    // An override changes one step's words and keeps the rest.
    let over = super::TourTexts::from_toml(
        "[[steps]]\nid = \"cli\"\ntitle = \"La ligne aws\"\n",
        Some(&texts),
        "tour.toml",
    )
    .unwrap();
    assert_eq!(over.step(StepId::Cli).unwrap().title, "La ligne aws");
    assert_eq!(
        over.step(StepId::Cli).unwrap().keys,
        texts.step(StepId::Cli).unwrap().keys
    );
    let wrong =
        super::TourTexts::from_toml("[[steps]]\nid = \"nope\"\n", Some(&texts), "tour.toml");
    assert!(
        wrong
            .unwrap_err()
            .to_string()
            .contains("'nope' is not a step")
    );
}

#[test]
fn a_bulk_output_that_expired_while_away_is_renewed_not_waited_for() {
    let mut model = touring();
    model.tour.progress.step = Some("watch".into());
    let expired = tour_plan(3, Tier::Bulk, JobStatus::Expired);
    // The Expedited plan was downloaded before the tour was left.
    let mut other = tour_plan(4, Tier::Expedited, JobStatus::Expired);
    other.finished = Some(FinishedFile {
        path: "photos/IMG_0003.jpg".into(),
        verified: true,
        at: "2026-11-29T10:02:00Z".into(),
    });
    update(&mut model, plans_loaded(vec![expired, other]), NOW);
    model.focus = crate::tui::model::Pane::Jobs;
    model.jobs.cursor = 1;
    assert_eq!(step(&model), Some(StepId::Watch));
    lit_press(&mut model, KeyCode::Up, Action::Up);
    let cmds = lit_press(&mut model, KeyCode::Char('R'), Action::Renew);
    assert!(cmds.iter().any(|c| matches!(c, Cmd::PlanRenewal { .. })));
}

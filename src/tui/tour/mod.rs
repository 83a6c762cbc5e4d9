//! The demo's guided tour: a list of steps (their words in `assets/tour.toml`),
//! the one the user is on, and what each asks for, checked on the model after
//! every update, so the tour moves on whichever way the user gets there. The
//! tour only watches and asks: the keys do what they always do. Its progress
//! is saved in the demo's folder, so it can be left and taken up again.

mod steps;
#[cfg(test)]
mod tests;
mod texts;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use steps::{highlighted, tour_plans};
pub use texts::{StepKey, StepText, TourTexts, fill};

use super::model::Model;
use super::msg::Cmd;
use crate::domain::job_params::Tier;

/// The steps, in order; each id is its name in `tour.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepId {
    Filter,
    Planner,
    Plans,
    Preview,
    Cli,
    Bulk,
    Expedited,
    ExpeditedAgain,
    Ready,
    Download,
    Watch,
    Mismatch,
}

impl StepId {
    pub const ALL: [StepId; 12] = [
        StepId::Filter,
        StepId::Planner,
        StepId::Plans,
        StepId::Preview,
        StepId::Cli,
        StepId::Bulk,
        StepId::Expedited,
        StepId::ExpeditedAgain,
        StepId::Ready,
        StepId::Download,
        StepId::Watch,
        StepId::Mismatch,
    ];

    pub fn id(self) -> &'static str {
        match self {
            StepId::Filter => "filter",
            StepId::Planner => "planner",
            StepId::Plans => "plans",
            StepId::Preview => "preview",
            StepId::Cli => "cli",
            StepId::Bulk => "bulk",
            StepId::Expedited => "expedited",
            StepId::ExpeditedAgain => "expedited-again",
            StepId::Ready => "ready",
            StepId::Download => "download",
            StepId::Watch => "watch",
            StepId::Mismatch => "mismatch",
        }
    }

    pub fn from_id(id: &str) -> Option<StepId> {
        StepId::ALL.into_iter().find(|step| step.id() == id)
    }
}

/// What the tour remembers between runs: the step, and what it saw that the
/// model does not keep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The current step's id; `None` before the first, `"finished"` at the end.
    pub step: Option<String>,
    /// When the tour was first shown: plans made since are the tour's.
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub began: Option<OffsetDateTime>,
    /// The plans lit in the planner (`mib`, `tree`, `split`) over a range
    /// smaller than the archive.
    #[serde(default)]
    pub seen_plans: Vec<String>,
    /// Glacier refused an Expedited job for want of capacity.
    #[serde(default)]
    pub expedited_refused: bool,
    /// The download's words when the mismatch was caught.
    #[serde(default)]
    pub caught: Option<String>,
}

pub const FINISHED: &str = "finished";

/// Something only the demo can do for the tour, run by the runtime through
/// the demo's controls (see `effects::tour`).
#[derive(Debug, Clone, PartialEq)]
pub enum TourCmd {
    /// Write the progress to the tour's file.
    Save { path: PathBuf, progress: Progress },
    /// Give the demo account Expedited capacity.
    ProvideCapacity,
    /// Flip a byte of these jobs' output from now on.
    Corrupt { job_ids: Vec<String> },
    /// Take the corruption back.
    Uncorrupt,
}

/// The tour as the screen holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tour {
    /// Where progress is saved: only the demo has a tour.
    pub file: Option<PathBuf>,
    pub shown: bool,
    pub progress: Progress,
    /// The step whose demo effect (capacity, corruption) was asked for in this
    /// run: the sandbox forgets faults when it stops, so a resumed step asks again.
    armed: Option<StepId>,
    /// The launch dialog's tier when it was last seen confirming.
    confirming: Option<Tier>,
    /// An Expedited launch was sent and not answered yet.
    expedited_sent: bool,
}

impl Tour {
    /// The demo's tour, saving to `file`, at `progress`.
    pub fn new(file: PathBuf, progress: Progress, shown: bool) -> Tour {
        Tour {
            file: Some(file),
            shown,
            progress,
            ..Tour::default()
        }
    }

    pub fn available(&self) -> bool {
        self.file.is_some()
    }

    /// The current step; `None` when the tour is over.
    pub fn step(&self) -> Option<StepId> {
        match self.progress.step.as_deref() {
            None => StepId::ALL.first().copied(),
            Some(FINISHED) => None,
            Some(id) => Some(StepId::from_id(id).unwrap_or(StepId::Filter)),
        }
    }

    pub fn finished(&self) -> bool {
        self.step().is_none()
    }

    /// The step before the current one, whose `done` the panel says.
    pub fn previous(&self) -> Option<StepId> {
        match self.step() {
            None => StepId::ALL.last().copied(),
            Some(step) => {
                let index = StepId::ALL.iter().position(|known| *known == step)?;
                index.checked_sub(1).map(|before| StepId::ALL[before])
            }
        }
    }

    /// 1-based, for `step 3 of 12`.
    pub fn number(&self) -> usize {
        self.step()
            .and_then(|step| StepId::ALL.iter().position(|known| *known == step))
            .map_or(StepId::ALL.len(), |index| index + 1)
    }

    fn save(&self) -> Vec<Cmd> {
        (self.file.clone()).map_or_else(Vec::new, |path| {
            vec![Cmd::Tour(TourCmd::Save {
                path,
                progress: self.progress.clone(),
            })]
        })
    }
}

/// The tour key: shows the tour (at the step it was on) or hides it. Hiding
/// takes back the corruption it asked for, so downloads outside the tour are
/// left alone.
pub fn toggle(model: &mut Model) -> Vec<Cmd> {
    let tour = &mut model.tour;
    if !tour.available() {
        return Vec::new();
    }
    tour.shown = !tour.shown;
    let mut cmds = Vec::new();
    if !tour.shown && tour.armed.take() == Some(StepId::Mismatch) {
        cmds.push(Cmd::Tour(TourCmd::Uncorrupt));
    }
    // `update` moves the shown tour on after this, as after every key.
    cmds.extend(model.tour.save());
    cmds
}

/// Moves the tour on as far as the model allows: called after every update.
pub fn after_update(model: &mut Model) -> Vec<Cmd> {
    if !model.tour.shown {
        return Vec::new();
    }
    if model.tour.progress.began.is_none() {
        model.tour.progress.began = Some(model.now);
    }
    steps::observe(model);
    let mut cmds = Vec::new();
    let mut moved = false;
    while let Some(step) = model.tour.step() {
        if !steps::done(step, model) {
            break;
        }
        cmds.extend(steps::on_done(step, model));
        let index = StepId::ALL.iter().position(|known| *known == step);
        let next = index.and_then(|index| StepId::ALL.get(index + 1));
        model.tour.progress.step = Some(next.map_or(FINISHED, |next| next.id()).to_owned());
        moved = true;
    }
    if let Some(step) = model.tour.step()
        && model.tour.armed != Some(step)
        && let Some(cmd) = steps::arm(step, model)
    {
        model.tour.armed = Some(step);
        cmds.push(cmd);
    }
    if moved {
        cmds.extend(model.tour.save());
    }
    cmds
}

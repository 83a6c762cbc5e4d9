//! The tour's words, read from `assets/tour.toml` (which a file of the same
//! name in the config directory overrides step by step, to correct or
//! translate it): per step a title, what to do, what just happened and why,
//! and where its keys are pressed. `{action}` in a text stands for the keys of
//! that action in the active keymap, so a remapped key reads right.

use serde::Deserialize;

use super::StepId;
use crate::tui::config::ConfigError;
use crate::tui::context::Context;
use crate::tui::keymap::{ACTIONS, Action, Keymap};

pub const DEFAULT_TOUR: &str = include_str!("../../../assets/tour.toml");

/// Where a step's key is pressed: the action, in a context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepKey {
    pub context: Context,
    pub action: Action,
}

/// One step's words and keys.
#[derive(Debug, Clone, PartialEq)]
pub struct StepText {
    pub id: StepId,
    pub title: String,
    /// What to do, with `{action}` placeholders.
    pub todo: String,
    /// What the step did and why it matters, said once it is done.
    pub done: String,
    /// In the order they are pressed.
    pub keys: Vec<StepKey>,
}

/// Every step's words, in the tour's order, and the words around them.
#[derive(Debug, Clone, PartialEq)]
pub struct TourTexts {
    pub intro: String,
    pub finished: String,
    pub steps: Vec<StepText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TourFile {
    intro: Option<String>,
    finished: Option<String>,
    #[serde(default)]
    steps: Vec<StepFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    id: String,
    title: Option<String>,
    #[serde(rename = "do")]
    todo: Option<String>,
    done: Option<String>,
    keys: Option<Vec<String>>,
}

impl TourTexts {
    /// The shipped words; a test checks the file parses and has every step.
    pub fn defaults() -> TourTexts {
        TourTexts::from_toml(DEFAULT_TOUR, None, "tour.toml").unwrap_or_else(|_| TourTexts {
            intro: String::new(),
            finished: String::new(),
            steps: Vec::new(),
        })
    }

    /// Reads `text` (the file `file`) over `base`: each step it names gets the
    /// fields it gives, the rest keep theirs. Without a base every step must be
    /// there, whole, in the tour's order.
    pub fn from_toml(
        text: &str,
        base: Option<&TourTexts>,
        file: &str,
    ) -> Result<TourTexts, ConfigError> {
        let parsed: TourFile =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(file, text, &err))?;
        let problem = |key: &str, message: String| ConfigError::at_key(file, text, key, message);
        let mut texts = base.cloned().unwrap_or(TourTexts {
            intro: String::new(),
            finished: String::new(),
            steps: Vec::new(),
        });
        if let Some(intro) = parsed.intro {
            texts.intro = words(&intro);
        }
        if let Some(finished) = parsed.finished {
            texts.finished = words(&finished);
        }
        for step in parsed.steps {
            let Some(id) = StepId::from_id(&step.id) else {
                return Err(problem(
                    "id",
                    format!(
                        "'{}' is not a step of the tour; the ids are those of the default tour.toml",
                        step.id
                    ),
                ));
            };
            let keys = match &step.keys {
                Some(keys) => Some(
                    keys.iter()
                        .map(|key| parse_step_key(key).ok_or_else(|| problem("keys", format!("'{key}' is not a context and an action, like \"archives:filter\""))))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                None => None,
            };
            let known = texts.steps.iter_mut().find(|known| known.id == id);
            match known {
                Some(known) => {
                    if let Some(title) = &step.title {
                        known.title = words(title);
                    }
                    if let Some(todo) = &step.todo {
                        known.todo = words(todo);
                    }
                    if let Some(done) = &step.done {
                        known.done = words(done);
                    }
                    if let Some(keys) = keys {
                        known.keys = keys;
                    }
                }
                None if base.is_none() => {
                    let (Some(title), Some(todo), Some(done)) = (step.title, step.todo, step.done)
                    else {
                        return Err(problem(
                            "id",
                            format!("step '{}' needs a title, a do and a done", step.id),
                        ));
                    };
                    texts.steps.push(StepText {
                        id,
                        title: words(&title),
                        todo: words(&todo),
                        done: words(&done),
                        keys: keys.unwrap_or_default(),
                    });
                }
                None => {}
            }
        }
        if base.is_none() {
            let order: Vec<StepId> = texts.steps.iter().map(|step| step.id).collect();
            if order != StepId::ALL {
                return Err(problem(
                    "steps",
                    "the steps must be every step of the tour, once each, in its order".into(),
                ));
            }
        }
        Ok(texts)
    }

    pub fn step(&self, id: StepId) -> Option<&StepText> {
        self.steps.iter().find(|step| step.id == id)
    }
}

/// A text on one line, its runs of white space one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `archives:filter`: the context as [`context_id`] names it, the action as the
/// keymap does.
fn parse_step_key(text: &str) -> Option<StepKey> {
    let (context, action) = text.split_once(':')?;
    let context = (Context::ALL.into_iter()).find(|known| context_id(*known) == context)?;
    let (action, _, _) = ACTIONS.iter().find(|(_, name, _)| *name == action)?;
    Some(StepKey {
        context,
        action: *action,
    })
}

/// A context's name in the tour's file.
pub fn context_id(context: Context) -> &'static str {
    match context {
        Context::Vaults => "vaults",
        Context::Archives => "archives",
        Context::Tree => "tree",
        Context::Filter => "filter",
        Context::Jobs => "jobs",
        Context::Planner => "planner",
        Context::Preview => "preview",
        Context::SaveAs => "save-as",
        Context::Launch => "launch",
        Context::Download => "download",
        Context::Renew => "renew",
        Context::BatchFolder => "batch-folder",
        Context::BatchSummary => "batch-summary",
        Context::MigrationText => "migration-text",
        Context::MigrationChoice => "migration-choice",
        Context::MigrationSummary => "migration-summary",
        Context::Drain => "drain",
        Context::Members => "members",
        Context::Peek => "peek",
        Context::MemberRestore => "member-restore",
        Context::Help => "help",
    }
}

/// `text` with each `{action}` replaced by that action's keys: those that
/// work where the step presses it, else all of them.
pub fn fill(text: &str, keys: &[StepKey], keymap: &Keymap) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match ACTIONS.iter().find(|(_, known, _)| *known == name) {
            Some((action, _, _)) => {
                let label = keys
                    .iter()
                    .find(|key| key.action == *action)
                    .map(|key| keymap.label_in(key.context, *action))
                    .unwrap_or_else(|| keymap.label(*action));
                out.push_str(&label);
            }
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

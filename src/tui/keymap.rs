//! Keys map to named actions through a TOML keymap: built-in defaults
//! (`assets/keymap.toml`) that a user file overrides action by action. Which
//! action a key asks for depends on the [`Context`]: only actions that act
//! there are looked up, and where a field takes typing a key that types a
//! character is text. The footer and the help screen ask here with the same
//! context, so they only ever show keys that work.

use std::collections::HashMap;

use crossterm::event::KeyEvent;
use serde::Deserialize;

use super::config::ConfigError;
use super::context::Context;
pub use super::keys::{Key, parse_key};

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    Explain,
    NextPane,
    PreviousPane,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Back,
    Filter,
    Sort,
    Reverse,
    Tree,
    Mark,
    MarkMatching,
    ClearMarks,
    Migrate,
    PlanRange,
    Preview,
    Launch,
    Download,
    Renew,
    FetchInventory,
    Drain,
    Refresh,
    Copy,
    Save,
    Zoom,
    Peek,
    Parent,
    Tour,
}

/// Each action's name in the keymap file and what it does in general; the
/// help screen says what it does in the context at hand.
pub const ACTIONS: &[(Action, &str, &str)] = &[
    (Action::Quit, "quit", "quit defrost"),
    (Action::Help, "help", "show or hide the keys that work here"),
    (
        Action::Explain,
        "explain",
        "show or hide what this step does, what Glacier does meanwhile and what it costs",
    ),
    (
        Action::NextPane,
        "next_pane",
        "move to the next pane or field",
    ),
    (
        Action::PreviousPane,
        "previous_pane",
        "move to the previous pane or field",
    ),
    (Action::Up, "up", "move up"),
    (Action::Down, "down", "move down"),
    (Action::Left, "left", "move left"),
    (Action::Right, "right", "move right"),
    (Action::PageUp, "page_up", "a page up"),
    (Action::PageDown, "page_down", "a page down"),
    (Action::First, "first", "go to the first row"),
    (Action::Last, "last", "go to the last row"),
    (
        Action::Open,
        "open",
        "open what is selected; confirm a dialog",
    ),
    (
        Action::Back,
        "back",
        "close the explanation or the dialog, stop filtering, or go up a folder",
    ),
    (Action::Filter, "filter", "filter the archives as you type"),
    (
        Action::Sort,
        "sort",
        "sort by the next column (name, size, date)",
    ),
    (Action::Reverse, "reverse", "reverse the sort order"),
    (
        Action::Tree,
        "tree",
        "switch between the archive table and the folder tree",
    ),
    (
        Action::Mark,
        "mark",
        "mark or unmark the selected archive, or every archive of the folder",
    ),
    (
        Action::MarkMatching,
        "mark_matching",
        "mark every archive the filter or folder holds (again: unmark them)",
    ),
    (Action::ClearMarks, "clear_marks", "unmark every archive"),
    (
        Action::Migrate,
        "migrate",
        "copy the marked archives to S3 (asks first)",
    ),
    (
        Action::PlanRange,
        "plan_range",
        "plan a byte range of the selected archive",
    ),
    (
        Action::Preview,
        "preview",
        "preview the job parameters and the aws CLI line",
    ),
    (
        Action::Launch,
        "launch",
        "launch the planned retrieval, or a batch of the marks (asks first)",
    ),
    (
        Action::Renew,
        "renew",
        "start again the jobs of the plan whose output expired or failed",
    ),
    (
        Action::Download,
        "download",
        "download what is ready of the selected plan or batch",
    ),
    (
        Action::FetchInventory,
        "fetch_inventory",
        "ask Glacier for a new inventory of the vault",
    ),
    (
        Action::Drain,
        "drain",
        "delete from the vault the archives copied to S3 and verified (asks first)",
    ),
    (Action::Refresh, "refresh", "ask Glacier about the jobs now"),
    (
        Action::Copy,
        "copy",
        "copy the preview to the clipboard (works over SSH)",
    ),
    (Action::Save, "save", "save the preview to a file"),
    (
        Action::Zoom,
        "zoom",
        "in the range planner: show the whole archive or zoom in on the range",
    ),
    (
        Action::Peek,
        "peek",
        "list a zip's members for the price of its tail (asks first), or go on with it",
    ),
    (
        Action::Parent,
        "parent",
        "in a zip's members: go up a folder, as Esc does",
    ),
    (
        Action::Tour,
        "tour",
        "in the demo: show or hide the guided tour, which keeps its place",
    ),
];

/// What an action does in general, as [`ACTIONS`] says it.
pub fn describe(action: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(known, _, _)| *known == action)
        .map_or("", |(_, _, what)| what)
}

/// The active keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    by_key: HashMap<Key, Action>,
    by_action: HashMap<Action, Vec<Key>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[serde(default)]
    keys: toml::Table,
}

impl Keymap {
    /// The built-in keymap.
    pub fn defaults() -> Keymap {
        // The shipped file is checked by a test, so it always parses.
        Keymap::from_toml(DEFAULT_KEYMAP, None, "keymap.toml").unwrap_or_else(|_| Keymap {
            by_key: HashMap::new(),
            by_action: HashMap::new(),
        })
    }

    /// Reads `text` (the file `file`) over `base`, or over nothing when `base` is
    /// `None`. A key bound in the file is taken away from any action that had it.
    pub fn from_toml(text: &str, base: Option<&Keymap>, file: &str) -> Result<Keymap, ConfigError> {
        let parsed: KeymapFile =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(file, text, &err))?;
        let mut map = base.cloned().unwrap_or(Keymap {
            by_key: HashMap::new(),
            by_action: HashMap::new(),
        });
        for (name, value) in &parsed.keys {
            let Some((action, _, _)) = ACTIONS.iter().find(|(_, known, _)| known == name) else {
                return Err(ConfigError::at_key(
                    file,
                    text,
                    name,
                    format!(
                        "'{name}' is not an action; the actions are listed in the default keymap.toml"
                    ),
                ));
            };
            let keys = keys_of(value).ok_or_else(|| {
                ConfigError::at_key(
                    file,
                    text,
                    name,
                    format!("'{name}' must be a list of keys, like [\"q\", \"ctrl-c\"]"),
                )
            })?;
            let mut parsed_keys = Vec::new();
            for key_text in keys {
                let key = parse_key(key_text).ok_or_else(|| {
                    ConfigError::at_key(file, text, name, format!("'{key_text}' is not a key; write a character, a key name like pagedown, or ctrl-x"))
                })?;
                parsed_keys.push(key);
            }
            map.bind(*action, parsed_keys);
        }
        Ok(map)
    }

    fn bind(&mut self, action: Action, keys: Vec<Key>) {
        if let Some(old) = self.by_action.remove(&action) {
            for key in old {
                self.by_key.remove(&key);
            }
        }
        for key in &keys {
            if let Some(previous) = self.by_key.insert(*key, action)
                && let Some(list) = self.by_action.get_mut(&previous)
            {
                list.retain(|bound| bound != key);
            }
        }
        self.by_action.insert(action, keys);
    }

    /// The action `event` asks for wherever no field takes typing, whether or
    /// not it acts in the context at hand.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.by_key.get(&Key::of(event)).copied()
    }

    /// The action `event` asks for in `context`: `None` when the key is text
    /// for the field there, is bound to nothing, or its action does nothing
    /// there.
    pub fn action_in(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::of(event);
        if context.takes_typing() && key.types_text() {
            return None;
        }
        let action = self.by_key.get(&key).copied()?;
        context.acts_on(action).then_some(action)
    }

    /// The keys of `action` that work in `context`, in the keymap's order:
    /// none when the action does nothing there, and where a field takes
    /// typing only those that type no character.
    pub fn keys_in(&self, context: Context, action: Action) -> Vec<Key> {
        if !context.acts_on(action) {
            return Vec::new();
        }
        (self.by_action.get(&action).into_iter().flatten())
            .filter(|key| !(context.takes_typing() && key.types_text()))
            .copied()
            .collect()
    }

    /// The keys of `action`, as shown to the user: `q/Ctrl-c`.
    pub fn label(&self, action: Action) -> String {
        join(self.by_action.get(&action).map_or(&[][..], Vec::as_slice))
    }

    /// The keys of `action` that work in `context`, as shown to the user.
    pub fn label_in(&self, context: Context, action: Action) -> String {
        join(&self.keys_in(context, action))
    }
}

fn join(keys: &[Key]) -> String {
    let label = keys.iter().map(Key::label).collect::<Vec<_>>().join("/");
    if label.is_empty() {
        "(unbound)".into()
    } else {
        label
    }
}

fn keys_of(value: &toml::Value) -> Option<Vec<&str>> {
    match value {
        toml::Value::String(one) => Some(vec![one.as_str()]),
        toml::Value::Array(list) => list.iter().map(toml::Value::as_str).collect(),
        _ => None,
    }
}

pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;

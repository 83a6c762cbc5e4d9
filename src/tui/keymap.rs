//! Keys map to named actions through a TOML keymap: built-in defaults
//! (`assets/keymap.toml`) that a user file overrides action by action. The help
//! screen is generated from the active map, so it always tells the truth.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::config::ConfigError;

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
}

/// Each action's name in the keymap file and its line on the help screen.
pub const ACTIONS: &[(Action, &str, &str)] = &[
    (Action::Quit, "quit", "quit defrost"),
    (Action::Help, "help", "show or hide this help"),
    (
        Action::Explain,
        "explain",
        "show or hide what the current step does and why",
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
    (
        Action::Up,
        "up",
        "move up (in the range planner: move the chosen end up 1 MiB)",
    ),
    (
        Action::Down,
        "down",
        "move down (in the range planner: down 1 MiB)",
    ),
    (
        Action::PageUp,
        "page_up",
        "a page up (in the range planner: 64 MiB)",
    ),
    (
        Action::PageDown,
        "page_down",
        "a page down (in the range planner: 64 MiB)",
    ),
    (Action::First, "first", "go to the first row"),
    (Action::Last, "last", "go to the last row"),
    (
        Action::Open,
        "open",
        "open a vault, folder, archive, plan or batch; confirm a dialog",
    ),
    (
        Action::Back,
        "back",
        "close the dialog, stop filtering, or go up a folder",
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
];

/// A key as the keymap names it: a code and its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// The key of a terminal event, with Shift folded into the character for
    /// printable keys (terminals disagree on whether they report it).
    pub fn of(event: &KeyEvent) -> Key {
        let mut modifiers =
            event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        Key {
            code: event.code,
            modifiers,
        }
    }

    /// How the help screen and status bar write the key.
    pub fn label(&self) -> String {
        let mut label = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            label.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            label.push_str("Alt-");
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            label.push_str("Shift-");
        }
        let code = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        label.push_str(&code);
        label
    }
}

/// Parses `ctrl-c`, `shift-up`, `pagedown`, `?` and the like.
pub fn parse_key(text: &str) -> Option<Key> {
    let mut modifiers = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        if let Some(tail) = lower.strip_prefix("ctrl-").filter(|tail| !tail.is_empty()) {
            modifiers |= KeyModifiers::CONTROL;
            rest = &rest[rest.len() - tail.len()..];
        } else if let Some(tail) = lower.strip_prefix("alt-").filter(|tail| !tail.is_empty()) {
            modifiers |= KeyModifiers::ALT;
            rest = &rest[rest.len() - tail.len()..];
        } else if let Some(tail) = lower.strip_prefix("shift-").filter(|tail| !tail.is_empty()) {
            modifiers |= KeyModifiers::SHIFT;
            rest = &rest[rest.len() - tail.len()..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) => KeyCode::Char(if modifiers.contains(KeyModifiers::CONTROL) {
            c.to_ascii_lowercase()
        } else {
            c
        }),
        _ => named_key(&rest.to_ascii_lowercase())?,
    };
    if matches!(code, KeyCode::Char(_)) {
        modifiers.remove(KeyModifiers::SHIFT);
    }
    Some(Key { code, modifiers })
}

fn named_key(name: &str) -> Option<KeyCode> {
    Some(match name {
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "space" => KeyCode::Char(' '),
        _ => {
            let number: u8 = name.strip_prefix('f')?.parse().ok()?;
            if !(1..=12).contains(&number) {
                return None;
            }
            KeyCode::F(number)
        }
    })
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

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.by_key.get(&Key::of(event)).copied()
    }

    /// The keys of `action`, as shown to the user: `q/Ctrl-c`.
    pub fn label(&self, action: Action) -> String {
        self.by_action
            .get(&action)
            .map(|keys| keys.iter().map(Key::label).collect::<Vec<_>>().join("/"))
            .filter(|label| !label.is_empty())
            .unwrap_or_else(|| "(unbound)".into())
    }

    /// Every action with its keys and description, in the order of [`ACTIONS`].
    pub fn help_lines(&self) -> Vec<(String, &'static str)> {
        ACTIONS
            .iter()
            .map(|(action, _, help)| (self.label(*action), *help))
            .collect()
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

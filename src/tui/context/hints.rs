//! The footer's hints and the help screen's lines, both read off the context's
//! bindings with the keys that work there: a binding whose action has no such
//! key (say `p` while the planner's range field takes typing) is left out.

use super::Context;
use crate::tui::keymap::{Action, Key};
use crate::tui::model::Model;

/// A binding that acts now, with its keys that work here.
#[derive(Debug, Clone, PartialEq)]
pub struct Hint {
    pub action: Action,
    /// Never empty.
    pub keys: Vec<Key>,
    pub hint: &'static str,
    pub help: &'static str,
    /// In the footer, not only on the help screen.
    pub footer: bool,
}

/// Every binding of the context `model` is in that acts now, in table order.
pub fn hints(model: &Model) -> Vec<Hint> {
    hints_in(model, Context::of(model))
}

fn hints_in(model: &Model, context: Context) -> Vec<Hint> {
    let keymap = &model.config.keymap;
    context
        .bindings()
        .filter(|binding| (binding.when)(model))
        .filter_map(|binding| {
            let keys = keymap.keys_in(context, binding.action);
            (!keys.is_empty()).then_some(Hint {
                action: binding.action,
                keys,
                hint: binding.hint,
                help: binding.help,
                footer: binding.footer,
            })
        })
        .collect()
}

/// The help screen's lines for the context it was opened from, keys first; a
/// description two actions share is one line with the keys of both.
pub fn help_lines(model: &Model) -> (Context, Vec<(String, &'static str)>) {
    let context = Context::beneath_help(model);
    let mut lines: Vec<(String, &'static str)> = Vec::new();
    for hint in hints_in(model, context) {
        let keys = (hint.keys.iter().map(Key::label))
            .collect::<Vec<_>>()
            .join("/");
        match lines.iter_mut().find(|(_, help)| *help == hint.help) {
            Some((known, _)) => {
                known.push('/');
                known.push_str(&keys);
            }
            None => lines.push((keys, hint.help)),
        }
    }
    (context, lines)
}

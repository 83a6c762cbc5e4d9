//! Text typed into the field of a context that takes typing: a character
//! goes on the end, Backspace takes the last one back, and what the field
//! feeds is worked out again (the planner's range, the filter's rows).

use crossterm::event::{KeyCode, KeyEvent};

use super::super::context::Context;
use super::super::migration::Field;
use super::super::model::{Dialog, Model};
use super::super::msg::Cmd;
use super::{archives, range};

pub(super) fn type_key(model: &mut Model, context: Context, key: &KeyEvent) -> Vec<Cmd> {
    let Some(field) = field(model, context) else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Char(c) => field.push(c),
        KeyCode::Backspace => {
            field.pop();
        }
        _ => return Vec::new(),
    }
    match (context, model.dialog.as_mut()) {
        (Context::Filter, _) => archives::restart(model),
        (Context::Planner, Some(Dialog::Range(dialog))) => {
            range::reparse(dialog);
            Vec::new()
        }
        // A refusal was about what was typed before.
        (Context::MigrationText, Some(Dialog::Migration(dialog))) => {
            dialog.refusal = None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// The text of the field that takes typing in `context`.
fn field(model: &mut Model, context: Context) -> Option<&mut String> {
    if context == Context::Filter {
        return Some(&mut model.archives.filter);
    }
    match (context, model.dialog.as_mut()?) {
        (Context::Planner, Dialog::Range(dialog)) => Some(&mut dialog.text),
        (Context::SaveAs, Dialog::Preview(preview)) => preview.save_as.as_mut(),
        (Context::Download, Dialog::Download(dialog)) => Some(&mut dialog.folder),
        (Context::BatchFolder, Dialog::Batch(dialog)) => Some(&mut dialog.folder),
        (Context::MemberRestore, Dialog::MemberRestore(dialog)) => Some(&mut dialog.folder),
        (Context::MigrationText, Dialog::Migration(dialog)) => match dialog.field {
            Field::Bucket => Some(&mut dialog.bucket),
            _ => Some(&mut dialog.prefix),
        },
        _ => None,
    }
}

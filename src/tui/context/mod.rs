//! Where the keys go: the context the user is in (a pane, a dialog at one of
//! its stages, a field that takes typing, the help screen), worked out from the
//! model alone. Keys are looked up by context, and the footer and the help
//! screen list each context's own bindings, so a key is only ever hinted where
//! it acts. A new pane or dialog is a new variant here, a line in [`Context::of`]
//! and a table in `bindings`.

mod bindings;
mod dialogs;
mod hints;
mod panes;

pub use bindings::Binding;
pub use hints::{Hint, help_lines, hints};
pub use panes::has_output_to_download;

use super::batch::BatchStage;
use super::keymap::Action;
use super::migration::MigrationStage;
use super::model::{Dialog, Model, Pane};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// The vaults pane.
    Vaults,
    /// The archive table.
    Archives,
    /// The folder tree in place of the archive table.
    Tree,
    /// A zip's members, from its stored listing, in place of the archives.
    Members,
    /// Typing the archive filter.
    Filter,
    /// The jobs pane: batches, plans and their jobs.
    Jobs,
    /// The range planner, whose range field takes typing.
    Planner,
    /// The job parameters of a plan.
    Preview,
    /// Typing the file name the preview is saved as.
    SaveAs,
    /// Tier, estimate, retrieval policy and reuse, before spending.
    Launch,
    /// Typing the folder a plan or batch downloads into.
    Download,
    /// The jobs a plan would start again.
    Renew,
    /// Typing the folder a batch restores into; Tab picks the tier.
    BatchFolder,
    /// What a batch would do and cost (or waiting for it).
    BatchSummary,
    /// Typing a migration's bucket or prefix.
    MigrationText,
    /// Choosing a migration's storage class, tier or region rule.
    MigrationChoice,
    /// What a migration would do and cost (or waiting for it).
    MigrationSummary,
    /// What a drain would delete (or waiting for it).
    Drain,
    /// What a peek into a zip retrieves and costs, before it is paid for.
    Peek,
    /// What restoring a zip's member retrieves and costs; its folder field
    /// takes typing.
    MemberRestore,
    /// The help screen.
    Help,
}

impl Context {
    pub const ALL: [Context; 21] = [
        Context::Vaults,
        Context::Archives,
        Context::Tree,
        Context::Members,
        Context::Filter,
        Context::Jobs,
        Context::Planner,
        Context::Preview,
        Context::SaveAs,
        Context::Launch,
        Context::Download,
        Context::Renew,
        Context::BatchFolder,
        Context::BatchSummary,
        Context::MigrationText,
        Context::MigrationChoice,
        Context::MigrationSummary,
        Context::Drain,
        Context::Peek,
        Context::MemberRestore,
        Context::Help,
    ];

    /// The context of `model`: help over everything, then the open dialog,
    /// then the filter being typed, then the focused pane.
    pub fn of(model: &Model) -> Context {
        if model.help {
            return Context::Help;
        }
        Context::beneath_help(model)
    }

    /// The context the help screen was opened from (or is open over).
    pub fn beneath_help(model: &Model) -> Context {
        match &model.dialog {
            Some(Dialog::Range(_)) => Context::Planner,
            Some(Dialog::Preview(preview)) if preview.save_as.is_some() => Context::SaveAs,
            Some(Dialog::Preview(_)) => Context::Preview,
            Some(Dialog::Launch(_)) => Context::Launch,
            Some(Dialog::Download(_)) => Context::Download,
            Some(Dialog::Renew(_)) => Context::Renew,
            Some(Dialog::Batch(dialog)) => match dialog.stage {
                BatchStage::Choosing => Context::BatchFolder,
                BatchStage::Preparing(_) | BatchStage::Ready(_) => Context::BatchSummary,
            },
            Some(Dialog::Migration(dialog)) => match dialog.stage {
                MigrationStage::Choosing if dialog.field.takes_typing() => Context::MigrationText,
                MigrationStage::Choosing => Context::MigrationChoice,
                MigrationStage::Preparing(_) | MigrationStage::Ready(_) => {
                    Context::MigrationSummary
                }
            },
            Some(Dialog::Drain(_)) => Context::Drain,
            Some(Dialog::Peek(_)) => Context::Peek,
            Some(Dialog::MemberRestore(_)) => Context::MemberRestore,
            None if model.archives.filtering => Context::Filter,
            None => match model.focus {
                Pane::Vaults => Context::Vaults,
                Pane::Archives if model.zips.members.is_some() => Context::Members,
                Pane::Archives if model.archives.tree.is_some() => Context::Tree,
                Pane::Archives => Context::Archives,
                Pane::Jobs => Context::Jobs,
            },
        }
    }

    /// Whether a field here takes typing: then a key that types a character
    /// is text, and actions work through their other keys.
    pub fn takes_typing(self) -> bool {
        matches!(
            self,
            Context::Filter
                | Context::Planner
                | Context::SaveAs
                | Context::Download
                | Context::BatchFolder
                | Context::MigrationText
                | Context::MemberRestore
        )
    }

    /// Whether `action` does anything here (at some moment: the bindings say
    /// when it is worth hinting).
    pub fn acts_on(self, action: Action) -> bool {
        self.bindings().any(|binding| binding.action == action)
    }

    /// Every binding of the context, its own first, in the order the footer
    /// and the help screen list them.
    pub fn bindings(self) -> impl Iterator<Item = &'static Binding> {
        bindings::tables(self).into_iter().flatten()
    }

    /// The context in a few words, for the help screen's title.
    pub fn title(self) -> &'static str {
        match self {
            Context::Vaults => "the vaults pane",
            Context::Archives => "the archive table",
            Context::Tree => "the folder tree",
            Context::Members => "a zip's members",
            Context::Filter => "the filter, which takes typing",
            Context::Jobs => "the jobs pane",
            Context::Planner => "the range planner, whose range field takes typing",
            Context::Preview => "the job parameters",
            Context::SaveAs => "the file name, which takes typing",
            Context::Launch => "the launch step",
            Context::Download => "the download folder, which takes typing",
            Context::Renew => "the renewal",
            Context::BatchFolder => "the batch's folder, which takes typing",
            Context::BatchSummary => "the batch's summary",
            Context::MigrationText => "the migration's bucket or prefix, which takes typing",
            Context::MigrationChoice => "the migration's choices",
            Context::MigrationSummary => "the migration's summary",
            Context::Drain => "the drain",
            Context::Peek => "the peek",
            Context::MemberRestore => "the member's restore, whose folder takes typing",
            Context::Help => "the help screen",
        }
    }
}

/// The keys of `action` that work where the user is now, as shown to the user;
/// for the words dialogs draw around their fields, which speak of the dialog
/// even while help is open over it.
pub fn key_label(model: &Model, action: Action) -> String {
    model
        .config
        .keymap
        .label_in(Context::beneath_help(model), action)
}

//! The explain panel: a sentence or two on what the current step does and why,
//! for people learning (or teaching) the Glacier workflow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::tui::model::{Dialog, Model, Pane};

pub fn explain(frame: &mut Frame, model: &Model, area: Rect) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(model.config.theme.border(false))
        .title(" Why ");
    frame.render_widget(
        Paragraph::new(explanation(model))
            .block(block)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// What the screen is about right now, in plain words.
pub fn explanation(model: &Model) -> &'static str {
    match (&model.dialog, model.focus) {
        (Some(Dialog::Range(_)), _) => {
            "Glacier retrieves whole MiBs: a range must start and end on 1 MiB boundaries. It sends a checksum only when the range is a node of the archive's SHA-256 tree hash (a power-of-two run of MiBs, aligned to its size); split plans stay aligned with several smaller jobs."
        }
        (Some(Dialog::Preview(_)), _) => {
            "These are the exact parameters InitiateJob receives. Nothing is sent yet; the aws CLI line does the same from a shell."
        }
        (Some(Dialog::Launch(_)), _) => {
            "Expedited takes minutes and costs most, Standard hours, Bulk up to half a day for least. You pay per GB retrieved and per job; once ready, output can be downloaded for 24 hours."
        }
        (Some(Dialog::Download(_)), _) => {
            "The output is fetched in chunks whose tree hashes are checked as they arrive; an interrupted download resumes at the first unverified chunk."
        }
        (None, Pane::Vaults) => {
            "A vault's inventory is Glacier's list of its archives. Glacier rebuilds it about once a day, so the last day's uploads and deletions may be missing; asking for one takes hours."
        }
        (None, Pane::Archives) => {
            "Archives are listed from the cached inventory, with file names decoded from the descriptions other tools wrote. Reading one means a retrieval job: pick it and plan a range."
        }
        (None, Pane::Jobs) => {
            "Jobs run on Glacier's side. defrost asks about each no more often than its tier makes useful; a finished job's output stays downloadable for 24 hours."
        }
    }
}

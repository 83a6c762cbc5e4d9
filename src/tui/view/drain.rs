//! The drain dialog: what deleting the vault's copied archives would delete
//! and keep, the early deletion fee, and the last question.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::batch::archives;
use super::centered;
use super::dialogs::dialog_block;
use super::format::size;
use crate::domain::cost::format_cost;
use crate::text::printable;
use crate::tracking::drain::PreparedDrain;
use crate::tui::drain::{DrainDialog, DrainStage};
use crate::tui::keymap::Action;
use crate::tui::model::Model;

pub fn dialog(frame: &mut Frame, model: &Model, dialog: &DrainDialog, screen: Rect) {
    let theme = &model.config.theme;
    let lines = match &dialog.stage {
        DrainStage::Preparing(_) => vec![Line::from(Span::styled(
            "reading the journal's copies against the newest inventory…",
            theme.text(theme.muted),
        ))],
        DrainStage::Ready(draining) => summary_lines(model, &draining.0),
    };
    let inner = usize::from(screen.width.min(100).saturating_sub(2)).max(1);
    let rows: usize = (lines.iter())
        .map(|line| line.width().div_ceil(inner).max(1))
        .sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(2);
    let area = centered(screen, 100, height.min(screen.height));
    frame.render_widget(Clear, area);
    let title = format!(
        " Delete the copied archives of {} ",
        printable(&dialog.vault.name)
    );
    let block = dialog_block(model, title);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// One fact a line, as `defrost drain` says them, and the last question.
fn summary_lines<'a>(model: &Model, prepared: &PreparedDrain) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let keys = &model.config.keymap;
    let s = &prepared.summary;
    // The drain reads only archives with a proof, so the bytes of those it
    // keeps for want of one are not known: they are counted, not sized.
    let mut lines = vec![Line::from(format!(
        "{} in the newest cached inventory",
        archives(s.listed.archives),
    ))];
    if s.deleted_before.archives > 0 {
        lines.push(Line::from(format!(
            "{} ({}) deleted by an earlier drain",
            archives(s.deleted_before.archives),
            size(s.deleted_before.bytes)
        )));
    }
    lines.push(Line::from(Span::styled(
        format!(
            "to delete: {} ({}), copied to S3 and verified",
            archives(s.to_delete.archives),
            size(s.to_delete.bytes)
        ),
        theme.marked(theme.accent, Modifier::BOLD),
    )));
    if s.kept.archives > 0 {
        lines.push(Line::from(format!(
            "kept: {} with no verified copy in S3",
            archives(s.kept.archives),
        )));
    }
    if s.early.archives > 0 {
        let prices = &model.config.prices;
        let fee = s.early_fee.map_or_else(
            || "a prorated fee".to_owned(),
            |fee| format!("about {}", format_cost(fee, &prices.currency)),
        );
        lines.push(Line::from(Span::styled(
            format!(
                "{} ({}) younger than Glacier's minimum storage time: deleting them now costs {fee}",
                archives(s.early.archives),
                size(s.early.bytes)
            ),
            theme.text(theme.warning),
        )));
    }
    lines.push(Line::from(""));
    let last = if prepared.items.is_empty() {
        Line::from(Span::styled(
            format!("nothing to delete · {} closes", keys.label(Action::Open)),
            theme.text(theme.muted),
        ))
    } else {
        Line::from(Span::styled(
            format!(
                "Deleting from Glacier cannot be undone; the copies in S3 stay. {} deletes {} · {} cancels",
                keys.label(Action::Open),
                archives(prepared.items.len() as u64),
                keys.label(Action::Back)
            ),
            theme.marked(theme.bad, Modifier::BOLD),
        ))
    };
    lines.push(last);
    lines
}

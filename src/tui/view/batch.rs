//! The batch dialog: where the marked archives go and at which tier, then
//! everything the user should know before paying (what is selected, what is
//! already restored or reused, each tier's cost and when its last job is
//! likely ready, the retrieval policy and the pace, names shared by archives).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::centered;
use super::dialogs::dialog_block;
use super::format::{size, size_u128, span};
use crate::domain::batch::BatchSummary;
use crate::domain::cost::format_cost;
use crate::domain::job_params::Tier;
use crate::glacier::RetrievalPolicy;
use crate::text::printable;
use crate::tracking::batch::PreparedBatch;
use crate::tui::batch::{BatchDialog, BatchStage};
use crate::tui::context::key_label;
use crate::tui::keymap::Action;
use crate::tui::marks::grouped;
use crate::tui::model::Model;

pub fn dialog(frame: &mut Frame, model: &Model, dialog: &BatchDialog, screen: Rect) {
    let theme = &model.config.theme;
    let mut lines = vec![
        Line::from(format!(
            "{} marked, {}, of vault {}",
            archives(dialog.positions.len() as u64),
            size_u128(dialog.marked_bytes),
            printable(&dialog.vault.name)
        )),
        folder_line(model, dialog),
        Line::from(""),
    ];
    match &dialog.stage {
        BatchStage::Choosing => lines.push(Line::from(Span::styled(
            format!(
                "Each archive lands under its decoded path inside this folder. {} picks the tier ({} now); {} shows what the batch would do and cost, before anything is paid.",
                key_label(model, Action::NextPane),
                dialog.tier,
                key_label(model, Action::Open)
            ),
            theme.text(theme.muted),
        ))),
        BatchStage::Preparing(_) => lines.push(Line::from(Span::styled(
            "asking the cache and Glacier what the batch would do…",
            theme.text(theme.muted),
        ))),
        BatchStage::Ready(prepared) => lines.extend(summary_lines(model, dialog, &prepared.0)),
    }
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let area = centered(screen, 100, height.min(screen.height));
    frame.render_widget(Clear, area);
    let block = dialog_block(model, " Restore the marked archives ".to_owned());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn folder_line<'a>(model: &Model, dialog: &BatchDialog) -> Line<'a> {
    let theme = &model.config.theme;
    let typing = matches!(dialog.stage, BatchStage::Choosing);
    Line::from(vec![
        Span::styled("into folder ", theme.text(theme.accent)),
        Span::raw(format!(
            "{}{}",
            printable(&dialog.folder),
            if typing { "▏" } else { "" }
        )),
    ])
}

/// The summary, one fact a line, and the last question.
fn summary_lines<'a>(
    model: &Model,
    dialog: &BatchDialog,
    prepared: &PreparedBatch,
) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let s = &prepared.summary;
    let mut lines = Vec::new();
    if s.restored.archives > 0 {
        lines.push(Line::from(format!(
            "{} ({}) already in the folder: not retrieved again",
            archives(s.restored.archives),
            size(s.restored.bytes)
        )));
    }
    if s.reusable.archives > 0 {
        lines.push(Line::from(format!(
            "{} ({}) with a job running or ready: not paid again",
            archives(s.reusable.archives),
            size(s.reusable.bytes)
        )));
    }
    lines.push(Line::from(Span::styled(
        format!(
            "{} jobs to start, {}",
            grouped(s.to_start.archives),
            size(s.to_start.bytes)
        ),
        theme.marked(theme.accent, Modifier::BOLD),
    )));
    lines.extend(tier_lines(model, s, dialog.tier));
    lines.push(policy_line(model, prepared));
    lines.extend(caveat_lines(model, s, "name"));
    lines.push(Line::from(""));
    let keys = &model.config.keymap;
    lines.push(Line::from(Span::styled(
        format!(
            "{} starts {} jobs at {} · {} changes the tier · {} goes back",
            keys.label(Action::Open),
            grouped(s.to_start.archives),
            dialog.tier,
            keys.label(Action::NextPane),
            keys.label(Action::Back)
        ),
        theme.marked(theme.warning, Modifier::BOLD),
    )));
    lines
}

/// Each tier's cost and when its last job is typically ready, cheapest first,
/// `chosen` marked.
pub(super) fn tier_lines<'a>(model: &Model, s: &BatchSummary, chosen: Tier) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let mut lines = Vec::new();
    let prices = &model.config.prices;
    lines.push(Line::from(Span::styled(
        format!(
            "tier        last job ready in about   estimated cost   (prices of {}, as of {})",
            prices.region, prices.as_of
        ),
        theme.text(theme.muted),
    )));
    let mut tiers: Vec<_> = s.tiers.iter().collect();
    tiers.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    for tier in tiers {
        let marked = tier.tier == chosen;
        let text = format!(
            "{} {:<10} {:<25} {}",
            if marked { "▶" } else { " " },
            tier.tier.as_str(),
            span(tier.last_ready_after),
            format_cost(tier.cost, &prices.currency)
        );
        let style = if marked {
            theme.selection()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines
}

/// The vault's retrieval policy and what it means for the pace.
/// What the batch will not do as asked: archives too large for the cap, and
/// names several archives share (each keeps its `what`, a name or a key,
/// with the archive's id after the first).
pub(super) fn caveat_lines<'a>(model: &Model, s: &BatchSummary, what: &str) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let mut lines = Vec::new();
    if s.too_large.archives > 0 {
        lines.push(Line::from(Span::styled(
            format!(
                "{} ({}) too large for the bytes-per-hour cap on their own: not started",
                archives(s.too_large.archives),
                size(s.too_large.bytes)
            ),
            theme.text(theme.warning),
        )));
    }
    if let Some((name, shared)) = &s.shared_names.example {
        lines.push(Line::from(format!(
            "{} names are shared by more than one archive (for example {} by {shared}): the first keeps the {what}, the others get ' (archive ID)' before the extension",
            grouped(s.shared_names.names),
            printable(name)
        )));
    }
    lines
}

pub(super) fn policy_line<'a>(model: &Model, prepared: &PreparedBatch) -> Line<'a> {
    let theme = &model.config.theme;
    let pace = match prepared.summary.hours_of_starting {
        Some(1) => ", so starting takes at least an hour".to_owned(),
        Some(hours) if hours > 1 => format!(", so starting takes at least {hours} hours"),
        _ => String::new(),
    };
    let cap = prepared
        .pace
        .bytes_per_hour
        .map_or_else(String::new, |cap| {
            format!("; at most {} started per hour{pace}", size(cap))
        });
    let (policy, color) = match &prepared.policy {
        Some(RetrievalPolicy::FreeTier) => (
            "free tier only: Glacier refuses retrievals beyond the free allowance, which the batch retries later".to_owned(),
            theme.warning,
        ),
        Some(policy) => (policy.to_string(), theme.good),
        None => ("not readable with these credentials".to_owned(), theme.warning),
    };
    Line::from(Span::styled(
        format!("data retrieval policy: {}{cap}", printable(&policy)),
        theme.text(color),
    ))
}

/// `1 archive`, `1,200 archives`.
pub(super) fn archives(count: u64) -> String {
    match count {
        1 => "1 archive".to_owned(),
        n => format!("{} archives", grouped(n)),
    }
}

//! The member's restore dialog: the member and its span of the archive, each
//! plan with its bytes, extra bytes, jobs and checksum, the chosen plan's cost
//! at the chosen tier beside the whole archive's, and the folder it goes into.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::centered;
use super::dialogs::dialog_block;
use super::format::size;
use crate::domain::job_params::Tier;
use crate::domain::range::PlanKind;
use crate::text::printable;
use crate::tui::context::key_label;
use crate::tui::keymap::Action;
use crate::tui::member_restore::MemberDialog;
use crate::tui::model::Model;

pub fn dialog(frame: &mut Frame, model: &Model, dialog: &MemberDialog, screen: Rect) {
    let theme = &model.config.theme;
    let area = centered(screen, 100, 20);
    frame.render_widget(Clear, area);
    let member = &dialog.member.member;
    let muted = theme.text(theme.muted);
    let mut lines = vec![
        Line::from(format!(
            "{} ({}, {} packed, {})",
            printable(&member.name),
            size(member.size),
            size(member.compressed_size),
            member.method.label()
        )),
        Line::from(Span::styled(
            format!(
                "its span: bytes {} of the archive ({}): header, packed bytes, descriptor",
                dialog.want,
                size(dialog.want.len())
            ),
            muted,
        )),
        Line::from(""),
    ];
    for (kind, found) in &dialog.plans {
        let chosen = *kind == dialog.chosen;
        let style = if chosen {
            theme.selection()
        } else {
            Style::default()
        };
        let arrow = if chosen { "▶" } else { " " };
        let text = match found {
            Ok(plan) => format!(
                "{arrow}{:<6} {:>10} in {} job{}, {} extra, {}",
                kind_name(*kind),
                size(plan.bytes),
                plan.jobs.len(),
                if plan.jobs.len() == 1 { "" } else { "s" },
                size(plan.extra_bytes),
                if plan.checksum {
                    "Glacier returns a checksum"
                } else {
                    "no checksum (the CRC-32 still checks it)"
                }
            ),
            Err(why) => format!("{arrow}{:<6} {}", kind_name(*kind), printable(why)),
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(""));
    lines.push(tier_line(model, dialog.tier));
    let speed = model.session.speed;
    let prices = &model.config.prices;
    let cost = (dialog.cost(prices, speed))
        .unwrap_or_else(|| "the chosen plan cannot serve the span".to_owned());
    lines.push(Line::from(vec![
        Span::styled("member ", muted),
        Span::styled(
            cost,
            theme.text(theme.highlight).add_modifier(Modifier::BOLD),
        ),
    ]));
    lines.push(Line::from(vec![
        Span::styled("whole  ", muted),
        Span::raw(format!("all of it: {}", dialog.whole(prices, speed))),
    ]));
    lines.push(Line::from(Span::styled(
        format!(
            "prices of {}, {}, as of {}",
            prices.region, prices.currency, prices.as_of
        ),
        muted,
    )));
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("into folder ", theme.text(theme.accent)),
        Span::raw(format!("{}▏", printable(&dialog.folder))),
    ]));
    lines.push(Line::from(Span::styled(
        "It goes under its own path inside; a file there is never replaced. The span stays in the cache.",
        muted,
    )));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        format!(
            "{} tier · {} plan · {} starts it, and it goes on by itself once ready · {} leaves it",
            key_label(model, Action::Up),
            key_label(model, Action::Left),
            key_label(model, Action::Open),
            key_label(model, Action::Back)
        ),
        theme.text(theme.warning).add_modifier(Modifier::BOLD),
    )));
    let title = format!(" Restore {} ", printable(&member.name));
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn kind_name(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Mib => "mib",
        PlanKind::Tree => "tree",
        PlanKind::Split => "split",
    }
}

fn tier_line(model: &Model, chosen: Tier) -> Line<'static> {
    let theme = &model.config.theme;
    let mut spans = vec![Span::styled("tier   ", theme.text(theme.muted))];
    for tier in [Tier::Bulk, Tier::Standard, Tier::Expedited] {
        let (style, arrow) = if tier == chosen {
            (theme.selection(), "▶")
        } else {
            (Style::default(), " ")
        };
        spans.push(Span::styled(format!("{arrow}{} ", tier.as_str()), style));
    }
    Line::from(spans)
}

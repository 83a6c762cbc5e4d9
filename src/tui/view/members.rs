//! Zips on the screen: an archive's members as a folder tree in the archives
//! pane, the selected member in the details pane, and the peek dialog.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph, Wrap};

use super::dialogs::dialog_block;
use super::format::size;
use super::{centered, pane_block};
use crate::domain::job_params::Tier;
use crate::domain::zip::member_range;
use crate::text::printable;
use crate::tui::context::{Context, key_label};
use crate::tui::keymap::Action;
use crate::tui::members::{MemberEntry, MembersView, PeekDialog};
use crate::tui::model::{Model, Pane};

/// Beside an archive whose zip listing is stored.
pub const LISTED: &str = "⧉";

/// The members of the archive, a folder at a time, in the archives pane.
pub fn members(frame: &mut Frame, model: &Model, view: &MembersView, area: Rect) {
    let theme = &model.config.theme;
    let focused = model.focus == Pane::Archives && model.dialog.is_none();
    let title = format!(
        " {LISTED} {} /{} ",
        printable(&view.archive.name),
        printable(&view.path)
    );
    let block = pane_block(model, title, focused);
    if view.loading.is_some() {
        let text = Paragraph::new(Span::styled(
            "reading the listing…",
            theme.text(theme.muted),
        ));
        frame.render_widget(text.block(block), area);
        return;
    }
    // Only the rows in view are built, scrolled just far enough to show the
    // cursor, as in the folder tree.
    let visible = usize::from(area.height.saturating_sub(2)).max(1);
    let top = view.cursor.saturating_sub(visible - 1);
    let end = (top + visible).min(view.entries.len());
    let items: Vec<ListItem> = view.entries[top..end]
        .iter()
        .map(|entry| member_item(model, view, entry))
        .collect();
    let empty = items.is_empty();
    let list = List::new(items)
        .block(block)
        .highlight_style(theme.selection());
    let selected = view.cursor.checked_sub(top).filter(|_| !empty);
    let mut state = ListState::default().with_selected(selected);
    frame.render_stateful_widget(list, area, &mut state);
}

/// A folder with its files and their unpacked size, or a file with its size.
fn member_item(model: &Model, view: &MembersView, entry: &MemberEntry) -> ListItem<'static> {
    let theme = &model.config.theme;
    match entry {
        MemberEntry::Folder { name, files, bytes } => {
            let plural = if *files == 1 { "" } else { "s" };
            ListItem::new(Line::from(vec![
                Span::styled(format!("▸ {}/", printable(name)), theme.text(theme.accent)),
                Span::styled(
                    format!("  {files} file{plural} · {}", size(*bytes)),
                    theme.text(theme.muted),
                ),
            ]))
        }
        MemberEntry::Member { index } => {
            let Some(listed) = view.members.get(*index) else {
                return ListItem::new("");
            };
            let path = listed.member.path.as_str();
            let name = path.rsplit('/').next().unwrap_or(path);
            ListItem::new(Line::from(vec![
                Span::raw(format!("  {}", printable(name))),
                Span::styled(
                    format!("  {}", size(listed.member.size)),
                    theme.text(theme.muted),
                ),
            ]))
        }
    }
}

/// The selected member's facts, or the folder's, in the details pane.
pub fn details(frame: &mut Frame, model: &Model, view: &MembersView, area: Rect) {
    let theme = &model.config.theme;
    let block = pane_block(model, " Member ".into(), false);
    let label = |text: &'static str| Span::styled(text, theme.text(theme.muted));
    let Some(listed) = view.selected_member() else {
        if view.loading.is_some() {
            frame.render_widget(Paragraph::new("").block(block), area);
            return;
        }
        let text = format!(
            "{} of {}: {} members",
            printable(&view.archive.name),
            size(view.archive.size),
            view.members.len()
        );
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let keys = &model.config.keymap;
    let member = &listed.member;
    let span = member_range(member, listed.span_end)
        .map(|range| format!("bytes {range} of the archive ({})", size(range.len())))
        .unwrap_or_else(|| "none".to_owned());
    let modified = member
        .modified
        .map(|at| {
            format!(
                " · modified {} {:02}:{:02}",
                at.date(),
                at.hour(),
                at.minute()
            )
        })
        .unwrap_or_default();
    let lines = vec![
        Line::from(vec![
            label("name        "),
            Span::raw(printable(&member.name)),
        ]),
        Line::from(vec![
            label("size        "),
            Span::raw(format!(
                "{} ({} packed, {}){modified}",
                size(member.size),
                size(member.compressed_size),
                member.method.label()
            )),
        ]),
        Line::from(vec![label("span        "), Span::raw(span)]),
        Line::from(vec![
            label("            "),
            Span::styled(
                format!(
                    "{} plans its span, {} restores it as a file",
                    keys.label_in(Context::Members, Action::PlanRange),
                    keys.label_in(Context::Members, Action::Download)
                ),
                theme.text(theme.muted),
            ),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// What a peek retrieves and costs at the chosen tier, beside the whole
/// archive, before it is paid for.
pub fn peek(frame: &mut Frame, model: &Model, dialog: &PeekDialog, screen: Rect) {
    let theme = &model.config.theme;
    let area = centered(screen, 100, 15);
    frame.render_widget(Clear, area);
    let what = if dialog.first {
        "its tail, which holds a zip's end record"
    } else {
        "the rest of its central directory, which lies before the tail"
    };
    let tiers: Vec<Span> = [Tier::Bulk, Tier::Standard, Tier::Expedited]
        .into_iter()
        .map(|tier| {
            let style = if tier == dialog.tier {
                theme.selection()
            } else {
                Style::default()
            };
            let arrow = if tier == dialog.tier { "▶" } else { " " };
            Span::styled(format!("{arrow}{} ", tier.as_str()), style)
        })
        .collect();
    let mut tier_line = vec![Span::styled("tier   ", theme.text(theme.muted))];
    tier_line.extend(tiers);
    let prices = &model.config.prices;
    let lines = vec![
        Line::from(format!("To list its members, retrieve {what}:")),
        Line::from(format!(
            "  bytes {} ({})",
            dialog.range,
            size(dialog.range.len())
        )),
        Line::from(""),
        Line::from(tier_line),
        Line::from(vec![
            Span::styled("peek   ", theme.text(theme.muted)),
            Span::styled(
                dialog.cost.clone(),
                theme.text(theme.highlight).add_modifier(Modifier::BOLD),
            ),
        ]),
        Line::from(vec![
            Span::styled("whole  ", theme.text(theme.muted)),
            Span::raw(format!("all of it: {}", dialog.whole)),
        ]),
        Line::from(Span::styled(
            format!(
                "prices of {}, {}, as of {}",
                prices.region, prices.currency, prices.as_of
            ),
            theme.text(theme.muted),
        )),
        Line::from(""),
        Line::from(
            "The retrieval is an ordinary plan in the jobs pane; its bytes are kept, and the listing once read costs nothing again.",
        ),
        Line::from(""),
        Line::from(Span::styled(
            format!(
                "{} tier · {} starts it, and it goes on by itself once ready · {} leaves it",
                key_label(model, Action::Up),
                key_label(model, Action::Open),
                key_label(model, Action::Back)
            ),
            theme.text(theme.warning).add_modifier(Modifier::BOLD),
        )),
    ];
    let title = format!(" Peek into {} ", printable(&dialog.archive.name));
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

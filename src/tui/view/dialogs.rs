//! The job preview, the launch step, the download folder and the help screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use super::format::size;
use crate::domain::cost::format_cost;
use crate::text::printable;
use crate::tui::context::{Context, key_label};
use crate::tui::keymap::Action;
use crate::tui::model::{DownloadDialog, LaunchDialog, Model, PolicyCheck, Preview};
use crate::tui::present::policy_refusal;

pub(super) fn dialog_block<'a>(model: &Model, title: String) -> Block<'a> {
    let theme = &model.config.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

pub fn preview(frame: &mut Frame, model: &Model, preview: &Preview, screen: Rect) {
    let area = centered(screen, 110, screen.height.saturating_sub(4));
    frame.render_widget(Clear, area);
    let title = format!(
        " Job parameters: {} job(s) for {} ",
        preview.planned.jobs.len(),
        printable(&preview.archive.name)
    );
    let mut lines: Vec<Line> = Vec::new();
    for (index, job) in preview.planned.jobs.iter().enumerate() {
        lines.push(Line::from(Span::styled(
            format!("# job {} of {}", index + 1, preview.planned.jobs.len()),
            model.config.theme.text(model.config.theme.muted),
        )));
        lines.extend(
            job.to_json_pretty()
                .lines()
                .map(|line| Line::from(printable(line))),
        );
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "# the same with the aws CLI",
        model.config.theme.text(model.config.theme.muted),
    )));
    lines.extend(
        preview
            .cli_lines
            .iter()
            .map(|line| Line::from(printable(line))),
    );
    lines.push(Line::from(""));
    lines.push(preview_footer(model, preview));
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false })
            .scroll((preview.scroll, 0)),
        area,
    );
}

/// The file name being typed, or the keys of the preview.
fn preview_footer<'a>(model: &Model, preview: &Preview) -> Line<'a> {
    let theme = &model.config.theme;
    let keys = &model.config.keymap;
    match &preview.save_as {
        Some(name) => Line::from(vec![
            Span::styled("save as ", theme.text(theme.accent)),
            Span::raw(format!("{}▏", printable(name))),
            Span::styled(
                format!(
                    "  {} saves, {} cancels",
                    key_label(model, Action::Open),
                    key_label(model, Action::Back)
                ),
                theme.text(theme.muted),
            ),
        ]),
        None => Line::from(Span::styled(
            format!(
                "{} copy (OSC 52) · {} save · {} launch · {} back to the planner",
                keys.label(Action::Copy),
                keys.label(Action::Save),
                keys.label(Action::Launch),
                keys.label(Action::Back)
            ),
            theme.text(theme.muted),
        )),
    }
}

pub fn launch(frame: &mut Frame, model: &Model, launch: &LaunchDialog, screen: Rect) {
    let area = centered(screen, 96, 22);
    frame.render_widget(Clear, area);
    let preview = &launch.preview;
    let mut lines = vec![
        Line::from(format!(
            "{} job(s), {} in all ({} more than wanted), checksum {}",
            preview.planned.jobs.len(),
            size(preview.plan.bytes),
            size(preview.plan.extra_bytes),
            if preview.plan.checksum { "yes" } else { "no" }
        )),
        Line::from(""),
    ];
    lines.extend(tier_lines(model, launch));
    lines.push(Line::from(""));
    lines.push(policy_line(model, launch));
    if !launch.reusable.is_empty() {
        let theme = &model.config.theme;
        lines.push(Line::from(Span::styled(
            format!(
                "job {} already retrieves these bytes and can still be downloaded: {} reuses it and pays nothing more",
                printable(&launch.reusable.join(", ")),
                model.config.keymap.label(Action::Download)
            ),
            theme.text(theme.highlight),
        )));
    }
    lines.push(Line::from(""));
    lines.push(launch_prompt(model, launch));
    let title = format!(" Launch: {} ", printable(&preview.archive.name));
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The price table's heading and a line per tier, the chosen one marked.
fn tier_lines<'a>(model: &Model, launch: &LaunchDialog) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let prices = &model.config.prices;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "tier        ready in       estimated cost   (prices of {}, {}, as of {})",
            prices.region, prices.currency, prices.as_of
        ),
        theme.text(theme.muted),
    ))];
    for guess in &launch.estimates {
        let chosen = guess.tier == launch.preview.tier;
        let text = format!(
            "{} {:<10} {:<14} {}",
            if chosen { "▶" } else { " " },
            guess.tier.as_str(),
            super::format::span_between(guess.earliest, guess.latest, "–"),
            format_cost(guess.cost, &prices.currency)
        );
        let style = if chosen {
            theme.selection()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines
}

/// What the vault's data retrieval policy says of this plan.
fn policy_line<'a>(model: &Model, launch: &LaunchDialog) -> Line<'a> {
    let theme = &model.config.theme;
    match &launch.policy {
        PolicyCheck::Asking(_) => Line::from(Span::styled(
            "data retrieval policy: asking Glacier…",
            theme.text(theme.muted),
        )),
        PolicyCheck::Failed(problem) => Line::from(Span::styled(
            format!("data retrieval policy unknown: {}", printable(problem)),
            theme.text(theme.warning),
        )),
        PolicyCheck::Known(policy) => match policy_refusal(policy, launch.preview.plan.bytes) {
            Some(refusal) => Line::from(Span::styled(
                refusal,
                theme.marked(theme.bad, Modifier::BOLD),
            )),
            None => Line::from(Span::styled(
                format!("data retrieval policy: {policy}, this retrieval is within it"),
                theme.text(theme.good),
            )),
        },
    }
}

/// The keys of this step, or the last question before spending.
fn launch_prompt<'a>(model: &Model, launch: &LaunchDialog) -> Line<'a> {
    let theme = &model.config.theme;
    let keys = &model.config.keymap;
    let preview = &launch.preview;
    if launch.confirming {
        Line::from(Span::styled(
            format!(
                "Start {} {} job(s) for {} now? {} starts them, {} goes back.",
                preview.planned.jobs.len(),
                preview.tier,
                size(preview.plan.bytes),
                keys.label(Action::Open),
                keys.label(Action::Back)
            ),
            theme.text(theme.warning).add_modifier(Modifier::BOLD),
        ))
    } else {
        Line::from(Span::styled(
            format!(
                "{} choose the tier · {} continue · {} back to the preview",
                keys.label(Action::Up),
                keys.label(Action::Open),
                keys.label(Action::Back)
            ),
            theme.text(theme.muted),
        ))
    }
}

pub fn download(frame: &mut Frame, model: &Model, dialog: &DownloadDialog, screen: Rect) {
    let area = centered(screen, 80, 7);
    frame.render_widget(Clear, area);
    let batch = dialog.job_id.parse::<crate::store::BatchId>().is_ok();
    let (what, note) = if batch {
        (
            "everything ready of batch",
            "Each archive lands under its decoded path inside this folder, verified chunk by chunk. Enter starts, Esc cancels.",
        )
    } else {
        (
            "plan",
            "The archive lands under its decoded name inside this folder, verified chunk by chunk. Enter starts, Esc cancels.",
        )
    };
    let lines = vec![
        Line::from(format!(
            "{what} {} of vault {}",
            printable(&dialog.job_id),
            printable(&dialog.vault.name)
        )),
        Line::from(vec![
            Span::styled(
                "into folder ",
                model.config.theme.text(model.config.theme.accent),
            ),
            Span::raw(format!("{}▏", printable(&dialog.folder))),
        ]),
        Line::from(Span::styled(
            note,
            model.config.theme.text(model.config.theme.muted),
        )),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, " Download ".into()))
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// The keys that work in the context help was opened from, and nothing else.
pub fn help(frame: &mut Frame, model: &Model, screen: Rect) {
    let (context, lines_wanted) = crate::tui::context::help_lines(model);
    // Where zips carry their marker, the help says what it means.
    let marker = matches!(context, Context::Archives | Context::Tree)
        && !model.zips.listed.positions.is_empty();
    let extra = if marker { 7 } else { 6 };
    let area = centered(
        screen,
        90,
        (lines_wanted.len() as u16).saturating_add(extra),
    );
    frame.render_widget(Clear, area);
    let width = lines_wanted
        .iter()
        .map(|(keys, _)| keys.chars().count())
        .max()
        .unwrap_or(0);
    let theme = &model.config.theme;
    let mut lines: Vec<Line> = lines_wanted
        .into_iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("{keys:>width$}  "), theme.text(theme.accent)),
                Span::raw(what),
            ])
        })
        .collect();
    if marker {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>width$}  ", super::members::LISTED),
                theme.text(theme.accent),
            ),
            Span::raw("a zip whose listing is stored: Enter shows its members"),
        ]));
    }
    lines.push(Line::from(""));
    if context.takes_typing() {
        lines.push(Line::from(Span::styled(
            "Letters, digits, signs and Backspace go into the field here.",
            theme.text(theme.muted),
        )));
    }
    lines.push(Line::from(Span::styled(
        "Keys come from keymap.toml in defrost's config directory.",
        theme.text(theme.muted),
    )));
    let title = format!(" Keys in {} ", context.title());
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

//! The job preview, the launch step, the download folder and the help screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use super::format::{size, span};
use crate::domain::cost::{estimate, format_cost};
use crate::domain::job_params::Tier;
use crate::text::printable;
use crate::tui::keymap::Action;
use crate::tui::model::{DownloadDialog, LaunchDialog, Model, PolicyCheck, Preview};
use crate::tui::present::policy_refusal;

fn dialog_block<'a>(model: &Model, title: String) -> Block<'a> {
    let theme = &model.config.theme;
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
}

pub fn preview(frame: &mut Frame, model: &Model, preview: &Preview, screen: Rect) {
    let area = centered(screen, 110, screen.height.saturating_sub(4));
    frame.render_widget(Clear, area);
    let keys = &model.config.keymap;
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
    match &preview.save_as {
        Some(name) => lines.push(Line::from(vec![
            Span::styled(
                "save as ",
                model.config.theme.text(model.config.theme.accent),
            ),
            Span::raw(format!("{}▏", printable(name))),
            Span::styled(
                "  Enter saves, Esc cancels",
                model.config.theme.text(model.config.theme.muted),
            ),
        ])),
        None => lines.push(Line::from(Span::styled(
            format!(
                "{} copy (OSC 52) · {} save · {} launch · {} back to the planner",
                keys.label(Action::Copy),
                keys.label(Action::Save),
                keys.label(Action::Launch),
                keys.label(Action::Back)
            ),
            model.config.theme.text(model.config.theme.muted),
        ))),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false })
            .scroll((preview.scroll, 0)),
        area,
    );
}

pub fn launch(frame: &mut Frame, model: &Model, launch: &LaunchDialog, screen: Rect) {
    let theme = &model.config.theme;
    let area = centered(screen, 96, 22);
    frame.render_widget(Clear, area);
    let preview = &launch.preview;
    let prices = &model.config.prices;
    let mut lines = vec![
        Line::from(format!(
            "{} job(s), {} in all ({} more than wanted), checksum {}",
            preview.planned.jobs.len(),
            size(preview.plan.bytes),
            size(preview.plan.extra_bytes),
            if preview.plan.checksum { "yes" } else { "no" }
        )),
        Line::from(""),
        Line::from(Span::styled(
            format!(
                "tier        ready in       estimated cost   (prices of {}, {}, as of {})",
                prices.region, prices.currency, prices.as_of
            ),
            theme.text(theme.muted),
        )),
    ];
    for tier in [Tier::Bulk, Tier::Standard, Tier::Expedited] {
        let guess = estimate(
            prices,
            tier,
            preview.plan.bytes,
            preview.planned.jobs.len(),
            model.session.speed,
        );
        let chosen = tier == preview.tier;
        let text = format!(
            "{} {:<10} {:<14} {}",
            if chosen { "▶" } else { " " },
            tier.as_str(),
            format!("{}–{}", span(guess.earliest), span(guess.latest)),
            format_cost(guess.cost, &prices.currency)
        );
        let style = if chosen {
            theme.selection()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(""));
    lines.push(match &launch.policy {
        PolicyCheck::Asking(_) => Line::from(Span::styled(
            "data retrieval policy: asking Glacier…",
            theme.text(theme.muted),
        )),
        PolicyCheck::Failed(problem) => Line::from(Span::styled(
            format!("data retrieval policy unknown: {}", printable(problem)),
            theme.text(theme.warning),
        )),
        PolicyCheck::Known(policy) => match policy_refusal(policy, preview.plan.bytes) {
            Some(refusal) => Line::from(Span::styled(
                refusal,
                theme.marked(theme.bad, Modifier::BOLD),
            )),
            None => Line::from(Span::styled(
                format!("data retrieval policy: {policy}, this retrieval is within it"),
                theme.text(theme.good),
            )),
        },
    });
    if !launch.reusable.is_empty() {
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
    let keys = &model.config.keymap;
    lines.push(if launch.confirming {
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
    });
    let title = format!(" Launch: {} ", printable(&preview.archive.name));
    frame.render_widget(
        Paragraph::new(lines)
            .block(dialog_block(model, title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn download(frame: &mut Frame, model: &Model, dialog: &DownloadDialog, screen: Rect) {
    let area = centered(screen, 80, 7);
    frame.render_widget(Clear, area);
    let lines = vec![
        Line::from(format!(
            "job {} of {}",
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
            "The archive lands under its decoded name inside this folder, verified chunk by chunk. Enter starts, Esc cancels.",
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

pub fn help(frame: &mut Frame, model: &Model, screen: Rect) {
    let lines_wanted = model.config.keymap.help_lines();
    let area = centered(screen, 90, (lines_wanted.len() as u16).saturating_add(4));
    frame.render_widget(Clear, area);
    let width = lines_wanted
        .iter()
        .map(|(keys, _)| keys.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = lines_wanted
        .into_iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(
                    format!("{keys:>width$}  "),
                    model.config.theme.text(model.config.theme.accent),
                ),
                Span::raw(what),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        "Keys come from keymap.toml in defrost's config directory.",
        model.config.theme.text(model.config.theme.muted),
    )));
    frame.render_widget(
        Paragraph::new(lines).block(dialog_block(model, " Keys ".into())),
        area,
    );
}

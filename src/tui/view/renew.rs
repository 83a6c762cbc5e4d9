//! The renewal dialog: the jobs of a plan that start again, why, and what they
//! cost, before anything is paid.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use super::format::size;
use crate::text::printable;
use crate::tracking::launch::RenewReason;
use crate::tui::model::{Model, RenewDialog};

pub fn renewal(frame: &mut Frame, model: &Model, dialog: &RenewDialog, screen: Rect) {
    let theme = &model.config.theme;
    let renewal = &dialog.renewal;
    let height = u16::try_from(2 * renewal.renewed.len())
        .unwrap_or(u16::MAX)
        .saturating_add(6);
    let area = centered(screen, 90, height.min(screen.height));
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(format!(
            " Renew plan {} of {} ",
            renewal.plan,
            printable(&renewal.name)
        ));
    let mut lines = vec![Line::from(format!(
        "{} of its {} jobs start again; the others and everything on disk are kept:",
        renewal.renewed.len(),
        renewal.jobs
    ))];
    for job in &renewal.renewed {
        let what = match job.range {
            Some(range) => format!("bytes {range} ({})", size(range.len())),
            None => "the whole archive".to_owned(),
        };
        lines.push(Line::from(format!(
            "  job {} of {}: {what}, {}, {}",
            job.number,
            renewal.jobs,
            job.tier.as_str(),
            reason(job.why)
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(format!("Cost {}", dialog.cost)));
    lines.push(Line::from(format!(
        "{} starts them · {} leaves them",
        model.config.keymap.label(crate::tui::keymap::Action::Open),
        model.config.keymap.label(crate::tui::keymap::Action::Back)
    )));
    let text = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(text, area);
}

fn reason(why: RenewReason) -> &'static str {
    match why {
        RenewReason::Expired => "its window closed before it was downloaded",
        RenewReason::Failed => "it failed",
        RenewReason::NotStarted => "it never started",
    }
}

//! The tour's panel, under the screen beside the explanation: the step and its
//! number, the key to press where the user is (also lit in the footer), what
//! to do, and what the step before did and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::text::printable;
use crate::tui::context::{Context, key_label};
use crate::tui::keymap::Action;
use crate::tui::model::Model;
use crate::tui::tour::{StepId, fill, highlighted};

/// The mark before the key to press; the terminal test looks for it.
pub const KEY_MARK: &str = "▶";

pub fn tour(frame: &mut Frame, model: &Model, area: Rect) {
    frame.render_widget(Clear, area);
    let theme = &model.config.theme;
    let texts = &model.config.tour;
    let tour = &model.tour;
    let title = match tour.step().and_then(|step| texts.step(step)) {
        Some(step) => format!(
            " Tour {}/{} · {} ",
            tour.number(),
            StepId::ALL.len(),
            printable(&step.title)
        ),
        None => " Tour finished ".to_owned(),
    };
    let hide = format!(" {} hides the tour ", key_label(model, Action::Tour));
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border(true))
        .title(Span::styled(title, theme.title(true)))
        .title(Line::from(hide).right_aligned());
    frame.render_widget(
        Paragraph::new(lines(model))
            .block(block)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// The panel's lines: the key and what to do, then what just happened.
pub fn lines(model: &Model) -> Vec<Line<'static>> {
    let theme = &model.config.theme;
    let texts = &model.config.tour;
    let keymap = &model.config.keymap;
    let tour = &model.tour;
    let done_before = tour
        .previous()
        .and_then(|step| texts.step(step))
        .map(|step| fill(&step.done, &step.keys, keymap));
    let Some(step) = tour.step().and_then(|step| texts.step(step)) else {
        let mut said = vec![Line::from(Span::styled(
            done_before.unwrap_or_default(),
            theme.text(theme.good),
        ))];
        if let Some(caught) = &tour.progress.caught {
            said.push(Line::from(Span::styled(
                printable(caught),
                theme.text(theme.muted),
            )));
        }
        said.push(Line::from(fill(&texts.finished, &[], keymap)));
        return said;
    };
    let context = Context::of(model);
    let mut todo: Vec<Span<'static>> = Vec::new();
    for action in highlighted(model) {
        let Some(key) = keymap.keys_in(context, action).into_iter().next() else {
            continue;
        };
        todo.push(Span::styled(
            format!("{KEY_MARK} {} ", key.label()),
            theme
                .on(theme.selection_fg, theme.accent)
                .add_modifier(Modifier::BOLD),
        ));
        todo.push(Span::raw(" "));
    }
    todo.push(Span::raw(printable(&fill(&step.todo, &step.keys, keymap))));
    let before = match done_before {
        Some(done) => done,
        None => fill(&texts.intro, &[], keymap),
    };
    vec![
        Line::from(todo),
        Line::from(Span::styled(printable(&before), theme.text(theme.muted))),
    ]
}

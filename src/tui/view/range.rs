//! The range planner: the wanted range, the three plans side by side, and a
//! picture of the archive's MiB chunks with the tree-hash tree above them, the
//! chosen plan's jobs lit up, so the alignment rule can be seen. The picture
//! spans the dialog's window: the part around the range, or the whole archive.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use super::format::size;
use crate::domain::range::{ByteRange, Level, MIB, Plan, PlanKind, Window, Zoom, is_node_at};
use crate::text::printable;
use crate::tui::context::key_label;
use crate::tui::keymap::Action;
use crate::tui::model::{Model, RangeDialog, RangeEnd};

pub fn planner(frame: &mut Frame, model: &Model, dialog: &RangeDialog, screen: Rect) {
    let theme = &model.config.theme;
    let area = centered(screen, 110, 26);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(format!(
            " Plan a range of {} ({}) ",
            printable(&dialog.archive.name),
            size(dialog.archive.size)
        ))
        .title(Line::from(zoom_title(model, dialog.zoom)).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input, plans, picture] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(7),
        Constraint::Min(3),
    ])
    .areas(inner);

    frame.render_widget(
        Paragraph::new(range_lines(model, dialog)).wrap(Wrap { trim: true }),
        input,
    );
    let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(plans);
    for ((kind, found), column) in dialog.plans.iter().zip(columns.iter()) {
        plan_column(frame, model, *kind, found, *kind == dialog.chosen, *column);
    }
    frame.render_widget(
        Paragraph::new(picture_lines(model, dialog, picture)),
        picture,
    );
}

/// Which view the picture shows, and the key for the other.
fn zoom_title(model: &Model, zoom: Zoom) -> String {
    let key = key_label(model, Action::Zoom);
    match zoom {
        Zoom::Around => format!(" around the range · {key} whole archive "),
        Zoom::Whole => format!(" whole archive · {key} zoom in "),
    }
}

/// The range being typed, the bytes it stands for, and the keys or the problem.
fn range_lines<'a>(model: &Model, dialog: &RangeDialog) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let moving = match dialog.moving {
        RangeEnd::Start => "start",
        RangeEnd::End => "end",
    };
    let typed = Line::from(vec![
        Span::styled("range ", theme.text(theme.muted)),
        Span::styled(
            format!("{}▏", dialog.text),
            Style::default().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!(
                "   = bytes {}-{} ({})",
                dialog.want.start,
                dialog.want.end,
                size(dialog.want.len())
            ),
            theme.text(theme.muted),
        ),
    ]);
    let hint = match &dialog.problem {
        Some(problem) => Line::from(Span::styled(problem.clone(), theme.text(theme.bad))),
        None => {
            // Only keys that work while the range field takes typing.
            let key = |action| key_label(model, action);
            Line::from(Span::styled(
                format!(
                    "type a range (4MiB-8MiB, 1GiB-, 512KiB, 4MiB+100MiB) · {}/{} move the {moving} by 1 MiB, {}/{} by 64 MiB · {} other end · {}/{} plan · {} why",
                    key(Action::Up),
                    key(Action::Down),
                    key(Action::PageUp),
                    key(Action::PageDown),
                    key(Action::NextPane),
                    key(Action::Left),
                    key(Action::Right),
                    key(Action::Explain),
                ),
                theme.text(theme.muted),
            ))
        }
    };
    vec![typed, hint]
}

/// The picture under the plans: the tree's rows, the archive's bytes and the
/// ruler, each row after a label, in the theme's colours.
fn picture_lines<'a>(model: &Model, dialog: &RangeDialog, area: Rect) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let width = usize::from(area.width).saturating_sub(LABEL_WIDTH);
    let jobs = dialog
        .chosen_plan()
        .map_or(&[][..], |plan| plan.jobs.as_slice());
    let rows = archive_picture(
        &dialog.window,
        dialog.want,
        jobs,
        width,
        usize::from(area.height).saturating_sub(1),
    );
    if rows.is_empty() {
        return Vec::new();
    }
    let style = |mark: Mark| match mark {
        Mark::Plain => theme.text(theme.muted),
        Mark::Wanted => theme.text(theme.highlight),
        Mark::Retrieved => theme.text(theme.accent),
        Mark::Job => theme.on(theme.selection_fg, theme.good),
    };
    let label = |text: &str| {
        Span::styled(
            format!("{text:>width$} ", width = LABEL_WIDTH - 1),
            theme.text(theme.muted),
        )
    };
    let mut lines: Vec<Line> = rows
        .into_iter()
        .map(|row| {
            let mut spans = vec![label(&row.label)];
            spans.extend(
                row.cells
                    .into_iter()
                    .map(|(glyph, mark)| Span::styled(glyph.to_string(), style(mark))),
            );
            Line::from(spans)
        })
        .collect();
    lines.push(Line::from(vec![
        label(""),
        Span::styled(ruler(&dialog.window, width), theme.text(theme.muted)),
    ]));
    lines
}

fn plan_column(
    frame: &mut Frame,
    model: &Model,
    kind: PlanKind,
    found: &Result<Plan, String>,
    chosen: bool,
    area: Rect,
) {
    let theme = &model.config.theme;
    let (title, why) = match kind {
        PlanKind::Mib => ("smallest MiB-aligned", "fewest bytes"),
        PlanKind::Tree => ("smallest tree-aligned", "one job, checksum"),
        PlanKind::Split => ("split into aligned jobs", "checksums, few extra bytes"),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(chosen))
        .title(Span::styled(
            format!(" {}{title} ", if chosen { "● " } else { "" }),
            theme.title(chosen),
        ));
    let lines = match found {
        Ok(plan) => vec![
            Line::from(format!("bytes      {}", size(plan.bytes))),
            Line::from(format!("extra      {}", size(plan.extra_bytes))),
            Line::from(format!("jobs       {}", plan.jobs.len())),
            Line::from(vec![
                Span::raw("checksum   "),
                if plan.checksum {
                    Span::styled("yes", theme.text(theme.good))
                } else {
                    Span::styled("no", theme.text(theme.warning))
                },
                Span::styled(format!("  ({why})"), theme.text(theme.muted)),
            ]),
        ],
        Err(problem) => vec![Line::from(Span::styled(
            problem.clone(),
            theme.text(theme.bad),
        ))],
    };
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// Room for a row's label (`512 MiB`) and a space before its cells.
const LABEL_WIDTH: usize = 8;

/// What a cell of the picture stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    /// Bytes the user wants.
    Wanted,
    /// Bytes the plan retrieves beyond them.
    Retrieved,
    /// A tree node that is exactly one of the plan's jobs.
    Job,
}

/// One row of the picture: what it shows, and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureRow {
    pub label: String,
    pub cells: Vec<(char, Mark)>,
}

/// The bytes of `window` as at most `height` rows of `width` cells: the tree's
/// levels worth a row (see [`Window::levels`]), root side first, then the bytes.
pub fn archive_picture(
    window: &Window,
    want: ByteRange,
    jobs: &[ByteRange],
    width: usize,
    height: usize,
) -> Vec<PictureRow> {
    if width < 4 || height == 0 || window.is_empty() {
        return Vec::new();
    }
    let mut rows: Vec<PictureRow> = window
        .levels(width, height - 1, jobs)
        .into_iter()
        .map(|level| PictureRow {
            label: size(level.node_bytes),
            cells: tree_row(window, level, jobs, width),
        })
        .collect();
    rows.push(PictureRow {
        label: "bytes".into(),
        cells: byte_bar(window, want, jobs, width),
    });
    rows
}

/// One level of the tree: its nodes outlined `├──┤` when they are wide enough,
/// and the plan's jobs among them lit `┣━━┫` however narrow.
fn tree_row(window: &Window, level: Level, jobs: &[ByteRange], width: usize) -> Vec<(char, Mark)> {
    let mut cells = vec![(' ', Mark::Plain); width];
    if level.outlined {
        for node in window.nodes(level.level) {
            draw_node(&mut cells, window, node, Mark::Plain);
        }
    }
    let size = window.archive_size;
    for job in jobs
        .iter()
        .filter(|job| is_node_at(size, **job, level.level))
    {
        draw_node(&mut cells, window, *job, Mark::Job);
    }
    cells
}

/// A node's cells; an end cut off by the window's edge is left open, so the node
/// is seen to run on.
fn draw_node(cells: &mut [(char, Mark)], window: &Window, node: ByteRange, mark: Mark) {
    let Some(span) = window.cells(node, cells.len()) else {
        return;
    };
    let (opening, closing, line, alone) = if mark == Mark::Job {
        ('┣', '┫', '━', '┃')
    } else {
        ('├', '┤', '─', '│')
    };
    let opens_at = (node.start >= window.start).then_some(span.start);
    let closes_at = (node.end < window.end).then_some(span.end - 1);
    for at in span {
        let glyph = match (opens_at == Some(at), closes_at == Some(at)) {
            (true, true) => alone,
            (true, false) => opening,
            (false, true) => closing,
            (false, false) => line,
        };
        if let Some(cell) = cells.get_mut(at) {
            *cell = (glyph, mark);
        }
    }
}

/// The window's bytes as a bar: wanted, retrieved only because of alignment, or
/// left alone. A range narrower than a cell still gets one.
fn byte_bar(
    window: &Window,
    want: ByteRange,
    jobs: &[ByteRange],
    width: usize,
) -> Vec<(char, Mark)> {
    let mut cells = vec![('·', Mark::Plain); width];
    let mut fill = |range: ByteRange, cell: (char, Mark)| {
        if let Some(span) = window.cells(range, width) {
            cells[span].fill(cell);
        }
    };
    for job in jobs {
        fill(*job, ('▒', Mark::Retrieved));
    }
    fill(want, ('█', Mark::Wanted));
    cells
}

/// The window's edges as byte offsets, `…` where the archive goes on, and how
/// much a cell holds: `… 6.88 GiB ── 1 cell ≈ 5.12 MiB ── 7.38 GiB …`.
pub fn ruler(window: &Window, width: usize) -> String {
    let (start, end) = edges(window);
    let left = format!("{}{start} ", if window.more_before() { "… " } else { "" });
    let right = format!(" {end}{}", if window.more_after() { " …" } else { "" });
    let cell = format!(" 1 cell ≈ {} ", size(window.bytes_per_cell(width)));
    let length = |text: &str| text.chars().count();
    let edges = length(&left) + length(&right);
    if edges + length(&cell) + 2 <= width {
        let fill = width - edges - length(&cell);
        let before = "─".repeat(fill / 2);
        let after = "─".repeat(fill - fill / 2);
        format!("{left}{before}{cell}{after}{right}")
    } else if edges <= width {
        format!("{left}{}{right}", "─".repeat(width - edges))
    } else {
        String::new()
    }
}

/// The window's first and last offsets. When the window is too narrow for the
/// offsets' own unit to tell them apart (a few MiB near the end of 40 TB), they
/// are written in MiB.
fn edges(window: &Window) -> (String, String) {
    let narrow = u128::from(window.len()) * 100 < u128::from(window.end);
    let write = |offset: u64| {
        if !narrow {
            size(offset)
        } else if offset.is_multiple_of(MIB) {
            format!("{} MiB", offset / MIB)
        } else {
            format!("{}.{:02} MiB", offset / MIB, offset % MIB * 100 / MIB)
        }
    };
    (write(window.start), write(window.end))
}

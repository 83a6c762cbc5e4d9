//! The range planner: the wanted range, the three plans side by side, and a
//! picture of the archive's MiB chunks with the tree-hash tree above them, the
//! chosen plan's jobs lit up, so the alignment rule can be seen.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::centered;
use super::format::size;
use crate::domain::range::{ByteRange, MIB, Plan, PlanKind, chunk_count};
use crate::text::printable;
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
        ));
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
    let cells = archive_picture(
        dialog.archive.size,
        dialog.want,
        dialog.chosen_plan(),
        usize::from(picture.width),
        usize::from(picture.height),
    );
    frame.render_widget(Paragraph::new(styled_picture(model, cells)), picture);
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
        None => Line::from(Span::styled(
            format!(
                "type a range (4MiB-8MiB, 1GiB-, 512KiB, 4MiB+100MiB) · ↑↓ move the {moving} by 1 MiB, PgUp/PgDn by 64 MiB · Tab other end · ←→ plan"
            ),
            theme.text(theme.muted),
        )),
    };
    vec![typed, hint]
}

/// The archive's picture in the theme's colours, a mark to a style.
fn styled_picture<'a>(model: &Model, cells: Vec<Vec<(char, Mark)>>) -> Vec<Line<'a>> {
    let theme = &model.config.theme;
    let style = |mark: Mark| match mark {
        Mark::Plain => theme.text(theme.muted),
        Mark::Wanted => theme.text(theme.highlight),
        Mark::Retrieved => theme.text(theme.accent),
        Mark::Job => theme.on(theme.selection_fg, theme.good),
    };
    cells
        .into_iter()
        .map(|row| {
            let spans: Vec<Span> = row
                .into_iter()
                .map(|(glyph, mark)| Span::styled(glyph.to_string(), style(mark)))
                .collect();
            Line::from(spans)
        })
        .collect()
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

/// The picture as rows of cells: tree levels from the root down (as many as fit
/// and are wide enough to see), then the chunk bar. Each cell covers an equal
/// share of the archive.
pub fn archive_picture(
    size: u64,
    want: ByteRange,
    plan: Option<&Plan>,
    width: usize,
    height: usize,
) -> Vec<Vec<(char, Mark)>> {
    if width < 4 || height == 0 || size == 0 {
        return Vec::new();
    }
    let scale = Scale {
        size,
        width,
        bytes_per_cell: size as f64 / width as f64,
    };
    let chunks = chunk_count(size);
    let top_level = 64 - (chunks.max(1) - 1).leading_zeros() as u64;
    let jobs: &[ByteRange] = plan.map_or(&[], |plan| plan.jobs.as_slice());
    let mut rows = Vec::new();
    for level in (0..=top_level).rev() {
        let node_bytes = (1u64 << level).saturating_mul(MIB);
        // A row of nodes too narrow to draw, and those below it, are left out;
        // so is any row that would push the bar off the picture.
        if rows.len() + 2 > height || (node_bytes as f64 / scale.bytes_per_cell) < 3.0 {
            break;
        }
        rows.push(tree_row(&scale, node_bytes, jobs));
    }
    rows.push(chunk_bar(&scale, want, jobs));
    rows
}

/// How the archive's bytes map onto the picture's columns.
struct Scale {
    size: u64,
    width: usize,
    bytes_per_cell: f64,
}

impl Scale {
    fn column(&self, offset: u64) -> usize {
        ((offset as f64 / self.bytes_per_cell) as usize).min(self.width)
    }
}

/// One level of the tree-hash tree: its nodes of `node_bytes` as `├──┤`, lit
/// where a job retrieves exactly that node.
fn tree_row(scale: &Scale, node_bytes: u64, jobs: &[ByteRange]) -> Vec<(char, Mark)> {
    let mut cells = vec![(' ', Mark::Plain); scale.width];
    let mut node_start = 0u64;
    while node_start < scale.size {
        let node_end = node_start.saturating_add(node_bytes).min(scale.size);
        let node = ByteRange {
            start: node_start,
            end: node_end - 1,
        };
        let mark = if jobs.contains(&node) {
            Mark::Job
        } else {
            Mark::Plain
        };
        let from = scale.column(node_start);
        let to = scale.column(node_end).max(from + 1);
        for (at, cell) in cells.iter_mut().enumerate().take(to).skip(from) {
            let glyph = if at == from {
                '├'
            } else if at + 1 == to {
                '┤'
            } else {
                '─'
            };
            *cell = (glyph, mark);
        }
        node_start = node_end;
    }
    cells
}

/// The archive's bytes as a bar: wanted, retrieved only because of alignment,
/// or left alone.
fn chunk_bar(scale: &Scale, want: ByteRange, jobs: &[ByteRange]) -> Vec<(char, Mark)> {
    (0..scale.width)
        .map(|at| {
            let offset = (at as f64 * scale.bytes_per_cell) as u64;
            let end = (((at + 1) as f64 * scale.bytes_per_cell) as u64).max(offset + 1) - 1;
            let touches = |range: &ByteRange| range.start <= end && offset <= range.end;
            if touches(&want) {
                ('█', Mark::Wanted)
            } else if jobs.iter().any(touches) {
                ('▒', Mark::Retrieved)
            } else {
                ('·', Mark::Plain)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::range::plan;

    #[test]
    fn the_chosen_plans_nodes_are_lit_and_the_wanted_bytes_marked() {
        let size = 32 * MIB;
        let want = ByteRange {
            start: 7 * MIB,
            end: 9 * MIB - 1,
        };
        let split = plan(size, want, PlanKind::Split).unwrap();
        let rows = archive_picture(size, want, Some(&split), 64, 20);
        // Levels of 32, 16, 8, 4 and 2 chunks are at least 3 cells wide; single chunks are 2.
        assert_eq!(rows.len(), 5 + 1);
        let bar = rows.last().unwrap();
        let wanted: Vec<usize> = bar
            .iter()
            .enumerate()
            .filter(|(_, c)| c.1 == Mark::Wanted)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(wanted.first(), Some(&14));
        assert_eq!(wanted.last(), Some(&17));
        // The split jobs are single chunks, too narrow to draw as nodes here.
        assert!(rows.iter().all(|row| row.iter().all(|c| c.1 != Mark::Job)));

        let tree = plan(size, want, PlanKind::Tree).unwrap();
        let rows = archive_picture(size, want, Some(&tree), 64, 20);
        // The smallest tree-aligned cover of chunks 7-8 is the root's left half, 0-15.
        let lit: Vec<usize> = rows
            .iter()
            .map(|row| row.iter().filter(|c| c.1 == Mark::Job).count())
            .collect();
        assert_eq!(lit[1], 32, "{lit:?}");
        assert_eq!(lit.iter().sum::<usize>(), 32);
    }

    #[test]
    fn any_size_draws_without_panicking() {
        for size in [1, MIB - 1, MIB, 5 * MIB + 10, 40 * (1 << 40)] {
            let want = ByteRange {
                start: 0,
                end: size - 1,
            };
            for width in [0, 1, 4, 7, 200] {
                for height in [0, 1, 3, 40] {
                    let rows = archive_picture(size, want, None, width, height);
                    assert!(rows.len() <= height.max(1));
                    assert!(rows.iter().all(|row| row.len() == width));
                }
            }
        }
    }
}

//! The vaults pane, the archive table or folder tree, and the selected archive's
//! details.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap};

use super::format::{ago, glacier_date, size, size_u128, span};
use super::members::LISTED;
use super::pane_block;
use crate::store::{ArchiveRow, FolderEntryKind, MigrationProgress, SortKey};
use crate::text::printable;
use crate::tui::keymap::Action;
use crate::tui::marks::grouped;
use crate::tui::model::{ArchiveTable, FolderView, Model, Pane};
use crate::tui::progress::{MigrationNext, migration_next};

/// A marked archive, or a folder whose archives are all marked.
const MARKED: &str = "✓";
/// A folder some of whose archives are marked.
const PARTLY_MARKED: &str = "◐";

pub fn vaults(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    let items: Vec<ListItem> = model
        .vaults
        .iter()
        .map(|vault| {
            let detail = match &vault.snapshot {
                Some(snapshot) => format!(
                    "{} archives · {}\ninventory of {}",
                    snapshot.archive_count,
                    size_u128(snapshot.total_size),
                    ago(snapshot.age(model.now))
                ),
                None => "no inventory cached".to_owned(),
            };
            let mut lines = vec![Line::from(Span::styled(
                printable(&vault.key.name),
                Style::default().add_modifier(Modifier::BOLD),
            ))];
            lines.extend(detail.lines().map(|line| {
                Line::from(Span::styled(format!("  {line}"), theme.text(theme.muted)))
            }));
            let drained = &vault.deletions;
            if drained.asked > 0 {
                let waiting = drained.asked - drained.done;
                // The pane is narrow: the count, then what matters more.
                let text = if waiting > 0 {
                    format!("  deleted {}, {waiting} unanswered", drained.done)
                } else {
                    format!("  deleted {} · {}", drained.done, size(drained.done_bytes))
                };
                lines.push(Line::from(Span::styled(text, theme.text(theme.warning))));
            }
            if let Some(migration) = &vault.migration {
                lines.extend(migration_lines(model, migration));
            }
            ListItem::new(lines)
        })
        .collect();
    let focused = model.focus == Pane::Vaults && model.dialog.is_none();
    let empty = items.is_empty();
    let list = List::new(items)
        .block(pane_block(model, " Vaults ".into(), focused))
        .highlight_style(theme.selection());
    let mut state = ListState::default().with_selected((!empty).then_some(model.vault_cursor));
    frame.render_stateful_widget(list, area, &mut state);
}

/// Three short lines on the vault's newest migration (the pane is narrow):
/// archives copied of all, bytes copied of all, and what comes next.
fn migration_lines(model: &Model, progress: &MigrationProgress) -> [Line<'static>; 3] {
    let theme = &model.config.theme;
    let working = model.jobs.batch_work.contains_key(&progress.batch);
    let next = migration_next(progress, model.session.speed, working, model.now);
    let (next, color) = match next {
        MigrationNext::Done => ("done".to_owned(), theme.good),
        MigrationNext::EndsBy(at) if at > model.now => {
            let left = std::time::Duration::try_from(at - model.now).unwrap_or_default();
            (format!("ends in {}", span(left)), theme.accent)
        }
        MigrationNext::EndsBy(_) => ("ends any moment".to_owned(), theme.accent),
        MigrationNext::Copying => ("copying what is ready".to_owned(), theme.accent),
        MigrationNext::ToStart(count) => (format!("{} to start", grouped(count)), theme.warning),
        MigrationNext::Ready(count) => (format!("{} ready to copy", grouped(count)), theme.warning),
        MigrationNext::Failed(count) => (format!("{} failed", grouped(count)), theme.bad),
    };
    [
        Line::from(Span::styled(
            format!(
                "  copied {}/{} to S3",
                grouped(progress.copied),
                grouped(progress.archives)
            ),
            theme.text(theme.accent),
        )),
        Line::from(Span::styled(
            format!("  {}/{}", size(progress.copied_bytes), size(progress.bytes)),
            theme.text(theme.muted),
        )),
        Line::from(Span::styled(format!("  {next}"), theme.text(color))),
    ]
}

pub fn archives(frame: &mut Frame, model: &Model, area: Rect) {
    if model.archives.tree.is_some() {
        return tree(frame, model, area);
    }
    let theme = &model.config.theme;
    let table = &model.archives;
    let focused = model.focus == Pane::Archives && model.dialog.is_none();
    let block = pane_block(model, archives_title(table), focused);
    if table.snapshot.is_none() {
        let text = format!(
            "No cached inventory for this vault.\nPress {} to fetch one from Glacier, or import one with 'defrost inventory import'.",
            model.config.keymap.label(Action::FetchInventory)
        );
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let visible = usize::from(area.height.saturating_sub(3));
    // The mark column appears once something is marked: no room lost before.
    let mark_column = (!table.marks.is_empty()).then_some(Constraint::Length(1));
    // So does the column of archives whose zip listing is stored.
    let zip_column = (!model.zips.listed.positions.is_empty()).then_some(Constraint::Length(1));
    let widths = mark_column.into_iter().chain(zip_column).chain([
        Constraint::Min(20),
        Constraint::Length(12),
        Constraint::Length(11),
        Constraint::Length(16),
    ]);
    let widget = Table::new(archive_rows(model, visible), widths)
        .header(archives_header(model))
        .block(block)
        .row_highlight_style(theme.selection());
    let selected = table.cursor.checked_sub(table.top).map(|at| at as usize);
    let mut state = TableState::default().with_selected(selected.filter(|_| table.total > 0));
    frame.render_stateful_widget(widget, area, &mut state);
}

/// "Archives 3/120 /filter · 12 marked, 4 GiB": where the cursor is, of how
/// many, the filter, and the marks.
fn archives_title(table: &ArchiveTable) -> String {
    let filter = if table.filtering || !table.filter.is_empty() {
        format!(
            " /{}{} ",
            printable(&table.filter),
            if table.filtering { "▏" } else { "" }
        )
    } else {
        String::new()
    };
    match &table.snapshot {
        Some(_) => {
            let at = if table.total == 0 {
                0
            } else {
                table.cursor + 1
            };
            let title = format!(" Archives {at}/{}{filter}", table.total);
            with_marks(title, table)
        }
        None => " Archives ".to_owned(),
    }
}

/// A pane title with the marks' count and bytes added, from the running totals,
/// and whether marking is under way.
fn with_marks(mut title: String, table: &ArchiveTable) -> String {
    let mut add = |text: String| {
        if !title.ends_with(' ') {
            title.push(' ');
        }
        title.push_str(&text);
    };
    if !table.marks.is_empty() {
        add(format!(
            "· {} marked, {} ",
            grouped(table.marks.count()),
            size_u128(table.marks.bytes())
        ));
    }
    if !table.marking.is_empty() {
        add("· marking… ".to_owned());
    }
    title
}

/// The column names, the sorted one with its direction.
fn archives_header(model: &Model) -> Row<'static> {
    let theme = &model.config.theme;
    let table = &model.archives;
    let arrow = if table.descending { "▼" } else { "▲" };
    let header_cell = |label: &str, key: SortKey| {
        if table.sort == key {
            format!("{label} {arrow}")
        } else {
            label.to_owned()
        }
    };
    let mark = (!table.marks.is_empty()).then(|| Cell::from(""));
    let zip = (!model.zips.listed.positions.is_empty()).then(|| Cell::from(""));
    Row::new(mark.into_iter().chain(zip).chain([
        Cell::from(header_cell("Name", SortKey::Name)),
        Cell::from("Format"),
        Cell::from(header_cell("Size", SortKey::Size)),
        Cell::from(header_cell("Created", SortKey::Created)),
    ]))
    .style(theme.text(theme.accent).add_modifier(Modifier::BOLD))
}

/// The rows in view; a row not loaded yet is a dimmed `…`. Once something is
/// marked, a first column shows which rows are, and marked rows stand out.
fn archive_rows(model: &Model, visible: usize) -> Vec<Row<'static>> {
    let theme = &model.config.theme;
    let table = &model.archives;
    let mark_column = !table.marks.is_empty();
    let listed = &model.zips.listed.positions;
    let zip_column = !listed.is_empty();
    let marked_style = theme.marked(theme.highlight, Modifier::BOLD);
    (table.top..table.top + visible as u64)
        .take_while(|index| *index < table.total)
        .map(|index| {
            let loaded = index
                .checked_sub(table.rows_offset)
                .and_then(|at| table.rows.get(at as usize));
            let Some(row) = loaded else {
                let cells = mark_column.then(|| Cell::from("")).into_iter();
                let cells = cells.chain(zip_column.then(|| Cell::from("")));
                let cells = cells.chain([Cell::from("…")]);
                return Row::new(cells).style(theme.text(theme.muted));
            };
            let marked = table.marks.contains(row.position);
            let glyph = mark_column.then(|| Cell::from(if marked { MARKED } else { "" }));
            let zip = zip_column.then(|| match listed.contains(&row.position) {
                true => Cell::from(Span::styled(LISTED, theme.text(theme.accent))),
                false => Cell::from(""),
            });
            let cells = glyph.into_iter().chain(zip).chain([
                name_cell(row, theme.text(theme.muted)),
                Cell::from(Span::styled(badge(&row.format), theme.text(theme.muted))),
                Cell::from(size(row.size)),
                Cell::from(glacier_date(&row.created)),
            ]);
            let row = Row::new(cells);
            if marked { row.style(marked_style) } else { row }
        })
        .collect()
}

/// An archive's decoded name; an archive uploaded without a description has none,
/// and is shown by its id, dimmed, so it does not pass for a file name.
fn name_cell(row: &ArchiveRow, muted: Style) -> Cell<'static> {
    if row.format == "empty" {
        return Cell::from(Span::styled(printable(&row.archive_id), muted));
    }
    Cell::from(printable(&row.name))
}

/// The tool that wrote an archive's description, short enough for a column.
fn badge(format: &str) -> String {
    let short: String = format.chars().take(12).collect();
    printable(&short)
}

fn tree(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    let Some(tree) = &model.archives.tree else {
        return;
    };
    let focused = model.focus == Pane::Archives && model.dialog.is_none();
    let title = format!(" Folders /{} ", printable(&tree.path));
    let title = with_marks(title, &model.archives);
    // Only the rows in view are built: a folder may hold a hundred thousand
    // entries. They scroll as the whole list would, just far enough to show the
    // cursor.
    let visible = usize::from(area.height.saturating_sub(2)).max(1);
    let top = tree.cursor.saturating_sub(visible - 1);
    let end = (top + visible).min(tree.entries.len());
    let items: Vec<ListItem> = (top..end)
        .map(|index| tree_item(model, tree, index))
        .collect();
    let empty = items.is_empty();
    let list = List::new(items)
        .block(pane_block(model, title, focused))
        .highlight_style(theme.selection());
    let selected = tree.cursor.checked_sub(top).filter(|_| !empty);
    let mut state = ListState::default().with_selected(selected);
    frame.render_stateful_widget(list, area, &mut state);
}

/// One row of the tree: a folder with what it holds, or an archive with its
/// size. Once something is marked, a first column shows a marked archive, a
/// folder all of whose archives are marked, or one only some of whose are.
fn tree_item(model: &Model, tree: &FolderView, index: usize) -> ListItem<'static> {
    let theme = &model.config.theme;
    let marks = &model.archives.marks;
    let Some(entry) = tree.entries.get(index) else {
        return ListItem::new("");
    };
    let (glyph, mut line) = match &entry.kind {
        FolderEntryKind::Folder {
            archives,
            total_size,
        } => {
            let marked = tree.marked.get(index).copied().unwrap_or(0);
            let glyph = match marked {
                0 => "",
                all if all >= *archives => MARKED,
                _ => PARTLY_MARKED,
            };
            let name = Span::styled(
                format!("▸ {}/", printable(&entry.name)),
                theme.text(theme.accent),
            );
            let holds = Span::styled(
                format!("  {archives} archives · {}", size_u128(*total_size)),
                theme.text(theme.muted),
            );
            (glyph, vec![name, holds])
        }
        FolderEntryKind::Archive {
            position,
            size: bytes,
        } => {
            let glyph = if marks.contains(*position) {
                MARKED
            } else {
                ""
            };
            let zip = match model.zips.listed.positions.contains(position) {
                true => LISTED,
                false => " ",
            };
            let name = Span::raw(format!("{zip} {}", printable(&entry.name)));
            let bytes = Span::styled(format!("  {}", size(*bytes)), theme.text(theme.muted));
            (glyph, vec![name, bytes])
        }
    };
    if glyph == MARKED {
        line[0].style = theme.marked(theme.highlight, Modifier::BOLD);
    }
    if !marks.is_empty() {
        line.insert(0, Span::raw(format!("{glyph:1} ")));
    }
    ListItem::new(Line::from(line))
}

pub fn details(frame: &mut Frame, model: &Model, area: Rect) {
    let theme = &model.config.theme;
    let block = pane_block(model, " Archive ".into(), false);
    let Some(row) = model
        .archives
        .selected()
        .filter(|_| model.archives.tree.is_none())
    else {
        frame.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let label = |text: &'static str| Span::styled(text, theme.text(theme.muted));
    let lines = vec![
        Line::from(vec![
            label("name        "),
            Span::raw(printable(&row.name)),
            Span::styled(
                format!("  ({})", badge(&row.format)),
                theme.text(theme.muted),
            ),
        ]),
        Line::from(vec![
            label("size        "),
            Span::raw(format!("{} ({} bytes)", size(row.size), row.size)),
        ]),
        Line::from(vec![
            label("description "),
            Span::raw(printable(&row.description)),
        ]),
        Line::from(vec![
            label("archive id  "),
            Span::raw(printable(&row.archive_id)),
        ]),
        Line::from(vec![
            label("tree hash   "),
            Span::raw(printable(&row.sha256_tree_hash)),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

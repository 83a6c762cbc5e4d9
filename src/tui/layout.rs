//! Where each pane goes for a terminal size. Both `view` (to draw) and `update`
//! (to know how many rows a page holds) ask here, so they always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// Whether the panel under the screen is open: for the explanation, the
/// tour, or both side by side.
pub fn lower_panel(model: &crate::tui::model::Model) -> bool {
    model.explain || model.tour.shown
}

/// Below this the screen says it is too small instead of drawing panes.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub vaults: Rect,
    pub archives: Rect,
    pub details: Rect,
    pub jobs: Rect,
    pub explain: Option<Rect>,
    pub status: Rect,
}

/// The panes of a `width`×`height` screen, or `None` when it is too small.
pub fn areas(width: u16, height: u16, explain: bool) -> Option<Areas> {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return None;
    }
    let screen = Rect::new(0, 0, width, height);
    let jobs_height = (height / 4).clamp(5, 12);
    // A border and up to six lines: the file a plan ends in, the step and
    // what is selected in it, at any width above the minimum.
    let explain_height = match (explain, height) {
        (false, _) => 0,
        (true, 30..) => 7,
        (true, _) => 5,
    };
    let [title, main, jobs, explain_area, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(jobs_height),
        Constraint::Length(explain_height),
        Constraint::Length(1),
    ])
    .areas(screen);
    let vaults_width = (width / 4).clamp(22, 40);
    let [vaults, center] =
        Layout::horizontal([Constraint::Length(vaults_width), Constraint::Min(30)]).areas(main);
    let details_height = if main.height >= 20 { 7 } else { 5 };
    let [archives, details] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(details_height)]).areas(center);
    Some(Areas {
        title,
        vaults,
        archives,
        details,
        jobs,
        explain: explain.then_some(explain_area),
        status,
    })
}

/// How many archive rows fit in the table (borders and header aside).
pub fn table_rows(width: u16, height: u16, explain: bool) -> usize {
    areas(width, height, explain).map_or(1, |areas| {
        usize::from(areas.archives.height.saturating_sub(3)).max(1)
    })
}

/// How many job rows fit in the jobs pane.
pub fn job_rows(width: u16, height: u16, explain: bool) -> usize {
    areas(width, height, explain).map_or(1, |areas| {
        usize::from(areas.jobs.height.saturating_sub(3)).max(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_is_either_too_small_or_fits_inside_the_screen() {
        for width in [0, 1, 59, 60, 80, 200, 500, u16::MAX] {
            for height in [0, 1, 17, 18, 24, 60, 300, u16::MAX] {
                for explain in [false, true] {
                    let Some(areas) = areas(width, height, explain) else {
                        assert!(width < MIN_WIDTH || height < MIN_HEIGHT);
                        continue;
                    };
                    let screen = Rect::new(0, 0, width, height);
                    for area in [
                        areas.title,
                        areas.vaults,
                        areas.archives,
                        areas.details,
                        areas.jobs,
                        areas.status,
                    ] {
                        assert_eq!(screen.intersection(area), area, "{width}x{height}");
                    }
                    assert!(table_rows(width, height, explain) >= 1);
                }
            }
        }
    }
}

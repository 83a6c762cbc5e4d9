//! The explain panel: a sentence or three on what the current step does and
//! why, for people learning (or teaching) the Glacier workflow; the texts are
//! `assets/explain.toml`'s, the file a plan ends in is worked out here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::domain::job::PlanShape;
use crate::domain::range::is_tree_aligned;
use crate::store::PlanEntry;
use crate::text::printable;
use crate::tui::context::key_label;
use crate::tui::explain::topics;
use crate::tui::keymap::Action;
use crate::tui::model::{Dialog, Model, Pane};
use crate::tui::present::{end_result, plan_is};

pub fn explain(frame: &mut Frame, model: &Model, area: Rect) {
    // Drawn last, over anything a dialog left there.
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(model.config.theme.border(false))
        .title(" Why ")
        .title(Line::from(format!(" {} closes ", key_label(model, Action::Back))).right_aligned());
    frame.render_widget(
        Paragraph::new(explanation(model))
            .block(block)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// What the screen is about right now, in plain words (from `explain.toml`):
/// while a retrieval is being planned, first what the user will get at the
/// end, then the step, then what is selected in it.
pub fn explanation(model: &Model) -> String {
    let texts = &model.config.explain;
    let words = (end_of_plan(model).into_iter())
        .chain(topics(model).into_iter().map(|t| texts.text(t).to_owned()));
    words.collect::<Vec<_>>().join(" ")
}

/// The file the plan on screen ends in, when a plan is on screen.
fn end_of_plan(model: &Model) -> Option<String> {
    let Some(dialog) = model.dialog.as_ref() else {
        return (model.focus == Pane::Jobs)
            .then(|| plan_on_row(model))
            .flatten();
    };
    let (archive, want, checksum) = match dialog {
        Dialog::Range(dialog) => {
            let whole = dialog.want.start == 0 && dialog.want.end + 1 == dialog.archive.size;
            let checksum = dialog.chosen_plan().is_some_and(|plan| plan.checksum);
            (&dialog.archive, (!whole).then_some(dialog.want), checksum)
        }
        Dialog::Preview(preview) => (
            &preview.archive,
            preview.planned.want,
            preview.planned.checksum(),
        ),
        Dialog::Launch(launch) => (
            &launch.preview.archive,
            launch.preview.planned.want,
            launch.preview.planned.checksum(),
        ),
        _ => return None,
    };
    Some(end_result(&archive.name, want, checksum || want.is_none()))
}

/// What the plan under the jobs pane's cursor retrieves, and the file it ends in.
fn plan_on_row(model: &Model) -> Option<String> {
    let plan = model.jobs.selected_plan()?;
    let Some(archive) = plan.archive.as_ref() else {
        return Some(format!(
            "Plan {} retrieves the inventory of {}: it is imported into the cache, not downloaded.",
            plan.id,
            printable(&plan.vault.name)
        ));
    };
    let name = (archive.name.as_ref())
        .or_else(|| model.jobs.names.get(&archive.archive_id))
        .unwrap_or(&archive.archive_id);
    let jobs = plan.current_jobs().len();
    let what = plan_is(plan.id, name, plan.want, jobs, plan.state(model.now));
    let end = end_result(name, plan.want, is_checked(plan));
    Some(match &plan.finished {
        Some(file) => format!("{what} {end} It is in {}.", printable(&file.path)),
        None => format!("{what} {end}"),
    })
}

/// Whether Glacier's tree hashes check the plan's bytes: as its file was
/// written, or as its jobs' ranges promise.
fn is_checked(plan: &PlanEntry) -> bool {
    if let Some(file) = &plan.finished {
        return file.verified;
    }
    let size = plan.archive.as_ref().and_then(|archive| archive.size);
    match plan.shape {
        PlanShape::Whole | PlanShape::Tree | PlanShape::Split => true,
        PlanShape::Mib | PlanShape::Inventory => {
            plan.current_jobs()
                .iter()
                .all(|job| match (job.range, size) {
                    (None, _) => true,
                    (Some(range), Some(size)) => is_tree_aligned(size, range),
                    (Some(_), None) => false,
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::range::{ByteRange, MIB, PlanKind};
    use crate::tui::model::RangeDialog;
    use crate::tui::testing::{archive, browsing};

    fn planning(want: ByteRange, kind: PlanKind) -> String {
        let mut model = browsing(120, 40, 10);
        let row = archive(0, "photos/2019/x.bin", 13 * MIB + 5);
        model.dialog = Some(Dialog::Range(RangeDialog::new(row, want, kind)));
        explanation(&model)
    }

    #[test]
    fn the_planner_says_which_file_the_plan_ends_in_and_whether_it_is_checked() {
        let want = ByteRange {
            start: 7_340_042,
            end: 9_437_174,
        };
        let tree = planning(want, PlanKind::Tree);
        assert!(
            tree.starts_with(
                "At the end you get photos/2019/x.bin.bytes-7340042-9437174: exactly the 2097133 bytes wanted, verified against Glacier's tree hashes. Glacier retrieves"
            ),
            "{tree}"
        );
        let mib = planning(want, PlanKind::Mib);
        assert!(
            mib.contains("not verified: Glacier sends no checksum for this range. Glacier"),
            "{mib}"
        );
        let whole = planning(ByteRange::whole(13 * MIB + 5).unwrap(), PlanKind::Mib);
        assert!(
            whole.starts_with("At the end you get photos/2019/x.bin, the whole archive, verified against Glacier's tree hash."),
            "{whole}"
        );
    }
}

//! The explain panel: a sentence or two on what the current step does and why,
//! for people learning (or teaching) the Glacier workflow.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::domain::job::PlanShape;
use crate::domain::range::is_tree_aligned;
use crate::store::PlanEntry;
use crate::text::printable;
use crate::tui::model::{Dialog, Model, Pane};
use crate::tui::present::{end_result, plan_is};

pub fn explain(frame: &mut Frame, model: &Model, area: Rect) {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(model.config.theme.border(false))
        .title(" Why ");
    frame.render_widget(
        Paragraph::new(explanation(model))
            .block(block)
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// What the screen is about right now, in plain words; while a retrieval is
/// being planned, first what the user will get at the end (the panel is three
/// lines, and the general words are the ones to lose when it is too short).
pub fn explanation(model: &Model) -> String {
    let general = general(model);
    match end_of_plan(model) {
        Some(end) => format!("{end} {general}"),
        None => general.to_owned(),
    }
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

fn general(model: &Model) -> &'static str {
    match (&model.dialog, model.focus) {
        (Some(Dialog::Range(_)), _) => {
            "Glacier retrieves whole MiBs: a range must start and end on 1 MiB boundaries. It sends a checksum only when the range is a node of the archive's SHA-256 tree hash (a power-of-two run of MiBs, aligned to its size); split plans stay aligned with several smaller jobs."
        }
        (Some(Dialog::Preview(_)), _) => {
            "These are the exact parameters InitiateJob receives. Nothing is sent yet; the aws CLI line does the same from a shell."
        }
        (Some(Dialog::Launch(_)), _) => {
            "Expedited takes minutes and costs most, Standard hours, Bulk up to half a day for least. You pay per GB retrieved and per job; once ready, output can be downloaded for 24 hours."
        }
        (Some(Dialog::Renew(_)), _) => {
            "A job's output can be downloaded for 24 hours after it is ready. These jobs lost theirs (or failed) before it was fetched: they start again at the same tier, paid again, and everything of the plan already on disk is kept."
        }
        (Some(Dialog::Batch(_)), _) => {
            "A batch retrieves each marked archive whole, as its own plan. Its jobs start at a bounded pace (the vault's retrieval policy and Glacier's throttling decide how fast); each output can be downloaded for 24 hours once ready, verified as it comes. Archives already restored into the folder, or with a job running, are not paid for again."
        }
        (Some(Dialog::Migration(_)), _) => {
            "A migration is a batch whose outputs go into S3 objects instead of files: each marked archive is retrieved whole at the tier, streamed into a multipart upload part by part, each part checked against Glacier's tree hash, and the object completed only when the parts add up to the archive's hash. Archives already in the bucket are not paid for again; a completed copy is the proof a drain deletes on."
        }
        (Some(Dialog::Drain(_)), _) => {
            "A drain deletes archives from the vault. From here it deletes only those defrost copied to S3 and verified against their tree hash; everything else stays. Each deletion is journaled before it is asked for, so a drain cut short goes on without deleting twice. Glacier deletes the vault itself only after its next inventory lists it empty."
        }
        (Some(Dialog::Peek(_)), _) => {
            "A zip lists its members at its end: retrieving the last MiB or two (and, when the list is long, the MiBs before them) reads every member's name, size and place, without the whole archive. The retrieval is journaled as an ordinary plan and its bytes are kept; once read, the listing is stored and opening it again costs nothing."
        }
        (None, Pane::Archives) if model.zips.members.is_some() => {
            "A zip's members, from its stored listing. Each one's bytes lie in one span of the archive (its local header, its packed data and any descriptor): planning it retrieves only that span, not the archive."
        }
        (Some(Dialog::Download(_)), _) => {
            "The output is fetched in chunks whose tree hashes are checked as they arrive; an interrupted download resumes at the first unverified chunk."
        }
        (None, Pane::Vaults) => {
            "A vault's inventory is Glacier's list of its archives. Glacier rebuilds it about once a day, so the last day's uploads and deletions may be missing; asking for one takes hours."
        }
        (None, Pane::Archives) => {
            "Archives are listed from the cached inventory, with file names decoded from the descriptions other tools wrote. Reading one means a retrieval job: pick it and plan a range."
        }
        (None, Pane::Jobs) => {
            "A batch is one row, its archives beneath it when opened; every other row is a plan: the jobs that retrieve what was asked for, shown beneath it when expanded. Jobs run on Glacier's side; defrost asks about each no more often than its tier makes useful, and a finished job's output stays downloadable for 24 hours."
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

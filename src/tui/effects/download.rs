//! Downloading a plan from the screen, as `defrost download` does: the selected
//! job's whole plan, its progress as messages, and the finished file named.

use std::path::Path;

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::ScreenWords;
use crate::glacier::GlacierApi;
use crate::store::{Store, VaultKey};
use crate::text::printable;
use crate::tracking::download::{PlanOutcome, PlanTarget, WaitState, download_plan, resolve_plan};
use crate::tui::msg::{Loaded, Msg};

/// Where a download from the screen goes and what it reports to.
pub struct DownloadRequest<'a> {
    pub vault: &'a VaultKey,
    /// The selected job: its plan is downloaded.
    pub job_id: &'a str,
    /// Made if missing: the user typed it.
    pub to: &'a Path,
    pub progress: &'a UnboundedSender<Msg>,
}

/// Downloads the job's plan, reporting progress as messages; the answer is the
/// status bar's line.
pub async fn download<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    request: DownloadRequest<'_>,
) -> Result<String, String> {
    let DownloadRequest {
        vault,
        job_id,
        to,
        progress,
    } = request;
    std::fs::create_dir_all(to).map_err(|err| {
        format!(
            "cannot create the folder {}: {err}; choose another",
            printable(&to.display().to_string())
        )
    })?;
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let now = OffsetDateTime::now_utc();
    let plan = resolve_plan(glacier, &mut store, vault, job_id, now)
        .await
        .map_err(|err| words.error(&err))?;
    let target = PlanTarget {
        plan,
        to,
        overwrite: false,
    };
    let report = |step: crate::tracking::download::PlanProgress| {
        let loaded = Loaded::DownloadProgress {
            job_id: job_id.to_owned(),
            done: step.done,
            total: step.total,
        };
        let _ = progress.send(Msg::Loaded(loaded));
    };
    let outcome = download_plan(glacier, &mut store, &target, now, report)
        .await
        .map_err(|err| words.error(&err))?;
    Ok(said(&outcome, now))
}

/// The outcome in one line: the finished file, or what the plan still waits for.
fn said(outcome: &PlanOutcome, now: OffsetDateTime) -> String {
    let plan = outcome.plan;
    if let Some(finished) = &outcome.finished {
        let shown = printable(&finished.shown.display().to_string());
        return if let Some(tree_hash) = finished.tree_hash {
            format!("verified into {shown} (tree hash {tree_hash})")
        } else if finished.verified {
            format!("verified into {shown}")
        } else {
            format!("finished {shown}; not verified: Glacier sends no checksum for this range")
        };
    }
    let in_ = outcome.jobs - outcome.waiting.len() as u32;
    let next = outcome.waiting.first().map(|job| match &job.state {
        WaitState::InProgress { ready_by } => {
            let minutes = ((*ready_by - now).whole_minutes()).max(0);
            format!(
                "job {} still in progress, ready in about {minutes} min",
                job.number
            )
        }
        WaitState::Expired => format!("job {}'s output window closed: start it again", job.number),
        WaitState::Failed { .. } => format!("job {} failed: start it again", job.number),
        WaitState::NotStarted => format!("job {} was never started", job.number),
    });
    format!(
        "plan {plan}: {in_} of {} jobs are in; {}",
        outcome.jobs,
        next.unwrap_or_default()
    )
}

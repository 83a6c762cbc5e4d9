//! The screen's Glacier work that writes: asking for an inventory (journaled
//! before it is sent) and downloading a job's output (as `defrost download`).

use std::path::Path;

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Loaded, Msg};
use crate::domain::job_params::{JobKind, JobRequest, validate};
use crate::glacier::GlacierApi;
use crate::glacier::download::DownloadProgress;
use crate::store::{Store, VaultKey};
use crate::text::printable;
use crate::tracking::download::{DownloadJobError, DownloadTarget, Finished, download_job};
use crate::tracking::inventory::{FetchOutcome, Imported, advance, start_fetch, unfinished_fetch};
use crate::tracking::started_by_here;
use crate::tracking::watch::SystemClock;

/// Starts an inventory fetch of `vault` (journaled before it is sent), or says
/// which one is still under way: a second would be paid for twice.
pub async fn request_inventory<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    vault: &VaultKey,
    now: OffsetDateTime,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| err.to_string())?;
    if let Some(fetch) = unfinished_fetch(&store, vault, now).map_err(|err| err.to_string())? {
        return Ok(fetch.last().job.job_id.clone());
    }
    let request = JobRequest {
        kind: Some(JobKind::InventoryRetrieval),
        ..JobRequest::default()
    };
    let params = validate(&request, None).map_err(|err| err.to_string())?;
    let fetch = start_fetch(glacier, &mut store, vault, &params, &started_by_here(), now)
        .await
        .map_err(|err| err.to_string())?;
    Ok(fetch.last().job.job_id.clone())
}

/// Imports the vault's fetched inventory once its job is ready (following its
/// pages), as `defrost inventory fetch` does. `None` while a page is pending.
pub async fn import_inventory<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    vault: &VaultKey,
) -> Result<Option<String>, String> {
    let mut store = Store::open(data_dir).map_err(|err| err.to_string())?;
    let now = OffsetDateTime::now_utc();
    let Some(fetch) = unfinished_fetch(&store, vault, now).map_err(|err| err.to_string())? else {
        return Ok(None);
    };
    let outcome = advance(
        glacier,
        &mut store,
        fetch,
        &SystemClock,
        false,
        &started_by_here(),
        |_| {},
    )
    .await
    .map_err(|err| err.to_string())?;
    Ok(match outcome {
        FetchOutcome::Imported(Imported::New(snapshot)) => Some(format!(
            "imported the new inventory of {}: {} archives",
            vault.name, snapshot.archive_count
        )),
        FetchOutcome::Imported(Imported::Unchanged { .. }) => Some(format!(
            "the inventory of {} has not changed since the cached one",
            vault.name
        )),
        FetchOutcome::Pending(_) => None,
    })
}

/// Downloads a ready job's output into `to` (made if missing: the user typed it),
/// as `defrost download` does, reporting progress as messages, and journals it.
pub async fn download<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    vault: &VaultKey,
    job_id: &str,
    to: &Path,
    progress: &UnboundedSender<Msg>,
) -> Result<String, String> {
    std::fs::create_dir_all(to).map_err(|err| {
        format!(
            "cannot create the folder {}: {err}; choose another",
            to.display()
        )
    })?;
    let mut store = Store::open(data_dir).map_err(|err| err.to_string())?;
    let target = DownloadTarget {
        vault: &vault.name,
        region: &vault.region,
        job_id,
        to,
        overwrite: false,
    };
    let report = |step: DownloadProgress| {
        let loaded = Loaded::DownloadProgress {
            job_id: job_id.to_owned(),
            done: step.verified_bytes,
            total: step.total_bytes,
        };
        let _ = progress.send(Msg::Loaded(loaded));
    };
    let downloaded = download_job(glacier, &mut store, &target, report)
        .await
        .map_err(|err| worded(&err))?;
    let shown = printable(&downloaded.shown.display().to_string());
    Ok(match downloaded.finished {
        Finished::Whole { tree_hash, .. } | Finished::LastRange { tree_hash } => {
            format!("verified into {shown} (tree hash {tree_hash})")
        }
        Finished::RangeOfPlan { verified, total } => format!(
            "verified this range into {shown}.part; {verified} of {total} bytes are in: download the plan's other jobs into the same folder"
        ),
    })
}

/// The engine's error as the screen says it: its remedy in the screen's terms
/// where the screen has its own (a folder typed in the download dialog, the
/// inventory fetched from the vaults pane); otherwise the engine's neutral words.
fn worded(err: &DownloadJobError) -> String {
    use crate::glacier::download::DownloadError;
    let text = match err {
        DownloadJobError::Download(DownloadError::DestinationExists { path }) => format!(
            "{} exists; choose another folder, or move the file away",
            path.display()
        ),
        DownloadJobError::NoLength { inventory: false } => "Glacier did not say how long the job's archive is; fetch the vault's inventory, and download again once it is imported".into(),
        other => other.to_string(),
    };
    printable(&text)
}

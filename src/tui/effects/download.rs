//! Downloading a ready job's output from the screen, as `defrost download`
//! does, with its progress as messages.

use std::path::Path;

use tokio::sync::mpsc::UnboundedSender;

use super::ScreenWords;
use crate::glacier::GlacierApi;
use crate::glacier::download::DownloadProgress;
use crate::store::{Store, VaultKey};
use crate::text::printable;
use crate::tracking::download::{DownloadTarget, Finished, download_job};
use crate::tui::msg::{Loaded, Msg};

/// Where a download from the screen goes and what it reports to.
pub struct DownloadRequest<'a> {
    pub vault: &'a VaultKey,
    pub job_id: &'a str,
    /// Made if missing: the user typed it.
    pub to: &'a Path,
    pub progress: &'a UnboundedSender<Msg>,
}

/// Downloads the job's output, reporting progress as messages, and journals it.
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
        .map_err(|err| words.error(&err))?;
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

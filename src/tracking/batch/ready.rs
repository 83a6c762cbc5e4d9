//! Downloading everything of a batch that is ready now, into a folder, without
//! starting, renewing or retrying any job: what the screen's download key does
//! on a batch row. Each output is downloaded and verified as a single
//! `defrost download` would; an archive whose download fails is said and the
//! rest go on.

use std::path::Path;

use time::OffsetDateTime;

use super::step::{download_item, item_facts, item_name};
use super::{BatchError, BatchEvent};
use crate::domain::batch::{ItemStep, next_step};
use crate::glacier::GlacierApi;
use crate::store::{BatchId, Store};
use crate::tracking::sync_vault_jobs;

/// What downloading a batch's ready outputs came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadyOutcome {
    /// Ready outputs when it began.
    pub ready: u64,
    /// Of them, downloaded and verified into the folder.
    pub downloaded: u64,
    pub bytes: u64,
    /// Of them, not downloaded (each was said as an event).
    pub failed: u64,
}

/// How far the downloads are: archives done of those ready, and the bytes of
/// the one under way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadyProgress {
    pub done: u64,
    pub ready: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// Asks Glacier how the batch's jobs stand, then downloads every ready output
/// into `to` (which must exist), telling `on_event` of each archive and
/// `on_progress` as bytes come in.
pub async fn download_ready<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    id: BatchId,
    to: &Path,
    mut on_event: impl FnMut(&BatchEvent),
    mut on_progress: impl FnMut(ReadyProgress),
) -> Result<ReadyOutcome, BatchError> {
    let batch = store
        .batch(id)?
        .ok_or(BatchError::UnknownBatch { batch: id })?;
    let folder = std::fs::canonicalize(to).map_err(|source| BatchError::Folder {
        path: to.to_path_buf(),
        source,
    })?;
    let listed: std::collections::HashSet<String> =
        sync_vault_jobs(api, store, &batch.vault, OffsetDateTime::now_utc())
            .await?
            .listed
            .into_iter()
            .collect();
    let now = OffsetDateTime::now_utc();
    let ready: Vec<_> = store
        .batch_items(id)?
        .into_iter()
        .filter(|item| next_step(item_facts(item, Some(&listed), now)) == ItemStep::Download)
        .collect();
    let mut outcome = ReadyOutcome {
        ready: ready.len() as u64,
        ..ReadyOutcome::default()
    };
    for item in &ready {
        let done = outcome.downloaded + outcome.failed;
        let mut progress = |bytes_done, bytes_total| {
            on_progress(ReadyProgress {
                done,
                ready: outcome.ready,
                bytes_done,
                bytes_total,
            });
        };
        let now = OffsetDateTime::now_utc();
        match download_item(api, store, &folder, item, now, &mut progress).await {
            Ok(Some(event)) => {
                if let BatchEvent::Downloaded { bytes, .. } = &event {
                    outcome.bytes += bytes;
                }
                outcome.downloaded += 1;
                on_event(&event);
            }
            Ok(None) => {
                outcome.failed += 1;
                on_event(&BatchEvent::DownloadFailed {
                    plan: item.plan,
                    name: item_name(item),
                    reason: "Glacier says its output is not ready after all".into(),
                });
            }
            // A folder that cannot be written fails every archive alike.
            Err(err) if err.is_bad_input() => return Err(err),
            Err(err) => {
                outcome.failed += 1;
                on_event(&BatchEvent::DownloadFailed {
                    plan: item.plan,
                    name: item_name(item),
                    reason: err.to_string(),
                });
            }
        }
    }
    Ok(outcome)
}

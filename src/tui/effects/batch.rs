//! Batches from the screen, through the engine `defrost restore` runs: what a
//! batch of the marked archives would do and cost (asked of the cache and
//! Glacier, nothing paid), then journaling it and starting its jobs at its pace,
//! and later downloading everything of it that is ready. Progress comes back as
//! messages while the work goes on.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::ScreenWords;
use crate::domain::batch::pacing::DEFAULT_REQUESTS_PER_SECOND;
use crate::domain::job_params::Tier;
use crate::glacier::GlacierApi;
use crate::store::{BatchId, BatchLimits, BatchSelection, Snapshot, Store};
use crate::text::printable;
use crate::tracking::batch::{
    BatchArchive, BatchEvent, BatchRequest, RunOptions, download_ready, prepare_batch,
    record_batch_at, run_batch,
};
use crate::tracking::started_by_here;
use crate::tui::batch::{BatchAsk, MARKS_SOURCE, Prepared};
use crate::tui::marks::grouped;
use crate::tui::msg::{BatchNews, Loaded, Msg};

/// Reads the marked archives and asks Glacier (the retrieval policy, the jobs
/// that can be reused) what a batch of them would do; nothing is journaled.
pub async fn prepare<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    ask: BatchAsk,
) -> Result<Prepared, String> {
    make_folder(&ask.to)?;
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let archives = Snapshot::open(&ask.snapshot)
        .and_then(|snapshot| {
            snapshot.archives_with(&ask.positions, |row| Some(BatchArchive::of(row)))
        })
        .map_err(|err| words.error(&err))?;
    let request = BatchRequest {
        vault: ask.vault,
        selection: BatchSelection::Ids {
            source: MARKS_SOURCE.to_owned(),
            count: archives.len() as u64,
        },
        tier: ask.tier,
        to: ask.to,
        limits: BatchLimits::default(),
        made_by: started_by_here(),
    };
    let now = OffsetDateTime::now_utc();
    let prepared = prepare_batch(glacier, &mut store, request, archives, &ask.prices, now)
        .await
        .map_err(|err| words.error(&err))?;
    Ok(Prepared(Arc::new(prepared)))
}

/// Journals the batch at `tier`, then starts its jobs at its pace (downloading
/// on the way whatever is ready already), telling `news` as it goes; the answer
/// is the status bar's line once every archive has its job.
pub async fn start<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    prepared: Prepared,
    tier: Tier,
    news: &UnboundedSender<Msg>,
) -> (Option<BatchId>, Result<String, String>) {
    let mut store = match Store::open(data_dir) {
        Ok(store) => store,
        Err(err) => return (None, Err(words.error(&err))),
    };
    let id = match record_batch_at(&mut store, &prepared.0, tier, OffsetDateTime::now_utc()) {
        Ok(id) => id,
        Err(err) => return (None, Err(words.error(&err))),
    };
    let to_start = prepared.0.summary.to_start.archives;
    drop(prepared);
    send(
        news,
        BatchNews::Recorded {
            batch: id,
            to_start,
        },
    );
    (
        Some(id),
        start_jobs(glacier, &mut store, words, id, news).await,
    )
}

/// Goes on starting the jobs of a batch whose starting was cut short (the
/// screen was left, the network failed), as `defrost restore --resume` does.
pub async fn resume<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    batch: BatchId,
    news: &UnboundedSender<Msg>,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    start_jobs(glacier, &mut store, words, batch, news).await
}

/// Starts the batch's jobs at its pace until every archive has one.
async fn start_jobs<G: GlacierApi>(
    glacier: &G,
    store: &mut Store,
    words: &ScreenWords,
    id: BatchId,
    news: &UnboundedSender<Msg>,
) -> Result<String, String> {
    let options = RunOptions {
        no_wait: true,
        requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
        started_by: started_by_here(),
    };
    let on_event = |event: &BatchEvent, _: &_| {
        if let Some(news_item) = news_of(id, event) {
            send(news, news_item);
        }
    };
    run_batch(glacier, store, id, &options, on_event, |_| {})
        .await
        .map_err(|err| words.error(&err))
        .map(|counts| {
            let running = counts.running + counts.ready;
            let mut said = format!(
                "batch {id}: {} archives have their jobs",
                grouped(running + counts.restored)
            );
            if counts.given_up + counts.too_large > 0 {
                said.push_str(&format!(
                    ", {} could not be started",
                    grouped(counts.given_up + counts.too_large)
                ));
            }
            said.push_str("; their outputs are downloaded from the batch's row once ready");
            said
        })
}

/// Downloads every ready output of the batch into `to`, telling `news` how far
/// it is; the answer is the status bar's line.
pub async fn download<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    batch: BatchId,
    to: &Path,
    news: &UnboundedSender<Msg>,
) -> Result<String, String> {
    make_folder(to)?;
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let on_event = |event: &BatchEvent| {
        if let Some(news_item) = news_of(batch, event) {
            send(news, news_item);
        }
    };
    let on_progress = |progress| send(news, BatchNews::Downloading { batch, progress });
    let outcome = download_ready(glacier, &mut store, batch, to, on_event, on_progress)
        .await
        .map_err(|err| words.error(&err))?;
    let shown = printable(&to.display().to_string());
    Ok(match (outcome.ready, outcome.failed) {
        (0, _) => format!("batch {batch}: no output is ready yet"),
        (_, 0) => format!(
            "batch {batch}: {} archives verified into {shown}",
            grouped(outcome.downloaded)
        ),
        (_, failed) => format!(
            "batch {batch}: {} archives verified into {shown}; {} failed (said above), press the download key again to retry them",
            grouped(outcome.downloaded),
            grouped(failed)
        ),
    })
}

/// The news worth sending of an event: every start moves the count on; a
/// download's own line is not sent, the count of the run says it.
pub(super) fn news_of(batch: BatchId, event: &BatchEvent) -> Option<BatchNews> {
    Some(match event {
        BatchEvent::Started { .. } | BatchEvent::Found { .. } => BatchNews::Started { batch },
        BatchEvent::Throttled { message, .. } => BatchNews::Held {
            batch,
            message: printable(message),
        },
        BatchEvent::DownloadFailed { name, reason, .. } => BatchNews::Said {
            batch,
            text: format!("{name}: download failed: {}", printable(reason)),
        },
        BatchEvent::GaveUp { name, reason, .. } => BatchNews::Said {
            batch,
            text: format!("{name}: given up: {}", printable(reason)),
        },
        BatchEvent::TooLarge { name, .. } => BatchNews::Said {
            batch,
            text: format!("{name}: too large for the bytes-per-hour cap; not started"),
        },
        BatchEvent::Downloaded { .. } => return None,
    })
}

pub(super) fn send(news: &UnboundedSender<Msg>, item: BatchNews) {
    let _ = news.send(Msg::Loaded(Loaded::Batch(item)));
}

fn make_folder(to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|err| {
        format!(
            "cannot create the folder {}: {err}; choose another",
            printable(&to.display().to_string())
        )
    })
}

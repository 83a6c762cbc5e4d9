//! Fetching a vault's inventory from Glacier into the cache: start an
//! inventory-retrieval job (journaled), wait for it on its schedule, follow its
//! `Marker` through the pages of a paged inventory, download every page and
//! import them as one snapshot. An interrupted fetch is found again in the
//! journal and continued instead of paying for a new job.

mod pages;
mod start;

use std::path::PathBuf;

use time::OffsetDateTime;

pub use pages::{Imported, download_page, import_pages, pages_dir};
pub use start::{FetchPage, FetchPlan, StartedPage, next_page_params, start_page};

use super::TrackingError;
use super::watch::{Clock, WatchEvent, poll_job, watch_until_finished};
use crate::confined::ConfinedError;
use crate::domain::job::{JobStatus, TrackedJob, effective_status};
use crate::domain::job_params::{JobParams, ParamsError};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{ImportProgress, OutputUse, Store, StoreError, VaultKey};

/// Why a fetch stopped.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "Glacier has no inventory of vault '{vault}' yet: it takes the first one about a day after the vault's first upload; try again tomorrow"
    )]
    NoInventoryYet { vault: String },
    #[error(
        "inventory job {job_id} failed ({message}); fetch the inventory again to start a new one"
    )]
    JobFailed { job_id: String, message: String },
    #[error(
        "the output of inventory job {job_id} can no longer be downloaded (its window has closed); fetch the inventory again to start a new one"
    )]
    OutputExpired { job_id: String },
    #[error("cannot write {}: {source}; check the data directory's space and permissions", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A link or a misplaced file where the fetch keeps its pages.
    // Transparent: the refusal's own words, once, whatever reads the chain.
    #[error(transparent)]
    Refused(ConfinedError),
    #[error("the fetch's plan cannot be recorded: {0}")]
    Plan(String),
    #[error(transparent)]
    Params(#[from] ParamsError),
    #[error(transparent)]
    Tracking(#[from] TrackingError),
    #[error(transparent)]
    Glacier(#[from] GlacierError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ConfinedError> for FetchError {
    fn from(err: ConfinedError) -> Self {
        match err {
            ConfinedError::Io { path, source, .. } => FetchError::Io { path, source },
            refused => FetchError::Refused(refused),
        }
    }
}

impl FetchError {
    /// Whether the user can fix it by changing the command (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        match self {
            FetchError::Params(_) | FetchError::Refused(_) => true,
            FetchError::Tracking(err) => err.is_bad_input(),
            FetchError::Glacier(err) => err.is_bad_input(),
            FetchError::Store(err) => err.is_bad_input(),
            _ => false,
        }
    }
}

/// The pages of one fetch so far, first to last; the last may still be running.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    pub vault: VaultKey,
    pub pages: Vec<StartedPage>,
}

impl Fetch {
    /// The page started last.
    pub fn last(&self) -> &StartedPage {
        // A fetch is made with its first page and only grows.
        &self.pages[self.pages.len() - 1]
    }
}

/// How far a call to [`advance`] got.
#[derive(Debug)]
pub enum FetchOutcome {
    /// Every page is in the cache: a new snapshot, or the one that already held
    /// this inventory.
    Imported(Imported),
    /// A page is still being prepared (only when not asked to wait).
    Pending(Fetch),
}

/// What [`advance`] is doing, for whoever shows it.
#[derive(Debug)]
pub enum FetchEvent<'a> {
    Watch(WatchEvent<'a>),
    /// The next page's job was started.
    PageStarted(&'a StartedPage),
    /// A page's output is in, this many bytes.
    Downloaded {
        page: usize,
        bytes: u64,
    },
    Importing(ImportProgress),
}

/// Starts a new fetch of `vault`: its first page's job.
pub async fn start_fetch<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    params: &JobParams,
    started_by: &str,
    now: OffsetDateTime,
) -> Result<Fetch, FetchError> {
    let page = FetchPage {
        page: 1,
        previous_job: None,
    };
    let first = start_page(api, store, vault, params, page, started_by, now).await?;
    Ok(Fetch {
        vault: vault.clone(),
        pages: vec![first],
    })
}

/// The fetch of `vault` the journal has in progress or ready and not imported
/// yet, if there is one: its newest page, and the pages before it.
pub fn unfinished_fetch(
    store: &Store,
    vault: &VaultKey,
    now: OffsetDateTime,
) -> Result<Option<Fetch>, StoreError> {
    let imported = store.jobs_whose_output_was(OutputUse::Imported)?;
    let entries = store.journal(Some(vault))?;
    let as_page = |entry: &crate::store::JournalEntry| {
        let plan = FetchPlan::of(entry)?;
        let job = entry.state.clone()?;
        Some((
            plan.previous_job,
            StartedPage {
                journal_id: entry.id,
                job,
                params_json: entry.params_json.clone(),
                page: plan.page,
            },
        ))
    };
    let Some((mut previous, newest)) = entries.iter().rev().find_map(as_page) else {
        return Ok(None);
    };
    let status = effective_status(&newest.job, now);
    let unfinished = matches!(status, JobStatus::InProgress | JobStatus::Succeeded);
    if !unfinished || imported.contains(&newest.journal_id) {
        return Ok(None);
    }
    let mut pages = vec![newest];
    while let Some(job_id) = previous {
        let Some((before, page)) = entries
            .iter()
            .filter(|entry| entry.job_id.as_deref() == Some(job_id.as_str()))
            .find_map(as_page)
        else {
            break;
        };
        pages.push(page);
        previous = before;
    }
    pages.reverse();
    Ok(Some(Fetch {
        vault: vault.clone(),
        pages,
    }))
}

/// Moves `fetch` on as far as it can: waits for its last page (if `wait`; else
/// looks once and returns [`FetchOutcome::Pending`] while it runs), downloads
/// each page as soon as it is ready (its output is kept only so long), starts the
/// next page while Glacier returns a marker, then imports every page as one
/// snapshot.
pub async fn advance<G: GlacierApi, C: Clock>(
    api: &G,
    store: &mut Store,
    mut fetch: Fetch,
    clock: &C,
    wait: bool,
    started_by: &str,
    mut on_event: impl FnMut(FetchEvent<'_>),
) -> Result<FetchOutcome, FetchError> {
    loop {
        let finished = last_page_finished(api, store, &fetch, clock, wait, &mut on_event).await;
        if let Err(FetchError::JobFailed { .. } | FetchError::OutputExpired { .. }) = &finished {
            // The fetch is over: the next one starts from a new first page and
            // never reads the pages downloaded for this one.
            let _ = std::fs::remove_dir_all(pages_dir(store, &fetch));
        }
        let Some(job) = finished? else {
            return Ok(FetchOutcome::Pending(fetch));
        };
        let info = api.describe_job(&fetch.vault.name, &job.job_id).await?;
        let index = fetch.pages.len() - 1;
        fetch.pages[index].job = job;
        download_ready_page(api, store, &fetch, &fetch.pages[index], &mut on_event).await?;
        let Some(marker) = info.inventory_marker else {
            break;
        };
        let params = next_page_params(&fetch.last().params_json, &marker)?;
        let page = FetchPage {
            page: fetch.last().page + 1,
            previous_job: Some(fetch.last().job.job_id.clone()),
        };
        let now = clock.now();
        let next = start_page(api, store, &fetch.vault, &params, page, started_by, now).await?;
        on_event(FetchEvent::PageStarted(&next));
        fetch.pages.push(next);
    }
    let imported = download_and_import(api, store, &fetch, clock.now(), &mut on_event).await?;
    Ok(FetchOutcome::Imported(imported))
}

/// The fetch's last page once its job has succeeded: waited for if `wait`, else
/// looked at once (the journal may lag behind Glacier) and `None` while it runs.
/// A failed or expired job ends the fetch.
async fn last_page_finished<G: GlacierApi, C: Clock>(
    api: &G,
    store: &mut Store,
    fetch: &Fetch,
    clock: &C,
    wait: bool,
    on_event: &mut impl FnMut(FetchEvent<'_>),
) -> Result<Option<TrackedJob>, FetchError> {
    let last = fetch.last().job.clone();
    let job = match effective_status(&last, clock.now()) {
        JobStatus::InProgress if !wait => {
            let looked = poll_job(api, store, &last, clock.now()).await?;
            if looked.status == JobStatus::InProgress {
                return Ok(None);
            }
            looked
        }
        JobStatus::InProgress => {
            let mut watched = watch_until_finished(api, store, vec![last], clock, |event| {
                on_event(FetchEvent::Watch(event))
            })
            .await?;
            // One job in, one out.
            watched.swap_remove(0)
        }
        _ => last,
    };
    match effective_status(&job, clock.now()) {
        JobStatus::Succeeded => Ok(Some(job)),
        JobStatus::Failed => Err(FetchError::JobFailed {
            message: crate::text::printable(
                job.status_message.as_deref().unwrap_or("no reason given"),
            ),
            job_id: job.job_id,
        }),
        _ => Err(FetchError::OutputExpired { job_id: job.job_id }),
    }
}

/// Downloads a page whose job is ready, unless it is already in.
async fn download_ready_page<G: GlacierApi>(
    api: &G,
    store: &Store,
    fetch: &Fetch,
    page: &StartedPage,
    on_event: &mut impl FnMut(FetchEvent<'_>),
) -> Result<PathBuf, FetchError> {
    let dir = pages_dir(store, fetch);
    let (file, downloaded) = download_page(api, &fetch.vault.name, page, &dir).await?;
    if let Some(bytes) = downloaded {
        on_event(FetchEvent::Downloaded {
            page: page.page,
            bytes,
        });
    }
    Ok(file)
}

/// Imports every page (downloading any not yet in), then removes the pages.
async fn download_and_import<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    fetch: &Fetch,
    now: OffsetDateTime,
    on_event: &mut impl FnMut(FetchEvent<'_>),
) -> Result<Imported, FetchError> {
    let mut files = Vec::with_capacity(fetch.pages.len());
    for page in &fetch.pages {
        files.push(download_ready_page(api, store, fetch, page, on_event).await?);
    }
    let imported = import_pages(store, &fetch.vault, &fetch.pages, &files, now, |progress| {
        on_event(FetchEvent::Importing(progress))
    })?;
    // The snapshot holds them now; a folder that cannot be removed only costs space.
    let _ = std::fs::remove_dir_all(pages_dir(store, fetch));
    Ok(imported)
}

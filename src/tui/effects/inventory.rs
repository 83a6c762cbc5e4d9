//! Asking Glacier for a vault's inventory from the screen, and importing it
//! once it is ready, as `defrost inventory fetch` does.

use std::path::Path;

use time::OffsetDateTime;

use super::ScreenWords;
use crate::domain::job_params::{JobKind, JobRequest, validate};
use crate::glacier::GlacierApi;
use crate::store::{Store, VaultKey};
use crate::tracking::inventory::{FetchOutcome, Imported, advance, start_fetch, unfinished_fetch};
use crate::tracking::started_by_here;
use crate::tracking::watch::SystemClock;

/// Starts an inventory fetch of `vault` (journaled before it is sent), or says
/// which one is still under way: a second would be paid for twice.
pub async fn request_inventory<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    vault: &VaultKey,
    now: OffsetDateTime,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    if let Some(fetch) = unfinished_fetch(&store, vault, now).map_err(|err| words.error(&err))? {
        return Ok(fetch.last().job.job_id.clone());
    }
    let request = JobRequest {
        kind: Some(JobKind::InventoryRetrieval),
        ..JobRequest::default()
    };
    let params = validate(&request, None).map_err(|err| words.error(&err))?;
    let fetch = start_fetch(glacier, &mut store, vault, &params, &started_by_here(), now)
        .await
        .map_err(|err| words.error(&err))?;
    Ok(fetch.last().job.job_id.clone())
}

/// Imports the vault's fetched inventory once its job is ready (following its
/// pages). `None` while a page is pending.
pub async fn import_inventory<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    vault: &VaultKey,
) -> Result<Option<String>, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let now = OffsetDateTime::now_utc();
    let Some(fetch) = unfinished_fetch(&store, vault, now).map_err(|err| words.error(&err))? else {
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
    .map_err(|err| words.error(&err))?;
    Ok(match outcome {
        FetchOutcome::Imported(Imported::New(snapshot)) => Some(format!(
            "imported the new inventory of {}: {} archives",
            crate::text::printable(&vault.name),
            snapshot.archive_count
        )),
        FetchOutcome::Imported(Imported::Unchanged { .. }) => Some(format!(
            "the inventory of {} has not changed since the cached one",
            crate::text::printable(&vault.name)
        )),
        FetchOutcome::Pending(_) => None,
    })
}

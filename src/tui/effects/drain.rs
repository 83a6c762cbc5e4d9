//! Drains from the screen, through the engine `defrost drain` runs: what a
//! drain of the vault's copied archives would delete and keep (read from the
//! journal against the newest cached inventory, nothing asked of Glacier),
//! then each deletion journaled, asked for at a bounded pace and its answer
//! journaled, and the report of deletions written again at the end.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::ScreenWords;
use crate::domain::batch::pacing::DEFAULT_REQUESTS_PER_SECOND;
use crate::domain::cost::PriceTable;
use crate::domain::drain::DrainScope;
use crate::glacier::GlacierApi;
use crate::store::{Store, StoreError, VaultKey};
use crate::text::printable;
use crate::tracking::drain::{
    DrainEvent, DrainOptions, DrainRequest, prepare_drain, run_drain, write_report,
};
use crate::tracking::started_by_here;
use crate::tui::drain::Draining;
use crate::tui::marks::grouped;
use crate::tui::msg::{DrainNews, Loaded, Msg};

/// What draining `vault`'s copied archives would delete; nothing is deleted.
pub fn prepare(
    data_dir: &Path,
    words: &ScreenWords,
    vault: &VaultKey,
    prices: &PriceTable,
) -> Result<Draining, String> {
    let said = |err: StoreError| words.error(&err);
    let store = Store::open(data_dir).map_err(said)?;
    let cached =
        (store.find_vault(&vault.name, Some(&vault.account), Some(&vault.region))).map_err(said)?;
    let info = store.snapshot_of(&cached, None).map_err(said)?;
    let snapshot = store.open_snapshot(&info).map_err(said)?;
    let request = DrainRequest {
        vault: journaled_as(&store, vault).map_err(said)?,
        scope: DrainScope::OnlyCopied,
        made_by: started_by_here(),
    };
    let now = OffsetDateTime::now_utc();
    let inventory = (&info, &snapshot);
    let prepared = prepare_drain(&store, inventory, request, prices.storage.as_ref(), now)
        .map_err(|err| words.error(&err))?;
    Ok(Draining(Arc::new(prepared)))
}

/// The vault as the journal names the newest migration's: copies are
/// proofs under the key they were journaled with, and a migration made on
/// the command line names the account `-` where the inventory names it.
fn journaled_as(store: &Store, vault: &VaultKey) -> Result<VaultKey, StoreError> {
    let newest = (store.batches(None)?.into_iter())
        .filter(|batch| batch.to.starts_with("s3://"))
        .filter(|batch| batch.vault.region == vault.region && batch.vault.name == vault.name)
        .max_by_key(|batch| batch.id);
    Ok(newest.map_or_else(|| vault.clone(), |batch| batch.vault))
}

/// Deletes what `draining` found, telling `news` of each deletion; the
/// answer is the status bar's line. The report is written whatever
/// happened, from the journal.
pub async fn start<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    vault: &VaultKey,
    draining: &Draining,
    news: &UnboundedSender<Msg>,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let options = DrainOptions {
        requests_per_second: DEFAULT_REQUESTS_PER_SECOND,
    };
    let send = |item: DrainNews| {
        let _ = news.send(Msg::Loaded(Loaded::Drain(item)));
    };
    let on_event = |event: &DrainEvent<'_>, _: &_| match event {
        DrainEvent::Deleted(_) | DrainEvent::Gone(_) => send(DrainNews::Deleted {
            vault: vault.clone(),
        }),
        DrainEvent::Held { message, .. } => send(DrainNews::Held {
            vault: vault.clone(),
            message: printable(message),
        }),
    };
    let prepared = &draining.0;
    let outcome = run_drain(glacier, &mut store, prepared, options, on_event).await;
    let report = write_report(&store, &prepared.request.vault);
    let outcome = outcome.map_err(|err| words.error(&err))?;
    let report = report.map_err(|err| words.error(&err))?;
    let mut said = format!(
        "{}: {} copied archives deleted",
        printable(&vault.name),
        grouped(outcome.deleted)
    );
    if outcome.gone > 0 {
        said.push_str(&format!(", {} gone already", grouped(outcome.gone)));
    }
    said.push_str(&format!(
        "; every deletion is listed in {}",
        printable(&report.display().to_string())
    ));
    Ok(said)
}

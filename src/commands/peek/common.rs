//! What `defrost peek` and `defrost restore-member` share: the archive as
//! the cached inventory lists it, the folder where retrieved bytes are kept,
//! and waiting for a plan's jobs.

use std::path::PathBuf;

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::domain::job::JobStatus;
use crate::domain::range::parse_size;
use crate::glacier::GlacierApi;
use crate::store::{PlanArchive, PlanId, Store, VaultKey};
use crate::text::printable;
use crate::tracking::download::{WaitState, WaitingJob};
use crate::tracking::watch::{SystemClock, WatchEvent, watch_until_finished};

/// The archive as the vault's newest cached inventory lists it, else with
/// the size given.
pub fn archive_facts(
    store: &Store,
    vault: &VaultKey,
    archive_id: &str,
    given_size: Option<&str>,
) -> anyhow::Result<PlanArchive> {
    let given = given_size
        .map(|text| parse_size(text).context("--size"))
        .transpose()?;
    let cached = crate::tracking::download::cached_archive_by_id(
        store,
        &vault.region,
        &vault.name,
        archive_id,
    );
    // The size must agree with the inventory, by the same rule as `defrost retrieve`.
    let size = crate::commands::retrieve::archive_size(cached.as_ref(), given)?;
    match (cached, size) {
        (Some(row), _) => Ok(PlanArchive {
            archive_id: archive_id.to_owned(),
            size: Some(row.size),
            tree_hash: Some(row.sha256_tree_hash),
            name: Some(row.name),
        }),
        (None, Some(size)) => Ok(PlanArchive {
            archive_id: archive_id.to_owned(),
            size: Some(size),
            tree_hash: None,
            name: None,
        }),
        (None, None) => Err(BadInput(format!(
            "no cached inventory of vault {} lists archive {}; import an inventory that lists it, or give its size with --size",
            printable(&vault.name),
            printable(archive_id)
        ))
        .into()),
    }
}

/// Where a vault's peeks keep what they retrieved: `DATA_DIR/peeks/REGION/ACCOUNT/VAULT`.
pub fn peek_folder(global: &GlobalOpts, vault: &VaultKey) -> anyhow::Result<PathBuf> {
    Ok(crate::tracking::peek::peek_folder(
        &global.resolved_data_dir()?,
        vault,
    ))
}

/// Waits for the plan's jobs still in progress; an error when one cannot
/// become ready (failed, expired or never started), naming how to renew it.
pub async fn wait_for_jobs<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    plan: PlanId,
    waiting: &[WaitingJob],
    mut on_sleep: impl FnMut(OffsetDateTime),
) -> anyhow::Result<()> {
    if let Some(stuck) = waiting
        .iter()
        .find(|job| !matches!(job.state, WaitState::InProgress { .. }))
    {
        let why = match &stuck.state {
            WaitState::Expired => "its output window closed before it was downloaded".to_owned(),
            WaitState::Failed { reason } => format!(
                "it failed ({})",
                printable(reason.as_deref().unwrap_or("no reason given"))
            ),
            _ => "Glacier never answered its start".to_owned(),
        };
        return Err(BadInput(format!(
            "job {} of plan {plan} cannot become ready: {why}; start it again with `defrost retrieve --vault {} --renew {plan}`",
            stuck.number,
            printable(&store.plan(plan)?.map(|p| p.vault.name).unwrap_or_default())
        ))
        .into());
    }
    let jobs = store
        .plan(plan)?
        .map(|entry| {
            entry
                .current_jobs()
                .into_iter()
                .filter_map(|job| job.entry.state.clone())
                .filter(|job| job.status == JobStatus::InProgress)
                .collect()
        })
        .unwrap_or_default();
    watch_until_finished(api, store, jobs, &SystemClock, |event| {
        if let WatchEvent::Sleeping { until } = event {
            on_sleep(until);
        }
    })
    .await?;
    Ok(())
}

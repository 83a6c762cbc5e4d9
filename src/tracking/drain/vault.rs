//! The vault's end. Glacier deletes a vault only when the last inventory it
//! computed lists no archive and nothing was written to the vault since; it
//! computes one about once a day. So after the last deletion the vault waits
//! for Glacier's next inventory; once that is newer than the last deletion,
//! an empty count deletes the vault, and a count above zero (archives a drain
//! kept, or uploads since) asks Glacier for that inventory, so the next drain
//! sees what is left.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::DrainError;
use crate::domain::job_params::{JobKind, JobRequest, validate};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{Store, VaultKey};
use crate::tracking::inventory::{start_fetch, unfinished_fetch};

/// Where the vault's end stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VaultEnd {
    /// Glacier deleted the vault.
    Deleted,
    /// Glacier has not computed an inventory since the last deletion.
    AwaitingInventory {
        last_inventory: Option<OffsetDateTime>,
        last_deletion: Option<OffsetDateTime>,
    },
    /// Glacier's newest inventory still lists archives; an inventory job was
    /// started (or one is under way) to see which.
    ArchivesLeft { count: u64, inventory_job: String },
    /// The vault is already gone.
    Gone,
}

/// Deletes the vault if Glacier would, or says what it waits for.
pub async fn finish_vault<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    started_by: &str,
    now: OffsetDateTime,
) -> Result<VaultEnd, DrainError> {
    let described = match api.describe_vault(&vault.name).await {
        Ok(described) => described,
        Err(GlacierError::UnknownVault { .. }) => return Ok(VaultEnd::Gone),
        Err(err) => return Err(err.into()),
    };
    let last_deletion = (store.deletions(vault)?.into_iter())
        .filter_map(|deletion| deletion.done)
        .filter_map(|(at, _)| OffsetDateTime::parse(&at, &Rfc3339).ok())
        .max();
    let inventoried_since = described
        .last_inventory
        .is_some_and(|at| last_deletion.is_none_or(|deleted| at > deleted));
    if !inventoried_since {
        return Ok(VaultEnd::AwaitingInventory {
            last_inventory: described.last_inventory,
            last_deletion,
        });
    }
    if described.archive_count == 0 {
        return match api.delete_vault(&vault.name).await {
            Ok(()) | Err(GlacierError::UnknownVault { .. }) => Ok(VaultEnd::Deleted),
            // Written to since its inventory: it waits for the next one.
            Err(GlacierError::BadParameter { .. }) => Ok(VaultEnd::AwaitingInventory {
                last_inventory: described.last_inventory,
                last_deletion,
            }),
            Err(err) => Err(err.into()),
        };
    }
    let job = match unfinished_fetch(store, vault, now)? {
        Some(fetch) => fetch.last().job.job_id.clone(),
        None => {
            let request = JobRequest {
                kind: Some(JobKind::InventoryRetrieval),
                ..JobRequest::default()
            };
            let params = validate(&request, None).map_err(|err| {
                DrainError::Store(crate::store::StoreError::refused(err.to_string()))
            })?;
            let fetch = start_fetch(api, store, vault, &params, started_by, now).await?;
            fetch.last().job.job_id.clone()
        }
    };
    Ok(VaultEnd::ArchivesLeft {
        count: described.archive_count,
        inventory_job: job,
    })
}

//! The vault's end. Glacier deletes a vault only when the last inventory it
//! computed lists no archive and nothing was written to the vault since; it
//! computes one about once a day. So an empty count asks Glacier to delete the
//! vault (it refuses one written to since, and the vault waits for the next
//! inventory). A count above zero waits while the inventory is older than the
//! last deletion; once it is newer, the count is what a drain kept or what was
//! uploaded since, and an inventory job is started so the next drain sees it.
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
    match next_step(
        described.last_inventory,
        described.archive_count,
        last_deletion,
    ) {
        NextStep::Await => {
            return Ok(VaultEnd::AwaitingInventory {
                last_inventory: described.last_inventory,
                last_deletion,
            });
        }
        NextStep::Delete => {
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
        NextStep::ListWhatIsLeft => {}
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

/// What the vault's facts call for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NextStep {
    /// Ask Glacier to delete it; Glacier itself refuses a vault written to
    /// since an inventory that listed nothing, so asking is always safe.
    Delete,
    /// Glacier's inventory is not clearly newer than the last deletion.
    Await,
    /// Glacier's inventory, newer than every deletion, still lists archives.
    ListWhatIsLeft,
}

/// The journal writes a deletion's time to the whole second, so the deletion
/// may have come up to a second later than written; an inventory counts as
/// newer only beyond that.
const JOURNAL_PRECISION: time::Duration = time::Duration::SECOND;

fn next_step(
    last_inventory: Option<OffsetDateTime>,
    archive_count: u64,
    last_deletion: Option<OffsetDateTime>,
) -> NextStep {
    if archive_count == 0 {
        return NextStep::Delete;
    }
    let inventoried_since = last_inventory
        .is_some_and(|at| last_deletion.is_none_or(|deleted| at > deleted + JOURNAL_PRECISION));
    if inventoried_since {
        NextStep::ListWhatIsLeft
    } else {
        NextStep::Await
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const DELETED: OffsetDateTime = datetime!(2026-12-07 12:00:00 UTC);

    #[test]
    fn an_inventory_listing_nothing_asks_glacier_to_delete_the_vault() {
        let after = Some(DELETED + time::Duration::hours(20));
        assert_eq!(next_step(after, 0, Some(DELETED)), NextStep::Delete);
        // Glacier decides whether it was written to since: asking is safe.
        let before = Some(DELETED - time::Duration::hours(1));
        assert_eq!(next_step(before, 0, Some(DELETED)), NextStep::Delete);
    }

    #[test]
    fn archives_in_an_inventory_older_than_the_last_deletion_are_waited_out() {
        let before = Some(DELETED - time::Duration::hours(1));
        assert_eq!(next_step(before, 3, Some(DELETED)), NextStep::Await);
        assert_eq!(next_step(None, 3, Some(DELETED)), NextStep::Await);
    }

    #[test]
    fn an_inventory_within_the_journal_s_second_is_not_taken_for_newer() {
        // Written as 12:00:00, the last deletion may have come at 12:00:00.9;
        // an inventory at 12:00:00.5 may still list what it deleted.
        let same_second = Some(DELETED + time::Duration::milliseconds(500));
        assert_eq!(next_step(same_second, 1, Some(DELETED)), NextStep::Await);
        let edge = Some(DELETED + JOURNAL_PRECISION);
        assert_eq!(next_step(edge, 1, Some(DELETED)), NextStep::Await);
    }

    #[test]
    fn archives_in_an_inventory_newer_than_every_deletion_are_listed() {
        let after = Some(DELETED + time::Duration::milliseconds(1_001));
        assert_eq!(next_step(after, 2, Some(DELETED)), NextStep::ListWhatIsLeft);
        let never_drained = Some(DELETED);
        assert_eq!(next_step(never_drained, 2, None), NextStep::ListWhatIsLeft);
    }
}

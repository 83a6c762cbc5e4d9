//! Deleting a drain's archives, one DeleteArchive at a time at a bounded rate:
//! each written down before it is sent and its answer after. Throttling, server
//! errors and a failing network hold the drain back with exponential back-off
//! and jitter; a refusal that waiting does not cure (a vault lock, the access
//! policy) stops it at once, deleting nothing more.

use std::time::Duration;

use time::OffsetDateTime;

use super::{DrainError, DrainItem, PreparedDrain};
use crate::domain::batch::{PaceDecision, PaceLimits, Pacer};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{DeletionIntent, DeletionOutcome, Store};
use crate::tracking::batch::jitter::Jitter;

/// How a drain runs.
#[derive(Debug, Clone, Copy)]
pub struct DrainOptions {
    /// DeleteArchive requests per second at most.
    pub requests_per_second: f64,
}

/// What deleting came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainOutcome {
    /// Glacier deleted them now.
    pub deleted: u64,
    pub deleted_bytes: u64,
    /// Glacier did not hold them any more (an earlier request whose answer was
    /// lost had deleted them).
    pub gone: u64,
    /// Times Glacier pushed back.
    pub held: u64,
}

/// Something the drain did that its user should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrainEvent<'a> {
    Deleted(&'a DrainItem),
    Gone(&'a DrainItem),
    /// Glacier pushed back; deleting goes on at `until`.
    Held {
        message: String,
        until: OffsetDateTime,
    },
}

/// Deletes every archive of `prepared` whose deletion has no answer yet.
pub async fn run_drain<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    prepared: &PreparedDrain,
    options: DrainOptions,
    mut on_event: impl FnMut(&DrainEvent<'_>, &DrainOutcome),
) -> Result<DrainOutcome, DrainError> {
    let vault = &prepared.request.vault;
    let mut pacer = Pacer::new(PaceLimits {
        requests_per_second: options.requests_per_second,
        bytes_per_hour: None,
        jobs_in_flight: None,
    });
    let mut jitter = Jitter::seeded(OffsetDateTime::now_utc());
    let mut outcome = DrainOutcome::default();
    for item in &prepared.items {
        let id = store.record_deletion_asked(
            vault,
            &DeletionIntent {
                archive_id: &item.archive_id,
                size: item.size,
                created: Some(&item.created),
                proof: &item.proof,
                made_by: &prepared.request.made_by,
                at: OffsetDateTime::now_utc(),
            },
        )?;
        loop {
            wait_for_pace(&pacer).await;
            let now = OffsetDateTime::now_utc();
            pacer.started(0, now);
            let answer = api.delete_archive(&vault.name, &item.archive_id).await;
            let now = OffsetDateTime::now_utc();
            match answer {
                Ok(()) => {
                    store.record_deletion_done(id, DeletionOutcome::Deleted, now)?;
                    outcome.deleted += 1;
                    outcome.deleted_bytes = outcome.deleted_bytes.saturating_add(item.size);
                    on_event(&DrainEvent::Deleted(item), &outcome);
                }
                Err(GlacierError::UnknownArchive { .. }) => {
                    store.record_deletion_done(id, DeletionOutcome::Gone, now)?;
                    outcome.gone += 1;
                    on_event(&DrainEvent::Gone(item), &outcome);
                }
                Err(err) if is_push_back(&err) => {
                    outcome.held += 1;
                    let until = pacer.throttled(now, jitter.next());
                    let event = DrainEvent::Held {
                        message: err.to_string(),
                        until,
                    };
                    on_event(&event, &outcome);
                    continue;
                }
                Err(GlacierError::UnknownVault { vault }) => {
                    return Err(GlacierError::UnknownVault { vault }.into());
                }
                Err(cause) => {
                    return Err(DrainError::Refused {
                        archive_id: crate::text::printable(&item.archive_id),
                        cause,
                    });
                }
            }
            break;
        }
    }
    Ok(outcome)
}

/// Waits until the pace lets the next request go.
async fn wait_for_pace(pacer: &Pacer) {
    loop {
        let now = OffsetDateTime::now_utc();
        match pacer.next_start(0, 0, now) {
            PaceDecision::At(at) if at > now => {
                let gap = Duration::try_from(at - now).unwrap_or(Duration::ZERO);
                tokio::time::sleep(gap).await;
            }
            _ => return,
        }
    }
}

/// Answers that pass with time: throttling, limits, the service or the network
/// being unavailable for now.
fn is_push_back(err: &GlacierError) -> bool {
    match err {
        GlacierError::Throttled { .. }
        | GlacierError::LimitExceeded { .. }
        | GlacierError::Network { .. }
        | GlacierError::Timeout { .. } => true,
        GlacierError::ServerError { status, .. } => matches!(status, 429 | 500..=599),
        _ => false,
    }
}

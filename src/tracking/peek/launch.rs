//! Starting one retrieval of a peek or of a member: an ordinary plan, with
//! any running or ready job for the same bytes used instead of a new one (a
//! run killed after InitiateJob and before its plan was written down as the
//! peek's finds its job this way, and pays nothing twice).

use time::OffsetDateTime;

use super::{PeekError, PeekRequest, PeekState};
use crate::domain::range::{ByteRange, PlanKind};
use crate::glacier::GlacierApi;
use crate::store::{PeekPart, PlanArchive, PlanId, Store, VaultKey};
use crate::tracking::launch::{
    LaunchRequest, PlannedRetrieval, RetrievalRequest, find_reusable, launch_plan, plan_jobs,
};

/// The jobs that retrieve `range` of `archive`, cut as `kind` says.
pub fn plan_retrieval(
    archive: &PlanArchive,
    range: ByteRange,
    kind: PlanKind,
    tier: Option<String>,
) -> Result<PlannedRetrieval, PeekError> {
    let mut planned = plan_jobs(&RetrievalRequest {
        archive_id: archive.archive_id.clone(),
        archive_size: archive.size,
        want: Some(range),
        plan: kind,
        tier,
        sns_topic: None,
    })?;
    planned.archive_name = archive.name.clone();
    planned.archive_tree_hash = archive.tree_hash.clone();
    Ok(planned)
}

/// Records and starts `planned`, using jobs already retrieving its bytes;
/// its plan and how many jobs were reused.
pub(super) async fn start<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    planned: &PlannedRetrieval,
    started_by: &str,
    now: OffsetDateTime,
) -> Result<(PlanId, usize), PeekError> {
    let reuse = find_reusable(api, store, vault, planned, now).await?;
    let reused = reuse.iter().flatten().count();
    let request = LaunchRequest {
        vault: vault.clone(),
        planned: planned.clone(),
        reuse,
        started_by: started_by.to_owned(),
    };
    let report = launch_plan(api, store, &request, now).await?;
    Ok((report.plan, reused))
}

/// The peek's next retrieval: planned, and started when asked to.
pub(super) async fn next_retrieval<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &PeekRequest<'_>,
    range: ByteRange,
    first: bool,
    now: OffsetDateTime,
) -> Result<PeekState, PeekError> {
    // Split jobs cover exactly the aligned range, each with its checksum.
    let planned = plan_retrieval(
        request.archive,
        range,
        PlanKind::Split,
        request.tier.clone(),
    )?;
    if !request.launch {
        return Ok(PeekState::Retrieval {
            planned,
            first,
            started: None,
            reused: 0,
        });
    }
    let (plan, reused) = start(
        api,
        store,
        request.vault,
        &planned,
        &request.started_by,
        now,
    )
    .await?;
    let size = request.archive.size.unwrap_or_default();
    let part = PeekPart { plan, range };
    store.record_peek_part(request.vault, &request.archive.archive_id, size, part, now)?;
    Ok(PeekState::Retrieval {
        planned,
        first,
        started: Some(plan),
        reused,
    })
}

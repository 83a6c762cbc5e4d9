//! Launching a planned retrieval from the screen.

use std::path::Path;

use time::OffsetDateTime;

use super::ScreenWords;
use crate::glacier::GlacierApi;
use crate::store::{Store, VaultKey};
use crate::tracking::launch::{LaunchRequest, PlannedRetrieval, launch_plan};
use crate::tracking::started_by_here;

/// Starts the planned jobs through the journaled launcher; the answer names every
/// job that started, also when a later one was refused.
pub async fn launch<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    vault: VaultKey,
    planned: PlannedRetrieval,
) -> Result<Vec<String>, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let reuse = vec![None; planned.jobs.len()];
    let request = LaunchRequest {
        vault,
        planned,
        reuse,
        started_by: started_by_here(),
    };
    launch_plan(glacier, &mut store, &request, OffsetDateTime::now_utc())
        .await
        .map(|report| report.jobs.into_iter().map(|job| job.job_id).collect())
        .map_err(|err| words.error(&err))
}

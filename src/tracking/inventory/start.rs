//! Starting one page of an inventory fetch: journaled before InitiateJob is sent,
//! completed (or marked failed) once it answers, like every job defrost starts.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::FetchError;
use crate::domain::job::TrackedJob;
use crate::domain::job_params::{JobKind, JobParams, JobRequest, validate};
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{JobIntent, JournalEntry, JournalId, Store, VaultKey};

/// What the journal's `plan` column holds for a page of an inventory fetch: which
/// page it is and the job of the page before, so an interrupted fetch can be
/// picked up where it stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchPlan {
    pub inventory_fetch: FetchPage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchPage {
    /// 1 for the first page.
    pub page: usize,
    pub previous_job: Option<String>,
}

impl FetchPlan {
    /// The plan of a journaled job, when it is a page of an inventory fetch.
    pub fn of(entry: &JournalEntry) -> Option<FetchPage> {
        let plan: FetchPlan = serde_json::from_str(entry.plan_json.as_deref()?).ok()?;
        Some(plan.inventory_fetch)
    }
}

/// A page of a fetch as the journal has it once started.
#[derive(Debug, Clone, PartialEq)]
pub struct StartedPage {
    pub journal_id: JournalId,
    pub job: TrackedJob,
    pub params_json: String,
    pub page: usize,
}

/// Starts the inventory job `params` on `vault` as page `page.page` of a fetch.
pub async fn start_page<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    vault: &VaultKey,
    params: &JobParams,
    page: FetchPage,
    started_by: &str,
    now: OffsetDateTime,
) -> Result<StartedPage, FetchError> {
    let params_json = params.to_json_compact();
    let plan_json = serde_json::to_string(&FetchPlan {
        inventory_fetch: page.clone(),
    })
    .map_err(|err| FetchError::Plan(err.to_string()))?;
    let journal_id = store.record_job_intent(&JobIntent {
        vault,
        params_json: &params_json,
        plan_json: Some(&plan_json),
        // A page of a fetch is a plan of its own, of kind inventory.
        plan: None,
        started_by,
        at: now,
    })?;
    let started = match api.initiate_job(&vault.name, params).await {
        Ok(started) => started,
        Err(err) => {
            store.record_job_start_failed(journal_id, &err.to_string(), now)?;
            return Err(refusal(err, &vault.name));
        }
    };
    let mut job = TrackedJob::started(
        started.job_id,
        vault.name.clone(),
        JobKind::InventoryRetrieval,
        None,
        now,
    );
    job.speed = api.service_speed();
    store.record_job_started(journal_id, &job)?;
    Ok(StartedPage {
        journal_id,
        job,
        params_json,
        page: page.page,
    })
}

/// The parameters of the page after the one started with `params_json`: the same
/// request, from `marker` on.
pub fn next_page_params(params_json: &str, marker: &str) -> Result<JobParams, FetchError> {
    let mut request = JobRequest::from_json(params_json)?;
    request.marker = Some(marker.to_owned());
    Ok(validate(&request, None)?)
}

/// Glacier answers ResourceNotFoundException both for an unknown vault and for a
/// vault it has not inventoried yet; the second deserves its own explanation.
fn refusal(err: GlacierError, vault: &str) -> FetchError {
    match err {
        GlacierError::NotFound { message }
            if message.to_ascii_lowercase().contains("inventory") =>
        {
            FetchError::NoInventoryYet {
                vault: crate::text::printable(vault),
            }
        }
        other => FetchError::Glacier(other),
    }
}

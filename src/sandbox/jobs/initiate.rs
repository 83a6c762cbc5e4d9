//! InitiateJob: read and check the job parameters, apply the account's retrieval
//! policy and Expedited capacity, and record the job with its completion time.

use time::OffsetDateTime;

use super::archive_range::output_len;
use super::capacity::check_expedited_capacity;
use super::inventory_output::InventoryOutput;
use super::inventory_page::inventory_page;
use super::params_errors::glacier_error;
use super::{glacier_wait, is_current, later};
use crate::domain::job_params::{
    ArchiveRetrieval, InventoryFormat, InventoryRetrieval, JobKind as ParamsKind, JobParams,
    JobRequest, Tier, validate,
};
use crate::domain::range::ByteRange;
use crate::sandbox::clock::Speedup;
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::ids::JOB_ID_LEN;
use crate::sandbox::model::{Archive, ArchiveJob, InventoryJob, Job, JobKind, SandboxState, Vault};
use crate::sandbox::policy::{check_budget, record_retrieval};
use crate::sandbox::vaults::{AccountContext, vault};

/// Starts a job from InitiateJob's body and returns its id. A refused job leaves no
/// trace: it is neither recorded nor counted against the retrieval policy.
pub fn initiate_job(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault_name: &str,
    body: &[u8],
    now: OffsetDateTime,
    speedup: Speedup,
) -> GlacierResult<String> {
    let vault_arn = ctx.vault_arn(vault_name);
    let target = vault(state, ctx, vault_name)?;
    let request = read_request(body)?;
    let archive = archive_to_retrieve(target, &request, &vault_arn)?;
    let params = validate(&request, archive.map(|archive| archive.size)).map_err(glacier_error)?;
    let kind = match &params {
        JobParams::Archive(wanted) => {
            let archive = archive.ok_or_else(|| {
                GlacierError::missing_parameter("Required parameter ArchiveId is missing")
            })?;
            let job = archive_job(archive, wanted);
            admit_archive_job(state, &job, now)?;
            JobKind::Archive(job)
        }
        JobParams::Inventory(wanted) => {
            JobKind::Inventory(inventory_job(target, wanted, &vault_arn)?)
        }
    };
    let job = Job {
        id: String::new(),
        created: now,
        completes_at: later(now, speedup.scale(glacier_wait(&kind))),
        description: params.description().map(str::to_owned),
        sns_topic: params.sns_topic().map(str::to_owned),
        failure: None,
        notified: false,
        kind,
    };
    record_job(state, vault_name, job, speedup)
}

/// Gives the job its id and stores it; a Standard retrieval also counts against
/// the retrieval policy from now on.
fn record_job(
    state: &mut SandboxState,
    vault_name: &str,
    mut job: Job,
    speedup: Speedup,
) -> GlacierResult<String> {
    let now = job.created;
    let standard_bytes = match &job.kind {
        JobKind::Archive(archive) if archive.tier == Tier::Standard.as_str() => {
            Some(output_len(archive))
        }
        _ => None,
    };
    job.id = state.next_id(JOB_ID_LEN, b"job", vault_name.as_bytes());
    let id = job.id.clone();
    let vault = state
        .vaults
        .get_mut(vault_name)
        .ok_or_else(|| GlacierError::not_found(format!("Vault not found: {vault_name}")))?;
    // Jobs whose output window has closed are gone for good; forget them here.
    vault.jobs.retain(|_, job| is_current(job, now, speedup));
    if let JobKind::Archive(archive) = &job.kind {
        *vault
            .jobs_started
            .entry(archive.archive_id.clone())
            .or_default() += 1;
    }
    vault.jobs.insert(id.clone(), job);
    if let Some(bytes) = standard_bytes {
        record_retrieval(state, bytes, now);
    }
    Ok(id)
}

/// The body is the job-parameters object itself. Select jobs need S3 and SQL, which
/// the sandbox does not have, so they are refused by name rather than as a typo.
fn read_request(body: &[u8]) -> GlacierResult<JobRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GlacierError::missing_parameter(
            "Required parameter jobParameters is missing; send the job parameters as the JSON body",
        ));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| GlacierError::invalid_parameter("The job parameters are not UTF-8 text"))?;
    let is_select = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .is_some_and(|value| value.get("Type").and_then(|t| t.as_str()) == Some("select"));
    if is_select {
        return Err(GlacierError::unsupported(
            "The sandbox does not support select jobs; use archive-retrieval or inventory-retrieval",
        ));
    }
    JobRequest::from_json(text).map_err(glacier_error)
}

/// The archive an archive job names, looked up before the parameters are checked
/// because its size decides whether the range is acceptable.
fn archive_to_retrieve<'a>(
    vault: &'a Vault,
    request: &JobRequest,
    vault_arn: &str,
) -> GlacierResult<Option<&'a Archive>> {
    let (Some(ParamsKind::ArchiveRetrieval), Some(id)) = (request.kind, &request.archive_id) else {
        return Ok(None);
    };
    vault
        .archives
        .get(id)
        .filter(|archive| archive.deleted.is_none())
        .map(Some)
        .ok_or_else(|| {
            GlacierError::not_found(format!(
                "Archive not found for ID: {id} in vault {vault_arn}"
            ))
        })
}

fn archive_job(archive: &Archive, wanted: &ArchiveRetrieval) -> ArchiveJob {
    let range = wanted.range().unwrap_or(ByteRange {
        start: 0,
        end: archive.size.saturating_sub(1),
    });
    ArchiveJob {
        archive_id: archive.id.clone(),
        archive_size: archive.size,
        archive_tree_hash: archive.tree_hash.clone(),
        archive_description: archive.description.clone(),
        content: archive.content,
        range_start: range.start,
        range_end: range.end,
        tier: wanted.tier().unwrap_or(Tier::Standard).as_str().to_owned(),
        range_tree_hash: None,
    }
}

/// The account's limits on archive retrievals: Expedited needs capacity, Standard
/// must fit the data retrieval policy.
fn admit_archive_job(
    state: &SandboxState,
    job: &ArchiveJob,
    now: OffsetDateTime,
) -> GlacierResult<()> {
    if job.tier == Tier::Expedited.as_str() {
        check_expedited_capacity(state, now)?;
    }
    if job.tier == Tier::Standard.as_str() {
        check_budget(state, output_len(job), now)?;
    }
    Ok(())
}

/// An inventory job returns the vault's latest inventory as it is now; a later
/// inventory does not change a job already started.
fn inventory_job(
    vault: &Vault,
    wanted: &InventoryRetrieval,
    vault_arn: &str,
) -> GlacierResult<InventoryJob> {
    let inventory = vault.inventory.as_ref().ok_or_else(|| {
        GlacierError::not_found(format!(
            "The vault has no inventory yet: {vault_arn}; Glacier builds the first inventory about a day after the first upload, so try again later"
        ))
    })?;
    let page = inventory_page(inventory, wanted)?;
    let format = wanted.format().unwrap_or(InventoryFormat::Json);
    let output = InventoryOutput::new(
        format == InventoryFormat::Csv,
        vault_arn.to_owned(),
        inventory.date,
        page.entries,
    );
    let output_size = output.size();
    Ok(InventoryJob {
        format: format.as_str().to_owned(),
        start_date: wanted.start_date().map(|date| date.to_string()),
        end_date: wanted.end_date().map(|date| date.to_string()),
        limit: wanted.limit().map(|limit| limit.to_string()),
        marker: wanted.marker().map(str::to_owned),
        next_marker: page.next_marker,
        inventory_date: inventory.date,
        entries: output.into_entries(),
        output_size,
    })
}

//! GetJobOutput: streams an archive range or an inventory, with Glacier's headers;
//! and the range checksums that DescribeJob and the output headers promise.

use std::sync::Arc;

use axum::{
    body::{Body, Bytes},
    extract::{Path, State},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::stream;
use time::OffsetDateTime;

use super::{check_account, now};
use crate::domain::range::ByteRange;
use crate::sandbox::content::{open_range, range_tree_hash};
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::faults;
use crate::sandbox::jobs::{self, OutputBody, OutputPlan, TreeHashHeader};
use crate::sandbox::model::{ArchiveContent, Job, JobKind};
use crate::sandbox::server::{Shared, SharedState};
use crate::sandbox::vaults;

const TREE_HASH_HEADER: HeaderName = HeaderName::from_static("x-amz-sha256-tree-hash");
const DESCRIPTION_HEADER: HeaderName = HeaderName::from_static("x-amz-archive-description");

pub async fn get_output(
    State(shared): State<SharedState>,
    Path((account, vault, job_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> GlacierResult<Response> {
    check_account(&shared, &account)?;
    let now = now();
    let range = headers
        .get(header::RANGE)
        .map(|value| {
            value.to_str().map_err(|_| {
                GlacierError::invalid_parameter("The Range header is not plain ASCII text")
            })
        })
        .transpose()?;
    // The job is copied out so that a large inventory is rendered without the lock.
    let job: Job = {
        let state = shared.lock(now);
        let target = vaults::vault(&state, &shared.ctx, &vault)?;
        jobs::find_job(target, &job_id, now, shared.speedup)?.clone()
    };
    let plan = jobs::plan_output(&job, &shared.ctx.vault_arn(&vault), range, now)?;
    let checksum = match &plan.tree_hash {
        TreeHashHeader::Absent => None,
        TreeHashHeader::Known(hash) => Some(hash.clone()),
        TreeHashHeader::Compute(range) => {
            Some(archive_range_hash(&shared, &plan.body, *range).await?)
        }
    };
    let response = respond(&shared, plan, checksum);
    Ok(faults::apply_to_output_response(
        &shared, &vault, &job_id, response,
    ))
}

fn respond(shared: &SharedState, plan: OutputPlan, checksum: Option<String>) -> Response {
    let status = if plan.partial {
        StatusCode::PARTIAL_CONTENT
    } else {
        StatusCode::OK
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(plan.content_length),
    );
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(plan.content_type),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let text_headers = [
        (header::CONTENT_RANGE, plan.content_range),
        (DESCRIPTION_HEADER, plan.archive_description),
        (TREE_HASH_HEADER, checksum),
    ];
    for (name, value) in text_headers {
        // Descriptions are printable ASCII, so every value here is a valid header.
        if let Some(value) = value.and_then(|text| HeaderValue::from_str(&text).ok()) {
            headers.insert(name, value);
        }
    }
    let body = match plan.body {
        OutputBody::Empty => Body::empty(),
        OutputBody::Inventory { output, start, end } => Body::from_stream(stream::iter(
            output
                .into_chunks(start, end)
                .map(Ok::<Bytes, std::io::Error>),
        )),
        OutputBody::Archive {
            archive_id,
            content,
            archive_size,
            range,
        } => Body::from_stream(open_range(
            &shared.store,
            &archive_id,
            content,
            archive_size,
            range,
        )),
    };
    (status, headers, body).into_response()
}

/// The tree hash of an archive range, computed off the async threads.
async fn archive_range_hash(
    shared: &SharedState,
    body: &OutputBody,
    range: ByteRange,
) -> GlacierResult<String> {
    let OutputBody::Archive {
        archive_id,
        content,
        archive_size,
        ..
    } = body
    else {
        return Err(GlacierError::service_unavailable(
            "Only archive output has a tree hash",
        ));
    };
    hash_range(shared, archive_id.clone(), *content, *archive_size, range).await
}

async fn hash_range(
    shared: &SharedState,
    archive_id: String,
    content: ArchiveContent,
    archive_size: u64,
    range: ByteRange,
) -> GlacierResult<String> {
    let shared = Arc::clone(shared);
    let hashed = tokio::task::spawn_blocking(move || {
        range_tree_hash(&shared.store, &archive_id, content, archive_size, range)
    })
    .await;
    match hashed {
        Ok(Ok(hash)) => Ok(hash.to_string()),
        Ok(Err(err)) => Err(GlacierError::service_unavailable(format!(
            "The archive's bytes cannot be read: {err}"
        ))),
        Err(err) => Err(GlacierError::service_unavailable(format!(
            "The checksum could not be computed: {err}"
        ))),
    }
}

/// One range checksum still to be computed.
struct PendingHash {
    vault: String,
    job_id: String,
    archive_id: String,
    content: ArchiveContent,
    archive_size: u64,
    range: ByteRange,
}

/// Computes and records the range checksums of the jobs `wanted` selects; a failure
/// is logged and leaves the job to try again on the next look.
pub async fn compute_pending_hashes(shared: &SharedState, wanted: impl Fn(&str, &Job) -> bool) {
    for pending in pending_hashes(shared, now(), &wanted) {
        let hashed = hash_range(
            shared,
            pending.archive_id,
            pending.content,
            pending.archive_size,
            pending.range,
        )
        .await;
        let recorded = hashed.and_then(|hash| {
            shared.change(now(), |state| {
                record_hash(state, &pending.vault, &pending.job_id, hash);
                Ok(())
            })
        });
        if let Err(err) = recorded {
            tracing::warn!(job_id = %pending.job_id, %err, "range checksum not computed");
        }
    }
}

fn pending_hashes(
    shared: &Shared,
    now: OffsetDateTime,
    wanted: &impl Fn(&str, &Job) -> bool,
) -> Vec<PendingHash> {
    let state = shared.lock(now);
    let mut pending = Vec::new();
    for (vault, job) in state
        .vaults
        .iter()
        .flat_map(|(name, vault)| vault.jobs.values().map(move |job| (name, job)))
    {
        let (Some(range), JobKind::Archive(archive)) = (jobs::pending_range_hash(job), &job.kind)
        else {
            continue;
        };
        if wanted(vault, job) && jobs::is_current(job, now, shared.speedup) {
            pending.push(PendingHash {
                vault: vault.clone(),
                job_id: job.id.clone(),
                archive_id: archive.archive_id.clone(),
                content: archive.content,
                archive_size: archive.archive_size,
                range,
            });
        }
    }
    pending
}

fn record_hash(
    state: &mut crate::sandbox::model::SandboxState,
    vault: &str,
    job_id: &str,
    hash: String,
) {
    let job = state
        .vaults
        .get_mut(vault)
        .and_then(|vault| vault.jobs.get_mut(job_id));
    if let Some(Job {
        kind: JobKind::Archive(archive),
        ..
    }) = job
    {
        archive.range_tree_hash = Some(hash);
    }
}

//! Vault notifications: the configuration a vault keeps, and the notices Glacier
//! sends to SNS when a job completes (its DescribeJob JSON, once per topic).

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::archive_range::pending_range_hash;
use super::params_errors::glacier_error;
use super::{JobStatus, describe_job, is_current, status};
use crate::domain::job_params::{JobKind as ParamsKind, JobRequest, validate};
use crate::sandbox::clock::Speedup;
use crate::sandbox::error::{GlacierError, GlacierResult};
use crate::sandbox::model::{Job, JobKind, NotificationConfig, SandboxState, Vault};
use crate::sandbox::vaults::{AccountContext, vault, vault_mut};

/// The events a vault can notify about.
pub const EVENTS: [&str; 2] = ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"];

/// A message for one SNS topic about one completed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub topic: String,
    pub job_id: String,
    /// The DescribeJob JSON of the job.
    pub message: String,
}

/// SetVaultNotifications: the body is the configuration itself,
/// `{"SNSTopic": …, "Events": […]}`.
pub fn set_notifications(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault_name: &str,
    body: &[u8],
) -> GlacierResult<()> {
    let target = vault_mut(state, ctx, vault_name)?;
    let config: Value = serde_json::from_slice(body).map_err(|err| {
        GlacierError::invalid_parameter(format!(
            "The notification configuration is not valid JSON: {err}"
        ))
    })?;
    let topic = config
        .get("SNSTopic")
        .and_then(Value::as_str)
        .ok_or_else(|| GlacierError::missing_parameter("Required parameter SNSTopic is missing"))?;
    check_topic(topic)?;
    let events = config
        .get("Events")
        .and_then(Value::as_array)
        .ok_or_else(|| GlacierError::missing_parameter("Required parameter Events is missing"))?;
    if events.is_empty() {
        return Err(GlacierError::invalid_parameter(
            "Events is empty; give ArchiveRetrievalCompleted, InventoryRetrievalCompleted or both",
        ));
    }
    let events = events
        .iter()
        .map(|event| match event.as_str() {
            Some(name) if EVENTS.contains(&name) => Ok(name.to_owned()),
            _ => Err(GlacierError::invalid_parameter(format!(
                "Invalid event: {event}; use ArchiveRetrievalCompleted or InventoryRetrievalCompleted"
            ))),
        })
        .collect::<GlacierResult<Vec<_>>>()?;
    target.notifications = Some(NotificationConfig {
        sns_topic: topic.to_owned(),
        events,
    });
    Ok(())
}

/// Glacier holds vault notification topics to the same rule as a job's SNSTopic.
fn check_topic(topic: &str) -> GlacierResult<()> {
    let request = JobRequest {
        kind: Some(ParamsKind::InventoryRetrieval),
        sns_topic: Some(topic.to_owned()),
        ..JobRequest::default()
    };
    validate(&request, None).map(drop).map_err(glacier_error)
}

/// GetVaultNotifications' body, or 404 when the vault has none.
pub fn get_notifications(
    state: &SandboxState,
    ctx: &AccountContext,
    vault_name: &str,
) -> GlacierResult<Value> {
    let target = vault(state, ctx, vault_name)?;
    let config = target.notifications.as_ref().ok_or_else(|| {
        GlacierError::not_found(format!(
            "No notification configuration is set for vault: {}",
            ctx.vault_arn(vault_name)
        ))
    })?;
    Ok(json!({ "Events": config.events, "SNSTopic": config.sns_topic }))
}

/// DeleteVaultNotifications; deleting none is not an error.
pub fn delete_notifications(
    state: &mut SandboxState,
    ctx: &AccountContext,
    vault_name: &str,
) -> GlacierResult<()> {
    vault_mut(state, ctx, vault_name)?.notifications = None;
    Ok(())
}

/// The notices due at `now`: one per topic for each job that has completed and
/// not yet been announced. The jobs are marked as announced. A job whose range
/// checksum is still being computed waits, so its notice carries the checksum.
pub fn due_notices(
    state: &mut SandboxState,
    ctx: &AccountContext,
    now: OffsetDateTime,
    speedup: Speedup,
) -> Vec<Notice> {
    let mut notices = Vec::new();
    for vault in state.vaults.values_mut() {
        let vault_arn = ctx.vault_arn(&vault.name);
        let config = vault.notifications.clone();
        for job in vault.jobs.values_mut() {
            if !is_due(job, now, speedup) {
                continue;
            }
            job.notified = true;
            let message = describe_job(job, &vault_arn, now).to_string();
            for topic in topics_for(job, config.as_ref()) {
                notices.push(Notice {
                    topic,
                    job_id: job.id.clone(),
                    message: message.clone(),
                });
            }
        }
    }
    notices
}

/// Whether any notice is due, without changing anything.
pub fn has_due_notices(state: &SandboxState, now: OffsetDateTime, speedup: Speedup) -> bool {
    state
        .vaults
        .values()
        .flat_map(|vault: &Vault| vault.jobs.values())
        .any(|job| is_due(job, now, speedup))
}

fn is_due(job: &Job, now: OffsetDateTime, speedup: Speedup) -> bool {
    !job.notified
        && status(job, now) != JobStatus::InProgress
        && is_current(job, now, speedup)
        && pending_range_hash(job).is_none()
}

/// The job's own topic and the vault's, when the vault asks for this event; each
/// distinct topic once.
fn topics_for(job: &Job, config: Option<&NotificationConfig>) -> Vec<String> {
    let event = match job.kind {
        JobKind::Archive(_) => EVENTS[0],
        JobKind::Inventory(_) => EVENTS[1],
    };
    let vault_topic = config
        .filter(|config| config.events.iter().any(|e| e == event))
        .map(|config| config.sns_topic.clone());
    let mut topics: Vec<String> = job.sns_topic.iter().cloned().chain(vault_topic).collect();
    topics.dedup();
    topics
}

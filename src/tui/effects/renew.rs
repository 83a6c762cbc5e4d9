//! Renewing a plan from the screen: what would be started again (asked of
//! Glacier first), then starting it, through the engine `defrost retrieve
//! --renew` runs.

use std::path::Path;

use time::OffsetDateTime;

use super::ScreenWords;
use crate::domain::job_params::Tier;
use crate::domain::range::ByteRange;
use crate::glacier::GlacierApi;
use crate::store::{PlanId, Store};
use crate::tracking::launch::{RenewReason, plan_renewal, renew_plan};
use crate::tracking::started_by_here;

/// What renewing a plan would start, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalView {
    pub plan: PlanId,
    /// The archive's decoded name, or its id.
    pub name: String,
    /// Jobs the plan counts on now.
    pub jobs: u32,
    pub renewed: Vec<RenewedView>,
    /// The archive's size, for a job of the whole archive.
    pub archive_size: Option<u64>,
}

/// One job to start again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewedView {
    /// Counted from 1.
    pub number: u32,
    /// `None` for the whole archive.
    pub range: Option<ByteRange>,
    pub tier: Tier,
    pub why: RenewReason,
}

/// Asks Glacier about the plan's jobs and says which would start again.
pub async fn plan_renewal_view<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    plan: PlanId,
) -> Result<RenewalView, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let renewal = plan_renewal(glacier, &mut store, plan, None, OffsetDateTime::now_utc())
        .await
        .map_err(|err| words.error(&err))?;
    let archive = renewal.plan.archive.as_ref();
    Ok(RenewalView {
        plan,
        name: archive
            .and_then(|archive| archive.name.clone().or(Some(archive.archive_id.clone())))
            .unwrap_or_default(),
        jobs: renewal.plan.current_jobs().len() as u32,
        archive_size: archive.and_then(|archive| archive.size),
        renewed: renewal
            .jobs
            .iter()
            .map(|job| RenewedView {
                number: job.position + 1,
                range: job.range(),
                tier: job.tier().unwrap_or(Tier::Standard),
                why: job.why,
            })
            .collect(),
    })
}

/// Starts again what the plan needs (asked afresh); a sentence on what started.
pub async fn renew<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    plan: PlanId,
) -> Result<String, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let now = OffsetDateTime::now_utc();
    let renewal = plan_renewal(glacier, &mut store, plan, None, now)
        .await
        .map_err(|err| words.error(&err))?;
    let started = renew_plan(glacier, &mut store, &renewal, started_by_here(), now)
        .await
        .map_err(|err| words.error(&err))?;
    Ok(match started.len() {
        0 => format!("plan {plan} needed nothing started again"),
        1 => format!("plan {plan}: 1 job started again; the rest of the plan is kept"),
        n => format!("plan {plan}: {n} jobs started again; the rest of the plan is kept"),
    })
}

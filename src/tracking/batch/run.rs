//! The batch loop: each round works out where every archive stands, downloads
//! what is ready (outputs have a deadline, starts do not), starts what the pace
//! allows, and sleeps until a job is due or the pace lets the next start
//! through. The archives are read from the journal once, then each is read
//! again only when this loop changed it, and all of them after a look at
//! Glacier. Killed anywhere, the same loop run again goes on: the journal says
//! which jobs exist, and an unanswered start is looked for before another is
//! paid for.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

use time::OffsetDateTime;

use super::delivery::{Delivery, IntoFolder};
use super::items::{Items, Looks, refresh};
use super::jitter::Jitter;
use super::round::{Round, SortBy, sort};
use super::step::{BatchContext, Started, item_name, start_item};
use super::{BatchCounts, BatchError, BatchEvent, pace_for};
use crate::domain::batch::{PaceDecision, PaceLimits, Pacer, StartWhy};
use crate::glacier::GlacierApi;
use crate::store::{BatchEntry, BatchId, BatchItem, PlanId, Store, StoreError};
use crate::tracking::sync_vault_jobs;

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Return once every archive has a job, instead of following them.
    pub no_wait: bool,
    /// InitiateJob requests per second at most.
    pub requests_per_second: f64,
    /// Who asks, for the journal.
    pub started_by: String,
}

/// Starts in one round before the round ends, so ready outputs are not kept
/// waiting behind a long queue of starts.
const STARTS_PER_ROUND: usize = 50;

/// How long one round may wait between its starts for the request rate. The
/// gaps are waited out within the round, so a round starts many jobs instead
/// of one: each round looks at every archive of the batch, which at a hundred
/// thousand archives costs more than a start.
const STARTING_PER_ROUND: Duration = Duration::from_secs(1);

/// The longest sleep between rounds, so progress is said and a stopped
/// network noticed.
const LONGEST_NAP: Duration = Duration::from_secs(30);

/// Download failures in a row of one archive before the batch stops on it.
const DOWNLOAD_TRIES: u32 = 3;

/// Carries the batch on until every archive is restored or given up (or, with
/// `no_wait`, until every archive has a job), telling `on_event` what happens
/// and `on_counts` where the batch stands after each round.
pub async fn run_batch<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    id: BatchId,
    options: &RunOptions,
    on_event: impl FnMut(&BatchEvent, &BatchCounts),
    on_counts: impl FnMut(&BatchCounts),
) -> Result<BatchCounts, BatchError> {
    if let Some(target) = store.batch_bucket(id)? {
        return Err(BatchError::Store(StoreError::refused(format!(
            "batch {id} copies its archives to s3://{}/{}, not into a folder; the migration that made it goes on with it",
            target.bucket, target.prefix
        ))));
    }
    run_batch_to(api, store, id, options, &IntoFolder, on_event, on_counts).await
}

/// The same, with each ready output put where `delivery` sends it.
pub async fn run_batch_to<G: GlacierApi, D: Delivery>(
    api: &G,
    store: &mut Store,
    id: BatchId,
    options: &RunOptions,
    delivery: &D,
    mut on_event: impl FnMut(&BatchEvent, &BatchCounts),
    mut on_counts: impl FnMut(&BatchCounts),
) -> Result<BatchCounts, BatchError> {
    let batch = store
        .batch(id)?
        .ok_or(BatchError::UnknownBatch { batch: id })?;
    given_up(id, batch.given_up_at.clone())?;
    let folder = PathBuf::from(&batch.to);
    let context = BatchContext {
        vault: &batch.vault,
        tier: batch.tier,
        folder: &folder,
        started_by: &options.started_by,
    };
    let limits = run_limits(api, &batch, options).await;
    let looked = OffsetDateTime::now_utc();
    let listed = sync(api, store, &context).await?;
    let mut items = Items::read(store, id)?;
    let mut state = RunState::new(limits, listed, Looks::since(looked));
    loop {
        // Given up from elsewhere while this run went on: it stops here.
        given_up(id, store.batch_given_up_at(id)?)?;
        let now = OffsetDateTime::now_utc();
        let round = sort(&items.items, &state.sort_by(), now);
        on_counts(&round.counts);
        state.say_final(&items.items, &round, &mut on_event);
        if round.counts.is_over() {
            return Ok(round.counts);
        }
        let look = if !round.downloads.is_empty() {
            state
                .download_all(
                    api,
                    store,
                    (&context, delivery),
                    (id, &mut items.items),
                    &round,
                    &mut on_event,
                )
                .await?
        } else {
            let (started, wake) = state
                .start_some(
                    api,
                    store,
                    (&context, delivery),
                    (id, &mut items.items),
                    &round,
                    &mut on_event,
                )
                .await?;
            let next_look = state.looks.next(round.next_poll);
            if started == 0 {
                if options.no_wait && round.counts.waiting_to_start == 0 {
                    return Ok(round.counts);
                }
                nap(wake, next_look, now).await;
            }
            // Jobs due for a look are looked at after a nap and between rounds
            // of starts alike, so a batch that takes hours to start downloads
            // what is ready meanwhile, before its output window closes.
            next_look.is_some_and(|at| at <= OffsetDateTime::now_utc())
        };
        if look {
            let looked = OffsetDateTime::now_utc();
            state.listed = sync(api, store, &context).await?;
            items.after_sync(store)?;
            state.looks = Looks::since(looked);
        }
    }
}

/// Refuses to go on with a batch the user gave up. A refusal of the journal's
/// (bad input) rather than an error of its own, which every front end words.
fn given_up(batch: BatchId, at: Option<String>) -> Result<(), BatchError> {
    match at {
        Some(at) => Err(BatchError::Store(StoreError::refused(format!(
            "batch {batch} was given up at {at}, so nothing more is started or copied for it; a new batch of the same archives goes on, reusing what it restored or copied"
        )))),
        None => Ok(()),
    }
}

/// The pace of this run: the batch's limits, the vault's policy as it is now,
/// and the request rate asked for.
async fn run_limits<G: GlacierApi>(
    api: &G,
    batch: &BatchEntry,
    options: &RunOptions,
) -> PaceLimits {
    let policy = api.get_data_retrieval_policy().await.ok();
    let mut limits = pace_for(policy.as_ref(), &batch.limits);
    limits.requests_per_second = options.requests_per_second;
    limits
}

/// Sleeps until the pace lets the next start go or the next look at Glacier
/// is due, and never longer than `LONGEST_NAP`.
async fn nap(wake: Option<OffsetDateTime>, next_look: Option<OffsetDateTime>, now: OffsetDateTime) {
    let until = [wake, next_look]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now + LONGEST_NAP);
    let nap = Duration::try_from(until - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO);
    tokio::time::sleep(nap.min(LONGEST_NAP)).await;
}

/// What one run keeps between rounds.
struct RunState {
    pacer: Pacer,
    /// The jobs Glacier listed at the last look, and those started since.
    listed: HashSet<String>,
    /// Archives whose final word was said.
    noted: HashSet<PlanId>,
    /// Archives Glacier refused to start for a reason waiting does not cure
    /// (the archive is gone, say): not asked again in this run.
    refused: HashSet<PlanId>,
    download_failures: HashMap<PlanId, u32>,
    jitter: Jitter,
    looks: Looks,
}

impl RunState {
    fn new(limits: PaceLimits, listed: HashSet<String>, looks: Looks) -> RunState {
        RunState {
            pacer: Pacer::new(limits),
            looks,
            listed,
            noted: HashSet::new(),
            refused: HashSet::new(),
            download_failures: HashMap::new(),
            jitter: Jitter::seeded(OffsetDateTime::now_utc()),
        }
    }

    fn sort_by(&self) -> SortBy<'_> {
        SortBy {
            listed: &self.listed,
            pacer: &self.pacer,
            refused: &self.refused,
        }
    }

    /// Says once of each archive that nothing more is done for it.
    fn say_final(
        &mut self,
        items: &[BatchItem],
        round: &Round,
        on_event: &mut impl FnMut(&BatchEvent, &BatchCounts),
    ) {
        for item in round.given_up.iter().map(|&index| &items[index]) {
            if self.noted.insert(item.plan) {
                let event = BatchEvent::GaveUp {
                    plan: item.plan,
                    name: item_name(item),
                    reason: "its job failed, and so did the one retry".into(),
                };
                on_event(&event, &round.counts);
            }
        }
        for item in round.too_large.iter().map(|&index| &items[index]) {
            if self.noted.insert(item.plan) {
                let event = BatchEvent::TooLarge {
                    plan: item.plan,
                    name: item_name(item),
                    bytes: item.size.unwrap_or(0),
                };
                on_event(&event, &round.counts);
            }
        }
    }

    /// Downloads every ready output of the round; true when one failed, so
    /// Glacier is asked again how the jobs stand.
    async fn download_all<G: GlacierApi, D: Delivery>(
        &mut self,
        api: &G,
        store: &mut Store,
        (context, delivery): (&BatchContext<'_>, &D),
        (id, items): (BatchId, &mut [BatchItem]),
        round: &Round,
        on_event: &mut impl FnMut(&BatchEvent, &BatchCounts),
    ) -> Result<bool, BatchError> {
        let mut failed = false;
        for &index in &round.downloads {
            let item = &items[index];
            let now = OffsetDateTime::now_utc();
            let delivered = delivery
                .deliver(api, store, context.vault, context.folder, item, now)
                .await;
            match delivered {
                Ok(Some(event)) => on_event(&event, &round.counts),
                Ok(None) => failed = true,
                Err(err) => {
                    failed = true;
                    let tries = self.download_failures.entry(item.plan).or_default();
                    *tries += 1;
                    if *tries >= DOWNLOAD_TRIES {
                        return Err(err);
                    }
                    let event = BatchEvent::DownloadFailed {
                        plan: item.plan,
                        name: item_name(item),
                        reason: err.to_string(),
                    };
                    on_event(&event, &round.counts);
                }
            }
            refresh(store, id, items, index)?;
        }
        Ok(failed)
    }

    /// Starts as many of the round's archives as the pace allows (at most
    /// `STARTS_PER_ROUND`); when the next start may go, if the pace holds it.
    async fn start_some<G: GlacierApi, D: Delivery>(
        &mut self,
        api: &G,
        store: &mut Store,
        (context, delivery): (&BatchContext<'_>, &D),
        (id, items): (BatchId, &mut [BatchItem]),
        round: &Round,
        on_event: &mut impl FnMut(&BatchEvent, &BatchCounts),
    ) -> Result<(usize, Option<OffsetDateTime>), BatchError> {
        let mut in_flight = round.in_flight;
        let mut started = 0;
        let round_ends = OffsetDateTime::now_utc() + STARTING_PER_ROUND;
        for &(index, why) in round.starts.iter().take(STARTS_PER_ROUND) {
            let item = &items[index];
            // An output that expired may have been delivered before the
            // journal could say so: then its job is not paid for again.
            if why == StartWhy::Renewal
                && let Some(event) = delivery.delivered_already(store, item).await?
            {
                refresh(store, id, items, index)?;
                on_event(&event, &round.counts);
                continue;
            }
            let item = &items[index];
            let size = item.size.unwrap_or(0);
            let now = match self.wait_for_pace(size, in_flight, round_ends).await {
                ControlFlow::Continue(now) => now,
                ControlFlow::Break(wake) => return Ok((started, wake)),
            };
            let outcome = start_item(api, store, context, item, why, &self.listed, now).await?;
            let (plan, name) = (item.plan, item_name(item));
            // Whatever came of it, the journal holds the archive's new state.
            refresh(store, id, items, index)?;
            let event = match outcome {
                Started::Running { job_id } => {
                    started += 1;
                    self.pacer.started(size, now);
                    in_flight += 1;
                    self.listed.insert(job_id.clone());
                    BatchEvent::Started {
                        plan,
                        name,
                        job_id,
                        why,
                    }
                }
                Started::Found { job_id } => {
                    // Paid for already: it counts for the pace only as in flight.
                    started += 1;
                    in_flight += 1;
                    self.listed.insert(job_id.clone());
                    BatchEvent::Found { plan, name, job_id }
                }
                Started::PushedBack { message } => {
                    let until = self.pacer.throttled(now, self.jitter.next());
                    on_event(&BatchEvent::Throttled { message, until }, &round.counts);
                    return Ok((started, Some(until)));
                }
                Started::Refused { reason } => {
                    self.refused.insert(plan);
                    self.noted.insert(plan);
                    BatchEvent::GaveUp {
                        plan,
                        name,
                        reason: format!("Glacier refused its job: {reason}"),
                    }
                }
            };
            on_event(&event, &round.counts);
        }
        Ok((started, None))
    }

    /// Waits until the pace lets a job of `size` start, if that is before
    /// `round_ends`, and gives the moment; otherwise breaks with when the next
    /// start may go (`None` when a job in flight must finish first).
    async fn wait_for_pace(
        &self,
        size: u64,
        in_flight: u32,
        round_ends: OffsetDateTime,
    ) -> ControlFlow<Option<OffsetDateTime>, OffsetDateTime> {
        loop {
            let now = OffsetDateTime::now_utc();
            match self.pacer.next_start(size, in_flight, now) {
                PaceDecision::Now => return ControlFlow::Continue(now),
                PaceDecision::At(at) if at <= round_ends => {
                    let gap = Duration::try_from(at - now).unwrap_or(Duration::ZERO);
                    tokio::time::sleep(gap).await;
                }
                PaceDecision::At(at) => return ControlFlow::Break(Some(at)),
                PaceDecision::WhenOneFinishes | PaceDecision::TooLarge => {
                    return ControlFlow::Break(None);
                }
            }
        }
    }
}

/// Asks Glacier for the vault's jobs, bringing the journal up to date; the
/// ids it lists.
async fn sync<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    context: &BatchContext<'_>,
) -> Result<HashSet<String>, BatchError> {
    let report = sync_vault_jobs(api, store, context.vault, OffsetDateTime::now_utc()).await?;
    Ok(report.listed.into_iter().collect())
}

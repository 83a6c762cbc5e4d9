//! The batch loop: each round reads where every archive stands from the
//! journal, downloads what is ready (outputs have a deadline, starts do not),
//! starts what the pace allows, and sleeps until a job is due or the pace lets
//! the next start through. Killed anywhere, the same loop run again goes on: the
//! journal says which jobs exist, and an unanswered start is looked for before
//! another is paid for.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

use time::OffsetDateTime;

use super::jitter::Jitter;
use super::step::{BatchContext, Started, download_item, item_facts, item_name, start_item};
use super::{BatchCounts, BatchError, BatchEvent, pace_for};
use crate::domain::batch::{ItemStep, PaceDecision, PaceLimits, Pacer, StartWhy, next_step};
use crate::domain::job::next_poll_at;
use crate::glacier::GlacierApi;
use crate::store::{BatchEntry, BatchId, BatchItem, PlanId, Store};
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
/// of one: each round reads every archive of the batch from the journal,
/// which at thousands of archives costs more than a start.
const STARTING_PER_ROUND: Duration = Duration::from_secs(1);

/// The longest sleep between rounds, so progress is said and a stopped
/// network noticed.
const LONGEST_NAP: Duration = Duration::from_secs(30);

/// Download failures in a row of one archive before the batch stops on it.
const DOWNLOAD_TRIES: u32 = 3;

/// One round's view of the batch.
struct Round<'a> {
    counts: BatchCounts,
    downloads: Vec<&'a BatchItem>,
    starts: Vec<(&'a BatchItem, StartWhy)>,
    given_up: Vec<&'a BatchItem>,
    too_large: Vec<&'a BatchItem>,
    in_flight: u32,
    /// When a running job is next worth asking about.
    next_poll: Option<OffsetDateTime>,
}

/// Carries the batch on until every archive is restored or given up (or, with
/// `no_wait`, until every archive has a job), telling `on_event` what happens
/// and `on_counts` where the batch stands after each round.
pub async fn run_batch<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    id: BatchId,
    options: &RunOptions,
    mut on_event: impl FnMut(&BatchEvent, &BatchCounts),
    mut on_counts: impl FnMut(&BatchCounts),
) -> Result<BatchCounts, BatchError> {
    let batch = store
        .batch(id)?
        .ok_or(BatchError::UnknownBatch { batch: id })?;
    let folder = PathBuf::from(&batch.to);
    let context = BatchContext {
        vault: &batch.vault,
        tier: batch.tier,
        folder: &folder,
        started_by: &options.started_by,
    };
    let limits = run_limits(api, &batch, options).await;
    let mut state = RunState::new(limits, sync(api, store, &context).await?);
    loop {
        let now = OffsetDateTime::now_utc();
        let items = store.batch_items(id)?;
        let round = sort(&items, &state, now);
        on_counts(&round.counts);
        state.say_final(&round, &mut on_event);
        if round.counts.is_over() {
            return Ok(round.counts);
        }
        if !round.downloads.is_empty() {
            if state
                .download_all(api, store, &context, &round, &mut on_event)
                .await?
            {
                state.listed = sync(api, store, &context).await?;
            }
            continue;
        }
        let (started, wake) = state
            .start_some(api, store, &context, &round, &mut on_event)
            .await?;
        if started == 0 {
            if options.no_wait && round.counts.waiting_to_start == 0 {
                return Ok(round.counts);
            }
            nap(wake, round.next_poll, now).await;
        }
        // Jobs due for a look are looked at after a nap and between rounds of
        // starts alike, so a batch that takes hours to start downloads what is
        // ready meanwhile, before its output window closes.
        let due = round
            .next_poll
            .is_some_and(|due| due <= OffsetDateTime::now_utc());
        if due {
            state.listed = sync(api, store, &context).await?;
        }
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

/// Sleeps until the pace lets the next start go or a job is due for a look,
/// and never longer than `LONGEST_NAP`.
async fn nap(wake: Option<OffsetDateTime>, next_poll: Option<OffsetDateTime>, now: OffsetDateTime) {
    let until = [wake, next_poll]
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
}

impl RunState {
    fn new(limits: PaceLimits, listed: HashSet<String>) -> RunState {
        RunState {
            pacer: Pacer::new(limits),
            listed,
            noted: HashSet::new(),
            refused: HashSet::new(),
            download_failures: HashMap::new(),
            jitter: Jitter::seeded(OffsetDateTime::now_utc()),
        }
    }

    /// Says once of each archive that nothing more is done for it.
    fn say_final(
        &mut self,
        round: &Round<'_>,
        on_event: &mut impl FnMut(&BatchEvent, &BatchCounts),
    ) {
        for item in &round.given_up {
            if self.noted.insert(item.plan) {
                let event = BatchEvent::GaveUp {
                    plan: item.plan,
                    name: item_name(item),
                    reason: "its job failed, and so did the one retry".into(),
                };
                on_event(&event, &round.counts);
            }
        }
        for item in &round.too_large {
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
    async fn download_all<G: GlacierApi>(
        &mut self,
        api: &G,
        store: &mut Store,
        context: &BatchContext<'_>,
        round: &Round<'_>,
        on_event: &mut impl FnMut(&BatchEvent, &BatchCounts),
    ) -> Result<bool, BatchError> {
        let mut failed = false;
        for item in &round.downloads {
            let now = OffsetDateTime::now_utc();
            match download_item(api, store, context, item, now, &mut |_, _| {}).await {
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
        }
        Ok(failed)
    }

    /// Starts as many of the round's archives as the pace allows (at most
    /// `STARTS_PER_ROUND`); when the next start may go, if the pace holds it.
    async fn start_some<G: GlacierApi>(
        &mut self,
        api: &G,
        store: &mut Store,
        context: &BatchContext<'_>,
        round: &Round<'_>,
        on_event: &mut impl FnMut(&BatchEvent, &BatchCounts),
    ) -> Result<(usize, Option<OffsetDateTime>), BatchError> {
        let mut in_flight = round.in_flight;
        let mut started = 0;
        let round_ends = OffsetDateTime::now_utc() + STARTING_PER_ROUND;
        for (item, why) in round.starts.iter().take(STARTS_PER_ROUND) {
            let size = item.size.unwrap_or(0);
            let now = match self.wait_for_pace(size, in_flight, round_ends).await {
                ControlFlow::Continue(now) => now,
                ControlFlow::Break(wake) => return Ok((started, wake)),
            };
            let outcome = start_item(api, store, context, item, *why, &self.listed, now).await?;
            let event = match outcome {
                Started::Running { job_id } => {
                    started += 1;
                    self.pacer.started(size, now);
                    in_flight += 1;
                    self.listed.insert(job_id.clone());
                    BatchEvent::Started {
                        plan: item.plan,
                        name: item_name(item),
                        job_id,
                        why: *why,
                    }
                }
                Started::Found { job_id } => {
                    // Paid for already: it counts for the pace only as in flight.
                    started += 1;
                    in_flight += 1;
                    self.listed.insert(job_id.clone());
                    BatchEvent::Found {
                        plan: item.plan,
                        name: item_name(item),
                        job_id,
                    }
                }
                Started::PushedBack { message } => {
                    let until = self.pacer.throttled(now, self.jitter.next());
                    on_event(&BatchEvent::Throttled { message, until }, &round.counts);
                    return Ok((started, Some(until)));
                }
                Started::Refused { reason } => {
                    self.refused.insert(item.plan);
                    self.noted.insert(item.plan);
                    BatchEvent::GaveUp {
                        plan: item.plan,
                        name: item_name(item),
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

/// Where each archive stands and what this round does for it.
fn sort<'a>(items: &'a [BatchItem], state: &RunState, now: OffsetDateTime) -> Round<'a> {
    let (listed, pacer) = (&state.listed, &state.pacer);
    let mut round = Round {
        counts: BatchCounts::default(),
        downloads: Vec::new(),
        starts: Vec::new(),
        given_up: Vec::new(),
        too_large: Vec::new(),
        in_flight: 0,
        next_poll: None,
    };
    for item in items {
        let size = item.size.unwrap_or(0);
        round.counts.archives += 1;
        round.counts.bytes = round.counts.bytes.saturating_add(size);
        let step = if state.refused.contains(&item.plan) {
            ItemStep::GaveUp
        } else {
            next_step(item_facts(item, Some(listed), now))
        };
        match step {
            ItemStep::Done => {
                round.counts.restored += 1;
                round.counts.restored_bytes = round.counts.restored_bytes.saturating_add(size);
            }
            ItemStep::Start(_) if !pacer.limits().admits(size) => {
                round.counts.too_large += 1;
                round.too_large.push(item);
            }
            ItemStep::Start(why) => {
                round.counts.waiting_to_start += 1;
                round.starts.push((item, why));
            }
            ItemStep::Wait => {
                round.counts.running += 1;
                round.in_flight += 1;
                let due = item
                    .current
                    .as_ref()
                    .and_then(|job| job.state.as_ref())
                    .and_then(next_poll_at);
                round.next_poll = [round.next_poll, due].into_iter().flatten().min();
            }
            ItemStep::Download => {
                round.counts.ready += 1;
                round.in_flight += 1;
                round.downloads.push(item);
            }
            ItemStep::GaveUp => {
                round.counts.given_up += 1;
                round.given_up.push(item);
            }
        }
    }
    round
}

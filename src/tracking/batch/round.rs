//! One round's view of a batch: where each archive stands, counted, and which
//! of them the round downloads, starts or reports as done for. Worked out from
//! the items the loop holds in memory, so a round costs no read of the journal.

use std::collections::HashSet;

use time::OffsetDateTime;

use super::BatchCounts;
use super::step::item_facts;
use crate::domain::batch::{ItemStep, Pacer, StartWhy, next_step};
use crate::domain::job::next_poll_at;
use crate::store::{BatchItem, PlanId};

/// One round's view of the batch; archives are named by their index in the
/// loop's items.
pub(super) struct Round {
    pub counts: BatchCounts,
    pub downloads: Vec<usize>,
    pub starts: Vec<(usize, StartWhy)>,
    pub given_up: Vec<usize>,
    pub too_large: Vec<usize>,
    pub in_flight: u32,
    /// When a running job is next worth asking about.
    pub next_poll: Option<OffsetDateTime>,
}

/// What the sorting needs of the run: the jobs Glacier lists, the pace, and
/// the archives Glacier refused for good.
pub(super) struct SortBy<'a> {
    pub listed: &'a HashSet<String>,
    pub pacer: &'a Pacer,
    pub refused: &'a HashSet<PlanId>,
}

/// Where each archive stands and what this round does for it.
pub(super) fn sort(items: &[BatchItem], by: &SortBy<'_>, now: OffsetDateTime) -> Round {
    let mut round = Round {
        counts: BatchCounts::default(),
        downloads: Vec::new(),
        starts: Vec::new(),
        given_up: Vec::new(),
        too_large: Vec::new(),
        in_flight: 0,
        next_poll: None,
    };
    for (index, item) in items.iter().enumerate() {
        let size = item.size.unwrap_or(0);
        let step = if by.refused.contains(&item.plan) {
            ItemStep::GaveUp
        } else {
            next_step(item_facts(item, Some(by.listed), now))
        };
        if matches!(step, ItemStep::Start(_)) && !by.pacer.limits().admits(size) {
            round.counts.archives += 1;
            round.counts.bytes = round.counts.bytes.saturating_add(size);
            round.counts.too_large += 1;
            round.too_large.push(index);
            continue;
        }
        round.counts.add(size, &step);
        match step {
            ItemStep::Start(why) => round.starts.push((index, why)),
            ItemStep::Wait => {
                round.in_flight += 1;
                let due = item
                    .current
                    .as_ref()
                    .and_then(|job| job.state.as_deref())
                    .and_then(next_poll_at);
                round.next_poll = [round.next_poll, due].into_iter().flatten().min();
            }
            ItemStep::Download => {
                round.in_flight += 1;
                round.downloads.push(index);
            }
            ItemStep::GaveUp => round.given_up.push(index),
            ItemStep::Done => {}
        }
    }
    round
}

//! Where a batch stands, from the journal alone: its archives counted by their
//! next step, when the next running job is expected ready, and when one is next
//! worth asking Glacier about. `defrost batches` and the screen's batch rows
//! both read a batch this way.

use time::OffsetDateTime;

use super::BatchCounts;
use super::step::item_facts;
use crate::domain::batch::{ItemStep, next_step};
use crate::domain::job::{expected_completion, next_poll_at, output_window_end};
use crate::store::BatchItem;

/// A batch's standing at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchTally {
    pub counts: BatchCounts,
    /// The earliest a running job is typically ready (`None`: none runs).
    pub next_ready: Option<OffsetDateTime>,
    /// When a running job is next worth a look.
    pub next_poll: Option<OffsetDateTime>,
    /// When the first ready output's download window closes.
    pub first_closing: Option<OffsetDateTime>,
}

/// Counts `items` at `now`. Jobs are taken as still listed by Glacier: only a
/// run of the batch asks. An archive too large for the pace is counted as
/// waiting to start, since the pace is the run's to know.
pub fn tally(items: &[BatchItem], now: OffsetDateTime) -> BatchTally {
    let mut tally = BatchTally::default();
    for item in items {
        let step = next_step(item_facts(item, None, now));
        tally.counts.add(item.size.unwrap_or(0), &step);
        let job = item.current.as_ref().and_then(|job| job.state.as_ref());
        match (step, job) {
            (ItemStep::Download, Some(job)) => {
                tally.first_closing = earliest(tally.first_closing, output_window_end(job));
            }
            (ItemStep::Wait, Some(job)) => {
                let ready = expected_completion(job).earliest;
                tally.next_ready = earliest(tally.next_ready, Some(ready));
                tally.next_poll = earliest(tally.next_poll, next_poll_at(job));
            }
            _ => {}
        }
    }
    tally
}

fn earliest(a: Option<OffsetDateTime>, b: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    [a, b].into_iter().flatten().min()
}

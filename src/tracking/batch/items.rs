//! The batch's archives as the loop holds them between rounds: read whole
//! once, then each read again when the loop changed it, and those a look at
//! Glacier may have changed after each look. A round then costs no read of the
//! journal, which at a hundred thousand archives took longer than the round's
//! own work.

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::BatchError;
use crate::store::{BatchId, BatchItem, Store};

/// The batch's archives as the loop holds them between rounds.
pub(super) struct Items {
    batch: BatchId,
    pub items: Vec<BatchItem>,
    /// When every archive was last read from the journal.
    read_at: Instant,
}

/// How often every archive is read again whatever this loop did, so that what
/// another process did to the batch (a plan downloaded on its own) is seen.
const READ_ALL_EVERY: Duration = Duration::from_secs(60);

impl Items {
    pub fn read(store: &Store, batch: BatchId) -> Result<Items, BatchError> {
        Ok(Items {
            batch,
            items: store.batch_items(batch)?,
            read_at: Instant::now(),
        })
    }

    /// Reads again what a look at Glacier may have changed: the archives with
    /// a job and no file yet (their job's state, or its window closing).
    /// Archives done, or with no job, are as they were. When most archives
    /// have a job, reading them all at once is quicker.
    pub fn after_sync(&mut self, store: &Store) -> Result<(), BatchError> {
        let open: Vec<usize> = (0..self.items.len())
            .filter(|&index| {
                let item = &self.items[index];
                item.current.is_some() && item.finished.is_none()
            })
            .collect();
        if open.len() > self.items.len() / 4 || self.read_at.elapsed() >= READ_ALL_EVERY {
            // Let go of the old ones first: two copies of a hundred thousand
            // archives would double the loop's memory for the moment.
            self.items = Vec::new();
            *self = Items::read(store, self.batch)?;
            return Ok(());
        }
        for index in open {
            refresh(store, self.batch, &mut self.items, index)?;
        }
        Ok(())
    }
}

/// Reads one archive of the batch again after this loop changed it.
pub(super) fn refresh(
    store: &Store,
    id: BatchId,
    items: &mut [BatchItem],
    index: usize,
) -> Result<(), BatchError> {
    let plan = items[index].plan;
    if let Some(fresh) = store.batch_item(id, plan)? {
        items[index] = fresh;
    }
    Ok(())
}

/// How much longer than a look at Glacier took the loop goes on before the
/// next: a look lists the vault's jobs and brings the journal up to date, which
/// at a hundred thousand jobs takes a while, and a look for every round of
/// starts would spend more time looking than starting and downloading.
const LOOK_SPACING: u32 = 4;

/// When the last look at Glacier ended and how long it took.
pub(super) struct Looks {
    ended: OffsetDateTime,
    took: Duration,
}

impl Looks {
    /// A look that started at `started` and has just ended.
    pub fn since(started: OffsetDateTime) -> Looks {
        let ended = OffsetDateTime::now_utc();
        Looks {
            ended,
            took: Duration::try_from(ended - started).unwrap_or(Duration::ZERO),
        }
    }

    /// When the next look goes, for a job due for one at `due`.
    pub fn next(&self, due: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
        let spaced = self.ended + self.took * LOOK_SPACING;
        due.map(|due| due.max(spaced))
    }
}

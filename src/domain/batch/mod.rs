//! Restoring many archives at once: the pure rules of a batch. How fast its
//! jobs may start (`pacing`), what it would do and cost (`summary`), and the next
//! step for each archive (`item`).

pub mod item;
pub mod pacing;
#[cfg(test)]
mod pacing_tests;
pub mod summary;

pub use item::{CurrentJob, ItemFacts, ItemStep, StartWhy, next_step};
pub use pacing::{PaceDecision, PaceLimits, Pacer, backoff, hours_under_cap};
pub use summary::{BatchSummary, SelectedArchive, SharedNames, Tally, TierCost, summarize};

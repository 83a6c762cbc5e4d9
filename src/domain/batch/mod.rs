//! Restoring many archives at once: the pure rules of a batch. How fast its
//! jobs may start (`pacing`).

pub mod pacing;
#[cfg(test)]
mod pacing_tests;

pub use pacing::{PaceDecision, PaceLimits, Pacer, backoff, hours_under_cap};

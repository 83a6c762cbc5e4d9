//! The pure core of defrost: no I/O, no async runtime, no clock reads.
//! Everything here is decided from its arguments alone, so it is tested directly.

pub mod batch;
mod calendar;
pub mod cost;
pub mod drain;
pub mod inventory;
pub mod job;
pub mod job_params;
mod json_string;
pub mod legacy_part;
pub mod migrate;
pub mod names;
pub mod range;
pub mod treehash;
pub mod zip;

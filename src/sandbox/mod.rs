//! A local Glacier-compatible endpoint for the demo, for rehearsing the retrieval
//! workflow without cost, and for end-to-end tests with the real SDK client.
//!
//! It follows Glacier's rules to the letter (alignment, checksums, error shapes) but
//! runs its clock faster: job waits, the inventory schedule and the output window
//! are Glacier's durations divided by a speedup.

pub mod archives;
pub mod clock;
pub mod content;
pub mod error;
pub mod faults;
pub mod ids;
pub mod jobs;
pub mod model;
pub mod multipart;
pub mod policy;
mod routes;
pub mod s3;
pub mod seed;
pub mod seeding;
pub mod server;
pub mod store;
pub mod vaults;

pub use clock::Speedup;
pub use server::{RunningSandbox, SandboxOptions, StartError, start};

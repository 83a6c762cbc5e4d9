//! defrost plans and runs retrievals from Amazon Glacier vaults.
//!
//! The map of the crate:
//! - [`confined`] writes inside a folder without ever following a link out of it.
//! - [`domain`] is the pure core: byte ranges and their alignment, SHA-256 tree
//!   hashes, job parameters, inventory parsing, archive-name decoding and the
//!   retrieval job's lifecycle and polling schedule. It does no I/O and never
//!   reads the clock.
//! - [`glacier`] talks to Glacier: the [`glacier::GlacierApi`] seam in defrost's
//!   own types, and its aws-sdk-glacier implementation.
//! - [`input`] says what the user gave that cannot be used ([`input::BadInput`],
//!   exit code 2), and opens the files a user names.
//! - [`hashing`] feeds files and streams to the tree hasher on every core.
//! - [`sandbox`] is a local Glacier endpoint with a sped-up clock, for the demo,
//!   for rehearsing the workflow and for end-to-end tests.
//! - [`store`] is the local inventory cache: every imported inventory snapshot in
//!   SQLite, paged, filtered and compared without loading it whole.
//! - [`text`] makes untrusted text safe to print.
//! - [`tracking`] keeps the job journal in step with what Glacier reports.
//! - [`tui`] is the interactive screen (and `defrost demo`), built as Model,
//!   Msg, update and Cmd, with a view that only draws.
//! - [`cli`] holds the command-line grammar; [`commands`] runs each headless
//!   subcommand and decides exit codes.

// No unwrap or panic outside tests (clippy.toml lets test code have them);
// an invariant that must hold says so with expect and its reason.
#![deny(clippy::unwrap_used, clippy::panic)]

pub mod cli;
pub mod commands;
pub mod confined;
pub mod domain;
pub mod glacier;
pub mod hashing;
pub mod input;
pub mod s3;
pub mod sandbox;
pub mod store;
pub mod text;
pub mod tracking;
pub mod tui;

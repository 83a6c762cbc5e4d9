//! The screen's effects that write or talk to Glacier, one module per kind:
//! launching jobs, following them, downloading their output, fetching
//! inventories, copying to S3, saving a preview. Each runs the same engine in `tracking/` the commands run, and
//! answers in the screen's words ([`ScreenWords`]): a remedy names a key.

pub mod batch;
mod download;
pub mod drain;
mod files;
mod inventory;
mod jobs;
mod launch;
pub mod migration;
pub mod peek;
mod renew;
pub mod tour;
mod words;

pub use download::{DownloadRequest, download};
pub use files::save;
pub use inventory::{import_inventory, request_inventory};
pub use jobs::{Synced, sync_jobs};
pub use launch::launch;
pub use migration::S3Access;
pub use renew::{RenewalView, RenewedView, plan_renewal_view, renew};
pub use words::ScreenWords;

//! Tests of the job rules against a state built in memory, at Glacier's own pace
//! (speedup 1), so that times read as they would on AWS.

mod describe_list;
mod initiate;
mod lifecycle;
mod notices;
mod output;

use serde_json::Value;
use time::{OffsetDateTime, macros::datetime};

use super::*;
use crate::domain::range::MIB;
use crate::sandbox::model::{
    Archive, ArchiveContent, Inventory, InventoryEntry, SandboxState, Vault,
};
use crate::sandbox::vaults::AccountContext;

pub const T0: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
pub const HOUR: time::Duration = time::Duration::HOUR;

/// An archive of 10 MiB + 1 byte: chunks 0..=10, the last one byte long.
pub const BIG: &str = "big-archive";
pub const BIG_SIZE: u64 = 10 * MIB + 1;
/// An archive of 100 bytes.
pub const SMALL: &str = "small-archive";

pub fn ctx() -> AccountContext {
    AccountContext {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
    }
}

pub fn speedup() -> Speedup {
    Speedup::new(1.0).unwrap()
}

pub fn arn() -> String {
    ctx().vault_arn("v")
}

fn archive(id: &str, size: u64, created: OffsetDateTime) -> Archive {
    Archive {
        id: id.into(),
        description: format!("file {id}"),
        created,
        deleted: None,
        size,
        tree_hash: format!("{:064x}", size),
        content: ArchiveContent::Virtual { seed: size },
    }
}

/// Vault `v` with two archives and an inventory listing both.
pub fn state() -> SandboxState {
    let created = T0 - time::Duration::days(30);
    let archives = [
        archive(SMALL, 100, created + HOUR),
        archive(BIG, BIG_SIZE, created + HOUR * 2),
    ];
    let entries = archives.iter().map(InventoryEntry::from).collect();
    let vault = Vault {
        archives: archives.into_iter().map(|a| (a.id.clone(), a)).collect(),
        inventory: Some(Inventory {
            date: T0 - time::Duration::days(1),
            entries,
        }),
        ..Vault::empty("v", created)
    };
    let mut state = SandboxState::default();
    state.vaults.insert("v".into(), vault);
    state
}

/// Starts a job in vault `v` at `at`.
pub fn start(state: &mut SandboxState, body: &str, at: OffsetDateTime) -> GlacierResult<String> {
    initiate_job(state, &ctx(), "v", body.as_bytes(), at, speedup())
}

pub fn archive_body(id: &str, extra: &str) -> String {
    format!(r#"{{"Type":"archive-retrieval","ArchiveId":"{id}"{extra}}}"#)
}

pub fn job<'a>(state: &'a SandboxState, id: &str) -> &'a Job {
    &state.vaults["v"].jobs[id]
}

pub fn describe(state: &SandboxState, id: &str, at: OffsetDateTime) -> Value {
    describe_job(job(state, id), &arn(), at)
}

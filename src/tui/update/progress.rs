//! The vaults pane's counts of drains and migrations, read again when they
//! may have moved: after a look at the journal that lists a migration, after
//! each copy or deletion the screen makes. Each read is a few aggregates in
//! the cache, so asking often costs little, and asks that pile up are
//! answered once.

use super::super::model::{Model, Severity};
use super::super::msg::{Cmd, VaultProgress};

/// Asks how far every listed vault's drain and newest migration are.
pub(super) fn progress_cmd(model: &Model) -> Cmd {
    Cmd::LoadProgress {
        vaults: model.vaults.iter().map(|vault| vault.key.clone()).collect(),
    }
}

pub(super) fn progress_loaded(
    model: &mut Model,
    result: Result<Vec<VaultProgress>, String>,
) -> Vec<Cmd> {
    let found = match result {
        Ok(found) => found,
        Err(problem) => {
            model.tell(Severity::Problem, problem);
            return Vec::new();
        }
    };
    for progress in found {
        if let Some(vault) = model.vaults.iter_mut().find(|v| v.key == progress.key) {
            vault.deletions = progress.deletions;
            vault.migration = progress.migration;
        }
    }
    Vec::new()
}

//! The screen's drains, as plain data: the dialog that deletes from a vault
//! the archives copied to S3 and verified (what `defrost drain --only-copied`
//! deletes), first the summary of what goes and what stays, then one Enter.

use std::sync::Arc;

use super::msg::RequestId;
use crate::store::VaultKey;
use crate::tracking::drain::PreparedDrain;

/// A drain of the vault selected in the vaults pane, on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct DrainDialog {
    /// The vault as the vaults pane lists it.
    pub vault: VaultKey,
    pub stage: DrainStage,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DrainStage {
    /// The journal's proofs are read against the newest inventory.
    Preparing(RequestId),
    /// The summary is shown: Enter deletes.
    Ready(Draining),
}

/// A drain ready to run, shared between the dialog and the command that
/// runs it. Two are equal only when they are the same preparation.
#[derive(Debug, Clone)]
pub struct Draining(pub Arc<PreparedDrain>);

impl PartialEq for Draining {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

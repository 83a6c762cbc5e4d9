//! Options that several subcommands take, declared once and flattened into each
//! subcommand's arguments, so that a flag reads, parses and is described alike
//! wherever it appears.
//!
//! A vault is chosen two ways, as the missing `--account` means two things: in the
//! inventory cache, any account's vault of that name ([`VaultChoice`]); in a
//! request to Glacier, the vault of the credentials' own account
//! ([`GlacierVault`]).

use crate::cli::GlobalOpts;
use crate::store::{Store, Vault, VaultKey};

/// Which cached vault, and which of its snapshots.
#[derive(Debug, Clone, clap::Args)]
pub struct VaultChoice {
    /// The vault's name
    #[arg(long, value_name = "NAME")]
    pub vault: String,

    /// The vault's account, when vaults of several accounts share the name
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
}

impl VaultChoice {
    /// The vault, from the cache under the data directory.
    pub fn find(&self, store: &Store, global: &GlobalOpts) -> anyhow::Result<Vault> {
        Ok(store.find_vault(
            &self.vault,
            self.account.as_deref(),
            global.region.as_deref(),
        )?)
    }
}

/// The vault a command sends Glacier requests about.
#[derive(Debug, Clone, clap::Args)]
pub struct GlacierVault {
    /// The vault's name
    #[arg(long, value_name = "NAME")]
    pub vault: String,

    /// The vault's account ID [default: - (the account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
}

impl GlacierVault {
    /// The vault in `region` (the one the client connected to), under `-` when
    /// no `--account` was given, as Glacier names the credentials' own account.
    pub fn key(&self, region: &str) -> VaultKey {
        VaultKey {
            account: self.account.clone().unwrap_or_else(|| "-".into()),
            region: region.to_owned(),
            name: self.vault.clone(),
        }
    }
}

/// `--json` for the commands that list things (jobs, archives, snapshots,
/// vaults) a line each: what each line holds is the command's own.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct JsonLines {
    /// Print JSON Lines, one object for each thing listed, instead of text
    #[arg(long)]
    pub json: bool,
}

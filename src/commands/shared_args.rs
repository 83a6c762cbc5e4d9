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

/// Where S3 is, for the commands that talk to a bucket (a migration, and
/// giving one up): credentials come from `--profile` and the environment, as
/// for Glacier.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct S3Endpoint {
    /// Send S3 requests to this URL instead of AWS (a local S3 server)
    #[arg(long, value_name = "URL")]
    pub s3_endpoint_url: Option<String>,

    /// The bucket's region [default: the vault's, or the bucket's as a
    /// migration found it]
    #[arg(long, value_name = "REGION")]
    pub s3_region: Option<String>,
}

impl S3Endpoint {
    /// How to connect: the profile of the global options, the region given
    /// or else `default_region`, the endpoint given.
    pub fn connect_options(
        &self,
        global: &GlobalOpts,
        default_region: &str,
    ) -> crate::s3::ConnectOptions {
        crate::s3::ConnectOptions {
            profile: global.profile.clone(),
            region: Some(
                self.s3_region
                    .clone()
                    .unwrap_or_else(|| default_region.to_owned()),
            ),
            endpoint_url: self.s3_endpoint_url.clone(),
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

//! `defrost params`.

use crate::cli::GlobalOpts;

#[derive(Debug, clap::Args)]
pub struct ParamsArgs {}

pub fn run(_global: &GlobalOpts, _args: ParamsArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

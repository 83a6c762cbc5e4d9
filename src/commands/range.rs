//! `defrost range`.

use crate::cli::GlobalOpts;

#[derive(Debug, clap::Args)]
pub struct RangeArgs {}

pub fn run(_global: &GlobalOpts, _args: RangeArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

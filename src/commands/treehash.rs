//! `defrost treehash`.

use crate::cli::GlobalOpts;

#[derive(Debug, clap::Args)]
pub struct TreehashArgs {}

pub fn run(_global: &GlobalOpts, _args: TreehashArgs) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}

//! `defrost inventory`: import inventories into the cache, list the cached
//! snapshots, compare two of them, and browse a snapshot's folders.

mod diff;
mod fetch;
mod import;
mod list;

pub(crate) use list::print_table;
mod tree;

use crate::cli::GlobalOpts;
pub use import::parse_date;

#[derive(Debug, clap::Args)]
pub struct InventoryArgs {
    #[command(subcommand)]
    pub command: InventoryCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum InventoryCommand {
    /// Import an inventory (the output of an inventory-retrieval job) into the cache
    Import(import::ImportArgs),
    /// Get a vault's inventory from Glacier into the cache: start (or continue) an
    /// inventory job, and with --wait follow it to a new snapshot
    Fetch(fetch::FetchArgs),
    /// List the cached snapshots of every vault, with age, archive count and total size
    List(list::ListArgs),
    /// Show the archives added and removed between two snapshots of a vault
    Diff(diff::DiffArgs),
    /// List a folder of a snapshot by decoded path: subfolders with their totals, then archives
    Tree(tree::TreeArgs),
}

pub fn run(global: &GlobalOpts, args: InventoryArgs) -> anyhow::Result<()> {
    match args.command {
        InventoryCommand::Import(args) => import::run(global, args),
        InventoryCommand::Fetch(args) => fetch::run(global, args),
        InventoryCommand::List(args) => list::run(global, args),
        InventoryCommand::Diff(args) => diff::run(global, args),
        InventoryCommand::Tree(args) => tree::run(global, args),
    }
}

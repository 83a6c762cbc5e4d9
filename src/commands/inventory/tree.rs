//! `defrost inventory tree --vault NAME [FOLDER]`: one folder of a snapshot, by
//! decoded names: its subfolders with what they hold, then its archives.

use std::io::Write as _;

use crate::cli::GlobalOpts;
use crate::commands::cached::{count, open_snapshot, open_store_to_read, size};
use crate::commands::shared_args::VaultChoice;
use crate::store::FolderEntryKind;
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct TreeArgs {
    #[command(flatten)]
    pub vault: VaultChoice,

    /// The folder to list [default: the top]
    #[arg(value_name = "FOLDER", default_value = "")]
    pub folder: String,

    /// Which snapshot [default: the newest]
    #[arg(long, value_name = "ID")]
    pub snapshot: Option<i64>,
}

pub fn run(global: &GlobalOpts, args: TreeArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let store = open_store_to_read(global)?;
    let vault = args.vault.find(&store, global)?;
    let (_, snapshot) = open_snapshot(&store, &vault, args.snapshot)?;
    let listing = snapshot.folder(&args.folder)?;
    if listing.is_empty() {
        eprintln!("nothing is under '{}'", printable(&args.folder));
    }
    for entry in listing {
        let name = printable(&entry.name);
        let written = match entry.kind {
            FolderEntryKind::Folder {
                archives,
                total_size,
            } => writeln!(
                out,
                "{:>10}  {:>12} archives  {name}/",
                size(total_size),
                count(archives)
            ),
            FolderEntryKind::Archive { size: bytes, .. } => {
                writeln!(out, "{:>10}  {:>21}  {name}", size(u128::from(bytes)), "")
            }
        };
        written?;
    }
    Ok(())
}

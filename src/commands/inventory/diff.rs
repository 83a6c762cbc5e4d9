//! `defrost inventory diff --vault NAME [OLD NEW]`: archives added and removed
//! between two snapshots (the newest two by default).

use std::io::Write as _;

use serde::Serialize;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::archives::{ArchiveJson, table_line};
use crate::commands::cached::{count, open_store_to_read, size};
use crate::commands::shared_args::VaultChoice;
use crate::store::{SnapshotInfo, diff};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub vault: VaultChoice,

    /// The older snapshot's number [default: the second newest]
    #[arg(value_name = "OLD", requires = "new")]
    pub old: Option<i64>,

    /// The newer snapshot's number [default: the newest]
    #[arg(value_name = "NEW")]
    pub new: Option<i64>,

    /// Print one JSON object with the snapshots and both lists
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    old_snapshot: i64,
    new_snapshot: i64,
    added: Vec<ArchiveJson<'a>>,
    removed: Vec<ArchiveJson<'a>>,
}

pub fn run(global: &GlobalOpts, args: DiffArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let store = open_store_to_read(global)?;
    let vault = args.vault.find(&store, global)?;
    let (old, new) = match (args.old, args.new) {
        (Some(old), Some(new)) => (
            store.snapshot_of(&vault, Some(old))?,
            store.snapshot_of(&vault, Some(new))?,
        ),
        _ => newest_two(store.snapshots(Some(&vault))?, &args.vault.vault)?,
    };
    let changes = diff(&store.open_snapshot(&old)?, &store.open_snapshot(&new)?)?;
    if args.json {
        let json = DiffJson {
            old_snapshot: old.id,
            new_snapshot: new.id,
            added: changes.added.iter().map(ArchiveJson::from).collect(),
            removed: changes.removed.iter().map(ArchiveJson::from).collect(),
        };
        writeln!(out, "{}", crate::text::terminal_json(&json)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "snapshot {} ({}) -> snapshot {} ({}): {} added ({}), {} removed ({})",
        old.id,
        old.inventory_date,
        new.id,
        new.inventory_date,
        count(changes.added.len() as u64),
        size(changes.added_size()),
        count(changes.removed.len() as u64),
        size(changes.removed_size())
    )?;
    for archive in &changes.added {
        writeln!(out, "+ {}", table_line(archive))?;
    }
    for archive in &changes.removed {
        writeln!(out, "- {}", table_line(archive))?;
    }
    Ok(())
}

fn newest_two(
    mut snapshots: Vec<SnapshotInfo>,
    name: &str,
) -> Result<(SnapshotInfo, SnapshotInfo), BadInput> {
    snapshots.sort_by_key(|s| (s.inventory_date, s.id));
    match snapshots.len() {
        0 | 1 => Err(BadInput(format!(
            "vault '{name}' has {} cached snapshot{}, and a comparison needs two; import a newer inventory first",
            snapshots.len(),
            if snapshots.len() == 1 { "" } else { "s" }
        ))),
        _ => {
            let new = snapshots.pop();
            let old = snapshots.pop();
            match (old, new) {
                (Some(old), Some(new)) => Ok((old, new)),
                // The length was checked just above.
                _ => Err(BadInput("two snapshots are needed".into())),
            }
        }
    }
}

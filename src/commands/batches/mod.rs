//! `defrost batches`: every batch the journal holds, with where its archives
//! stand, as a table or JSON Lines; `--give-up B3` stops one (see `give_up`).

mod give_up;

use std::io::Write as _;

use serde_json::json;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::cached::{count, open_store_to_read, size};
use crate::commands::inventory::print_table;
use crate::commands::shared_args::{JsonLines, S3Endpoint};
use crate::store::{BatchEntry, Store};
use crate::text::{printable, terminal_json};
use crate::tracking::batch::{BatchCounts, tally};

#[derive(Debug, clap::Args)]
pub struct BatchesArgs {
    /// Only this vault's batches [default: every vault's]
    #[arg(long, value_name = "NAME")]
    pub vault: Option<String>,

    /// Give up batch B3: nothing more is started, downloaded or copied for it,
    /// and a migration's unfinished uploads are aborted; run again to finish
    /// aborting
    #[arg(long, value_name = "BATCH", conflicts_with = "vault")]
    pub give_up: Option<String>,

    /// With --give-up: give it up without asking
    #[arg(long, requires = "give_up")]
    pub yes: bool,

    /// With --give-up, for a migration: where its bucket is
    #[command(flatten)]
    pub s3: S3Endpoint,

    #[command(flatten)]
    pub output: JsonLines,
}

pub fn run(global: &GlobalOpts, args: BatchesArgs) -> anyhow::Result<()> {
    if let Some(batch) = &args.give_up {
        return give_up::run(global, batch, &args);
    }
    let store = open_store_to_read(global)?;
    let now = OffsetDateTime::now_utc();
    let batches: Vec<BatchEntry> = store
        .batches(None)?
        .into_iter()
        .filter(|batch| {
            args.vault
                .as_ref()
                .is_none_or(|name| *name == batch.vault.name)
        })
        .collect();
    let mut rows = Vec::with_capacity(batches.len());
    for batch in &batches {
        rows.push((batch, standing(&store, batch, now)?));
    }
    let mut out = std::io::stdout().lock();
    if args.output.json {
        for (batch, standing) in &rows {
            writeln!(out, "{}", line_json(batch, standing)?)?;
        }
    } else if rows.is_empty() {
        eprintln!("no batches yet; 'defrost restore' makes one");
    } else {
        let table: Vec<[String; 8]> = rows.iter().map(|(b, s)| table_row(b, s)).collect();
        let header = [
            "BATCH",
            "VAULT",
            "SELECTION",
            "TIER",
            "RESTORED",
            "READY",
            "RUNNING",
            "TO START",
        ];
        print_table(&mut out, &header, &table, &[false; 8])?;
    }
    Ok(out.flush()?)
}

fn standing(store: &Store, batch: &BatchEntry, now: OffsetDateTime) -> anyhow::Result<BatchCounts> {
    Ok(tally(&store.batch_items(batch.id)?, now).counts)
}

fn table_row(batch: &BatchEntry, standing: &BatchCounts) -> [String; 8] {
    let id = match batch.given_up_at {
        Some(_) => format!("{} (given up)", batch.id),
        None => batch.id.to_string(),
    };
    [
        id,
        printable(&batch.vault.name),
        printable(&batch.selection.to_string()),
        batch.tier.as_str().to_owned(),
        format!(
            "{}/{} ({} of {})",
            count(standing.restored),
            count(batch.archives),
            size(u128::from(standing.restored_bytes)),
            size(u128::from(standing.bytes))
        ),
        count(standing.ready),
        count(standing.running),
        if standing.given_up > 0 {
            format!(
                "{} ({} given up)",
                count(standing.waiting_to_start),
                count(standing.given_up)
            )
        } else {
            count(standing.waiting_to_start)
        },
    ]
}

fn line_json(batch: &BatchEntry, standing: &BatchCounts) -> anyhow::Result<String> {
    let value = json!({
        "batch": batch.id,
        "vault": batch.vault.name,
        "region": batch.vault.region,
        "selection": batch.selection.kind(),
        "selection_text": batch.selection.text(),
        "tier": batch.tier.as_str(),
        "to": batch.to,
        "made_at": batch.made_at,
        "given_up_at": batch.given_up_at,
        "archives": batch.archives,
        "bytes": standing.bytes,
        "restored": standing.restored,
        "restored_bytes": standing.restored_bytes,
        "ready": standing.ready,
        "running": standing.running,
        "to_start": standing.waiting_to_start,
        "given_up": standing.given_up,
    });
    Ok(terminal_json(&value)?)
}

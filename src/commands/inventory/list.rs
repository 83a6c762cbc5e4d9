//! `defrost inventory list`: every cached snapshot, per vault, with its age,
//! archive count and total size.

use std::borrow::Cow;

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::cached::{age, count, open_store_to_read, size};
use crate::commands::shared_args::JsonLines;
use crate::store::{SnapshotInfo, Store};
use crate::text::{printable, shown};

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this vault's snapshots
    #[arg(long, value_name = "NAME")]
    pub vault: Option<String>,

    #[command(flatten)]
    pub output: JsonLines,
}

#[derive(Serialize)]
struct SnapshotJson<'a> {
    snapshot: i64,
    vault: &'a str,
    region: &'a str,
    account: &'a str,
    inventory_date: String,
    age_seconds: i64,
    archive_count: u64,
    /// A string: it can pass what JSON numbers hold exactly.
    total_size: String,
    obtained_at: String,
    source: &'a str,
}

pub fn run(global: &GlobalOpts, args: ListArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let store = open_store_to_read(global)?;
    let now = OffsetDateTime::now_utc();
    let snapshots = chosen_snapshots(&store, args.vault.as_deref(), global.region.as_deref())?;
    if args.output.json {
        return write_json_lines(&mut out, &snapshots, now);
    }
    if snapshots.is_empty() {
        eprintln!(
            "no inventories are cached yet; import one with 'defrost inventory import FILE --vault NAME'"
        );
        return Ok(());
    }
    write_table(&mut out, &snapshots, now)?;
    Ok(())
}

/// The cached snapshots, of the vault named and in the region given when they are.
fn chosen_snapshots(
    store: &Store,
    vault: Option<&str>,
    region: Option<&str>,
) -> anyhow::Result<Vec<SnapshotInfo>> {
    Ok(store
        .snapshots(None)?
        .into_iter()
        .filter(|s| vault.is_none_or(|name| s.vault.key.name == name))
        .filter(|s| region.is_none_or(|r| s.vault.key.region == r))
        .collect())
}

/// One JSON object a line, one line a snapshot.
fn write_json_lines(
    out: &mut impl std::io::Write,
    snapshots: &[SnapshotInfo],
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    for s in snapshots {
        let line = SnapshotJson {
            snapshot: s.id,
            vault: &s.vault.key.name,
            region: &s.vault.key.region,
            account: &s.vault.key.account,
            inventory_date: s.inventory_date.to_string(),
            age_seconds: s.age(now).whole_seconds(),
            archive_count: s.archive_count,
            total_size: s.total_size.to_string(),
            obtained_at: crate::store::snapshot_time(s.obtained_at),
            source: &s.source,
        };
        writeln!(out, "{}", crate::text::terminal_json(&line)?)?;
    }
    Ok(())
}

/// The snapshots as a table, one row each.
fn write_table(
    out: &mut impl std::io::Write,
    snapshots: &[SnapshotInfo],
    now: OffsetDateTime,
) -> std::io::Result<()> {
    let rows: Vec<[String; 8]> = snapshots
        .iter()
        .map(|s| {
            [
                printable(&s.vault.key.name),
                printable(&s.vault.key.region),
                printable(&s.vault.key.account),
                s.id.to_string(),
                s.inventory_date.to_string(),
                age(s.inventory_date.to_offset_date_time(), now),
                count(s.archive_count),
                size(s.total_size),
            ]
        })
        .collect();
    let header = [
        "VAULT",
        "REGION",
        "ACCOUNT",
        "SNAPSHOT",
        "INVENTORY DATE",
        "AGE",
        "ARCHIVES",
        "TOTAL SIZE",
    ];
    print_table(
        out,
        &header,
        &rows,
        &[false, false, false, true, false, true, true, true],
    )
}

/// Columns padded to their widest cell; `right` aligns numbers. Every cell is
/// shown through `text::printable`, so no table can put raw untrusted text on
/// the terminal, whatever its caller did.
pub fn print_table<const N: usize>(
    out: &mut impl std::io::Write,
    header: &[&str; N],
    rows: &[[String; N]],
    right: &[bool; N],
) -> std::io::Result<()> {
    let rows: Vec<[Cow<'_, str>; N]> = rows
        .iter()
        .map(|row| std::array::from_fn(|i| shown(&row[i])))
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: Vec<&str>| -> std::io::Result<()> {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if right[i] {
                    format!("{cell:>width$}", width = widths[i])
                } else {
                    format!("{cell:<width$}", width = widths[i])
                }
            })
            .collect();
        writeln!(out, "{}", padded.join("  ").trim_end())
    };
    line(header.to_vec())?;
    for row in &rows {
        line(row.iter().map(|cell| cell.as_ref()).collect())?;
    }
    Ok(())
}

//! `defrost vaults`: the account's vaults in a region, as Glacier reports them now
//! (their counts come from each vault's last inventory, so they lag a day).

use std::io::Write as _;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::cli::GlobalOpts;
use crate::commands::cached::{count, size};
use crate::commands::inventory::print_table;
use crate::commands::shared_args::JsonLines;
use crate::glacier::{GlacierApi, SdkGlacier, VaultInfo};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct VaultsArgs {
    #[command(flatten)]
    pub output: JsonLines,
}

pub fn run(global: &GlobalOpts, args: VaultsArgs) -> anyhow::Result<()> {
    let vaults = crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        glacier.list_vaults().await
    })?;
    let mut out = std::io::stdout().lock();
    if args.output.json {
        for vault in &vaults {
            writeln!(out, "{}", crate::text::terminal_json(vault)?)?;
        }
        return Ok(out.flush()?);
    }
    if vaults.is_empty() {
        eprintln!("no vaults in this account and region; check --region and --profile");
        return Ok(());
    }
    let rows: Vec<[String; 5]> = vaults.iter().map(row).collect();
    let header = ["NAME", "ARCHIVES", "SIZE", "LAST INVENTORY", "CREATED"];
    print_table(&mut out, &header, &rows, &[false, true, true, false, false])?;
    Ok(out.flush()?)
}

fn row(vault: &VaultInfo) -> [String; 5] {
    [
        printable(&vault.name),
        count(vault.archive_count),
        size(u128::from(vault.size_bytes)),
        // A vault Glacier never inventoried shows zero archives whatever it holds.
        vault
            .last_inventory
            .map_or_else(|| "never".to_owned(), date),
        date(vault.created),
    ]
}

fn date(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(time::UtcOffset::UTC);
    utc.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    // Formatting a UTC date with this fixed description cannot fail; fall back
    // to the plain form rather than lose the row.
    .unwrap_or_else(|_| utc.to_string())
}

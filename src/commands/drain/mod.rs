//! `defrost drain`: empties a vault, deleting only what defrost has proof for
//! (a verified copy in S3, a verified download still on disk) unless told to
//! delete everything, journaling each deletion, and with `--delete-vault`
//! follows the vault to its end.

mod view;

use std::io::IsTerminal as _;

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_snapshot, open_store};
use crate::commands::shared_args::JsonLines;
use crate::domain::cost::PriceTable;
use crate::domain::drain::DrainScope;
use crate::glacier::{GlacierApi as _, SdkGlacier};
use crate::store::VaultKey;
use crate::tracking::drain::{
    DrainOptions, DrainRequest, finish_vault, prepare_drain, run_drain, write_report,
};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("scope").args(["only_copied", "only_downloaded", "all"])))]
pub struct DrainArgs {
    /// The vault's name
    #[arg(long, value_name = "NAME")]
    pub vault: String,

    /// The vault's account ID [default: - (the account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    /// Delete only archives copied to S3 and verified
    #[arg(long)]
    pub only_copied: bool,

    /// Delete only archives downloaded and verified whose files are still there
    #[arg(long)]
    pub only_downloaded: bool,

    /// Delete every archive the newest cached inventory lists, proof or not
    /// (asks you to type the vault's name)
    #[arg(long)]
    pub all: bool,

    /// With --all and no terminal to type at: the vault's name, typed here
    #[arg(long, value_name = "NAME", requires = "all")]
    pub confirm: Option<String>,

    /// Show what would be deleted, and delete nothing
    #[arg(long)]
    pub dry_run: bool,

    /// Delete without asking (--all still needs the vault's name)
    #[arg(long)]
    pub yes: bool,

    /// Send at most this many DeleteArchive requests per second
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    pub requests_per_second: f64,

    /// Then delete the vault once Glacier's inventory shows it empty; run
    /// again to go on
    #[arg(long)]
    pub delete_vault: bool,

    #[command(flatten)]
    pub output: JsonLines,
}

pub fn run(global: &GlobalOpts, args: DrainArgs) -> anyhow::Result<()> {
    let rate = args.requests_per_second;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(BadInput(format!(
            "--requests-per-second {rate} is not a rate; give a number above 0, for example 5"
        ))
        .into());
    }
    let scope = if args.all {
        DrainScope::All
    } else if args.only_copied {
        DrainScope::OnlyCopied
    } else if args.only_downloaded {
        DrainScope::OnlyDownloaded
    } else {
        DrainScope::Proven
    };
    let mut store = open_store(global)?;
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let key = VaultKey {
            account: args.account.clone().unwrap_or_else(|| "-".into()),
            region: glacier.region().to_owned(),
            name: args.vault.clone(),
        };
        let cached = store.find_vault(
            &args.vault,
            args.account.as_deref().filter(|account| *account != "-"),
            global.region.as_deref(),
        )?;
        let (info, snapshot) = open_snapshot(&store, &cached, None)?;
        let prices = PriceTable::published().context("the published prices")?;
        let request = DrainRequest {
            vault: key.clone(),
            scope,
            made_by: crate::tracking::started_by_here(),
        };
        let now = OffsetDateTime::now_utc();
        let inventory = (&info, &snapshot);
        let prepared = prepare_drain(&store, inventory, request, prices.storage.as_ref(), now)?;
        drop(snapshot);
        let json = args.output.json;
        if !(json && args.yes) {
            eprint!("{}", view::summary(&prepared, &prices, scope));
        }
        if args.dry_run {
            view::dry_run(&prepared, json)?;
            return anyhow::Ok(());
        }
        if !prepared.items.is_empty() && !agreed(&args, &prepared)? {
            eprintln!("nothing was deleted");
            return Ok(());
        }
        let options = DrainOptions {
            requests_per_second: rate,
        };
        let outcome = run_drain(
            &glacier,
            &mut store,
            &prepared,
            options,
            |event, outcome| {
                view::event(event, outcome, json);
            },
        )
        .await;
        // The report is written whatever happened, from the journal.
        let report = write_report(&store, &key);
        let outcome = outcome?;
        let report = report?;
        view::outcome(&prepared, &outcome, &report, json);
        if args.delete_vault {
            let now = OffsetDateTime::now_utc();
            let started_by = crate::tracking::started_by_here();
            let end = finish_vault(&glacier, &mut store, &key, &started_by, now).await?;
            view::vault_end(&key, &end, json);
        }
        Ok(())
    })
}

/// Whether the user agreed: a `[y/N]` for archives with proof, the vault's name
/// typed for `--all`.
fn agreed(
    args: &DrainArgs,
    prepared: &crate::tracking::drain::PreparedDrain,
) -> anyhow::Result<bool> {
    let count = prepared.items.len();
    if args.all {
        if let Some(typed) = &args.confirm {
            if *typed != args.vault {
                return Err(BadInput(format!(
                    "--confirm '{}' is not the vault's name; type {} exactly to delete every archive",
                    crate::text::printable(typed),
                    crate::text::printable(&args.vault)
                ))
                .into());
            }
            return Ok(true);
        }
        if !std::io::stdin().is_terminal() {
            return Err(BadInput(
                "--all deletes archives defrost has no proof for, so it asks for the vault's name and standard input is not a terminal; add --confirm VAULT_NAME".into(),
            )
            .into());
        }
        eprint!(
            "This deletes {count} archive(s) for good, with or without a copy. Type the vault's name to go on: "
        );
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .context("cannot read the answer")?;
        return Ok(answer.trim() == args.vault);
    }
    if args.yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(BadInput(
            "standard input is not a terminal, so defrost cannot ask before deleting archives; add --yes to delete them without asking".into(),
        )
        .into());
    }
    crate::commands::retrieve::confirm(&format!("Delete {count} archive(s) for good? [y/N] "))
}

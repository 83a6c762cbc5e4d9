//! `defrost inventory fetch --vault NAME`: gets the vault's inventory from Glacier
//! into the cache. Starts an inventory job (or continues the one the journal has
//! unfinished), and with `--wait` follows it and its pages through to a snapshot.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::cached::{open_store, size};
use crate::commands::inventory::import::print_imported;
use crate::commands::jobs::{minute, short_duration};
use crate::commands::params::InventorySelection;
use crate::commands::shared_args::GlacierVault;
use crate::domain::job::{JobStatus, effective_status, expected_completion};
use crate::domain::job_params::{JobParams, validate};
use crate::glacier::GlacierApi as _;
use crate::glacier::SdkGlacier;
use crate::store::{Store, VaultKey, check_vault_name};
use crate::text::printable;
use crate::tracking::inventory::{
    Fetch, FetchError, FetchEvent, FetchOutcome, Imported, StartedPage, advance, start_fetch,
    unfinished_fetch,
};
use crate::tracking::started_by_here;
use crate::tracking::watch::{SystemClock, WatchEvent};

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    #[command(flatten)]
    pub vault: GlacierVault,

    #[command(flatten)]
    pub selection: InventorySelection,

    /// At most this many archives per job: larger inventories come in several
    /// pages, one job each, imported together as one snapshot
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub limit: Option<String>,

    /// Wait for the job (polling on its schedule), then download and import it
    #[arg(long)]
    pub wait: bool,
}

pub fn run(global: &GlobalOpts, args: FetchArgs) -> anyhow::Result<()> {
    check_vault_name(&args.vault.vault)?;
    let params = first_page_params(&args)?;
    let mut store = open_store(global)?;
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let vault = args.vault.key(glacier.region());
        let outcome = fetch_inventory(&glacier, &mut store, &vault, &params, args.wait).await?;
        print_outcome(outcome, &vault);
        anyhow::Ok(())
    })
}

/// Continues the vault's unfinished fetch, or starts one, and moves it on as far
/// as it goes (to the end with `wait`), with a spinner on a terminal.
async fn fetch_inventory(
    glacier: &SdkGlacier,
    store: &mut Store,
    vault: &VaultKey,
    params: &JobParams,
    wait: bool,
) -> anyhow::Result<FetchOutcome> {
    let started_by = started_by_here();
    let now = OffsetDateTime::now_utc();
    let (mut fetch, mut continued) = match unfinished_fetch(store, vault, now)? {
        Some(fetch) => {
            announce_continued(&fetch, now);
            (fetch, true)
        }
        None => {
            let fetch = start_fetch(glacier, store, vault, params, &started_by, now).await?;
            announce_started(fetch.last(), now);
            (fetch, false)
        }
    };
    let spinner = spinner();
    let outcome = loop {
        let outcome = advance(
            glacier,
            store,
            fetch,
            &SystemClock,
            wait,
            &started_by,
            |event| show(&spinner, &event),
        )
        .await;
        let job_id = match &outcome {
            Err(FetchError::OutputExpired { job_id }) if continued => printable(job_id),
            _ => break outcome,
        };
        // Left unfinished for longer than Glacier keeps its output: start over,
        // once; the new fetch is this run's own, not a continued one.
        spinner.suspend(|| {
            println!("inventory job {job_id} expired before it was imported; starting a new one")
        });
        let now = OffsetDateTime::now_utc();
        fetch = start_fetch(glacier, store, vault, params, &started_by, now).await?;
        spinner.suspend(|| announce_started(fetch.last(), now));
        continued = false;
    };
    spinner.finish_and_clear();
    Ok(outcome?)
}

/// What the fetch came to: a snapshot, the same inventory again, or a job still
/// running and how to go on with it.
fn print_outcome(outcome: FetchOutcome, vault: &VaultKey) {
    match outcome {
        FetchOutcome::Imported(Imported::New(snapshot)) => print_imported(&snapshot),
        FetchOutcome::Imported(Imported::Unchanged {
            snapshot,
            inventory_date,
        }) => println!(
            "Glacier's inventory of vault {} has not changed since the one of {inventory_date}, already cached as snapshot {snapshot}; nothing new to import",
            printable(&vault.name)
        ),
        FetchOutcome::Pending(fetch) => {
            let vault = printable(&fetch.vault.name);
            println!(
                "continue with: defrost inventory fetch --vault {vault} --wait (or run 'defrost inventory fetch --vault {vault}' again later: it picks this job up)"
            )
        }
    }
}

/// The first page's InitiateJob parameters, checked as `defrost params inventory` checks them.
fn first_page_params(args: &FetchArgs) -> anyhow::Result<JobParams> {
    let request = args.selection.request(args.limit.clone());
    Ok(validate(&request, None)?)
}

fn announce_started(page: &StartedPage, now: OffsetDateTime) {
    println!(
        "started inventory job {} on vault {}",
        printable(&page.job.job_id),
        printable(&page.job.vault)
    );
    println!("{}", expected_line(page, now));
}

fn announce_continued(fetch: &Fetch, now: OffsetDateTime) {
    let last = fetch.last();
    let state = match effective_status(&last.job, now) {
        JobStatus::InProgress => "in progress",
        _ => "ready",
    };
    println!(
        "continuing inventory job {} on vault {} (page {}, {state}) instead of starting another; it keeps the options it was started with",
        printable(&last.job.job_id),
        printable(&fetch.vault.name),
        last.page
    );
    if state == "in progress" {
        println!("{}", expected_line(last, now));
    }
}

/// `expected ready in 2h 15m to 4h 15m (2026-11-29 12:00 UTC to 14:00 UTC)`, or
/// one figure when the span rounds to one.
fn expected_line(page: &StartedPage, now: OffsetDateTime) -> String {
    let expected = expected_completion(&page.job);
    let left =
        |at: OffsetDateTime| short_duration(u64::try_from((at - now).whole_seconds()).unwrap_or(0));
    let (soonest, latest) = (left(expected.earliest), left(expected.latest));
    if soonest == latest {
        return format!(
            "expected ready in about {soonest} ({})",
            minute(expected.latest)
        );
    }
    format!(
        "expected ready in {soonest} to {latest} ({} to {})",
        minute(expected.earliest),
        minute(expected.latest)
    )
}

fn spinner() -> ProgressBar {
    let spinner = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// Progress on the spinner (hidden off a terminal); lasting news on stdout.
fn show(spinner: &ProgressBar, event: &FetchEvent<'_>) {
    match event {
        FetchEvent::Watch(WatchEvent::Sleeping { until }) => spinner.set_message(format!(
            "inventory job in progress; next look at {}",
            minute(*until)
        )),
        FetchEvent::Watch(watch) => {
            if let Some((job, _)) = watch.transition() {
                spinner.suspend(|| {
                    println!(
                        "inventory job {} is {}",
                        printable(&job.job_id),
                        status_word(job.status)
                    )
                });
            }
        }
        FetchEvent::PageStarted(page) => spinner.suspend(|| {
            println!(
                "the inventory continues: started inventory job {} for page {}",
                printable(&page.job.job_id),
                page.page
            )
        }),
        FetchEvent::Downloaded { page, bytes } => spinner.set_message(format!(
            "downloaded page {page} ({})",
            size(u128::from(*bytes))
        )),
        FetchEvent::Importing(progress) => {
            spinner.set_message(format!("importing: {} archives", progress.archives))
        }
    }
}

fn status_word(status: JobStatus) -> &'static str {
    match status {
        JobStatus::InProgress => "in progress",
        JobStatus::Succeeded => "ready",
        JobStatus::Failed => "failed",
        JobStatus::Expired => "expired",
    }
}

//! `defrost restore`: many archives at once, from a folder, a filter, a file of
//! ids or the whole vault. Shows what it would do and cost, asks, journals the
//! batch, then starts its jobs at a bounded pace and downloads each output as
//! it becomes ready, until every archive is restored or given up. Run again (or
//! with `--resume B3`), it goes on where it stopped.

pub(crate) mod select;
pub(crate) mod view;

use std::collections::HashSet;
use std::io::IsTerminal as _;
use std::path::PathBuf;

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_snapshot, open_store};
use crate::commands::shared_args::JsonLines;
use crate::domain::batch::pacing::DEFAULT_REQUESTS_PER_SECOND;
use crate::domain::cost::PriceTable;
use crate::domain::job_params::Tier;
use crate::domain::range::parse_size;
use crate::glacier::{GlacierApi as _, SdkGlacier};
use crate::store::{BatchEntry, BatchId, BatchLimits, Store, VaultKey};
use crate::tracking::batch::{BatchArchive, BatchRequest, RunOptions, prepare_batch, record_batch};
pub use select::SelectionArgs;

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The vault's name
    #[arg(long, value_name = "NAME", required_unless_present = "resume")]
    pub vault: Option<String>,

    /// The vault's account ID [default: - (the account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    #[command(flatten)]
    pub selection: Option<SelectionArgs>,

    /// The folder to restore into (made if missing); each archive lands under
    /// its decoded name
    #[arg(long, value_name = "DIR", required_unless_present = "resume")]
    pub to: Option<PathBuf>,

    /// Bulk (cheapest, 5-12 hours), Standard (3-5 hours) or Expedited (1-5 minutes)
    #[arg(long, value_name = "TIER", default_value = "Bulk")]
    pub tier: String,

    /// Start at most this many bytes of archives in any hour (units allowed:
    /// 500GiB); the vault's retrieval policy applies too
    #[arg(long, value_name = "SIZE")]
    pub max_bytes_per_hour: Option<String>,

    /// Keep at most this many jobs started and not yet downloaded
    #[arg(long, value_name = "N")]
    pub max_jobs_in_flight: Option<u32>,

    /// Send at most this many InitiateJob requests per second
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REQUESTS_PER_SECOND)]
    pub requests_per_second: f64,

    /// Go on with batch B3 (as `defrost batches` names it)
    #[arg(long, value_name = "BATCH", conflicts_with_all = ["vault", "selection", "to"])]
    pub resume: Option<String>,

    /// Start without asking
    #[arg(long)]
    pub yes: bool,

    /// Return once every archive has its job; the next run downloads them
    #[arg(long)]
    pub no_wait: bool,

    #[command(flatten)]
    pub output: JsonLines,
}

pub fn run(global: &GlobalOpts, args: RestoreArgs) -> anyhow::Result<()> {
    let rate = args.requests_per_second;
    if !(rate.is_finite() && rate > 0.0) {
        return Err(BadInput(format!(
            "--requests-per-second {rate} is not a rate; give a number above 0, for example 5"
        ))
        .into());
    }
    let mut store = open_store(global)?;
    let options = RunOptions {
        no_wait: args.no_wait,
        requests_per_second: rate,
        started_by: crate::tracking::started_by_here(),
    };
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let batch = match &args.resume {
            Some(id) => resume_batch(&store, id)?,
            None => match new_or_unfinished(global, &args, &glacier, &mut store).await? {
                Some(batch) => batch,
                None => return anyhow::Ok(()),
            },
        };
        view::follow(&glacier, &mut store, &batch, &options, args.output.json).await
    })
}

fn resume_batch(store: &Store, id: &str) -> anyhow::Result<BatchEntry> {
    let id: BatchId = id
        .parse()
        .map_err(|err| BadInput(format!("--resume: {err}")))?;
    let batch = store.batch(id)?.ok_or_else(|| {
        BadInput(format!(
            "the journal has no batch {id}; 'defrost batches' lists them"
        ))
    })?;
    if let Some(at) = &batch.given_up_at {
        return Err(BadInput(format!(
            "batch {id} was given up at {at}, so it is not resumed; run 'defrost restore' with its selection and folder (no --resume) for a new batch, which reuses what {id} restored"
        ))
        .into());
    }
    if let Some(target) = store.batch_bucket(id)? {
        return Err(BadInput(format!(
            "batch {id} copies to s3://{}/{}, not into a folder; run the 'defrost migrate' command that made it again to go on with it",
            crate::text::printable(&target.bucket),
            crate::text::printable(&target.prefix)
        ))
        .into());
    }
    Ok(batch)
}

/// The batch this command asks for: the unfinished one it made before (the
/// same vault, selection and folder), or a new one once the user agrees.
async fn new_or_unfinished(
    global: &GlobalOpts,
    args: &RestoreArgs,
    glacier: &SdkGlacier,
    store: &mut Store,
) -> anyhow::Result<Option<BatchEntry>> {
    let request = request(args, glacier.region())?;
    let vault = store.find_vault(
        &request.vault.name,
        args.account.as_deref().filter(|account| *account != "-"),
        global.region.as_deref(),
    )?;
    let (_, snapshot) = open_snapshot(store, &vault, None)?;
    let selection_args = args.selection.as_ref().ok_or_else(|| {
        BadInput(
            "say which archives to restore: --under FOLDER, --filter TEXT, --ids FILE or --all"
                .into(),
        )
    })?;
    let (selection, archives) = select::select(&snapshot, selection_args)?;
    drop(snapshot);
    let request = BatchRequest {
        selection,
        ..request
    };
    if let Some(earlier) = unfinished(store, &request, &archives)? {
        eprintln!(
            "going on with batch {} ({} archives, made {})",
            earlier.id, earlier.archives, earlier.made_at
        );
        return Ok(Some(earlier));
    }
    let prices = PriceTable::published().context("the published prices")?;
    let now = OffsetDateTime::now_utc();
    let prepared = prepare_batch(glacier, store, request, archives, &prices, now).await?;
    if !(args.output.json && args.yes) {
        eprint!("{}", view::summary(&prepared, &prices));
    }
    if prepared.summary.to_start.archives > 0 && !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(BadInput(
                "standard input is not a terminal, so defrost cannot ask before starting paid retrieval jobs; add --yes to start them without asking".into(),
            )
            .into());
        }
        let question = format!(
            "Start {} job(s)? [y/N] ",
            prepared.summary.to_start.archives
        );
        if !crate::commands::retrieve::confirm(&question)? {
            eprintln!("nothing was started");
            return Ok(None);
        }
    }
    let id = record_batch(store, &prepared, OffsetDateTime::now_utc())?;
    Ok(store.batch(id)?)
}

/// The request the options make, before the selection is read.
fn request(args: &RestoreArgs, region: &str) -> anyhow::Result<BatchRequest> {
    let tier: Tier = args.tier.parse().context("--tier")?;
    let max_bytes_per_hour = args
        .max_bytes_per_hour
        .as_deref()
        .map(|text| parse_size(text).context("--max-bytes-per-hour"))
        .transpose()?;
    if args.max_jobs_in_flight == Some(0) {
        return Err(BadInput(
            "--max-jobs-in-flight 0 would never start a job; give 1 or more".into(),
        )
        .into());
    }
    let to = args.to.clone().unwrap_or_default();
    std::fs::create_dir_all(&to).map_err(|err| {
        BadInput(format!(
            "cannot make the folder {} ({err}); give --to a folder you can write",
            to.display()
        ))
    })?;
    Ok(BatchRequest {
        vault: VaultKey {
            account: args.account.clone().unwrap_or_else(|| "-".into()),
            region: region.to_owned(),
            name: args.vault.clone().unwrap_or_default(),
        },
        selection: crate::store::BatchSelection::All,
        tier,
        to,
        limits: BatchLimits {
            max_bytes_per_hour,
            max_jobs_in_flight: args.max_jobs_in_flight,
        },
        made_by: crate::tracking::started_by_here(),
    })
}

/// An earlier batch of the same vault, selection and folder, not given up,
/// that holds exactly the archives selected now: the same command run again.
/// Ids read from another file (or standard input) or an inventory that
/// changed select other archives, and make a new batch, which reuses what
/// the earlier one restored or started.
fn unfinished(
    store: &Store,
    request: &BatchRequest,
    archives: &[BatchArchive],
) -> anyhow::Result<Option<BatchEntry>> {
    let folder = std::fs::canonicalize(&request.to)?.display().to_string();
    let found = store
        .batches(Some(&request.vault))?
        .into_iter()
        .rev()
        .find(|batch| {
            batch.given_up_at.is_none()
                && batch.to == folder
                && batch.selection.kind() == request.selection.kind()
                && batch.selection.text() == request.selection.text()
        });
    let Some(batch) = found else {
        return Ok(None);
    };
    let selected: HashSet<&str> = (archives.iter())
        .map(|archive| archive.archive.archive_id.as_str())
        .collect();
    let same = store.batch_holds_exactly(batch.id, &selected)?;
    Ok(same.then_some(batch))
}

//! `defrost retrieve`: plans the retrieval of an archive (whole, or a range by the
//! same rules as `defrost range`), shows each job's exact parameters, offers jobs
//! already retrieving the same bytes, asks, then starts the rest through
//! `tracking::launch`, which journals each one before it is sent.

mod renew;
mod view;

/// Asks a yes/no question on the terminal; no unless answered y or yes.
pub(crate) fn confirm(question: &str) -> anyhow::Result<bool> {
    view::confirm(question, false)
}

use std::io::IsTerminal as _;

use anyhow::Context;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::open_store;
use crate::commands::shared_args::{GlacierVault, JsonLines};
use crate::domain::job::TrackedJob;
use crate::domain::range::{PlanKind, RangeSpec, parse_size};
use crate::glacier::GlacierApi as _;
use crate::glacier::SdkGlacier;
use crate::store::{ArchiveRow, Store};
use crate::tracking::launch::{
    LaunchRequest, PlanError, PlannedRetrieval, RetrievalRequest, find_reusable, launch_plan,
    plan_jobs,
};

#[derive(Debug, clap::Args)]
pub struct RetrieveArgs {
    #[command(flatten)]
    pub vault: GlacierVault,

    /// The archive's id, as the vault inventory lists it
    #[arg(
        long,
        value_name = "ID",
        allow_hyphen_values = true,
        required_unless_present = "renew"
    )]
    pub archive_id: Option<String>,

    /// Start again only the jobs of plan PLAN (as `defrost jobs` names it, P12)
    /// whose output expired or failed before it was downloaded; what is already
    /// downloaded stays. Takes --tier to change the tier
    #[arg(
        long,
        value_name = "PLAN",
        conflicts_with_all = ["archive_id", "range", "plan", "size", "sns_topic", "no_reuse"]
    )]
    pub renew: Option<String>,

    /// Retrieve only these bytes (as `defrost range --want` reads them:
    /// START-END, START-, LEN, START+LEN; units allowed) [default: the whole archive]
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    pub range: Option<String>,

    /// How the range becomes jobs: mib (fewest bytes, no checksum), tree (one
    /// checksummed job, maybe extra bytes) or split (checksummed jobs, no extra
    /// bytes) [default: split]
    #[arg(long, value_enum, value_name = "mib|tree|split")]
    pub plan: Option<PlanKind>,

    /// The archive's size, when no cached inventory lists it (needed for a range)
    #[arg(long, value_name = "BYTES", allow_hyphen_values = true)]
    pub size: Option<String>,

    /// Standard (Glacier's default), Expedited or Bulk
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,

    /// The ARN of an SNS topic to notify when each job completes
    #[arg(long, value_name = "ARN")]
    pub sns_topic: Option<String>,

    /// Start without asking (and reuse a matching job without asking)
    #[arg(long)]
    pub yes: bool,

    /// Start new jobs even where a running or ready job retrieves the same bytes
    #[arg(long)]
    pub no_reuse: bool,

    #[command(flatten)]
    pub output: JsonLines,
}

impl RetrieveArgs {
    /// The archive asked for; clap requires it unless a plan is renewed.
    fn archive_id(&self) -> &str {
        self.archive_id.as_deref().unwrap_or_default()
    }
}

pub fn run(global: &GlobalOpts, args: RetrieveArgs) -> anyhow::Result<()> {
    if let Some(plan) = &args.renew {
        return renew::run(global, &args, plan);
    }
    if args.plan.is_some() && args.range.is_none() {
        return Err(BadInput(
            "--plan says how to cut a byte range into jobs, but no --range was given; give --range START-END, or leave out --plan to retrieve the whole archive".into(),
        )
        .into());
    }
    let given_size = args
        .size
        .as_deref()
        .map(|text| parse_size(text).context("--size"))
        .transpose()?;
    let spec = args
        .range
        .as_deref()
        .map(|text| RangeSpec::parse(text).context("--range"))
        .transpose()?;
    refuse_to_ask_without_a_terminal(args.yes)?;
    let mut store = open_store(global)?;
    let cached = cached_archive(&store, global, &args);
    let planned = plan(&args, spec.as_ref(), cached.as_ref(), given_size)?;
    // A script that asks for JSON and for no questions gets the JSON Lines alone.
    if !(args.output.json && args.yes) {
        view::show_plan(&planned, cached.as_ref(), args.output.json)?;
    }
    crate::commands::block_on(launch(global, &args, &mut store, planned))
}

/// A question needs someone at a terminal to answer it.
fn refuse_to_ask_without_a_terminal(yes: bool) -> Result<(), BadInput> {
    if yes || std::io::stdin().is_terminal() {
        return Ok(());
    }
    Err(BadInput(
        "standard input is not a terminal, so defrost cannot ask before starting paid retrieval jobs; add --yes to start them without asking".into(),
    ))
}

/// The request planned, with the archive's size from the cached inventory or
/// `--size`.
fn plan(
    args: &RetrieveArgs,
    spec: Option<&RangeSpec>,
    cached: Option<&ArchiveRow>,
    given_size: Option<u64>,
) -> anyhow::Result<PlannedRetrieval> {
    let size = archive_size(cached, given_size)?;
    let want = match (spec, size) {
        (None, _) => None,
        (Some(_), None) => {
            return Err(PlanError::NeedsSize {
                archive_id: crate::text::printable(args.archive_id()),
            }
            .into());
        }
        (Some(spec), Some(size)) => Some(spec.resolve(Some(size)).context("--range")?),
    };
    let mut planned = plan_jobs(&RetrievalRequest {
        archive_id: args.archive_id().to_owned(),
        archive_size: size,
        want,
        plan: args.plan.unwrap_or(PlanKind::Split),
        tier: args.tier.clone(),
        sns_topic: args.sns_topic.clone(),
    })?;
    // The plan records the archive as the inventory had it.
    planned.archive_name = cached.map(|archive| archive.name.clone());
    planned.archive_tree_hash = cached.map(|archive| archive.sha256_tree_hash.clone());
    Ok(planned)
}

async fn launch(
    global: &GlobalOpts,
    args: &RetrieveArgs,
    store: &mut Store,
    planned: PlannedRetrieval,
) -> anyhow::Result<()> {
    let glacier = SdkGlacier::connect(&global.connect_options()).await?;
    let vault = args.vault.key(glacier.region());
    let now = OffsetDateTime::now_utc();
    let reuse = if args.no_reuse {
        Vec::new()
    } else {
        let found = find_reusable(&glacier, store, &vault, &planned, now).await?;
        choose_reuse(found, args.yes, now)?
    };
    let to_start = planned.jobs.len() - reuse.iter().flatten().count();
    if to_start > 0
        && !args.yes
        && !view::confirm(&format!("Start {to_start} job(s)? [y/N] "), false)?
    {
        eprintln!("nothing was started");
        return Ok(());
    }
    let request = LaunchRequest {
        vault,
        planned,
        reuse,
        started_by: crate::tracking::started_by_here(),
    };
    let outcome = launch_plan(&glacier, store, &request, OffsetDateTime::now_utc()).await;
    let (plan, started) = match &outcome {
        Ok(report) => (Some(report.plan), report.jobs.as_slice()),
        Err(err) => (None, err.started()),
    };
    view::show_jobs(&request, plan, started, args.output.json)?;
    let report = outcome?;
    if !args.output.json {
        view::show_next_steps(&args.vault.vault, report.plan);
    }
    Ok(())
}

/// Keeps each found job the user agrees to reuse: all of them with `--yes`.
fn choose_reuse(
    found: Vec<Option<TrackedJob>>,
    yes: bool,
    now: OffsetDateTime,
) -> anyhow::Result<Vec<Option<TrackedJob>>> {
    let mut chosen = Vec::with_capacity(found.len());
    for job in found {
        let keep = match &job {
            None => false,
            Some(job) if yes => {
                let line = view::reusable_line(job, now);
                eprintln!("{line}; reusing it (--no-reuse starts a new job)");
                true
            }
            Some(job) => {
                eprintln!("{}", view::reusable_line(job, now));
                view::confirm("Reuse it? [Y/n] ", true)?
            }
        };
        chosen.push(job.filter(|_| keep));
    }
    Ok(chosen)
}

/// The archive as the vault's newest cached inventory lists it, if one does.
fn cached_archive(store: &Store, global: &GlobalOpts, args: &RetrieveArgs) -> Option<ArchiveRow> {
    store
        .find_vault(
            &args.vault.vault,
            // `-` is the signer's account, which an imported inventory names by number.
            args.vault
                .account
                .as_deref()
                .filter(|account| *account != "-"),
            global.region.as_deref(),
        )
        .and_then(|vault| store.snapshot_of(&vault, None))
        .and_then(|info| store.open_snapshot(&info))
        .and_then(|snapshot| snapshot.find_archive(args.archive_id()))
        .ok()
        .flatten()
}

/// The size the inventory lists, or the one given; both must agree.
pub(crate) fn archive_size(
    cached: Option<&ArchiveRow>,
    given: Option<u64>,
) -> Result<Option<u64>, BadInput> {
    match (cached.map(|archive| archive.size), given) {
        (Some(listed), Some(given)) if listed != given => Err(BadInput(format!(
            "--size {given} disagrees with the cached inventory, which lists this archive at {listed} bytes; leave out --size"
        ))),
        (listed, given) => Ok(listed.or(given)),
    }
}

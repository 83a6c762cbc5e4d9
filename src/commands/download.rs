//! `defrost download PLAN_OR_JOB_ID --vault NAME --to DIR`: every ready job of a
//! retrieval plan into a folder the user chose, verified chunk by chunk and
//! resumable, and once the last is in, the plan's finished file: the whole
//! archive as its name, or exactly the wanted bytes as `NAME.bytes-START-END`.
//! The engine is `tracking::download`; this front end draws the progress bar and
//! words the outcome, with the command line's options where it names a remedy
//! (`commands::wording`).

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_store, size};
use crate::glacier::GlacierApi as _;
use crate::glacier::SdkGlacier;
use crate::store::{PlanId, Store, VaultKey};
use crate::tracking::download::{PlanOutcome, PlanTarget, download_plan, resolve_plan};

mod all_ready;
mod words;

pub(crate) use words::outcome_lines;

#[derive(Debug, clap::Args)]
pub struct DownloadArgs {
    /// The plan (P12) or any job of it (see 'defrost jobs'): every ready job of
    /// the plan is downloaded, and its file finished once all are in
    // Glacier ids may begin with `-`.
    #[arg(
        value_name = "PLAN_OR_JOB_ID",
        conflicts_with = "all_ready",
        allow_hyphen_values = true
    )]
    pub job_id: Option<String>,

    /// The plan's vault; with --all-ready, only this vault's plans [default:
    /// every vault in the region]
    #[arg(long, value_name = "NAME")]
    pub vault: Option<String>,

    /// The folder to restore into; nothing is written outside it
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,

    /// Replace a file of the same archive that is already there
    #[arg(long)]
    pub overwrite: bool,

    /// Download every ready job not downloaded yet, finishing each plan whose
    /// last job is in
    #[arg(long)]
    pub all_ready: bool,

    /// The vaults' account ID [default: - (the account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    /// Print one JSON object per plan (JSON Lines) instead of sentences
    #[arg(long)]
    pub json: bool,
}

pub fn run(global: &GlobalOpts, args: DownloadArgs) -> anyhow::Result<()> {
    if !args.to.is_dir() {
        return Err(BadInput(format!(
            "--to {} is not a folder; create it first or name another",
            crate::text::printable(&args.to.display().to_string())
        ))
        .into());
    }
    if args.all_ready {
        return all_ready::run(global, &args);
    }
    let (Some(id), Some(vault)) = (&args.job_id, &args.vault) else {
        return Err(BadInput(match &args.job_id {
            None => "name the plan or job to download (see 'defrost jobs'), or give --all-ready for every ready one".into(),
            Some(_) => "give the plan's vault with --vault NAME".into(),
        })
        .into());
    };
    let mut store = open_store(global)?;
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let key = VaultKey {
            account: args.account.clone().unwrap_or_else(|| "-".into()),
            region: glacier.region().to_owned(),
            name: vault.clone(),
        };
        let now = OffsetDateTime::now_utc();
        let plan = resolve_plan(&glacier, &mut store, &key, id, now).await?;
        let outcome = download_with_bar(&glacier, &mut store, plan, &args).await?;
        let now = OffsetDateTime::now_utc();
        // Nothing could be fetched: the user asked too early (or too late), and
        // is told so as a refusal, with what each job waits for.
        if outcome.finished.is_none() && outcome.fetched.is_empty() {
            if args.json {
                print_outcome(&outcome, &args, now);
            }
            return Err(BadInput(outcome_lines(&outcome, now).join("; ")).into());
        }
        print_outcome(&outcome, &args, now);
        anyhow::Ok(())
    })
}

/// The outcome as sentences, or as one JSON line.
pub(crate) fn print_outcome(outcome: &PlanOutcome, args: &DownloadArgs, now: OffsetDateTime) {
    if args.json {
        println!("{}", words::outcome_json(outcome, now));
    } else {
        for line in outcome_lines(outcome, now) {
            println!("{line}");
        }
    }
}

/// Downloads a plan's ready jobs with a progress bar on a terminal: what
/// `download PLAN` does, and what `--all-ready` does for each plan.
pub(crate) async fn download_with_bar(
    glacier: &SdkGlacier,
    store: &mut Store,
    plan: PlanId,
    args: &DownloadArgs,
) -> anyhow::Result<PlanOutcome> {
    let target = PlanTarget {
        plan,
        to: &args.to,
        overwrite: args.overwrite,
    };
    let mut bar: Option<ProgressBar> = None;
    let now = OffsetDateTime::now_utc();
    let outcome = download_plan(glacier, store, &target, now, |progress| {
        let bar = bar.get_or_insert_with(|| progress_bar(progress.total));
        bar.set_position(progress.done);
        if progress.jobs > 1 {
            bar.set_message(format!("job {} of {}", progress.job, progress.jobs));
        }
    })
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(outcome?)
}

fn progress_bar(length: u64) -> ProgressBar {
    let bar = ProgressBar::new(length).with_style(
        ProgressStyle::with_template(
            "{spinner} downloading [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ({eta} left) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A size as the tables write it.
pub(crate) fn shown_size(bytes: u64) -> String {
    size(u128::from(bytes))
}

//! `defrost download JOB_ID --vault NAME --to DIR`: a finished job's output into a
//! folder the user chose, verified chunk by chunk and resumable, by the engine in
//! `tracking::download`. This front end draws the progress bar and words the
//! outcome; the engine's remedies get the command line's options where they are
//! printed (`commands::wording`).

use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_store, size};
use crate::glacier::GlacierApi as _;
use crate::glacier::SdkGlacier;
use crate::store::Store;
use crate::text::printable;
use crate::tracking::download::{DownloadTarget, Downloaded, Finished, download_job};

mod all_ready;

#[derive(Debug, clap::Args)]
pub struct DownloadArgs {
    /// The job whose output to download (see 'defrost jobs')
    // Glacier ids may begin with `-`.
    #[arg(
        value_name = "JOB_ID",
        conflicts_with = "all_ready",
        allow_hyphen_values = true
    )]
    pub job_id: Option<String>,

    /// The job's vault; with --all-ready, only this vault's jobs [default: every
    /// vault in the region]
    #[arg(long, value_name = "NAME")]
    pub vault: Option<String>,

    /// The folder to restore into; nothing is written outside it
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,

    /// Replace a file that is already there
    #[arg(long)]
    pub overwrite: bool,

    /// Download every archive job whose output is ready and not downloaded yet
    #[arg(long)]
    pub all_ready: bool,

    /// The vaults' account ID, with --all-ready [default: - (the account of your
    /// credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
}

pub fn run(global: &GlobalOpts, args: DownloadArgs) -> anyhow::Result<()> {
    if !args.to.is_dir() {
        return Err(BadInput(format!(
            "--to {} is not a folder; create it first or name another",
            args.to.display()
        ))
        .into());
    }
    if args.all_ready {
        return all_ready::run(global, &args);
    }
    let (Some(job_id), Some(vault)) = (&args.job_id, &args.vault) else {
        return Err(BadInput(match &args.job_id {
            None => "name the job to download (see 'defrost jobs'), or give --all-ready for every ready one".into(),
            Some(_) => "give the job's vault with --vault NAME".into(),
        })
        .into());
    };
    let mut store = open_store(global)?;
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let target = DownloadTarget {
            vault,
            region: glacier.region(),
            job_id,
            to: &args.to,
            overwrite: args.overwrite,
        };
        let downloaded = download_with_bar(&glacier, &mut store, &target).await?;
        println!("{}", summary(&downloaded));
        anyhow::Ok(())
    })
}

/// Downloads one job's output with a progress bar on a terminal: what
/// `download JOB_ID` does, and what `--all-ready` does for each job. Errors are
/// worded for the command line when printed (`commands::wording`).
pub(crate) async fn download_with_bar(
    glacier: &SdkGlacier,
    store: &mut Store,
    target: &DownloadTarget<'_>,
) -> anyhow::Result<Downloaded> {
    let mut bar: Option<ProgressBar> = None;
    let outcome = download_job(glacier, store, target, |progress| {
        let bar = bar.get_or_insert_with(|| progress_bar(progress.total_bytes));
        bar.set_position(progress.verified_bytes);
    })
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(outcome?)
}

/// What happened, in one printable line.
pub(crate) fn summary(downloaded: &Downloaded) -> String {
    let shown = printable(&downloaded.shown.display().to_string());
    match &downloaded.finished {
        Finished::Whole {
            tree_hash,
            resumed_chunks,
        } => format!(
            "verified {} into {shown} (tree hash {tree_hash}){}",
            size(u128::from(downloaded.output_length)),
            resumed_note(*resumed_chunks)
        ),
        Finished::LastRange { tree_hash } => format!(
            "verified the last range; the whole archive is in {shown} (tree hash {tree_hash})"
        ),
        Finished::RangeOfPlan { verified, total } => format!(
            "verified this range into {shown}.part; {} of {} are in, download the plan's other jobs with the same --to",
            size(u128::from(*verified)),
            size(u128::from(*total))
        ),
    }
}

fn resumed_note(resumed: u64) -> String {
    match resumed {
        0 => String::new(),
        n => format!("; {n} chunks were already verified by an earlier run"),
    }
}

fn progress_bar(length: u64) -> ProgressBar {
    let bar = ProgressBar::new(length).with_style(
        ProgressStyle::with_template(
            "{spinner} downloading [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ({eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

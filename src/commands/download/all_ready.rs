//! `defrost download --all-ready --to DIR`: every archive job whose output is ready
//! and not downloaded yet, each as `defrost download JOB_ID` does it. One failure
//! does not stop the others; a summary lists what became of each job.

use time::OffsetDateTime;

use super::{DownloadArgs, download_with_bar, summary};
use crate::cli::GlobalOpts;
use crate::commands::cached::open_store;
use crate::commands::jobs::synced_journal;
use crate::commands::{BadInput, exit_code_for, one_line};
use crate::domain::job::{JobStatus, effective_status};
use crate::domain::job_params::JobKind;
use crate::glacier::SdkGlacier;
use crate::store::{JournalEntry, OutputUse, Store};
use crate::text::printable;
use crate::tracking::download::DownloadTarget;

/// What became of one ready job.
enum Outcome {
    Downloaded(String),
    Failed(anyhow::Error),
    Skipped(String),
}

pub fn run(global: &GlobalOpts, args: &DownloadArgs) -> anyhow::Result<()> {
    let mut store = open_store(global)?;
    let outcomes = crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let entries = synced_journal(
            &glacier,
            &mut store,
            args.vault.as_deref(),
            args.account.as_deref(),
        )
        .await?;
        let now = OffsetDateTime::now_utc();
        let ready: Vec<JournalEntry> = entries
            .into_iter()
            .filter(|entry| {
                let state = entry.state.as_ref();
                state.is_some_and(|job| effective_status(job, now) == JobStatus::Succeeded)
            })
            .collect();
        let mut outcomes = Vec::with_capacity(ready.len());
        for entry in ready {
            let outcome = download_entry(&glacier, &mut store, args, &entry).await;
            report(&entry, &outcome);
            outcomes.push(outcome);
        }
        anyhow::Ok(outcomes)
    })?;
    summarise(&outcomes)
}

/// Downloads one ready job, unless it is an inventory or already downloaded.
async fn download_entry(
    glacier: &SdkGlacier,
    store: &mut Store,
    args: &DownloadArgs,
    entry: &JournalEntry,
) -> Outcome {
    let (Some(job_id), Some(job)) = (entry.job_id.as_deref(), entry.state.as_ref()) else {
        return Outcome::Skipped("not started".into());
    };
    if job.kind == JobKind::InventoryRetrieval {
        return Outcome::Skipped(format!(
            "an inventory: 'defrost inventory fetch --vault {}' imports it",
            printable(&entry.vault.name)
        ));
    }
    match already_downloaded(store, entry) {
        Ok(Some(file)) => return Outcome::Skipped(format!("already downloaded to {file}")),
        Ok(None) => {}
        Err(err) => return Outcome::Failed(err),
    }
    let target = DownloadTarget {
        vault: &entry.vault.name,
        region: &entry.vault.region,
        job_id,
        to: &args.to,
        overwrite: args.overwrite,
    };
    // The engine journals the download, so the next run skips it.
    match download_with_bar(glacier, store, &target).await {
        Ok(downloaded) => Outcome::Downloaded(summary(&downloaded)),
        Err(err) => Outcome::Failed(err),
    }
}

/// Where the job's output was downloaded to, if it was.
fn already_downloaded(store: &Store, entry: &JournalEntry) -> anyhow::Result<Option<String>> {
    let downloaded = store.jobs_whose_output_was(OutputUse::Downloaded)?;
    if !downloaded.contains(&entry.id) {
        return Ok(None);
    }
    let file = store
        .job_events(entry.id)?
        .into_iter()
        .rev()
        .find(|event| event.what == OutputUse::Downloaded.as_str())
        .and_then(|event| event.message)
        .unwrap_or_default();
    Ok(Some(printable(&file)))
}

fn report(entry: &JournalEntry, outcome: &Outcome) {
    let job = printable(entry.job_id.as_deref().unwrap_or("(not started)"));
    match outcome {
        Outcome::Downloaded(summary) => println!("downloaded {job}: {summary}"),
        Outcome::Skipped(why) => println!("skipped {job}: {why}"),
        Outcome::Failed(err) => println!("failed {job}: {}", one_line(err)),
    }
}

/// The closing line; an error (exit 2 if every failure was the user's to fix,
/// else 1) when any download failed.
fn summarise(outcomes: &[Outcome]) -> anyhow::Result<()> {
    let count = |wanted: fn(&Outcome) -> bool| outcomes.iter().filter(|o| wanted(o)).count();
    let downloaded = count(|o| matches!(o, Outcome::Downloaded(_)));
    let skipped = count(|o| matches!(o, Outcome::Skipped(_)));
    let failures: Vec<&anyhow::Error> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Failed(err) => Some(err),
            _ => None,
        })
        .collect();
    if outcomes.is_empty() {
        println!("no job's output is ready to download; 'defrost jobs' shows every job");
        return Ok(());
    }
    println!(
        "{downloaded} downloaded, {} failed, {skipped} skipped",
        failures.len()
    );
    if failures.is_empty() {
        return Ok(());
    }
    let message = format!(
        "{} of {} ready jobs could not be downloaded (see above); fix what each says and run 'defrost download --all-ready' again",
        failures.len(),
        outcomes.len() - skipped
    );
    if failures.iter().all(|err| exit_code_for(err) == 2) {
        Err(BadInput(message).into())
    } else {
        Err(anyhow::anyhow!(message))
    }
}

//! `defrost download --all-ready --to DIR`: every plan with a job whose output is
//! ready, each as `defrost download PLAN` does it: its ready jobs fetched and,
//! once the last is in, its file finished, in whatever order the jobs became
//! ready and across runs. One failure does not stop the others; a summary says
//! what became of each plan.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::{DownloadArgs, download_with_bar, outcome_lines, print_outcome};
use crate::cli::GlobalOpts;
use crate::commands::cached::open_store;
use crate::commands::jobs::synced_journal;
use crate::commands::{BadInput, exit_code_for, one_line};
use crate::domain::job::{JobStatus, PlanShape, effective_status};
use crate::glacier::SdkGlacier;
use crate::store::{JournalEntry, PlanEntry, PlanId, PlanJob, Store, StoreError};
use crate::text::printable;

/// What became of one plan with a ready job.
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
        let plans: BTreeSet<PlanId> = entries
            .iter()
            .filter(|entry| {
                let state = entry.state.as_ref();
                state.is_some_and(|job| effective_status(job, now) == JobStatus::Succeeded)
            })
            .filter_map(|entry| entry.plan)
            .collect();
        let mut outcomes = Vec::with_capacity(plans.len());
        for plan in plans {
            let entry = store.plan(plan);
            let label = match &entry {
                Ok(Some(entry)) => label(entry),
                _ => format!("plan {plan}"),
            };
            let outcome = download_one(&glacier, &mut store, args, plan, entry).await;
            match &outcome {
                Outcome::Downloaded(summary) if !args.json => {
                    println!("downloaded {label}: {summary}");
                }
                Outcome::Downloaded(_) => {}
                Outcome::Skipped(why) => println!("skipped {label}: {why}"),
                Outcome::Failed(err) => println!("failed {label}: {}", one_line(err)),
            }
            outcomes.push(outcome);
        }
        anyhow::Ok(outcomes)
    })?;
    summarise(&outcomes)
}

/// Downloads one plan's ready jobs, unless it is an inventory or finished.
async fn download_one(
    glacier: &SdkGlacier,
    store: &mut Store,
    args: &DownloadArgs,
    plan: PlanId,
    entry: Result<Option<PlanEntry>, StoreError>,
) -> Outcome {
    let entry = match entry {
        Ok(Some(entry)) => entry,
        Ok(None) => return Outcome::Skipped("no longer in the journal".into()),
        Err(err) => return Outcome::Failed(err.into()),
    };
    if entry.shape == PlanShape::Inventory {
        return Outcome::Skipped(format!(
            "an inventory: 'defrost inventory fetch --vault {}' imports it",
            printable(&entry.vault.name)
        ));
    }
    if let Some(finished) = &entry.finished {
        return Outcome::Skipped(format!(
            "already downloaded to {}",
            printable(&finished.path)
        ));
    }
    match download_with_bar(glacier, store, plan, args).await {
        Ok(outcome) => {
            let now = OffsetDateTime::now_utc();
            if args.json {
                print_outcome(&outcome, args, now);
            }
            Outcome::Downloaded(outcome_lines(&outcome, now).join("; "))
        }
        Err(err) => Outcome::Failed(err),
    }
}

/// A plan of one job by its job id, as the journal lists it; a larger plan by
/// its own id.
fn label(entry: &PlanEntry) -> String {
    match entry.jobs.as_slice() {
        [
            PlanJob {
                entry:
                    JournalEntry {
                        job_id: Some(job_id),
                        ..
                    },
                ..
            },
        ] => printable(job_id),
        _ => format!("plan {}", entry.id),
    }
}

/// The closing line; an error (exit 2 if every failure was the user's to fix,
/// else 1) when any plan failed.
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
        "{} of {} plans with ready jobs could not be downloaded (see above); fix what each says and run 'defrost download --all-ready' again",
        failures.len(),
        outcomes.len() - skipped
    );
    if failures.iter().all(|err| exit_code_for(err) == 2) {
        Err(BadInput(message).into())
    } else {
        Err(anyhow::anyhow!(message))
    }
}

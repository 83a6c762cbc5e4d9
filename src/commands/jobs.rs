//! `defrost jobs`: every retrieval plan of the account's vaults in a region, each
//! with its jobs, from the journal after bringing it up to date with ListJobs
//! (jobs started by other tools are adopted on the way, each a plan of one), with
//! where each plan stands and the time left to download each job's output.

use std::collections::HashSet;
use std::io::Write as _;

use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::cached::open_store;
use crate::commands::shared_args::JsonLines;
use crate::domain::job::{JobStatus, TrackedJob, effective_status};
use crate::glacier::{GlacierApi, SdkGlacier};
use crate::store::{JournalEntry, JournalId, PlanEntry, PlanJob, Store, VaultKey};
use crate::tracking::sync_vault_jobs;

#[cfg(test)]
mod fixtures;
mod json;
mod table;
mod watch;

#[derive(Debug, clap::Args)]
pub struct JobsArgs {
    /// Only this vault's jobs [default: every vault in the region]
    #[arg(long, value_name = "NAME")]
    pub vault: Option<String>,

    /// The vaults' account ID [default: - (the account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    #[command(flatten)]
    pub output: JsonLines,

    /// Keep following the jobs in progress (each on its polling schedule) until
    /// none is left, announcing each one that finishes; Ctrl-C stops watching
    #[arg(long)]
    pub watch: bool,
}

pub fn run(global: &GlobalOpts, args: JobsArgs) -> anyhow::Result<()> {
    let mut store = open_store(global)?;
    let runtime = crate::commands::async_runtime()?;
    let (glacier, keys) = runtime.block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let keys = sync_vaults(
            &glacier,
            &mut store,
            args.vault.as_deref(),
            args.account.as_deref(),
        )
        .await?;
        anyhow::Ok((glacier, keys))
    })?;
    let listing = Listing::read(&store, &keys)?;
    let now = OffsetDateTime::now_utc();
    let mut out = std::io::stdout().lock();
    if args.output.json {
        json::write_lines(&mut out, &listing, now)?;
    } else if listing.is_empty() {
        eprintln!(
            "no retrieval jobs in these vaults in the last day or so, nor in defrost's journal"
        );
    } else {
        table::write_table(&mut out, &listing, now)?;
    }
    out.flush()?;
    drop(out);
    if args.watch {
        let style = watch::Style::choose(args.output.json);
        runtime.block_on(watch::run(&glacier, &mut store, listing, style))?;
    }
    Ok(())
}

/// Brings the journal up to date with ListJobs for `vault`, or for every vault in
/// the region, and returns the journal's entries for the vaults looked at.
pub(crate) async fn synced_journal(
    glacier: &SdkGlacier,
    store: &mut Store,
    vault: Option<&str>,
    account: Option<&str>,
) -> anyhow::Result<Vec<JournalEntry>> {
    let keys = sync_vaults(glacier, store, vault, account).await?;
    journal_of(store, &keys)
}

/// Brings the journal up to date with ListJobs for `vault`, or for every vault in
/// the region; the vaults looked at.
async fn sync_vaults(
    glacier: &SdkGlacier,
    store: &mut Store,
    vault: Option<&str>,
    account: Option<&str>,
) -> anyhow::Result<Vec<VaultKey>> {
    let names = match vault {
        Some(name) => vec![name.to_owned()],
        None => glacier
            .list_vaults()
            .await?
            .into_iter()
            .map(|v| v.name)
            .collect(),
    };
    let mut keys = Vec::with_capacity(names.len());
    for name in names {
        let key = VaultKey {
            account: account.unwrap_or("-").to_owned(),
            region: glacier.region().to_owned(),
            name,
        };
        sync_vault_jobs(glacier, store, &key, OffsetDateTime::now_utc()).await?;
        keys.push(key);
    }
    Ok(keys)
}

/// The journal's entries for the vaults `keys`, oldest first.
fn journal_of(store: &Store, keys: &[VaultKey]) -> anyhow::Result<Vec<JournalEntry>> {
    Ok(store
        .journal(None)?
        .into_iter()
        .filter(|entry| keys.contains(&entry.vault))
        .collect())
}

/// What `defrost jobs` shows: the plans of the vaults looked at, oldest first,
/// and every job of those vaults.
pub(crate) struct Listing {
    pub plans: Vec<PlanEntry>,
    /// In journal order; a job shown under no plan when its plan could not be
    /// read.
    pub entries: Vec<JournalEntry>,
}

impl Listing {
    /// The plans and jobs of the vaults `keys`. A plan record the journal cannot
    /// read does not hide the jobs: they are listed on their own, with a warning.
    fn read(store: &Store, keys: &[VaultKey]) -> anyhow::Result<Self> {
        let entries = journal_of(store, keys)?;
        let plans = match store.plans(None) {
            Ok(plans) => plans
                .into_iter()
                .filter(|plan| keys.contains(&plan.vault))
                .collect(),
            Err(err) => {
                eprintln!("defrost: warning: {err}");
                Vec::new()
            }
        };
        Ok(Self { plans, entries })
    }

    fn is_empty(&self) -> bool {
        self.plans.is_empty() && self.entries.is_empty()
    }

    /// The jobs no plan here owns (their plan could not be read), in journal
    /// order: shown after the plans, on their own.
    fn loose_entries(&self) -> Vec<&JournalEntry> {
        let owned: HashSet<JournalId> = self
            .plans
            .iter()
            .flat_map(|plan| owned_jobs(plan).map(|job| job.entry.id))
            .collect();
        self.entries
            .iter()
            .filter(|entry| !owned.contains(&entry.id))
            .collect()
    }

    /// Takes in a job's new state, wherever the job is shown; the job's entry.
    fn record(&mut self, job: &TrackedJob) -> Option<&JournalEntry> {
        let is_it = |entry: &JournalEntry| entry.job_id.as_deref() == Some(job.job_id.as_str());
        let listed = self.plans.iter_mut().flat_map(|plan| plan.jobs.iter_mut());
        for listed in listed.filter(|listed| is_it(&listed.entry)) {
            listed.entry.state = Some(job.clone());
        }
        let entry = self.entries.iter_mut().find(|entry| is_it(entry))?;
        entry.state = Some(job.clone());
        Some(entry)
    }
}

/// The jobs `plan` owns, in its order, leaving out those it reuses from an
/// earlier plan (they are that plan's).
fn owned_jobs(plan: &PlanEntry) -> impl Iterator<Item = &PlanJob> {
    plan.jobs
        .iter()
        .filter(move |job| job.entry.plan == Some(plan.id))
}

/// How many of the plan's current jobs have output ready to download at `now`.
fn jobs_ready(plan: &PlanEntry, now: OffsetDateTime) -> usize {
    plan.current_jobs()
        .into_iter()
        .filter(|job| {
            job.entry
                .state
                .as_ref()
                .map(|state| effective_status(state, now))
                == Some(JobStatus::Succeeded)
        })
        .count()
}

fn status_of(entry: &JournalEntry, now: OffsetDateTime) -> &'static str {
    match entry.state.as_ref().map(|job| effective_status(job, now)) {
        None => "not started",
        Some(JobStatus::InProgress) => "in progress",
        Some(JobStatus::Succeeded) => "ready",
        Some(JobStatus::Failed) => "failed",
        Some(JobStatus::Expired) => "expired",
    }
}

/// `23h 10m`, `5m`, `40s`.
pub(crate) fn short_duration(seconds: u64) -> String {
    match (seconds / 3600, seconds / 60 % 60) {
        (0, 0) => format!("{seconds}s"),
        (0, minutes) => format!("{minutes}m"),
        (hours, minutes) => format!("{hours}h {minutes}m"),
    }
}

pub(crate) fn minute(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::jobs::fixtures::{entry, member, plan, ready, running};

    #[test]
    fn a_new_state_reaches_the_job_under_every_plan_listing_it() {
        let now = OffsetDateTime::now_utc();
        let job = running("A", None, now);
        let shared = entry(1, 1, &job);
        let mut listing = Listing {
            plans: vec![
                plan(1, "a.jpg", None, vec![member(0, shared.clone())]),
                plan(2, "a.jpg", None, vec![member(0, shared.clone())]),
            ],
            entries: vec![shared],
        };
        assert_eq!(jobs_ready(&listing.plans[1], now), 0);
        let done = ready(&job, now);
        let recorded = listing.record(&done).map(|entry| entry.state.clone());
        assert_eq!(recorded, Some(Some(done.clone())));
        for plan in &listing.plans {
            assert_eq!(jobs_ready(plan, now), 1, "{}", plan.id);
        }
        assert!(listing.record(&running("unknown", None, now)).is_none());
        assert!(listing.loose_entries().is_empty(), "P1 owns the job");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(short_duration(40), "40s");
        assert_eq!(short_duration(5 * 60 + 3), "5m");
        assert_eq!(short_duration(23 * 3600 + 10 * 60), "23h 10m");
    }
}

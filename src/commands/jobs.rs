//! `defrost jobs`: every retrieval job of the account's vaults in a region, from
//! the journal after bringing it up to date with ListJobs (jobs started by other
//! tools are adopted on the way), with the time left to download each output.

use std::io::Write as _;

use serde::Serialize;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::cached::open_store;
use crate::commands::inventory::print_table;
use crate::commands::shared_args::JsonLines;
use crate::domain::job::{JobStatus, effective_status, output_window_end, time_left};
use crate::glacier::{GlacierApi, SdkGlacier};
use crate::store::{JournalEntry, Store, VaultKey, snapshot_time};
use crate::text::printable;
use crate::tracking::sync_vault_jobs;

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

#[derive(Serialize)]
struct JobJson<'a> {
    journal_id: i64,
    /// The plan the job belongs to (`P12`); `defrost download P12` finishes it.
    plan: Option<String>,
    vault: &'a str,
    region: &'a str,
    job_id: Option<&'a str>,
    kind: Option<&'a str>,
    tier: Option<&'a str>,
    status: &'static str,
    started: Option<String>,
    completed: Option<String>,
    output_available_until: Option<String>,
    archive_id: Option<&'a str>,
    range: Option<String>,
    adopted: bool,
    started_by: &'a str,
}

pub fn run(global: &GlobalOpts, args: JobsArgs) -> anyhow::Result<()> {
    let mut store = open_store(global)?;
    let runtime = crate::commands::async_runtime()?;
    let (glacier, entries) = runtime.block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let entries = synced_journal(
            &glacier,
            &mut store,
            args.vault.as_deref(),
            args.account.as_deref(),
        )
        .await?;
        anyhow::Ok((glacier, entries))
    })?;
    let now = OffsetDateTime::now_utc();
    let mut out = std::io::stdout().lock();
    if args.output.json {
        for entry in &entries {
            writeln!(out, "{}", json_line(entry, now)?)?;
        }
    } else if entries.is_empty() {
        eprintln!(
            "no retrieval jobs in these vaults in the last day or so, nor in defrost's journal"
        );
    } else {
        write_table(&mut out, &entries, now)?;
    }
    out.flush()?;
    drop(out);
    if args.watch {
        let style = watch::Style::choose(args.output.json);
        runtime.block_on(watch::run(&glacier, &mut store, entries, style))?;
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
    Ok(store
        .journal(None)?
        .into_iter()
        .filter(|entry| keys.contains(&entry.vault))
        .collect())
}

/// The jobs as a table, one row each.
fn write_table(
    out: &mut impl std::io::Write,
    entries: &[JournalEntry],
    now: OffsetDateTime,
) -> std::io::Result<usize> {
    let rows: Vec<[String; 7]> = entries.iter().map(|entry| row(entry, now)).collect();
    let header = [
        "VAULT", "JOB", "KIND", "STATUS", "STARTED", "OUTPUT", "ORIGIN",
    ];
    print_table(out, &header, &rows, &[false; 7])?;
    Ok(rows.len() + 1)
}

/// One job as a line of JSON, safe for a terminal.
fn json_line(entry: &JournalEntry, now: OffsetDateTime) -> anyhow::Result<String> {
    Ok(crate::text::terminal_json(&json_of(entry, now))?)
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

fn row(entry: &JournalEntry, now: OffsetDateTime) -> [String; 7] {
    let job = entry.state.as_ref();
    let kind = job.map_or("-".to_owned(), |job| {
        let what = match (job.kind.as_str(), job.range) {
            ("inventory-retrieval", _) => "inventory".to_owned(),
            (_, Some(range)) => format!("archive {}-{}", range.start, range.end),
            _ => "archive".to_owned(),
        };
        match job.tier {
            Some(tier) => format!("{what} ({})", tier.as_str()),
            None => what,
        }
    });
    let output = match job.and_then(|job| time_left(job, now)) {
        Some(left) if left.is_zero() => "closed".to_owned(),
        Some(left) => format!("{} left", short_duration(left.as_secs())),
        None => "-".to_owned(),
    };
    [
        printable(&entry.vault.name),
        printable(entry.job_id.as_deref().unwrap_or("-")),
        kind,
        status_of(entry, now).to_owned(),
        job.map_or("-".to_owned(), |job| minute(job.started_at)),
        output,
        if entry.adopted {
            "adopted".into()
        } else {
            "defrost".into()
        },
    ]
}

fn json_of(entry: &JournalEntry, now: OffsetDateTime) -> JobJson<'_> {
    let job = entry.state.as_ref();
    JobJson {
        journal_id: entry.id.0,
        plan: entry.plan.map(|plan| plan.to_string()),
        vault: &entry.vault.name,
        region: &entry.vault.region,
        job_id: entry.job_id.as_deref(),
        kind: job.map(|job| job.kind.as_str()),
        tier: job.and_then(|job| job.tier).map(|tier| tier.as_str()),
        status: status_of(entry, now),
        started: job.map(|job| snapshot_time(job.started_at)),
        completed: job.and_then(|job| job.completed_at).map(snapshot_time),
        output_available_until: job.and_then(output_window_end).map(snapshot_time),
        archive_id: job.and_then(|job| job.archive_id.as_deref()),
        range: job
            .and_then(|job| job.range)
            .map(|r| format!("{}-{}", r.start, r.end)),
        adopted: entry.adopted,
        started_by: &entry.started_by,
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
    use super::short_duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(short_duration(40), "40s");
        assert_eq!(short_duration(5 * 60 + 3), "5m");
        assert_eq!(short_duration(23 * 3600 + 10 * 60), "23h 10m");
    }
}

//! `defrost download JOB_ID --vault NAME --to DIR`: a finished job's output into a
//! folder the user chose, verified chunk by chunk and resumable. An archive goes to
//! its decoded name (from the cached inventory) made safe, or to its id; the range
//! jobs of a split plan assemble into that one file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_store, size};
use crate::domain::job_params::JobKind;
use crate::domain::names::{SafeRelativePath, decode};
use crate::domain::treehash::TreeHash;
use crate::glacier::download::{
    DEFAULT_PARALLEL, DownloadError, DownloadProgress, DownloadRequest, default_chunk_size,
    download, finish_part,
};
use crate::glacier::{GlacierApi, JobInfo, JobStatus, SdkGlacier};
use crate::store::{ArchiveRow, JournalId, Store, VaultKey};
use crate::text::printable;
use crate::tracking::sync_vault_jobs;

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
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let glacier = SdkGlacier::connect(global).await?;
        let target = Target {
            vault,
            job_id,
            to: &args.to,
            overwrite: args.overwrite,
        };
        let downloaded = download_job(&glacier, &store, global.region.as_deref(), &target).await?;
        note_downloaded(&glacier, &mut store, vault, job_id, &downloaded.destination).await?;
        println!("{}", downloaded.summary);
        anyhow::Ok(())
    })
}

/// Which job's output to download, and where.
pub(crate) struct Target<'a> {
    pub vault: &'a str,
    pub job_id: &'a str,
    pub to: &'a Path,
    pub overwrite: bool,
}

/// A job's output, verified on disk.
pub(crate) struct Downloaded {
    /// The file written (for a range of a split plan, the whole archive's file,
    /// which stays `NAME.part` until its last range is in).
    pub destination: PathBuf,
    /// What happened, in one printable line.
    pub summary: String,
}

/// Downloads one finished job's output into `target.to`, verified: what
/// `defrost download JOB_ID` does, and what `--all-ready` does for each job.
pub(crate) async fn download_job(
    glacier: &SdkGlacier,
    store: &Store,
    region: Option<&str>,
    target: &Target<'_>,
) -> anyhow::Result<Downloaded> {
    let mut bar: Option<ProgressBar> = None;
    let outcome = download_job_reporting(glacier, store, region, target, |progress| {
        let bar = bar.get_or_insert_with(|| progress_bar(progress.total_bytes));
        bar.set_position(progress.verified_bytes);
    })
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    outcome
}

/// [`download_job`], telling `progress` after each verified chunk instead of
/// drawing a progress bar (the interactive screen draws its own gauge).
pub(crate) async fn download_job_reporting(
    glacier: &SdkGlacier,
    store: &Store,
    region: Option<&str>,
    target: &Target<'_>,
    mut progress: impl FnMut(DownloadProgress),
) -> anyhow::Result<Downloaded> {
    let job = glacier.describe_job(target.vault, target.job_id).await?;
    let cached = cached_archive(store, region, target.vault, &job);
    let output_length = ready_output_length(&job, cached.as_ref())?;
    let relative = destination_name(cached.as_ref(), &job);
    let destination = target.to.join(relative.to_path_buf());
    if let Some(parent) = destination.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    let range = job.retrieval_byte_range;
    let whole = job.archive_size;
    let partial = matches!((range, whole), (Some((first, last)), Some(size)) if first != 0 || last + 1 != size);
    let expected_tree_hash = if partial {
        job.sha256_tree_hash
    } else {
        whole_archive_hash(&job, cached.as_ref())?
    };
    let request = DownloadRequest {
        vault: target.vault.to_owned(),
        job_id: target.job_id.to_owned(),
        output_length,
        expected_tree_hash,
        archive_offset: if partial {
            range.map_or(0, |(first, _)| first)
        } else {
            0
        },
        destination: destination.clone(),
        chunk_size: default_chunk_size(output_length, DEFAULT_PARALLEL),
        parallel: DEFAULT_PARALLEL,
        overwrite: target.overwrite,
        keep_part: partial,
    };
    let outcome = download(glacier, &request, &mut progress).await?;
    let summary = if partial {
        let archive_size = whole.unwrap_or(output_length);
        range_summary(&destination, archive_size, &job, target.overwrite).await?
    } else {
        format!(
            "verified {} into {} (tree hash {}){}",
            size(u128::from(output_length)),
            printable(&destination.display().to_string()),
            outcome.tree_hash,
            resumed_note(outcome.resumed_chunks)
        )
    };
    Ok(Downloaded {
        destination,
        summary,
    })
}

/// A range of a split plan is in: the archive's file is finished once every
/// range is, and verified then.
async fn range_summary(
    destination: &Path,
    archive_size: u64,
    job: &JobInfo,
    overwrite: bool,
) -> anyhow::Result<String> {
    let shown = printable(&destination.display().to_string());
    match finish_part(
        destination,
        archive_size,
        job.archive_sha256_tree_hash,
        overwrite,
    )
    .await
    {
        Ok(hash) => Ok(format!(
            "verified the last range; the whole archive is in {shown} (tree hash {hash})"
        )),
        Err(DownloadError::Incomplete {
            expected, actual, ..
        }) => Ok(format!(
            "verified this range into {shown}.part; {} of {} are in, download the plan's other jobs with the same --to",
            size(u128::from(actual)),
            size(u128::from(expected))
        )),
        Err(err) => Err(err.into()),
    }
}

/// Notes the download in the journal, so `--all-ready` does not fetch it again;
/// a job the journal does not know yet (started elsewhere) is adopted first.
pub(crate) async fn note_downloaded(
    glacier: &SdkGlacier,
    store: &mut Store,
    vault: &str,
    job_id: &str,
    destination: &Path,
) -> anyhow::Result<()> {
    let find = |store: &Store| -> anyhow::Result<Option<JournalId>> {
        Ok(store
            .journal(None)?
            .into_iter()
            .find(|entry| entry.job_id.as_deref() == Some(job_id))
            .map(|entry| entry.id))
    };
    let now = time::OffsetDateTime::now_utc();
    let mut known = find(store)?;
    if known.is_none() {
        let key = VaultKey {
            account: "-".into(),
            region: glacier.region().to_owned(),
            name: vault.to_owned(),
        };
        sync_vault_jobs(glacier, store, &key, now).await?;
        known = find(store)?;
    }
    if let Some(id) = known {
        store.record_job_downloaded(id, &destination.display().to_string(), now)?;
    }
    Ok(())
}

/// The output's length, once the job has finished well.
fn ready_output_length(job: &JobInfo, cached: Option<&ArchiveRow>) -> Result<u64, BadInput> {
    match job.status {
        JobStatus::Succeeded => {}
        JobStatus::InProgress => {
            return Err(BadInput(format!(
                "job {} is still in progress; its output can be downloaded once 'defrost jobs' shows it ready",
                printable(&job.job_id)
            )));
        }
        JobStatus::Failed => {
            return Err(BadInput(format!(
                "job {} failed ({}); start the retrieval again",
                printable(&job.job_id),
                printable(job.status_message.as_deref().unwrap_or("no reason given"))
            )));
        }
    }
    let length = match (job.kind, job.retrieval_byte_range) {
        (JobKind::InventoryRetrieval, _) => job.inventory_size,
        (_, Some((first, last))) => Some(last - first + 1),
        // No Glacier archive is empty (they hold 1 byte to 40 TiB), so a size of 0
        // means the service did not give one (moto's Glacier reports 0 for every
        // job); the cached inventory's size of the archive stands in.
        (_, None) => job
            .archive_size
            .filter(|&size| size > 0)
            .or(cached.map(|archive| archive.size)),
    };
    length.ok_or_else(|| match job.kind {
        JobKind::InventoryRetrieval => {
            BadInput("Glacier did not say how long the job's output is; try again later".into())
        }
        _ => BadInput(
            "Glacier did not say how long the job's archive is; import an inventory that lists it ('defrost inventory import FILE --vault NAME') and download again".into(),
        ),
    })
}

/// The job's archive as the vault's newest cached inventory lists it, if it does.
///
/// One vault can be cached under two accounts: `-` (the credentials' own, as
/// `defrost jobs` records it) and the account id of an imported inventory's
/// VaultARN. Every cached vault of that name in the region is looked in; the
/// archive id, unique to one archive, settles which.
fn cached_archive(
    store: &Store,
    region: Option<&str>,
    vault: &str,
    job: &JobInfo,
) -> Option<ArchiveRow> {
    let archive_id = job.archive_id.as_deref()?;
    store
        .vaults()
        .ok()?
        .into_iter()
        .filter(|cached| cached.key.name == vault)
        .filter(|cached| region.is_none_or(|region| cached.key.region == region))
        .find_map(|cached| {
            store
                .snapshot_of(&cached, None)
                .and_then(|info| store.open_snapshot(&info))
                .and_then(|snapshot| snapshot.find_archive(archive_id))
                .ok()
                .flatten()
        })
}

/// The archive's decoded name from the cached inventory, made safe; its id when the
/// inventory does not list it; a name from the job id for an inventory job.
fn destination_name(cached: Option<&ArchiveRow>, job: &JobInfo) -> SafeRelativePath {
    let Some(archive_id) = job.archive_id.as_deref() else {
        let short: String = job.job_id.chars().take(16).collect();
        return SafeRelativePath::new(&format!("inventory-{short}"), &job.job_id);
    };
    match cached {
        Some(archive) => decode(&archive.description).safe_path(archive_id),
        None => SafeRelativePath::new(archive_id, archive_id),
    }
}

/// What a whole archive must hash to: DescribeJob's hash, checked against the
/// inventory's when both are known, so a download is refused before it starts if
/// the two disagree.
fn whole_archive_hash(
    job: &JobInfo,
    cached: Option<&ArchiveRow>,
) -> Result<Option<TreeHash>, BadInput> {
    let listed = cached.and_then(|archive| archive.sha256_tree_hash.parse::<TreeHash>().ok());
    match (job.sha256_tree_hash, listed) {
        (Some(from_job), Some(from_inventory)) if from_job != from_inventory => {
            Err(BadInput(format!(
                "Glacier says job {} holds an archive whose tree hash is {from_job}, but the cached inventory lists {from_inventory}; import a newer inventory, or check the archive id",
                printable(&job.job_id)
            )))
        }
        (Some(hash), _) | (None, Some(hash)) => Ok(Some(hash)),
        (None, None) => Ok(None),
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

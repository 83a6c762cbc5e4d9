//! `defrost migrate`: copies a vault's archives to S3 under their decoded names,
//! as a batch (paced, renewed, resumable) whose outputs stream into S3
//! multipart uploads checked part by part; a manifest at the end.

use std::io::IsTerminal as _;
use std::io::Write as _;

use anyhow::Context as _;
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{count, open_snapshot, open_store};
use crate::commands::restore::SelectionArgs;
use crate::commands::restore::view::{COPY_WORDS, event_json, event_line, outcome_json};
use crate::commands::shared_args::{JsonLines, S3Endpoint};
use crate::domain::batch::pacing::DEFAULT_REQUESTS_PER_SECOND;
use crate::domain::cost::PriceTable;
use crate::domain::job_params::Tier;
use crate::domain::migrate::{KeyPrefix, NameOverrides, StorageClass, StoragePriceTable};
use crate::glacier::{GlacierApi as _, SdkGlacier};
use crate::s3::SdkS3;
use crate::store::{ArchiveRow, BatchId, BatchLimits, Store, VaultKey};
use crate::tracking::batch::{BatchRequest, RunOptions};
use crate::tracking::migrate::{
    CopySettings, MigrationRequest, earlier_migration, prepare_migration, record_migration,
    run_migration, write_manifest,
};

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The vault's name
    #[arg(long, value_name = "NAME")]
    pub vault: String,

    /// The vault's account ID [default: - (the account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    #[command(flatten)]
    pub selection: Option<SelectionArgs>,

    /// The bucket to copy into
    #[arg(long, value_name = "BUCKET")]
    pub bucket: String,

    /// Put the objects under this prefix (a folder in the bucket)
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,

    /// DEEP_ARCHIVE, GLACIER, GLACIER_IR, STANDARD_IA or STANDARD
    #[arg(long, value_name = "CLASS", default_value = "DEEP_ARCHIVE")]
    pub storage_class: String,

    /// Bulk (cheapest, 5-12 hours), Standard (3-5 hours) or Expedited (1-5 minutes)
    #[arg(long, value_name = "TIER", default_value = "Bulk")]
    pub tier: String,

    /// A CSV of archive_id,key giving some archives their keys
    #[arg(long, value_name = "FILE")]
    pub names: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub s3: S3Endpoint,

    /// Copy even when the bucket is in another region than the vault
    #[arg(long)]
    pub allow_cross_region: bool,

    /// Replace objects of another archive that sit under the same keys
    #[arg(long)]
    pub overwrite: bool,

    /// Start at most this many bytes of archives in any hour (units allowed)
    #[arg(long, value_name = "SIZE")]
    pub max_bytes_per_hour: Option<String>,

    /// Keep at most this many jobs started and not yet copied
    #[arg(long, value_name = "N")]
    pub max_jobs_in_flight: Option<u32>,

    /// Send at most this many InitiateJob requests per second
    #[arg(long, value_name = "N", default_value_t = DEFAULT_REQUESTS_PER_SECOND)]
    pub requests_per_second: f64,

    /// Hold parts up to this size in memory (units allowed); larger parts, of
    /// archives above about 625 GiB by default, are spooled through a file in
    /// the data directory, at most two at once
    #[arg(long, value_name = "SIZE", default_value = "64MiB")]
    pub spool_parts_over: String,

    /// Start without asking
    #[arg(long)]
    pub yes: bool,

    #[command(flatten)]
    pub output: JsonLines,
}

pub fn run(global: &GlobalOpts, args: MigrateArgs) -> anyhow::Result<()> {
    let storage_class: StorageClass = args
        .storage_class
        .parse()
        .map_err(|err| BadInput(format!("--storage-class: {err}")))?;
    let tier: Tier = args.tier.parse().context("--tier")?;
    let prefix =
        KeyPrefix::new(&args.prefix).map_err(|err| BadInput(format!("--prefix: {err}")))?;
    let overrides = match &args.names {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| {
                BadInput(format!(
                    "cannot read --names {} ({err}); give a CSV file of archive_id,key",
                    path.display()
                ))
            })?;
            NameOverrides::parse(&text).map_err(|err| BadInput(format!("--names: {err}")))?
        }
        None => NameOverrides::default(),
    };
    let selection_args = args.selection.as_ref().ok_or_else(|| {
        BadInput(
            "say which archives to copy: --under FOLDER, --filter TEXT, --ids FILE or --all".into(),
        )
    })?;
    let max_bytes_per_hour = args
        .max_bytes_per_hour
        .as_deref()
        .map(|text| crate::domain::range::parse_size(text).context("--max-bytes-per-hour"))
        .transpose()?;
    let spool_parts_over =
        crate::domain::range::parse_size(&args.spool_parts_over).context("--spool-parts-over")?;
    let mut store = open_store(global)?;
    let settings = CopySettings {
        parts_in_memory_up_to: spool_parts_over,
        ..CopySettings::under(store.data_dir())
    };
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let s3_options = args.s3.connect_options(global, glacier.region());
        let s3 = SdkS3::connect(&s3_options, &args.bucket).await?;
        let vault = VaultKey {
            account: args.account.clone().unwrap_or_else(|| "-".into()),
            region: glacier.region().to_owned(),
            name: args.vault.clone(),
        };
        let cached = store.find_vault(
            &args.vault,
            args.account.as_deref().filter(|account| *account != "-"),
            global.region.as_deref(),
        )?;
        let (_, snapshot) = open_snapshot(&store, &cached, None)?;
        let (selection, rows) =
            crate::commands::restore::select::select::<ArchiveRow>(&snapshot, selection_args)?;
        drop(snapshot);
        let request = MigrationRequest {
            batch: BatchRequest {
                vault,
                selection,
                tier,
                to: std::path::PathBuf::new(),
                limits: BatchLimits {
                    max_bytes_per_hour,
                    max_jobs_in_flight: args.max_jobs_in_flight,
                },
                made_by: crate::tracking::started_by_here(),
            },
            bucket: args.bucket.clone(),
            prefix,
            storage_class,
            overrides,
            overwrite: args.overwrite,
            allow_cross_region: args.allow_cross_region,
        };
        // The same command again goes on with the migration it made, each
        // copy from its last journaled part; a given-up one is not taken up.
        let id = match earlier_migration(&store, &request, &rows)? {
            Some(earlier) => {
                eprintln!(
                    "going on with batch {} ({} archives, made {})",
                    earlier.id, earlier.archives, earlier.made_at
                );
                earlier.id
            }
            None => match new_migration(&args, &glacier, &s3, &mut store, request, rows).await? {
                Some(id) => id,
                None => return anyhow::Ok(()),
            },
        };
        follow(&args, &glacier, &s3, &mut store, id, &settings).await
    })
}

/// Shows what a new migration would do and cost, asks, and journals it; its
/// batch, or `None` when the user said no.
async fn new_migration(
    args: &MigrateArgs,
    glacier: &SdkGlacier,
    s3: &SdkS3,
    store: &mut Store,
    request: MigrationRequest,
    rows: Vec<ArchiveRow>,
) -> anyhow::Result<Option<BatchId>> {
    let prices = PriceTable::published().context("the published prices")?;
    let storage_prices = StoragePriceTable::published().context("the published S3 prices")?;
    let now = OffsetDateTime::now_utc();
    let given_up = given_up_before(store, &request)?;
    let prepared = prepare_migration(
        glacier,
        s3,
        store,
        request,
        rows,
        &prices,
        &storage_prices,
        now,
    )
    .await?;
    // Said even to scripts, as going on with a batch is: which batch runs.
    if let Some(batch) = given_up {
        eprintln!(
            "Batch {batch} of these archives was given up; this is a new batch, which copies nothing already in the bucket again"
        );
    }
    if !(args.output.json && args.yes) {
        eprint!(
            "{}",
            crate::commands::migrate_summary::summary(&prepared, &prices, &storage_prices)
        );
    }
    if prepared.batch.summary.to_start.archives > 0 && !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(BadInput(
                "standard input is not a terminal, so defrost cannot ask before starting paid retrieval jobs; add --yes to start them without asking".into(),
            )
            .into());
        }
        let question = format!(
            "Start {} job(s)? [y/N] ",
            prepared.batch.summary.to_start.archives
        );
        if !crate::commands::retrieve::confirm(&question)? {
            eprintln!("nothing was started");
            return Ok(None);
        }
    }
    Ok(Some(record_migration(
        store,
        &prepared,
        OffsetDateTime::now_utc(),
    )?))
}

/// The newest given-up batch into the same place with the same selection,
/// to say why the same command makes a new one.
fn given_up_before(store: &Store, request: &MigrationRequest) -> anyhow::Result<Option<BatchId>> {
    let address = format!("s3://{}/{}", request.bucket, request.prefix.as_str());
    let selection = &request.batch.selection;
    Ok(store
        .batches(Some(&request.batch.vault))?
        .into_iter()
        .rev()
        .find(|batch| {
            batch.given_up_at.is_some()
                && batch.to == address
                && batch.selection.kind() == selection.kind()
                && batch.selection.text() == selection.text()
        })
        .map(|batch| batch.id))
}

/// Runs the migration `id` to its end, then writes its manifest.
async fn follow(
    args: &MigrateArgs,
    glacier: &SdkGlacier,
    s3: &SdkS3,
    store: &mut Store,
    id: BatchId,
    settings: &CopySettings,
) -> anyhow::Result<()> {
    let json = args.output.json;
    let batch = store.batch(id)?.context("the batch just journaled")?;
    let options = RunOptions {
        no_wait: false,
        requests_per_second: args.requests_per_second,
        started_by: crate::tracking::started_by_here(),
    };
    let counts = run_migration(
        glacier,
        s3,
        store,
        id,
        &options,
        settings,
        |event, _| {
            if json {
                println!("{}", event_json(&batch, event));
            } else if let Some(line) = event_line(event, &COPY_WORDS) {
                eprintln!("{line}");
            }
        },
        |_| {},
    )
    .await?;
    let (paths, keys) = write_manifest(s3, store, id).await?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", outcome_json(&batch, &counts, false))?;
    } else {
        writeln!(
            out,
            "{} of {} archives copied to s3://{}; manifest at s3://{}/{} and {}",
            count(counts.restored),
            count(counts.archives),
            crate::text::printable(&args.bucket),
            crate::text::printable(&args.bucket),
            crate::text::printable(keys.first().map_or("", String::as_str)),
            paths
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )?;
    }
    out.flush()?;
    Ok(())
}

//! `defrost inventory import FILE --vault NAME`: reads an inventory (a file, or
//! `-` for standard input) into a new snapshot, with a progress bar on a terminal.

use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{count, open_store, size};
use crate::domain::inventory::{InventoryFormat, Timestamp, guess_format};
use crate::domain::job_params::{check_account_id, check_region};
use crate::input::{Accepts, InputPath, Unusable};
use crate::store::{ImportProgress, ImportRequest, SnapshotInfo, Store, StoreError};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The inventory: a file, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The vault the inventory is of (it must match the inventory's VaultARN)
    #[arg(long, value_name = "NAME")]
    pub vault: String,

    /// The vault's account ID [default: the inventory's VaultARN, else - (the
    /// account of your credentials)]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,

    /// json or csv [default: json when the inventory starts with '{', else csv]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatChoice>,

    /// The inventory's date, for CSV inventories, which do not record it
    /// (2026-11-01 or 2026-11-01T04:10:22Z) [default: now]
    #[arg(long, value_name = "DATE")]
    pub inventory_date: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatChoice {
    Json,
    Csv,
}

pub fn run(global: &GlobalOpts, args: ImportArgs) -> anyhow::Result<()> {
    log_timings_if_asked();
    let inventory_date = args
        .inventory_date
        .as_deref()
        .map(|text| parse_date(text, "--inventory-date"))
        .transpose()?;
    let default_region = std::env::var("AWS_REGION")
        .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
        .ok()
        .filter(|region| !region.is_empty());
    check_vault_home(
        args.account.as_deref(),
        global.region.as_deref(),
        default_region.as_deref(),
    )?;
    let input = open_input(&args.file)?;
    let format = chosen_format(args.format, input.sniffed)?;
    let mut store = open_store(global)?;
    let request = ImportRequest {
        format,
        vault_name: args.vault,
        account: args.account,
        region: global.region.clone(),
        default_region,
        inventory_date,
        source: input.source,
        obtained_at: OffsetDateTime::now_utc(),
    };
    let snapshot = import_with_bar(&mut store, input.reader, input.length, request)?;
    print_imported(&snapshot);
    note_same_name_elsewhere(&store, &snapshot.vault.key);
    Ok(())
}

/// Timings of each phase go to stderr when asked for (RUST_LOG=defrost=debug).
fn log_timings_if_asked() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .try_init();
    }
}

/// The inventory, opened, with what its first bytes and its file say.
struct Input {
    reader: BufReader<Box<dyn Read + Send>>,
    /// The file's size, for the progress bar; none for a stream.
    length: Option<u64>,
    /// Where the snapshot came from, as it records it: `stdin` or `file NAME`.
    source: String,
    sniffed: InventoryFormat,
}

/// Opens the inventory file, or standard input for `-`, and tells its format.
fn open_input(file: &Path) -> anyhow::Result<Input> {
    let from_stdin = file.as_os_str() == "-";
    let path = InputPath {
        path: file,
        what: "the inventory",
        directory_fix: "name the inventory file inside it",
        accepts: Accepts::Stream,
    };
    let (reader, length, source): (Box<dyn Read + Send>, Option<u64>, String) = if from_stdin {
        (Box::new(io::stdin()), None, "stdin".into())
    } else {
        let opened = path.open().map_err(Unusable::into_error)?;
        // A FIFO or a device has no length to show progress against.
        let length = opened
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        let name = file.file_name().unwrap_or(file.as_os_str());
        (
            Box::new(opened),
            length,
            format!("file {}", name.to_string_lossy()),
        )
    };
    // Small: it only has to hold the bytes sniffed for the format. Reads of the
    // parser's larger chunks then go straight past it instead of being copied twice.
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    let sniffed = sniff_format(&mut reader).map_err(|err| match err {
        Sniffed::Empty => {
            BadInput("the inventory is empty; download the inventory job's output again".into())
                .into()
        }
        Sniffed::Unreadable(err) if from_stdin => {
            anyhow::Error::new(err).context("cannot read the inventory from standard input")
        }
        Sniffed::Unreadable(err) => path.failed(&err).into_error(),
    })?;
    Ok(Input {
        reader,
        length,
        source,
        sniffed,
    })
}

/// The format `--format` gives, which must be the one the inventory starts as.
fn chosen_format(
    given: Option<FormatChoice>,
    sniffed: InventoryFormat,
) -> Result<InventoryFormat, BadInput> {
    match (given, sniffed) {
        (None, sniffed) => Ok(sniffed),
        (Some(FormatChoice::Json), InventoryFormat::Json) => Ok(InventoryFormat::Json),
        (Some(FormatChoice::Csv), InventoryFormat::Csv) => Ok(InventoryFormat::Csv),
        // Reading one format as the other fails on its first byte with advice to
        // download the output again, which would not help: say what does.
        (Some(FormatChoice::Csv), InventoryFormat::Json) => Err(BadInput(
            "the inventory starts with '{', so it is JSON, but --format csv was given; give --format json or leave --format out".into(),
        )),
        (Some(FormatChoice::Json), InventoryFormat::Csv) => Err(BadInput(
            "the inventory does not start with '{', so it is not JSON, but --format json was given; give --format csv or leave --format out".into(),
        )),
    }
}

/// Imports the inventory as a new snapshot, the progress bar following it.
fn import_with_bar(
    store: &mut Store,
    reader: impl Read + Send,
    length: Option<u64>,
    request: ImportRequest,
) -> Result<SnapshotInfo, StoreError> {
    let bar = progress_bar(length);
    let result = store.import(reader, request, |progress: ImportProgress| {
        bar.set_position(progress.bytes_read);
        let doing = if progress.ordering { ", sorting" } else { "" };
        bar.set_message(format!("{} archives{doing}", count(progress.archives)));
    });
    bar.finish_and_clear();
    result
}

/// An inventory that names no account (CSV ones never do) is cached under `-`,
/// the credentials' account. When a vault of the same name and region is cached
/// under a real account, the two are kept apart, as they may be two accounts'
/// vaults; say how to file them together if they are one.
fn note_same_name_elsewhere(store: &crate::store::Store, key: &crate::store::VaultKey) {
    if key.account != "-" {
        return;
    }
    let accounts: Vec<String> = store
        .vaults()
        .unwrap_or_default()
        .into_iter()
        .filter(|vault| vault.key.name == key.name && vault.key.region == key.region)
        .map(|vault| vault.key.account)
        .filter(|account| account != "-")
        .collect();
    if let [account] = accounts.as_slice() {
        let account = printable(account);
        eprintln!(
            "note: vault {} ({}) is also cached under account {account}; if this inventory is of that vault, import it again with --account {account} to keep the two together",
            printable(&key.name),
            printable(&key.region),
        );
    }
}

/// The one-line summary of a new snapshot.
pub(crate) fn print_imported(snapshot: &crate::store::SnapshotInfo) {
    println!(
        "imported {} archives ({}) of vault {}: snapshot {}, inventory of {}",
        count(snapshot.archive_count),
        size(snapshot.total_size),
        printable(&snapshot.vault.key.to_string()),
        snapshot.id,
        snapshot.inventory_date
    );
}

/// A bar over the file's bytes, or a spinner for a stream; hidden when standard
/// error is not a terminal.
fn progress_bar(length: Option<u64>) -> ProgressBar {
    let bar = match length {
        Some(length) => ProgressBar::new(length).with_style(
            ProgressStyle::with_template(
                "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {msg} ({eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} importing {bytes} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// Why the format could not be told.
enum Sniffed {
    Empty,
    Unreadable(io::Error),
}

/// JSON inventories start with `{` (after a byte-order mark, if any); anything
/// else is taken for CSV.
fn sniff_format(input: &mut impl BufRead) -> Result<InventoryFormat, Sniffed> {
    let start = input.fill_buf().map_err(Sniffed::Unreadable)?;
    guess_format(start).ok_or(Sniffed::Empty)
}

/// `--account`, `--region` or the region the environment names must be shaped as
/// job parameters require, or later commands would refuse the vault they file.
fn check_vault_home(
    account: Option<&str>,
    region: Option<&str>,
    default_region: Option<&str>,
) -> Result<(), BadInput> {
    if let Some(account) = account {
        check_account_id(account).map_err(|err| BadInput(format!("--account: {err}")))?;
    }
    if let Some(region) = region {
        check_region(region).map_err(|err| BadInput(format!("--region: {err}")))?;
    } else if let Some(region) = default_region {
        check_region(region).map_err(|err| {
            BadInput(format!(
                "AWS_REGION (or AWS_DEFAULT_REGION): {err}, or give --region"
            ))
        })?;
    }
    Ok(())
}

/// `2026-11-01` (midnight UTC) or a full inventory date.
pub fn parse_date(text: &str, option: &str) -> Result<Timestamp, BadInput> {
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    Timestamp::parse(&full).map_err(|err| {
        BadInput(format!(
            "{option} '{}' {err}; write it as 2026-11-01 or 2026-11-01T04:10:22Z",
            printable(text)
        ))
    })
}

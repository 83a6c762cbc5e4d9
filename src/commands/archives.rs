//! `defrost archives --vault NAME`: pages through a cached snapshot's archives,
//! sorted and filtered, as a table or as JSON Lines.

use std::io::Write as _;

use serde::Serialize;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{count, open_snapshot, open_store_to_read, size};
use crate::commands::inventory::parse_date;
use crate::commands::shared_args::{JsonLines, VaultChoice};
use crate::domain::range::parse_size;
use crate::store::{ArchiveQuery, ArchiveRow, SortKey};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct ArchivesArgs {
    #[command(flatten)]
    pub vault: VaultChoice,

    /// Which snapshot [default: the newest]
    #[arg(long, value_name = "ID")]
    pub snapshot: Option<i64>,

    /// Only archives whose name, description or id contains TEXT (ASCII letters in either case)
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// Only archives under this folder of decoded names, for example photos/2019
    #[arg(long, value_name = "FOLDER")]
    pub under: Option<String>,

    /// Only archives of at least this size (bytes, or with a unit: 100MiB)
    #[arg(long, value_name = "SIZE")]
    pub min_size: Option<String>,

    /// Only archives of at most this size
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,

    /// Only archives created on or after this date (2019-01-01 or 2019-01-01T10:00:00Z)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only archives created before this date
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Sort by name, size or creation date
    #[arg(long, value_enum, default_value_t = SortChoice::Name)]
    pub sort: SortChoice,

    /// Largest, newest or last name first
    #[arg(long)]
    pub desc: bool,

    /// At most this many archives
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: usize,

    /// Skip this many matching archives first
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,

    #[command(flatten)]
    pub output: JsonLines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortChoice {
    Name,
    Size,
    Date,
}

/// The fields scripts get for each archive.
#[derive(Serialize)]
pub struct ArchiveJson<'a> {
    pub archive_id: &'a str,
    pub name: &'a str,
    pub format: &'a str,
    pub size: u64,
    pub created: &'a str,
    pub sha256_tree_hash: &'a str,
    pub description: &'a str,
}

impl<'a> From<&'a ArchiveRow> for ArchiveJson<'a> {
    fn from(row: &'a ArchiveRow) -> Self {
        Self {
            archive_id: &row.archive_id,
            name: &row.name,
            format: &row.format,
            size: row.size,
            created: &row.created,
            sha256_tree_hash: &row.sha256_tree_hash,
            description: &row.description,
        }
    }
}

pub fn run(global: &GlobalOpts, args: ArchivesArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let query = query_from(&args)?;
    let store = open_store_to_read(global)?;
    let vault = args.vault.find(&store, global)?;
    let (info, snapshot) = open_snapshot(&store, &vault, args.snapshot)?;
    let page = snapshot.page(&query)?;
    if args.output.json {
        for archive in &page.archives {
            writeln!(
                out,
                "{}",
                crate::text::terminal_json(&ArchiveJson::from(archive))?
            )?;
        }
        return Ok(());
    }
    for archive in &page.archives {
        writeln!(out, "{}", table_line(archive))?;
    }
    let shown = page.archives.len() as u64;
    let range = if shown == 0 {
        "no archives".to_owned()
    } else {
        format!(
            "archives {}-{}",
            count(query.offset + 1),
            count(query.offset + shown)
        )
    };
    eprintln!(
        "{range} of {} matching, in snapshot {} ({} archives, inventory of {})",
        count(page.total),
        info.id,
        count(info.archive_count),
        info.inventory_date
    );
    Ok(())
}

/// `2019-04-12  1.20 GiB  mt2  photos/2019/img.jpg`: the date, the size, the
/// description format and the name (its display form, shown through
/// `printable` all the same, as every cached text is).
pub fn table_line(archive: &ArchiveRow) -> String {
    let date = archive.created.get(..10).unwrap_or(&archive.created);
    format!(
        "{}  {:>10}  {:<14}  {}{}",
        printable(date),
        size(u128::from(archive.size)),
        printable(&archive.format),
        printable(&archive.name),
        if archive.is_folder {
            "  (folder marker)"
        } else {
            ""
        }
    )
}

fn query_from(args: &ArchivesArgs) -> Result<ArchiveQuery, BadInput> {
    let size_option = |text: &Option<String>, option: &str| {
        text.as_deref()
            .map(|text| parse_size(text).map_err(|err| BadInput(format!("{option}: {err}"))))
            .transpose()
    };
    let min_size = size_option(&args.min_size, "--min-size")?;
    let max_size = size_option(&args.max_size, "--max-size")?;
    if let (Some(min), Some(max)) = (min_size, max_size)
        && min > max
    {
        return Err(BadInput(format!(
            "--min-size ({min} bytes) is larger than --max-size ({max} bytes); swap them"
        )));
    }
    Ok(ArchiveQuery {
        filter: args.filter.clone().filter(|f| !f.is_empty()),
        min_size,
        max_size,
        created_from: args
            .since
            .as_deref()
            .map(|d| parse_date(d, "--since"))
            .transpose()?,
        created_before: args
            .until
            .as_deref()
            .map(|d| parse_date(d, "--until"))
            .transpose()?,
        under: args.under.as_deref().map(|folder| {
            let folder = folder.trim_start_matches('/');
            if folder.is_empty() || folder.ends_with('/') {
                folder.to_owned()
            } else {
                format!("{folder}/")
            }
        }),
        sort: match args.sort {
            SortChoice::Name => SortKey::Name,
            SortChoice::Size => SortKey::Size,
            SortChoice::Date => SortKey::Created,
        },
        descending: args.desc,
        offset: args.offset,
        limit: args.limit,
    })
}

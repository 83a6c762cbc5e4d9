//! Which archives a restore takes from the vault's newest cached inventory: a
//! folder of decoded paths, a filter as `defrost archives --filter` reads it, a
//! file of archive ids, or all of them.

use std::collections::HashSet;
use std::io::BufRead as _;
use std::path::Path;

use crate::commands::BadInput;
use crate::store::{ArchiveQuery, ArchiveRow, BatchSelection, Snapshot, SortKey};
use crate::text::printable;
use crate::tracking::batch::BatchArchive;

/// The selection as given on the command line.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "selection", multiple = false)]
pub struct SelectionArgs {
    /// Every archive under this folder of decoded names, for example photos/2019
    #[arg(long, value_name = "FOLDER")]
    pub under: Option<String>,

    /// Every archive whose name, description or id contains TEXT, as
    /// `defrost archives --filter` keeps them
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,

    /// The archives whose ids FILE lists, one per line (- for standard input)
    #[arg(long, value_name = "FILE")]
    pub ids: Option<String>,

    /// Every archive of the vault
    #[arg(long)]
    pub all: bool,
}

impl SelectionArgs {
    /// The selection as the journal records it, before ids are read.
    fn kind(&self) -> BatchSelection {
        match (&self.under, &self.filter, &self.ids) {
            (Some(folder), _, _) => BatchSelection::Under(folder_prefix(folder)),
            (_, Some(text), _) => BatchSelection::Filter(text.clone()),
            (_, _, Some(file)) => BatchSelection::Ids {
                source: if file == "-" {
                    "standard input".into()
                } else {
                    file.clone()
                },
                count: 0,
            },
            _ => BatchSelection::All,
        }
    }
}

/// `photos/2019` and `/photos/2019/` both mean the folder `photos/2019/`.
fn folder_prefix(folder: &str) -> String {
    let folder = folder.trim_start_matches('/');
    if folder.is_empty() || folder.ends_with('/') {
        folder.to_owned()
    } else {
        format!("{folder}/")
    }
}

/// What a selected archive is kept as: made from its row as the row is read,
/// so that what the caller does not need of it is not held for every archive.
pub trait Selected: Sized {
    fn of(row: ArchiveRow) -> Self;
    fn archive_id(&self) -> &str;
}

impl Selected for ArchiveRow {
    fn of(row: ArchiveRow) -> Self {
        row
    }

    fn archive_id(&self) -> &str {
        &self.archive_id
    }
}

impl Selected for BatchArchive {
    fn of(row: ArchiveRow) -> Self {
        BatchArchive::of(row)
    }

    fn archive_id(&self) -> &str {
        &self.archive.archive_id
    }
}

/// The archives selected, in the order of their names, and the selection as
/// recorded.
pub fn select<T: Selected>(
    snapshot: &Snapshot,
    args: &SelectionArgs,
) -> anyhow::Result<(BatchSelection, Vec<T>)> {
    let selection = args.kind();
    let rows = match &selection {
        BatchSelection::Ids { .. } => {
            let file = args.ids.as_deref().unwrap_or("-");
            let ids = read_ids(file)?;
            let rows = find_ids(snapshot, &ids)?;
            let selection = BatchSelection::Ids {
                source: match &selection {
                    BatchSelection::Ids { source, .. } => source.clone(),
                    _ => String::new(),
                },
                count: rows.len() as u64,
            };
            return Ok((selection, rows));
        }
        BatchSelection::Under(folder) => query(snapshot, None, Some(folder.clone()))?,
        BatchSelection::Filter(text) => query(snapshot, Some(text.clone()), None)?,
        BatchSelection::All => query(snapshot, None, None)?,
    };
    if rows.is_empty() {
        return Err(BadInput(format!(
            "no archive of the cached inventory is in {}; 'defrost archives' shows what it lists",
            printable(&selection.to_string())
        ))
        .into());
    }
    Ok((selection, rows))
}

fn query<T: Selected>(
    snapshot: &Snapshot,
    filter: Option<String>,
    under: Option<String>,
) -> anyhow::Result<Vec<T>> {
    let query = ArchiveQuery {
        filter,
        under,
        sort: SortKey::Name,
        limit: usize::MAX,
        ..ArchiveQuery::default()
    };
    Ok(snapshot.page_with(&query, |row| (!row.is_folder).then(|| T::of(row)))?)
}

/// The ids of FILE (or standard input for `-`): one per line, blank lines and
/// repeats skipped.
fn read_ids(file: &str) -> anyhow::Result<Vec<String>> {
    let lines: Vec<String> = if file == "-" {
        std::io::stdin().lock().lines().collect::<Result<_, _>>()
    } else {
        let opened = std::fs::File::open(Path::new(file)).map_err(|err| {
            BadInput(format!(
                "cannot read the archive ids in {} ({err}); give --ids a file of ids, one per line",
                printable(file)
            ))
        })?;
        std::io::BufReader::new(opened)
            .lines()
            .collect::<Result<_, _>>()
    }
    .map_err(|err| {
        BadInput(format!(
            "cannot read the archive ids ({err}); give --ids a text file of ids, one per line"
        ))
    })?;
    // Repeats are found by reference, so a hundred thousand ids are held once.
    let ids: Vec<String> = lines
        .into_iter()
        .map(|line| match line.trim() {
            trimmed if trimmed.len() == line.len() => line,
            trimmed => trimmed.to_owned(),
        })
        .collect();
    let mut seen = HashSet::with_capacity(ids.len());
    let keep: Vec<bool> = ids
        .iter()
        .map(|id| !id.is_empty() && seen.insert(id.as_str()))
        .collect();
    drop(seen);
    Ok(ids
        .into_iter()
        .zip(keep)
        .filter_map(|(id, keep)| keep.then_some(id))
        .collect())
}

fn find_ids<T: Selected>(snapshot: &Snapshot, ids: &[String]) -> anyhow::Result<Vec<T>> {
    if ids.is_empty() {
        return Err(
            BadInput("the --ids file lists no archive id; give one id per line".into()).into(),
        );
    }
    let rows = snapshot.find_archives_with(ids, |row| Some(T::of(row)))?;
    // The ids are distinct, so every one was found when as many archives were.
    if rows.len() == ids.len() {
        return Ok(rows);
    }
    let found: HashSet<&str> = rows.iter().map(Selected::archive_id).collect();
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|id| !found.contains(id.as_str()))
        .collect();
    if let Some(first) = unknown.first() {
        return Err(BadInput(format!(
            "{} of the {} ids are not in the vault's cached inventory (the first: {}); fetch a newer inventory or remove them from the --ids file",
            unknown.len(),
            ids.len(),
            printable(first)
        ))
        .into());
    }
    Ok(rows)
}

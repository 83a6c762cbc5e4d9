//! The pages of a fetch: each page's output downloaded as soon as its job is
//! ready (a paged inventory can take longer than the first page's output is
//! kept), to a file of the data directory (inventories can be gigabytes, so
//! never held in memory) where a later run finds it; then all of them imported
//! as one snapshot, and each job noted in the journal as imported.

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;

use super::{Fetch, FetchError, StartedPage};
use crate::confined::{Access, ConfinedDir, EntryKind};
use crate::domain::inventory::InventoryFormat;
use crate::glacier::{GlacierApi, GlacierError};
use crate::store::{ImportProgress, ImportRequest, SnapshotInfo, Store, StoreError, VaultKey};

/// Where a fetch keeps its pages until they are imported: named for its first
/// job's journal entry, so a run that continues the fetch finds them.
pub fn pages_dir(store: &Store, fetch: &Fetch) -> PathBuf {
    let first = fetch.pages.first().map_or(0, |page| page.journal_id.0);
    store
        .snapshots_dir()
        .join(format!("inventory-fetch-{first}"))
}

/// Downloads `page`'s output into `dir` unless an earlier run already did.
/// Returns the file, and the bytes downloaded now (`None` when it was there).
/// The folder and its files are opened inside the snapshots folder, never
/// through a link.
pub async fn download_page<G: GlacierApi>(
    api: &G,
    vault: &str,
    page: &StartedPage,
    dir: &Path,
) -> Result<(PathBuf, Option<u64>), FetchError> {
    let (Some(parent), Some(folder_name)) = (dir.parent(), dir.file_name()) else {
        return Err(FetchError::Io {
            path: dir.to_path_buf(),
            source: std::io::ErrorKind::InvalidInput.into(),
        });
    };
    let folder =
        ConfinedDir::open(parent)?.subfolder([folder_name.to_string_lossy().as_ref()], true)?;
    let name = format!("page-{}", page.page);
    let file = folder.shown_child(&name);
    if folder.kind(&name)? == EntryKind::File {
        return Ok((file, None));
    }
    // Only a whole page gets its final name.
    let partial = format!("{name}.partial");
    let writer = folder.open_file(&partial, Access::Replace)?;
    let bytes = download_output(
        api,
        vault,
        &page.job.job_id,
        writer,
        &folder.shown_child(&partial),
    )
    .await?;
    folder.rename(&partial, &name, true)?;
    Ok((file, Some(bytes)))
}

/// Streams one job's whole output into `file`, checking that all of it came.
async fn download_output<G: GlacierApi>(
    api: &G,
    vault: &str,
    job_id: &str,
    file: std::fs::File,
    path: &Path,
) -> Result<u64, FetchError> {
    let io_error = |source| FetchError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut output = api.get_job_output(vault, job_id, None).await?;
    let mut writer = tokio::fs::File::from_std(file);
    let mut written: u64 = 0;
    while let Some(chunk) = output.body.next().await {
        let chunk = chunk?;
        writer.write_all(&chunk).await.map_err(io_error)?;
        written += chunk.len() as u64;
    }
    writer.flush().await.map_err(io_error)?;
    writer.sync_all().await.map_err(io_error)?;
    if written != output.content_length {
        return Err(FetchError::Glacier(GlacierError::Body {
            detail: format!(
                "inventory job {job_id} sent {written} of {} bytes",
                output.content_length
            ),
        }));
    }
    Ok(written)
}

/// Imports the downloaded pages as one snapshot of `vault` and notes each page's
/// job as imported.
pub fn import_pages(
    store: &mut Store,
    vault: &VaultKey,
    pages: &[StartedPage],
    files: &[PathBuf],
    now: OffsetDateTime,
    progress: impl FnMut(ImportProgress),
) -> Result<Imported, FetchError> {
    let readers = files
        .iter()
        .map(|path| {
            std::fs::File::open(path)
                .map(|file| std::io::BufReader::with_capacity(1 << 20, file))
                .map_err(|source| FetchError::Io {
                    path: path.clone(),
                    source,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let request = ImportRequest {
        format: format_of(pages),
        vault_name: vault.name.clone(),
        // `-` means the credentials' account; the inventory's VaultARN names it.
        account: Some(vault.account.clone()).filter(|account| account != "-"),
        region: Some(vault.region.clone()),
        default_region: None,
        inventory_date: None,
        source: source_of(pages),
        obtained_at: now,
    };
    let imported = store.import_pages(readers, request, progress);
    // An inventory Glacier has not rebuilt since the last fetch is already cached:
    // the pages are used up all the same.
    let (outcome, snapshot_id) = match imported {
        Ok(snapshot) => {
            let id = snapshot.id;
            (Imported::New(snapshot), id)
        }
        Err(StoreError::AlreadyImported {
            inventory_date,
            snapshot,
            ..
        }) => (
            Imported::Unchanged {
                snapshot,
                inventory_date,
            },
            snapshot,
        ),
        Err(err) => return Err(err.into()),
    };
    for page in pages {
        store.record_job_imported(page.journal_id, snapshot_id, now)?;
    }
    Ok(outcome)
}

/// What importing the pages gave.
#[derive(Debug)]
pub enum Imported {
    /// A new snapshot.
    New(SnapshotInfo),
    /// The cache already held this inventory, as `snapshot`.
    Unchanged {
        snapshot: i64,
        inventory_date: String,
    },
}

/// The format the fetch asked for (every page asks for the same).
fn format_of(pages: &[StartedPage]) -> InventoryFormat {
    let csv = pages.first().is_some_and(|page| {
        serde_json::from_str::<serde_json::Value>(&page.params_json)
            .ok()
            .and_then(|params| params.get("Format")?.as_str().map(str::to_owned))
            .is_some_and(|format| format.eq_ignore_ascii_case("csv"))
    });
    if csv {
        InventoryFormat::Csv
    } else {
        InventoryFormat::Json
    }
}

/// How the snapshot was obtained, for the catalog: the job, or the jobs of its pages.
fn source_of(pages: &[StartedPage]) -> String {
    let ids: Vec<&str> = pages.iter().map(|page| page.job.job_id.as_str()).collect();
    match ids.as_slice() {
        [one] => format!("Glacier inventory job {one}"),
        several => format!(
            "Glacier inventory jobs {} ({} pages)",
            several.join(", "),
            several.len()
        ),
    }
}

//! Where a job's output goes: the archive as the cached inventory lists it, and
//! the path inside the target folder that the journal lets it claim.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::DownloadJobError;
use crate::confined::ConfinedDir;
use crate::domain::names::{SafeRelativePath, decode, restore_candidates};
use crate::glacier::JobInfo;
use crate::glacier::download::Destination;
use crate::store::{ArchiveRow, Store};

/// Where a job's output goes inside the target folder.
pub struct ClaimedDestination {
    /// The file, in its confined folder (made where missing).
    pub destination: Destination,
    /// Its absolute path, as the journal records it.
    pub file: PathBuf,
}

/// The job's archive as the vault's newest cached inventory lists it, if it does.
///
/// One vault can be cached under two accounts: `-` (the credentials' own, as
/// `defrost jobs` records it) and the account id of an imported inventory's
/// VaultARN. Every cached vault of that name in the region is looked in; the
/// archive id, unique to one archive, settles which.
pub fn cached_archive(
    store: &Store,
    region: &str,
    vault: &str,
    job: &JobInfo,
) -> Option<ArchiveRow> {
    cached_archive_by_id(store, region, vault, job.archive_id.as_deref()?)
}

/// [`cached_archive`] by the archive's id.
pub fn cached_archive_by_id(
    store: &Store,
    region: &str,
    vault: &str,
    archive_id: &str,
) -> Option<ArchiveRow> {
    store
        .vaults()
        .ok()?
        .into_iter()
        .filter(|cached| cached.key.name == vault && cached.key.region == region)
        .find_map(|cached| {
            store
                .snapshot_of(&cached, None)
                .and_then(|info| store.open_snapshot(&info))
                .and_then(|snapshot| snapshot.find_archive(archive_id))
                .ok()
                .flatten()
        })
}

/// Claims the path the job's archive restores to inside `to` (its own name, or
/// a name with its id when another archive holds that one) and opens its folder
/// confined: no link inside `to` is ever followed.
pub fn claim_destination(
    store: &mut Store,
    to: &Path,
    cached: Option<&ArchiveRow>,
    job: &JobInfo,
) -> Result<ClaimedDestination, DownloadJobError> {
    let root = ConfinedDir::open(to)?;
    let folder = std::fs::canonicalize(to).map_err(|source| DownloadJobError::Folder {
        path: to.to_path_buf(),
        source,
    })?;
    let folder_key = folder.display().to_string();
    let (owner, owner_id) = match job.archive_id.as_deref() {
        Some(id) => (format!("archive {id}"), id),
        None => (format!("inventory job {}", job.job_id), job.job_id.as_str()),
    };
    let wanted = destination_name(cached, job);
    let candidates: Vec<String> = restore_candidates(&wanted, owner_id)
        .iter()
        .map(|path| path.as_str().to_owned())
        .collect();
    let now = time::OffsetDateTime::now_utc();
    let Some(claim) = store.claim_restore_path(&folder_key, &owner, &candidates, now)? else {
        return Err(DownloadJobError::NoFreeName {
            name: wanted.to_string(),
            folder: to.to_path_buf(),
        });
    };
    // The claim comes back from the journal: take it only in its safe form.
    let relative = SafeRelativePath::new(&claim.path, owner_id);
    let mut components: Vec<&str> = relative.components().collect();
    let file_name = components.pop().unwrap_or(relative.file_name()).to_owned();
    let dir = root.subfolder(components, true)?;
    Ok(ClaimedDestination {
        destination: Destination {
            dir: Arc::new(dir),
            file_name,
        },
        file: folder.join(relative.to_path_buf()),
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
        // A plan's record of the archive keeps its decoded name, not the
        // description it came from; an inventory's row with no description
        // is named by its id either way.
        Some(archive) if archive.description.is_empty() => {
            SafeRelativePath::new(&archive.name, archive_id)
        }
        Some(archive) => decode(&archive.description).safe_path(archive_id),
        None => SafeRelativePath::new(archive_id, archive_id),
    }
}

//! Where a range plan's bytes go inside the target folder: its finished file
//! and its staging folder, both claimed in the journal before a byte is written,
//! so that no archive's decoded name can land on either.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use time::OffsetDateTime;

use super::DownloadJobError;
use super::output_request;
use super::target::cached_archive_by_id;
use crate::confined::{ConfinedDir, EntryKind};
use crate::domain::names::{SafeRelativePath, decode, range_candidates};
use crate::domain::range::ByteRange;
use crate::domain::treehash::TreeHash;
use crate::glacier::download::{Destination, DownloadRequest};
use crate::store::{PlanEntry, PlanId, Store};

/// The folder inside the target where range plans stage their jobs' outputs.
pub const STAGING_FOLDER: &str = ".defrost-staging";

/// The finished file's place in the target folder: claimed in the journal for
/// this archive's range (another archive's file of the same name keeps it).
pub struct ClaimedFile {
    pub dir: ConfinedDir,
    pub name: String,
    /// Its absolute path, as the journal records it.
    pub file: PathBuf,
    /// The same below the folder as the user named it.
    pub shown: PathBuf,
}

pub fn claim_range_file(
    store: &mut Store,
    root: &ConfinedDir,
    to: &Path,
    folder: &Path,
    plan: &PlanEntry,
    want: ByteRange,
    now: OffsetDateTime,
) -> Result<ClaimedFile, DownloadJobError> {
    let archive_id = plan
        .archive
        .as_ref()
        .map_or("", |archive| archive.archive_id.as_str());
    let path = restored_path(store, plan, archive_id);
    let candidates: Vec<String> = range_candidates(&path, archive_id, want)
        .iter()
        .map(|candidate| candidate.as_str().to_owned())
        .collect();
    let owner = format!("archive {archive_id} bytes {}-{}", want.start, want.end);
    let folder_key = folder.display().to_string();
    let Some(claim) = store.claim_restore_path(&folder_key, &owner, &candidates, now)? else {
        return Err(DownloadJobError::NoFreeName {
            name: path.to_string(),
            folder: folder.to_path_buf(),
        });
    };
    let relative = SafeRelativePath::new(&claim.path, archive_id);
    let mut components: Vec<&str> = relative.components().collect();
    let file_name = components.pop().unwrap_or(relative.file_name()).to_owned();
    Ok(ClaimedFile {
        dir: root.subfolder(components, true)?,
        name: file_name,
        file: folder.join(relative.to_path_buf()),
        shown: to.join(relative.to_path_buf()),
    })
}

/// The archive's decoded name, made safe as a whole-archive download makes it:
/// from the newest cached inventory, else as the plan recorded it, else its id.
fn restored_path(store: &Store, plan: &PlanEntry, archive_id: &str) -> SafeRelativePath {
    if let Some(row) = cached_archive_by_id(store, &plan.vault.region, &plan.vault.name, archive_id)
    {
        return decode(&row.description).safe_path(archive_id);
    }
    match plan
        .archive
        .as_ref()
        .and_then(|archive| archive.name.as_deref())
    {
        Some(name) => SafeRelativePath::new(name, archive_id),
        None => SafeRelativePath::new(archive_id, archive_id),
    }
}

/// The plan's staging folder, claimed like a restored path so that no archive's
/// decoded name can ever land in it.
pub fn claim_staging(
    store: &mut Store,
    root: &ConfinedDir,
    folder: &Path,
    plan: PlanId,
    now: OffsetDateTime,
) -> Result<(Arc<ConfinedDir>, String), DownloadJobError> {
    let candidates: Vec<String> = std::iter::once(plan.to_string())
        .chain((2..=4).map(|n| format!("{plan}-{n}")))
        .map(|name| format!("{STAGING_FOLDER}/{name}"))
        .collect();
    let owner = format!("staging of plan {plan}");
    let folder_key = folder.display().to_string();
    let claim = store
        .claim_restore_path(&folder_key, &owner, &candidates, now)?
        .ok_or_else(|| DownloadJobError::NoFreeName {
            name: STAGING_FOLDER.to_owned(),
            folder: folder.to_path_buf(),
        })?;
    let name = claim
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&claim.path)
        .to_owned();
    let dir = root.subfolder([STAGING_FOLDER, name.as_str()], true)?;
    Ok((Arc::new(dir), name))
}

/// Whether a staged output is complete: a file at its name (a download renames
/// its `.part` only once every chunk is verified).
pub fn is_staged(dir: &ConfinedDir, name: &str) -> Result<bool, DownloadJobError> {
    Ok(matches!(dir.kind(name)?, EntryKind::File))
}

/// The download of one job's whole output into its staging file.
pub fn staging_request(
    dir: &Arc<ConfinedDir>,
    file_name: String,
    (vault, job_id): (&str, &str),
    range: ByteRange,
    tree_hash: Option<TreeHash>,
) -> DownloadRequest {
    let destination = Destination {
        dir: Arc::clone(dir),
        file_name,
    };
    output_request(destination, (vault, job_id), range.len(), tree_hash, false)
}

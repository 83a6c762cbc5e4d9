//! What a drain would delete: the archives of the vault's newest cached
//! inventory with the proof the scope asks for (a copy to S3 the journal says
//! was completed and verified; a download the journal says was verified, whose
//! file is still there, a regular file of the archive's size), those an earlier
//! drain asked about without hearing back, and the summary before anything is
//! deleted.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::DrainError;
use crate::domain::cost::StoragePrice;
use crate::domain::drain::{
    DrainArchive, DrainScope, DrainStep, DrainSummary, ProofKind, Tally, drain_step, summarize,
};
use crate::store::{ArchiveRow, DeletionProof, Snapshot, SnapshotInfo, Store, VaultKey};

/// What the user asked to drain.
#[derive(Debug, Clone)]
pub struct DrainRequest {
    pub vault: VaultKey,
    pub scope: DrainScope,
    pub made_by: String,
}

/// An archive to delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrainItem {
    pub archive_id: String,
    pub name: String,
    pub size: u64,
    /// Glacier's CreationDate.
    pub created: String,
    pub proof: DeletionProof,
}

/// A download the journal holds as proof that no longer proves anything: its
/// file is gone, or is not the archive any more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostProof {
    pub archive_id: String,
    pub path: String,
    pub why: String,
}

/// A drain ready to run, with everything the user sees first.
#[derive(Debug, Clone)]
pub struct PreparedDrain {
    pub request: DrainRequest,
    /// In the inventory's order.
    pub items: Vec<DrainItem>,
    pub summary: DrainSummary,
    pub lost_proofs: Vec<LostProof>,
}

/// Rows are read this many at a time when every archive may go.
const ROWS_AT_ONCE: usize = 10_000;

/// Looks at the vault's newest cached inventory (`snapshot`) against the
/// journal's proofs and deletions.
pub fn prepare_drain(
    store: &Store,
    (info, snapshot): (&SnapshotInfo, &Snapshot),
    request: DrainRequest,
    storage: Option<&StoragePrice>,
    now: OffsetDateTime,
) -> Result<PreparedDrain, DrainError> {
    let vault = &request.vault;
    let deleted: HashSet<String> = (store.deletions(vault)?.into_iter())
        .filter(|deletion| deletion.done.is_some())
        .map(|deletion| deletion.archive_id)
        .collect();
    // A copy is the better proof: a download is looked at only without one.
    let mut proofs: HashMap<String, DeletionProof> = HashMap::new();
    for copy in store.copy_proofs(vault)? {
        let object = format!("s3://{}/{}", copy.bucket, copy.key);
        proofs.insert(copy.archive_id, DeletionProof::Copied { object });
    }
    let downloads: Vec<_> = (store.download_proofs(vault)?.into_iter())
        .filter(|download| !proofs.contains_key(&download.archive_id))
        .collect();
    let rows = if request.scope == DrainScope::All {
        every_archive(snapshot)?
    } else {
        // Those deleted before are read too, to be counted as such.
        let mut ids: Vec<String> = proofs.keys().cloned().collect();
        ids.extend(downloads.iter().map(|d| d.archive_id.clone()));
        ids.extend(deleted.iter().cloned());
        ids.sort();
        ids.dedup();
        snapshot.find_archives(&ids)?
    };
    let sizes: HashMap<&str, u64> = rows
        .iter()
        .map(|r| (r.archive_id.as_str(), r.size))
        .collect();
    // An archive downloaded more than once is proven by any file that still
    // stands for it, and reported lost once, by its first file, when none does.
    let mut lost: HashMap<String, LostProof> = HashMap::new();
    for download in downloads {
        let Some(&size) = sizes.get(download.archive_id.as_str()) else {
            continue;
        };
        match file_still_proves(Path::new(&download.path), size) {
            Ok(()) => {
                let path = download.path;
                proofs.insert(download.archive_id, DeletionProof::Downloaded { path });
            }
            Err(why) => {
                lost.entry(download.archive_id.clone())
                    .or_insert(LostProof {
                        archive_id: download.archive_id,
                        path: download.path,
                        why,
                    });
            }
        }
    }
    let mut lost_proofs: Vec<LostProof> = (lost.into_values())
        .filter(|lost| !proofs.contains_key(&lost.archive_id))
        .collect();
    lost_proofs.sort_by(|a, b| a.archive_id.cmp(&b.archive_id));
    let mut items = Vec::new();
    let mut judged = Vec::with_capacity(rows.len());
    for row in rows {
        let proof = proofs.get(&row.archive_id);
        let archive = DrainArchive {
            size: row.size,
            created: OffsetDateTime::parse(&row.created, &Rfc3339).ok(),
            proof: proof.map(|proof| match proof {
                DeletionProof::Copied { .. } => ProofKind::Copied,
                _ => ProofKind::Downloaded,
            }),
            deleted: deleted.contains(&row.archive_id),
        };
        if let DrainStep::Delete(_) = drain_step(request.scope, &archive) {
            items.push(item(row, proof.cloned().unwrap_or(DeletionProof::None)));
        }
        judged.push(archive);
    }
    let mut summary = summarize(request.scope, &judged, storage, now);
    // Archives the inventory lists that were not read (no proof of any kind)
    // are kept; the inventory's totals give their count and bytes.
    let unread = Tally {
        archives: snapshot
            .archive_count()
            .saturating_sub(summary.listed.archives),
        bytes: u64::try_from(info.total_size)
            .unwrap_or(u64::MAX)
            .saturating_sub(summary.listed.bytes),
    };
    for tally in [&mut summary.listed, &mut summary.kept] {
        tally.archives += unread.archives;
        tally.bytes = tally.bytes.saturating_add(unread.bytes);
    }
    Ok(PreparedDrain {
        request,
        items,
        summary,
        lost_proofs,
    })
}

fn item(row: ArchiveRow, proof: DeletionProof) -> DrainItem {
    DrainItem {
        archive_id: row.archive_id,
        name: row.name,
        size: row.size,
        created: row.created,
        proof,
    }
}

/// Every archive of the snapshot, read a slice at a time.
fn every_archive(snapshot: &Snapshot) -> Result<Vec<ArchiveRow>, DrainError> {
    let count = u32::try_from(snapshot.archive_count()).unwrap_or(u32::MAX);
    let positions: Vec<u32> = (1..=count).collect();
    let mut rows = Vec::with_capacity(positions.len());
    for slice in positions.chunks(ROWS_AT_ONCE) {
        rows.extend(snapshot.archives(slice)?);
    }
    Ok(rows)
}

/// Whether the file a verified download wrote still stands for the archive:
/// there, a regular file (not a link to something else), of its size.
fn file_still_proves(path: &Path, size: u64) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            Err("its file is gone".to_owned())
        }
        Err(err) => Err(format!("its file cannot be read ({err})")),
        Ok(meta) if !meta.file_type().is_file() => {
            Err("its file was replaced by something that is not a file".to_owned())
        }
        Ok(meta) if meta.len() != size => Err(format!(
            "its file is {} bytes, not the archive's {size}",
            meta.len()
        )),
        Ok(_) => Ok(()),
    }
}

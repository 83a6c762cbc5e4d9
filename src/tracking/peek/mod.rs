//! Looking inside a zip archive for the price of its last megabyte: the one
//! engine behind `defrost peek`, `defrost restore-member` and the screen.
//!
//! A peek retrieves the archive's tail (see `domain::zip::tail_range`), reads
//! the end record, and when the central directory (or a zip64 end record)
//! lies before the tail, retrieves the aligned range of what is missing; each
//! retrieval is an ordinary plan, journaled as a part of the peek, downloaded
//! verified into a folder of the data directory and kept there, since it was
//! paid for. Once read, the listing is stored, and every later peek answers
//! from it. Each call to [`advance`] goes as far as it can without waiting:
//! one front end calls it again once the jobs are ready, another after a kill.

mod bytes;
mod error;
mod launch;
pub mod member;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

pub use error::PeekError;

use crate::domain::range::ByteRange;
use crate::domain::zip::{Directory, EndLookup, find_directory, parse_central_directory};
use crate::domain::zip::{missing_before, tail_range};
use crate::glacier::GlacierApi;
use crate::store::{
    Finding, ListedMember, PeekEntry, PeekFinding, PeekPart, PlanArchive, PlanId, Store, VaultKey,
};
use crate::tracking::download::WaitingJob;
use crate::tracking::launch::PlannedRetrieval;
use bytes::{FetchedPart, fetch_part, read_span};
pub use launch::plan_retrieval;

/// Where a vault's peeks keep what they retrieved, in the data directory:
/// `DATA_DIR/peeks/REGION/ACCOUNT/VAULT`, each part made safe as a path.
pub fn peek_folder(data_dir: &Path, vault: &VaultKey) -> PathBuf {
    let inside = crate::domain::names::SafeRelativePath::new(
        &format!("{}/{}/{}", vault.region, vault.account, vault.name),
        "vault",
    );
    data_dir.join("peeks").join(inside.to_path_buf())
}

/// The archive to look into, and how.
#[derive(Debug, Clone)]
pub struct PeekRequest<'a> {
    pub vault: &'a VaultKey,
    /// The archive as the inventory lists it; its size is needed.
    pub archive: &'a PlanArchive,
    /// Standard, Expedited or Bulk, as typed; `None` leaves Glacier's default.
    pub tier: Option<String>,
    /// Where the retrieved bytes are kept (a folder of the data directory).
    pub folder: &'a Path,
    /// Who asks, for the journal.
    pub started_by: String,
    /// Start the next retrieval when one is needed; otherwise only say what
    /// it would be and cost.
    pub launch: bool,
}

/// Where a peek stands after [`advance`].
#[derive(Debug, Clone, PartialEq)]
pub enum PeekState {
    /// The zip's members, read now or before.
    Listed {
        directory: Directory,
        members: Vec<ListedMember>,
        /// What the peek retrieved, in all.
        parts: Vec<PeekPart>,
    },
    /// No end record in the tail, or one that cannot be read; the bytes paid
    /// for are kept in `kept`.
    NotZip { reason: String, kept: Vec<PathBuf> },
    /// A retrieval is needed first: it was started when the request said to
    /// launch (`started` names its plan), else it is only planned.
    Retrieval {
        planned: PlannedRetrieval,
        /// The tail, or a range before what was retrieved.
        first: bool,
        started: Option<PlanId>,
        /// Running or ready jobs that retrieve the same bytes, used instead
        /// of new ones.
        reused: usize,
    },
    /// The retrieval's jobs are not all ready yet.
    Waiting {
        plan: PlanId,
        range: ByteRange,
        jobs: Vec<WaitingJob>,
    },
}

/// Takes the peek of `request.archive` as far as it goes now: answers from
/// the stored listing, or downloads what is ready and reads it, or starts (or
/// only plans) the next retrieval.
pub async fn advance<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &PeekRequest<'_>,
    now: OffsetDateTime,
) -> Result<PeekState, PeekError> {
    let archive = request.archive;
    let size = archive.size.ok_or_else(|| PeekError::NeedsSize {
        archive_id: archive.archive_id.clone(),
    })?;
    if size == 0 {
        return Err(PeekError::EmptyArchive {
            archive_id: archive.archive_id.clone(),
        });
    }
    let entry = store.peek(request.vault, &archive.archive_id)?;
    if let Some(entry) = &entry
        && let Some(finding) = &entry.finding
    {
        return answered(store, request, entry, finding);
    }
    let parts = entry.map(|entry| entry.parts).unwrap_or_default();
    if parts.is_empty() {
        let tail = tail_range(size)?;
        return launch::next_retrieval(api, store, request, tail, true, now).await;
    }
    let mut fetched = Vec::with_capacity(parts.len());
    for part in &parts {
        match fetch_part(api, store, request, part, now).await? {
            FetchedPart::Ready(file) => fetched.push((part.range, file)),
            FetchedPart::Waiting(jobs) => {
                return Ok(PeekState::Waiting {
                    plan: part.plan,
                    range: part.range,
                    jobs,
                });
            }
        }
    }
    read_fetched(api, store, request, size, parts, fetched, now).await
}

/// Reads what the parts brought: the listing, a sentence saying it is not a
/// zip, or the next retrieval.
async fn read_fetched<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &PeekRequest<'_>,
    size: u64,
    parts: Vec<PeekPart>,
    fetched: Vec<(ByteRange, PathBuf)>,
    now: OffsetDateTime,
) -> Result<PeekState, PeekError> {
    let archive_id = &request.archive.archive_id;
    let (have, bytes) = read_span(&fetched, size)?;
    let kept: Vec<PathBuf> = fetched.into_iter().map(|(_, file)| file).collect();
    let need_from = match find_directory(&bytes, size) {
        Err(problem) => {
            let reason = problem.to_string();
            let finding = Finding::NotZip { reason: &reason };
            store.record_peek_finding(request.vault, archive_id, &finding, now)?;
            return Ok(PeekState::NotZip { reason, kept });
        }
        Ok(EndLookup::NeedFrom(from)) => from,
        Ok(EndLookup::Found(directory)) if directory.offset >= have.start => {
            let at = usize::try_from(directory.offset - have.start).unwrap_or(usize::MAX);
            let listing = bytes.get(at..).unwrap_or_default();
            let members = match parse_central_directory(listing, &directory) {
                Ok(members) => members,
                Err(problem) => {
                    let reason = problem.to_string();
                    let finding = Finding::NotZip { reason: &reason };
                    store.record_peek_finding(request.vault, archive_id, &finding, now)?;
                    return Ok(PeekState::NotZip { reason, kept });
                }
            };
            let finding = Finding::Zip {
                directory: &directory,
                members: &members,
            };
            store.record_peek_finding(request.vault, archive_id, &finding, now)?;
            return Ok(PeekState::Listed {
                directory,
                members: store.zip_members(request.vault, archive_id)?,
                parts,
            });
        }
        Ok(EndLookup::Found(directory)) => directory.offset,
    };
    match missing_before(size, have, need_from)? {
        Some(range) => launch::next_retrieval(api, store, request, range, false, now).await,
        // The record points inside what is here, yet was not found there.
        None => Err(PeekError::Unreadable {
            archive_id: archive_id.clone(),
        }),
    }
}

/// The answer a finished peek gives: its stored listing, or why not.
fn answered(
    store: &Store,
    request: &PeekRequest<'_>,
    entry: &PeekEntry,
    finding: &PeekFinding,
) -> Result<PeekState, PeekError> {
    Ok(match finding {
        PeekFinding::Zip { directory, .. } => PeekState::Listed {
            directory: *directory,
            members: store.zip_members(request.vault, &entry.archive_id)?,
            parts: entry.parts.clone(),
        },
        PeekFinding::NotZip { reason } => PeekState::NotZip {
            reason: reason.clone(),
            kept: entry
                .parts
                .iter()
                .filter_map(|part| store.plan(part.plan).ok().flatten())
                .filter_map(|plan| plan.finished.map(|file| PathBuf::from(file.path)))
                .collect(),
        },
    })
}

//! Restoring one member of a listed zip: the range that covers its span (its
//! local header, its compressed bytes, any data descriptor) is retrieved as
//! the user chooses to snap it, downloaded verified into the peek folder and
//! kept there, then the member is unpacked from it into the user's folder
//! under its safe path, its CRC-32 and size checked before it is named.

mod extract;

use std::path::{Path, PathBuf};

use time::OffsetDateTime;

use super::PeekError;
use super::bytes::{FetchedPart, fetch_plan};
use super::launch::{plan_retrieval, start};
use crate::domain::range::{ByteRange, PlanKind};
use crate::domain::zip::member_range;
use crate::glacier::GlacierApi;
use crate::store::{ListedMember, PeekPart, PlanArchive, PlanId, Store, VaultKey};
use crate::tracking::download::WaitingJob;
use crate::tracking::launch::PlannedRetrieval;
pub use extract::Extracted;

/// The member to restore, and how.
#[derive(Debug, Clone)]
pub struct MemberRequest<'a> {
    pub vault: &'a VaultKey,
    pub archive: &'a PlanArchive,
    pub member: &'a ListedMember,
    /// How the span is snapped into jobs.
    pub plan: PlanKind,
    pub tier: Option<String>,
    /// Where the retrieved span is kept (the peek folder).
    pub folder: &'a Path,
    /// The folder the user chose; nothing is written outside it.
    pub to: &'a Path,
    pub overwrite: bool,
    pub started_by: String,
    /// Start the retrieval when one is needed; otherwise only plan it.
    pub launch: bool,
}

/// Where a member's restore stands.
#[derive(Debug)]
pub enum MemberState {
    /// The span's retrieval: started when asked (its plan), else planned.
    Retrieval {
        planned: PlannedRetrieval,
        started: Option<PlanId>,
        reused: usize,
    },
    Waiting {
        plan: PlanId,
        jobs: Vec<WaitingJob>,
    },
    Restored {
        extracted: Extracted,
        /// The retrieved span, kept.
        span_file: PathBuf,
    },
}

/// The member `wanted` names: its name as the zip has it, its safe path, or
/// `#N`, its number in the listing (from 0).
pub fn find_member<'a>(
    members: &'a [ListedMember],
    wanted: &str,
) -> Result<&'a ListedMember, PeekError> {
    if let Some(number) = wanted.strip_prefix('#').and_then(|n| n.parse::<u32>().ok()) {
        return members
            .iter()
            .find(|listed| listed.position == number)
            .ok_or_else(|| PeekError::NoSuchMember {
                wanted: wanted.to_owned(),
            });
    }
    let by_name: Vec<&ListedMember> = members
        .iter()
        .filter(|listed| listed.member.name == wanted)
        .collect();
    let found = if by_name.is_empty() {
        let trimmed = wanted.trim_matches('/');
        members
            .iter()
            .filter(|listed| listed.member.path.as_str() == trimmed)
            .collect()
    } else {
        by_name
    };
    match found.as_slice() {
        [] => Err(PeekError::NoSuchMember {
            wanted: wanted.to_owned(),
        }),
        [one] => Ok(one),
        [first, ..] => Err(PeekError::AmbiguousMember {
            wanted: wanted.to_owned(),
            count: found.len(),
            first: first.position,
        }),
    }
}

/// Why a member cannot be restored, before anything is paid for.
pub fn check_restorable(listed: &ListedMember) -> Result<ByteRange, PeekError> {
    let member = &listed.member;
    let name = member.name.clone();
    if member.is_dir {
        return Err(PeekError::IsFolder { name });
    }
    if member.encrypted {
        return Err(PeekError::Encrypted { name });
    }
    if !extract::unpacks(member.method) {
        return Err(PeekError::UnsupportedMethod {
            name,
            method: member.method.label(),
        });
    }
    member_range(member, listed.span_end).ok_or(PeekError::Damaged(
        crate::domain::zip::ZipProblem::Damaged {
            at: member.local_header,
            what: "the member's span is empty",
        },
    ))
}

/// Takes the member's restore as far as it goes now: plans or starts its
/// span's retrieval, downloads what is ready, and unpacks it once all is in.
pub async fn restore_member<G: GlacierApi>(
    api: &G,
    store: &mut Store,
    request: &MemberRequest<'_>,
    now: OffsetDateTime,
) -> Result<MemberState, PeekError> {
    let range = check_restorable(request.member)?;
    let archive_id = &request.archive.archive_id;
    let position = request.member.position;
    let Some(part) = store.member_plan(request.vault, archive_id, position)? else {
        let planned = plan_retrieval(request.archive, range, request.plan, request.tier.clone())?;
        if !request.launch {
            return Ok(MemberState::Retrieval {
                planned,
                started: None,
                reused: 0,
            });
        }
        let (plan, reused) = start(
            api,
            store,
            request.vault,
            &planned,
            &request.started_by,
            now,
        )
        .await?;
        store.record_member_plan(
            request.vault,
            archive_id,
            position,
            PeekPart { plan, range },
        )?;
        return Ok(MemberState::Retrieval {
            planned,
            started: Some(plan),
            reused,
        });
    };
    match fetch_plan(api, store, request.folder, part.plan, now).await? {
        FetchedPart::Waiting(jobs) => Ok(MemberState::Waiting {
            plan: part.plan,
            jobs,
        }),
        FetchedPart::Ready(span_file) => {
            let extracted = extract::extract(&span_file, request)?;
            Ok(MemberState::Restored {
                extracted,
                span_file,
            })
        }
    }
}

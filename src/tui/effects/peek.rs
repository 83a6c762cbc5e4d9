//! Zips from the screen: an archive's peek, or a member's restore, taken as
//! far as it goes now, through the engine `defrost peek` and `defrost
//! restore-member` run, their bytes kept in the same folder of the data
//! directory.

use std::path::Path;

use time::OffsetDateTime;

use super::ScreenWords;
use crate::domain::range::ByteRange;
use crate::glacier::GlacierApi;
use crate::store::{ArchiveRow, PlanArchive, Store};
use crate::text::printable;
use crate::tracking::download::{WaitState, WaitingJob};
use crate::tracking::peek::member::{self, MemberRequest, MemberState};
use crate::tracking::peek::{PeekRequest, PeekState, advance, peek_folder};
use crate::tracking::started_by_here;
use crate::tui::member_restore::{MemberAsk, MemberView};
use crate::tui::members::{PeekAsk, PeekView};

/// Plans, starts, downloads or reads the archive's peek, whichever comes
/// next, and says where it stands.
pub async fn peek<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    ask: PeekAsk,
) -> Result<PeekView, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let archive = plan_archive(&ask.archive);
    let folder = peek_folder(data_dir, &ask.vault);
    let request = PeekRequest {
        vault: &ask.vault,
        archive: &archive,
        tier: Some(ask.tier.as_str().to_owned()),
        folder: &folder,
        started_by: started_by_here(),
        launch: ask.launch,
    };
    let state = advance(glacier, &mut store, &request, OffsetDateTime::now_utc())
        .await
        .map_err(|err| words.error(&err))?;
    Ok(view_of(state))
}

/// What the engine needs to know of an archive row.
fn plan_archive(row: &ArchiveRow) -> PlanArchive {
    PlanArchive {
        archive_id: row.archive_id.clone(),
        size: Some(row.size),
        tree_hash: Some(row.sha256_tree_hash.clone()),
        name: Some(row.name.clone()),
    }
}

/// The engine's answer in the screen's terms.
pub fn view_of(state: PeekState) -> PeekView {
    match state {
        PeekState::Listed { members, .. } => PeekView::Listed {
            members: members.len(),
        },
        PeekState::NotZip { reason, .. } => PeekView::NotZip { reason },
        PeekState::Retrieval {
            planned,
            first,
            started,
            reused,
        } => PeekView::Retrieval {
            range: planned
                .want
                .or_else(|| ByteRange::whole(planned.archive_size?).ok())
                .unwrap_or(ByteRange { start: 0, end: 0 }),
            bytes: planned.plan.as_ref().map_or(0, |plan| plan.bytes),
            jobs: planned.jobs.len(),
            first,
            started,
            reused,
        },
        PeekState::Waiting { plan, jobs, .. } => {
            let (ready_by, stuck) = waiting(&jobs);
            PeekView::Waiting {
                plan,
                jobs: jobs.len(),
                ready_by,
                stuck,
            }
        }
    }
}

/// When the last of a retrieval's jobs should be ready, or why one of them
/// never will be.
fn waiting(jobs: &[WaitingJob]) -> (Option<OffsetDateTime>, Option<String>) {
    let stuck = jobs.iter().find_map(|job| {
        let why = match &job.state {
            WaitState::InProgress { .. } => return None,
            WaitState::Expired => "its output window closed before it was downloaded",
            WaitState::Failed { .. } => "it failed",
            WaitState::NotStarted => "Glacier never answered its start",
        };
        Some(format!("job {} cannot become ready: {why}", job.number))
    });
    let ready_by = (jobs.iter())
        .filter_map(|job| match job.state {
            WaitState::InProgress { ready_by } => Some(ready_by),
            _ => None,
        })
        .max();
    (ready_by, stuck)
}

/// Plans, starts, downloads or unpacks a member's restore, whichever comes
/// next, and says where it stands. The folder is made when missing, as a
/// download's is.
pub async fn restore_member<G: GlacierApi>(
    glacier: &G,
    data_dir: &Path,
    words: &ScreenWords,
    ask: MemberAsk,
) -> Result<MemberView, String> {
    let mut store = Store::open(data_dir).map_err(|err| words.error(&err))?;
    let archive = plan_archive(&ask.archive);
    std::fs::create_dir_all(&ask.to).map_err(|err| {
        format!(
            "cannot make the folder {}: {err}",
            printable(&ask.to.display().to_string())
        )
    })?;
    let folder = peek_folder(data_dir, &ask.vault);
    let request = MemberRequest {
        vault: &ask.vault,
        archive: &archive,
        member: &ask.member,
        plan: ask.plan,
        tier: Some(ask.tier.as_str().to_owned()),
        folder: &folder,
        to: &ask.to,
        // The screen never replaces a file; the user moves it away.
        overwrite: false,
        started_by: started_by_here(),
        launch: ask.launch,
    };
    let state = member::restore_member(glacier, &mut store, &request, OffsetDateTime::now_utc())
        .await
        .map_err(|err| words.error(&err))?;
    Ok(match state {
        MemberState::Retrieval { started: None, .. } => MemberView::ToPay,
        MemberState::Retrieval {
            started: Some(plan),
            reused,
            ..
        } => MemberView::Started { plan, reused },
        MemberState::Waiting { plan, jobs } => {
            let (ready_by, stuck) = waiting(&jobs);
            MemberView::Waiting {
                plan,
                ready_by,
                stuck,
            }
        }
        MemberState::Restored { extracted, .. } => MemberView::Restored {
            shown: printable(&extracted.shown.display().to_string()),
            bytes: extracted.bytes,
            crc32: extracted.crc32,
        },
    })
}

//! Peeking into a zip from the screen: the archive's peek taken as far as it
//! goes now, through the engine `defrost peek` runs, its bytes kept in the
//! same folder of the data directory.

use std::path::Path;

use time::OffsetDateTime;

use super::ScreenWords;
use crate::domain::range::ByteRange;
use crate::glacier::GlacierApi;
use crate::store::{PlanArchive, Store};
use crate::tracking::download::WaitState;
use crate::tracking::peek::{PeekRequest, PeekState, advance, peek_folder};
use crate::tracking::started_by_here;
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
    let archive = PlanArchive {
        archive_id: ask.archive.archive_id.clone(),
        size: Some(ask.archive.size),
        tree_hash: Some(ask.archive.sha256_tree_hash.clone()),
        name: Some(ask.archive.name.clone()),
    };
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
            PeekView::Waiting {
                plan,
                jobs: jobs.len(),
                ready_by,
                stuck,
            }
        }
    }
}

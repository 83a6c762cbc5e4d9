//! Fixed models for the screen's tests: a vault, a snapshot, archives and jobs at
//! a fixed `now`, so reducer and snapshot tests never depend on the clock.

use std::path::PathBuf;

use time::OffsetDateTime;
use time::macros::datetime;

use super::config::Config;
use super::model::{Model, Session, VaultSummary};
use super::msg::{Journal, Loaded, Msg};
use super::update::update;
use crate::domain::inventory::{InventoryFormat, Timestamp};
use crate::domain::job::{JobStatus, PlanShape, ServiceSpeed, TrackedJob};
use crate::domain::job_params::{JobKind, Tier};
use crate::domain::range::{ByteRange, MIB};
use crate::store::{
    ArchivePage, ArchiveRow, JournalEntry, JournalId, PlanArchive, PlanEntry, PlanId, PlanJob,
    SnapshotInfo, Vault, VaultKey,
};

pub const NOW: OffsetDateTime = datetime!(2026-11-29 10:00 UTC);

pub fn vault_key() -> VaultKey {
    VaultKey {
        account: "123456789012".into(),
        region: "us-east-1".into(),
        name: "family-photos".into(),
    }
}

pub fn snapshot(archives: u64) -> SnapshotInfo {
    SnapshotInfo {
        id: 1,
        vault: Vault {
            id: 1,
            key: vault_key(),
        },
        inventory_date: Timestamp::parse("2026-11-26T08:00:00Z").expect("a valid date"),
        obtained_at: NOW,
        source: "file inventory.json".into(),
        format: InventoryFormat::Json,
        archive_count: archives,
        total_size: u128::from(archives) * 48 * u128::from(MIB),
        path: PathBuf::from("snapshot-1.sqlite"),
    }
}

pub fn archive(position: u32, name: &str, size: u64) -> ArchiveRow {
    ArchiveRow {
        position,
        archive_id: format!("archive-{position:04}-{}", "x".repeat(20)),
        description: format!("<m><v>4</v><p>{name}</p></m>"),
        name: name.into(),
        format: "mt2".into(),
        is_folder: false,
        modified: None,
        size,
        created: "2019-08-20T08:01:55.000Z".into(),
        sha256_tree_hash: "ab".repeat(32),
    }
}

/// `count` archives named `photos/IMG_0001.jpg` onward, 48 MiB each.
pub fn archives(from: u32, count: u32) -> Vec<ArchiveRow> {
    (from..from + count)
        .map(|i| archive(i, &format!("photos/IMG_{i:04}.jpg"), 48 * MIB))
        .collect()
}

pub fn session(read_only: bool) -> Session {
    Session {
        read_only,
        banner: None,
        speed: ServiceSpeed::GLACIER,
        endpoint_url: None,
        region: Some("us-east-1".into()),
        download_dir: PathBuf::from("restores"),
        default_bucket: None,
        s3_endpoint_url: None,
    }
}

pub fn job(id: &str, status: JobStatus, range: Option<ByteRange>) -> JournalEntry {
    let mut job = TrackedJob::started(
        id.into(),
        "family-photos".into(),
        JobKind::ArchiveRetrieval,
        Some(Tier::Standard),
        NOW - time::Duration::hours(5),
    );
    job.archive_id = Some(archive(1, "", 0).archive_id);
    job.range = range;
    job.status = status;
    if status == JobStatus::Succeeded {
        job.completed_at = Some(NOW - time::Duration::hours(1));
    }
    JournalEntry {
        id: JournalId(id.len() as i64 + i64::from(id.as_bytes()[0])),
        vault: vault_key(),
        job_id: Some(id.into()),
        params_json: "{}".into(),
        plan_json: None,
        plan: None,
        started_by: "defrost".into(),
        adopted: false,
        requested_at: "2026-11-29T05:00:00Z".into(),
        state: Some(job),
    }
}

/// Plan `id` of archive 1 (`photos/IMG_0001.jpg`, 48 MiB) wanting `want`,
/// carried out by `jobs` in order, one at each place; each job names it as its
/// plan.
pub fn plan(id: i64, want: Option<ByteRange>, jobs: Vec<JournalEntry>) -> PlanEntry {
    let shape = match (want, jobs.len()) {
        (None, _) => PlanShape::Whole,
        (Some(_), 1) => PlanShape::Mib,
        (Some(_), _) => PlanShape::Split,
    };
    let vault = jobs
        .first()
        .map_or_else(vault_key, |entry| entry.vault.clone());
    let jobs = jobs
        .into_iter()
        .enumerate()
        .map(|(position, mut entry)| {
            entry.plan = Some(PlanId(id));
            PlanJob {
                position: position as u32,
                range: entry.state.as_ref().and_then(|job| job.range),
                asked_tier: None,
                staged: false,
                entry,
            }
        })
        .collect();
    PlanEntry {
        id: PlanId(id),
        vault,
        archive: Some(PlanArchive {
            archive_id: archive(1, "", 0).archive_id,
            size: Some(48 * MIB),
            tree_hash: Some("ab".repeat(32)),
            name: Some("photos/IMG_0001.jpg".into()),
        }),
        want,
        shape,
        made_by: "defrost".into(),
        made_at: "2026-11-29T05:00:00Z".into(),
        jobs,
        finished: None,
    }
}

/// Plan `id`: bytes 1 MiB-47 MiB of archive 1 split into six jobs of 8 MiB,
/// Standard, the first `ready` of them ready (the first closing first), the
/// rest in progress.
pub fn split_plan(id: i64, ready: usize) -> PlanEntry {
    let jobs = (0..6u64)
        .map(|index| {
            let range = ByteRange {
                start: index * 8 * MIB,
                end: (index + 1) * 8 * MIB - 1,
            };
            let status = if (index as usize) < ready {
                JobStatus::Succeeded
            } else {
                JobStatus::InProgress
            };
            let mut entry = job(&format!("split-job-{index}"), status, Some(range));
            entry.id = JournalId(id * 10 + index as i64);
            if let Some(job) = entry
                .state
                .as_mut()
                .filter(|job| job.completed_at.is_some())
            {
                job.completed_at = Some(NOW - time::Duration::hours(3 - index as i64));
            }
            entry
        })
        .collect();
    let want = ByteRange {
        start: MIB,
        end: 47 * MIB - 1,
    };
    plan(id, Some(want), jobs)
}

/// The journal's answer listing `entries`, each the one job of a plan of its
/// own (P1, P2, … in order) that wants what the job retrieves.
pub fn jobs_loaded(entries: Vec<JournalEntry>) -> Msg {
    let plans = (entries.iter().enumerate())
        .map(|(index, entry)| {
            let want = entry.state.as_ref().and_then(|job| job.range);
            plan(index as i64 + 1, want, vec![entry.clone()])
        })
        .collect();
    plans_loaded(plans)
}

/// The journal's answer listing `plans` and their jobs.
pub fn plans_loaded(plans: Vec<PlanEntry>) -> Msg {
    let entries = (plans.iter())
        .flat_map(|plan| plan.jobs.iter().map(|job| job.entry.clone()))
        .collect();
    Msg::Loaded(Loaded::Jobs(Ok(Journal {
        entries,
        plans,
        batches: Vec::new(),
    })))
}

/// The journal's answer listing one whole-archive job, `id`, in `status`.
pub fn one_job_loaded(id: &str, status: JobStatus) -> Msg {
    jobs_loaded(vec![job(id, status, None)])
}

/// A model of a `width`×`height` screen showing a vault of `total` archives,
/// its first page loaded.
pub fn browsing(width: u16, height: u16, total: u32) -> Model {
    let mut model = Model::new(Config::defaults(), session(false), NOW, width, height);
    let vaults = vec![VaultSummary {
        key: vault_key(),
        snapshot: Some(snapshot(u64::from(total))),
        snapshot_count: 2,
        live_archives: Some(u64::from(total)),
        deletions: Default::default(),
        migration: None,
    }];
    let cmds = update(&mut model, Msg::Loaded(Loaded::Vaults(Ok(vaults))), NOW);
    let request = model.archives.pending.expect("the first page is asked for");
    let _ = cmds;
    let rows = archives(1, total.min(90));
    update(
        &mut model,
        Msg::Loaded(Loaded::Page {
            request,
            result: Ok(ArchivePage {
                total: u64::from(total),
                archives: rows,
            }),
        }),
        NOW,
    );
    let names = [(
        archive(1, "", 0).archive_id,
        "photos/IMG_0001.jpg".to_owned(),
    )];
    update(
        &mut model,
        Msg::Loaded(Loaded::JobNames(names.into_iter().collect())),
        NOW,
    );
    update(&mut model, jobs_loaded(Vec::new()), NOW);
    model
}

/// The whole screen of `model` as text: a line per row, without the spaces
/// at its end.
pub fn screen(model: &Model) -> String {
    let backend = ratatui::backend::TestBackend::new(model.width, model.height);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal
        .draw(|frame| super::view::draw(frame, model))
        .unwrap();
    text_of(&terminal)
}

/// What `terminal` shows, as [`screen`] gives it.
pub fn text_of(terminal: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// `code` pressed without modifiers at [`NOW`], and what it asks for.
pub fn press(model: &mut Model, code: crossterm::event::KeyCode) -> Vec<super::msg::Cmd> {
    let key = crossterm::event::KeyEvent::new(code, crossterm::event::KeyModifiers::NONE);
    update(model, Msg::Key(key), NOW)
}

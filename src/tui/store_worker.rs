//! The cache on its own thread: pages, folders and the vault list are read there,
//! with recently used snapshots kept open, so the UI thread never waits on disk.
//! When several page requests queue up (typing a filter), only the newest is run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use tokio::sync::mpsc::UnboundedSender;

use super::members::{Listing, ZipAnswer};
use super::model::VaultSummary;
use super::msg::{Loaded, MarksAnswer, MarksQuery, Msg, RequestId, VaultProgress};
use crate::glacier::VaultInfo;
use crate::store::{ArchiveQuery, Snapshot, Store, VaultKey};

/// How many snapshots stay open: the vault on screen and the one before it.
const OPEN_SNAPSHOTS: usize = 2;

pub enum StoreJob {
    Page {
        request: RequestId,
        snapshot: PathBuf,
        query: ArchiveQuery,
    },
    Folder {
        request: RequestId,
        snapshot: PathBuf,
        path: String,
    },
    Archive {
        request: RequestId,
        snapshot: PathBuf,
        position: u32,
    },
    /// Every archive a mark covers, or how many marked archives folders hold.
    Marks(MarksQuery),
    /// The cached vaults, merged with those Glacier listed in `region`.
    Vaults {
        live: Vec<VaultInfo>,
        region: Option<String>,
    },
    /// How far the drains and newest migrations of these vaults are.
    Progress { vaults: Vec<VaultKey> },
    /// The vault's archives with a stored zip listing, placed in `snapshot`.
    Listed {
        request: RequestId,
        vault: VaultKey,
        snapshot: PathBuf,
    },
    /// An archive's stored zip members.
    Members {
        request: RequestId,
        vault: VaultKey,
        archive_id: String,
    },
}

/// The sending end; dropping it stops the thread.
#[derive(Clone)]
pub struct StoreWorker {
    jobs: mpsc::Sender<StoreJob>,
}

impl StoreWorker {
    pub fn start(data_dir: PathBuf, results: UnboundedSender<Msg>) -> StoreWorker {
        let (jobs, inbox) = mpsc::channel();
        std::thread::Builder::new()
            .name("defrost-store".into())
            .spawn(move || serve(&data_dir, &inbox, &results))
            .ok();
        StoreWorker { jobs }
    }

    pub fn send(&self, job: StoreJob) {
        // A stopped worker means the program is ending; nothing waits for the answer.
        let _ = self.jobs.send(job);
    }
}

fn serve(data_dir: &Path, inbox: &mpsc::Receiver<StoreJob>, results: &UnboundedSender<Msg>) {
    // The screen only reads here: a cache it cannot write is still shown.
    let store = Store::open_for_reading(data_dir).map_err(|err| err.to_string());
    if store.as_ref().is_ok_and(Store::is_read_only) {
        let _ = results.send(Msg::Loaded(Loaded::CacheReadOnly(data_dir.to_path_buf())));
    }
    let mut open: HashMap<PathBuf, Snapshot> = HashMap::new();
    let mut recent: Vec<PathBuf> = Vec::new();
    while let Ok(mut job) = inbox.recv() {
        // Skip pages nobody will look at: a newer page request supersedes them,
        // as a newer count of progress does (a migration asks after each copy).
        while let Ok(next) = inbox.try_recv() {
            match (&job, &next) {
                (StoreJob::Page { .. }, StoreJob::Page { .. })
                | (StoreJob::Progress { .. }, StoreJob::Progress { .. }) => job = next,
                _ => {
                    answer(job, &store, &mut open, &mut recent, results);
                    job = next;
                }
            }
        }
        answer(job, &store, &mut open, &mut recent, results);
    }
}

fn answer(
    job: StoreJob,
    store: &Result<Store, String>,
    open: &mut HashMap<PathBuf, Snapshot>,
    recent: &mut Vec<PathBuf>,
    results: &UnboundedSender<Msg>,
) {
    let loaded = match job {
        StoreJob::Page {
            request,
            snapshot,
            query,
        } => Loaded::Page {
            request,
            result: with_snapshot(open, recent, &snapshot, |s| s.page(&query)),
        },
        StoreJob::Folder {
            request,
            snapshot,
            path,
        } => Loaded::Folder {
            request,
            result: with_snapshot(open, recent, &snapshot, |s| s.folder(&path)),
        },
        StoreJob::Archive {
            request,
            snapshot,
            position,
        } => Loaded::Archive {
            request,
            result: with_snapshot(open, recent, &snapshot, |s| s.archive(position)),
        },
        StoreJob::Marks(query) => Loaded::Marks(answer_marks(query, open, recent)),
        StoreJob::Vaults { live, region } => Loaded::Vaults(match store {
            Ok(store) => summaries(store, &live, region.as_deref().unwrap_or_default()),
            Err(problem) => Err(problem.clone()),
        }),
        StoreJob::Progress { vaults } => Loaded::Progress(match store {
            Ok(store) => (vaults.into_iter())
                .map(|key| progress(store, key))
                .collect::<Result<_, _>>()
                .map_err(|err| err.to_string()),
            Err(problem) => Err(problem.clone()),
        }),
        StoreJob::Listed {
            request,
            vault,
            snapshot,
        } => Loaded::Zip(ZipAnswer::Listed {
            request,
            result: listing(store, &vault, &snapshot, open, recent),
        }),
        StoreJob::Members {
            request,
            vault,
            archive_id,
        } => Loaded::Zip(ZipAnswer::Members {
            request,
            result: match store {
                Ok(store) => (store.zip_members(&vault, &archive_id)).map_err(|e| e.to_string()),
                Err(problem) => Err(problem.clone()),
            },
        }),
    };
    let _ = results.send(Msg::Loaded(loaded));
}

/// The vault's archives with a stored listing, and where `snapshot` lists
/// them (a few: one is stored per archive peeked into).
fn listing(
    store: &Result<Store, String>,
    vault: &VaultKey,
    snapshot: &Path,
    open: &mut HashMap<PathBuf, Snapshot>,
    recent: &mut Vec<PathBuf>,
) -> Result<Listing, String> {
    let store = store.as_ref().map_err(Clone::clone)?;
    let ids = store.listed_archives(vault).map_err(|e| e.to_string())?;
    if ids.is_empty() {
        return Ok(Listing::default());
    }
    let wanted: Vec<String> = ids.iter().cloned().collect();
    let rows = with_snapshot(open, recent, snapshot, |s| s.find_archives(&wanted))?;
    let positions = rows.iter().map(|row| row.position).collect();
    Ok(Listing { ids, positions })
}

/// Every archive a mark covers, or how many marked archives each folder holds.
fn answer_marks(
    query: MarksQuery,
    open: &mut HashMap<PathBuf, Snapshot>,
    recent: &mut Vec<PathBuf>,
) -> MarksAnswer {
    match query {
        MarksQuery::Archives {
            request,
            snapshot,
            query,
        } => MarksAnswer::Archives {
            request,
            result: with_snapshot(open, recent, &snapshot, |s| s.positions_and_sizes(&query)),
        },
        MarksQuery::Counts {
            request,
            snapshot,
            folder,
            marks,
        } => MarksAnswer::Counts {
            request,
            result: with_snapshot(open, recent, &snapshot, |s| {
                s.count_in_folders(&folder, |position| marks.contains(position))
            }),
        },
    }
}

fn with_snapshot<T>(
    open: &mut HashMap<PathBuf, Snapshot>,
    recent: &mut Vec<PathBuf>,
    path: &Path,
    read: impl FnOnce(&Snapshot) -> Result<T, crate::store::StoreError>,
) -> Result<T, String> {
    if !open.contains_key(path) {
        let snapshot = Snapshot::open(path).map_err(|err| err.to_string())?;
        open.insert(path.to_path_buf(), snapshot);
    }
    recent.retain(|p| p != path);
    recent.push(path.to_path_buf());
    while recent.len() > OPEN_SNAPSHOTS {
        let oldest = recent.remove(0);
        open.remove(&oldest);
    }
    let snapshot = open
        .get(path)
        .ok_or_else(|| "the snapshot closed while in use".to_owned())?;
    read(snapshot).map_err(|err| err.to_string())
}

/// Every cached vault with its newest snapshot, then the vaults Glacier listed
/// that have none cached.
fn summaries(store: &Store, live: &[VaultInfo], region: &str) -> Result<Vec<VaultSummary>, String> {
    let mut summaries = Vec::new();
    for vault in store.vaults().map_err(|err| err.to_string())? {
        let snapshots = store
            .snapshots(Some(&vault))
            .map_err(|err| err.to_string())?;
        let newest = snapshots
            .iter()
            .max_by_key(|s| (s.inventory_date, s.id))
            .cloned();
        let live_archives = live
            .iter()
            .find(|info| info.name == vault.key.name && vault.key.region == region)
            .and_then(|info| info.last_inventory.map(|_| info.archive_count));
        let VaultProgress {
            key,
            deletions,
            migration,
        } = progress(store, vault.key.clone()).map_err(|err| err.to_string())?;
        summaries.push(VaultSummary {
            key,
            snapshot: newest,
            snapshot_count: snapshots.len(),
            live_archives,
            deletions,
            migration,
        });
    }
    for info in live {
        let known = summaries
            .iter()
            .any(|s| s.key.name == info.name && s.key.region == region);
        if !known {
            summaries.push(VaultSummary {
                key: VaultKey {
                    account: "-".into(),
                    region: region.to_owned(),
                    name: info.name.clone(),
                },
                snapshot: None,
                snapshot_count: 0,
                live_archives: info.last_inventory.map(|_| info.archive_count),
                deletions: Default::default(),
                migration: None,
            });
        }
    }
    Ok(summaries)
}

/// How far the drains and the newest migration of `key`'s vault are: two
/// aggregate reads, never the migration's archives one by one. A migration
/// whose record is damaged is left out rather than the vault: the log says why.
fn progress(store: &Store, key: VaultKey) -> Result<VaultProgress, crate::store::StoreError> {
    let deletions = store.deletion_totals(&key.region, &key.name)?;
    let migration = (store.migration_progress(&key.region, &key.name)).unwrap_or_else(|err| {
        tracing::warn!(
            "the progress of {}'s migration is not shown: {err}",
            key.name
        );
        None
    });
    Ok(VaultProgress {
        key,
        deletions,
        migration,
    })
}

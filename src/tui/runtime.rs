//! Runs the commands `update` asks for: reads of the cache on the store thread,
//! Glacier requests on tokio tasks. Every result comes back as a message.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

use super::msg::{Cmd, Loaded, Msg};
use super::store_worker::{StoreJob, StoreWorker};
use crate::glacier::GlacierApi;
use crate::store::{JournalEntry, Snapshot, Store, VaultKey};
use crate::tracking::launch::{LaunchRequest, PlannedRetrieval, launch_plan};
use crate::tracking::started_by_here;
use crate::tracking::sync_vault_jobs;

/// The Glacier client as it becomes ready: configuring it (profiles, SSO,
/// credentials) can take a while, and the cache is shown without waiting for it.
/// Every task that needs it awaits the same connection. Any [`GlacierApi`]
/// will do: the SDK's client on the user's account or a sandbox, or a test's.
pub type Connection<G> = Shared<BoxFuture<'static, Result<Arc<G>, String>>>;

/// A connection from a future that configures the client.
pub fn connection<G: GlacierApi + 'static>(
    connect: impl Future<Output = Result<G, String>> + Send + 'static,
) -> Connection<G> {
    connect.map(|result| result.map(Arc::new)).boxed().shared()
}

/// What the commands run with.
pub struct Runtime<G: GlacierApi + 'static> {
    results: UnboundedSender<Msg>,
    store: StoreWorker,
    glacier: Connection<G>,
    data_dir: PathBuf,
}

impl<G: GlacierApi + 'static> Runtime<G> {
    pub fn new(
        results: UnboundedSender<Msg>,
        data_dir: PathBuf,
        glacier: Connection<G>,
    ) -> Runtime<G> {
        let store = StoreWorker::start(data_dir.clone(), results.clone());
        Runtime {
            results,
            store,
            glacier,
            data_dir,
        }
    }

    /// Starts `cmd`. Terminal effects (bell, clipboard, quit) are the app's.
    pub fn run(&self, cmd: Cmd) {
        match cmd {
            Cmd::LoadPage {
                request,
                snapshot,
                query,
            } => self.store.send(StoreJob::Page {
                request,
                snapshot,
                query,
            }),
            Cmd::LoadFolder {
                request,
                snapshot,
                path,
            } => self.store.send(StoreJob::Folder {
                request,
                snapshot,
                path,
            }),
            Cmd::LoadArchive {
                request,
                snapshot,
                position,
            } => self.store.send(StoreJob::Archive {
                request,
                snapshot,
                position,
            }),
            other => self.run_effect(other),
        }
    }

    /// Starts a command that talks to Glacier or writes: each on a task of its
    /// own, its result sent back as a message.
    fn run_effect(&self, cmd: Cmd) {
        match cmd {
            Cmd::LoadVaults => self.load_vaults(),
            Cmd::SyncJobs { vaults } => self.sync_jobs(vaults),
            Cmd::LoadPolicy { request } => self.glacier_task(move |glacier, results| async move {
                let result = glacier
                    .get_data_retrieval_policy()
                    .await
                    .map_err(|err| err.to_string());
                let _ = results.send(Msg::Loaded(Loaded::Policy { request, result }));
            }),
            Cmd::Launch { vault, planned } => {
                let data_dir = self.data_dir.clone();
                self.glacier_task(move |glacier, results| async move {
                    let result = launch(&*glacier, &data_dir, vault, planned).await;
                    let _ = results.send(Msg::Loaded(Loaded::Launched(result)));
                });
            }
            Cmd::Download { vault, job_id, to } => {
                let results = self.results.clone();
                self.on_own_thread(move |glacier, data_dir| async move {
                    let result = super::launch::download(
                        &*glacier, &data_dir, &vault, &job_id, &to, &results,
                    )
                    .await;
                    Msg::Loaded(Loaded::DownloadFinished { job_id, result })
                });
            }
            Cmd::FetchInventory { vault } => {
                self.on_own_thread(move |glacier, data_dir| async move {
                    let result = super::launch::request_inventory(
                        &*glacier,
                        &data_dir,
                        &vault,
                        OffsetDateTime::now_utc(),
                    )
                    .await;
                    Msg::Loaded(Loaded::InventoryRequested(result))
                })
            }
            Cmd::ImportInventory { vault } => {
                self.on_own_thread(move |glacier, data_dir| async move {
                    let result =
                        super::launch::import_inventory(&*glacier, &data_dir, &vault).await;
                    Msg::Loaded(Loaded::InventoryImported(result))
                })
            }
            Cmd::SaveToFile { path, text } => {
                let results = self.results.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = results.send(Msg::Loaded(Loaded::Saved(save(path, &text))));
                });
            }
            // Read by `run`; terminal effects (bell, clipboard, quit) are the app's.
            Cmd::LoadPage { .. }
            | Cmd::LoadFolder { .. }
            | Cmd::LoadArchive { .. }
            | Cmd::CopyToClipboard(_)
            | Cmd::Bell
            | Cmd::Quit => {}
        }
    }

    /// Runs `task` on a thread of its own: work that reads the cache between
    /// requests holds a cache handle, which stays on one thread.
    fn on_own_thread<F, Fut>(&self, task: F)
    where
        F: FnOnce(Arc<G>, PathBuf) -> Fut + Send + 'static,
        Fut: Future<Output = Msg>,
    {
        let data_dir = self.data_dir.clone();
        self.glacier_task(move |glacier, results| async move {
            let handle = tokio::runtime::Handle::current();
            let _ = tokio::task::spawn_blocking(move || {
                let msg = handle.block_on(task(glacier, data_dir));
                let _ = results.send(msg);
            })
            .await;
        });
    }

    /// Runs `task` with the Glacier client once it is ready, or says why there is
    /// none.
    fn glacier_task<F, Fut>(&self, task: F)
    where
        F: FnOnce(Arc<G>, UnboundedSender<Msg>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let connection = self.glacier.clone();
        let results = self.results.clone();
        tokio::spawn(async move {
            match connection.await {
                Ok(glacier) => task(glacier, results).await,
                Err(problem) => {
                    let _ = results.send(Msg::Loaded(Loaded::Problem(problem)));
                }
            }
        });
    }

    /// The cached vaults at once, then again with the vaults Glacier lists.
    fn load_vaults(&self) {
        let store = self.store.clone();
        store.send(StoreJob::Vaults {
            live: Vec::new(),
            region: None,
        });
        let connection = self.glacier.clone();
        let results = self.results.clone();
        tokio::spawn(async move {
            let listed = match connection.await {
                Ok(glacier) => glacier
                    .list_vaults()
                    .await
                    .map(|live| (live, glacier.region().to_owned()))
                    .map_err(|err| err.to_string()),
                Err(problem) => Err(problem),
            };
            match listed {
                Ok((live, region)) => store.send(StoreJob::Vaults {
                    live,
                    region: Some(region),
                }),
                Err(problem) => {
                    let shown = format!("showing the cache only: {problem}");
                    let _ = results.send(Msg::Loaded(Loaded::Problem(shown)));
                }
            }
        });
    }

    fn sync_jobs(&self, vaults: Vec<crate::store::VaultKey>) {
        let data_dir = self.data_dir.clone();
        let connection = self.glacier.clone();
        let results = self.results.clone();
        tokio::spawn(async move {
            let result = async {
                let mut store =
                    Store::open_for_reading(&data_dir).map_err(|err| err.to_string())?;
                let mut problem = None;
                // Bringing the journal up to date writes it: a read-only cache
                // shows the journal as it is.
                let glacier = if store.is_read_only() {
                    None
                } else {
                    connection.await.ok()
                };
                if let Some(glacier) = glacier {
                    for vault in &vaults {
                        if let Err(err) =
                            sync_vault_jobs(&*glacier, &mut store, vault, OffsetDateTime::now_utc())
                                .await
                        {
                            problem.get_or_insert(err.to_string());
                        }
                    }
                }
                let entries = store.journal(None).map_err(|err| err.to_string())?;
                let names = archive_names(&store, &entries);
                Ok::<_, String>((entries, names, problem))
            }
            .await;
            match result {
                Ok((entries, names, problem)) => {
                    if let Some(problem) = problem {
                        let _ = results.send(Msg::Loaded(Loaded::Problem(problem)));
                    }
                    let _ = results.send(Msg::Loaded(Loaded::JobNames(names)));
                    let _ = results.send(Msg::Loaded(Loaded::Jobs(Ok(entries))));
                }
                Err(problem) => {
                    let _ = results.send(Msg::Loaded(Loaded::Jobs(Err(problem))));
                }
            }
        });
    }
}

/// The decoded names of the archives `entries` retrieve, from the newest cached
/// inventory of each job's vault; archives no cached inventory lists are left out.
fn archive_names(store: &Store, entries: &[JournalEntry]) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let mut snapshots: HashMap<VaultKey, Option<Snapshot>> = HashMap::new();
    for entry in entries {
        let Some(id) = entry
            .state
            .as_ref()
            .and_then(|job| job.archive_id.as_deref())
        else {
            continue;
        };
        let snapshot = snapshots.entry(entry.vault.clone()).or_insert_with(|| {
            let vault = store
                .find_vault(&entry.vault.name, None, Some(&entry.vault.region))
                .ok()?;
            let info = store.snapshot_of(&vault, None).ok()?;
            store.open_snapshot(&info).ok()
        });
        if let Some(row) = snapshot
            .as_ref()
            .and_then(|s| s.find_archive(id).ok().flatten())
        {
            names.insert(id.to_owned(), row.name);
        }
    }
    names
}

/// Starts the planned jobs through the journaled launcher; the answer names every
/// job that started, also when a later one was refused.
async fn launch<G: GlacierApi>(
    glacier: &G,
    data_dir: &std::path::Path,
    vault: crate::store::VaultKey,
    planned: PlannedRetrieval,
) -> Result<Vec<String>, String> {
    let mut store = Store::open(data_dir).map_err(|err| err.to_string())?;
    let reuse = vec![None; planned.jobs.len()];
    let request = LaunchRequest {
        vault,
        planned,
        reuse,
        started_by: started_by_here(),
    };
    launch_plan(glacier, &mut store, &request, OffsetDateTime::now_utc())
        .await
        .map(|report| report.jobs.into_iter().map(|job| job.job_id).collect())
        .map_err(|err| err.to_string())
}

/// Writes the preview to a new file; an existing file is left alone. A name
/// that cannot be a new file says why and what to type instead.
fn save(path: PathBuf, text: &str) -> Result<PathBuf, String> {
    use std::io::{ErrorKind, Write as _};
    let shown = crate::text::printable(&path.display().to_string());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|err| match err.kind() {
            ErrorKind::AlreadyExists if path.is_dir() => {
                format!("{shown} is a folder; type a file name inside it")
            }
            ErrorKind::AlreadyExists => format!("{shown} already exists; choose another name"),
            ErrorKind::NotFound | ErrorKind::NotADirectory => format!(
                "cannot create {shown}: its folder does not exist; type a name in an existing folder"
            ),
            ErrorKind::PermissionDenied => format!(
                "cannot create {shown}: permission denied; choose a folder you may write to"
            ),
            _ => format!("cannot create {shown}: {err}"),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|err| format!("cannot write {shown}: {err}"))?;
    Ok(path)
}

#[cfg(test)]
mod save_tests {
    use super::save;

    #[test]
    fn a_folder_or_a_missing_folder_says_what_to_type_instead() {
        let dir = tempfile::tempdir().unwrap();
        let folder = save(dir.path().to_path_buf(), "{}").unwrap_err();
        assert!(
            folder.ends_with("is a folder; type a file name inside it"),
            "{folder}"
        );
        let missing = save(dir.path().join("no/such/params.json"), "{}").unwrap_err();
        assert!(missing.contains("its folder does not exist"), "{missing}");
        let existing = dir.path().join("params.json");
        assert_eq!(save(existing.clone(), "{}"), Ok(existing.clone()));
        let again = save(existing, "{}").unwrap_err();
        assert!(
            again.ends_with("already exists; choose another name"),
            "{again}"
        );
    }
}

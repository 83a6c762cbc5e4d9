//! Runs the commands `update` asks for: reads of the cache on the store thread,
//! Glacier requests on tokio tasks. Every result comes back as a message.

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

mod drain;
mod migration;
mod peek;

use super::batch::{BatchAsk, Prepared};
use super::effects::{self, DownloadRequest, S3Access, ScreenWords};
use super::msg::{BatchNews, Cmd, Loaded, Msg, RequestId};
use super::store_worker::{StoreJob, StoreWorker};
use crate::domain::job_params::Tier;
use crate::glacier::GlacierApi;
use crate::store::{BatchId, VaultKey};
use crate::tracking::launch::PlannedRetrieval;

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
    /// Errors in the screen's words, with the keys of the user's keymap.
    words: ScreenWords,
    /// How migrations reach S3.
    s3: S3Access,
    /// The demo's sandbox, for its tour; `None` on an account.
    demo: Option<Arc<dyn effects::tour::DemoControls>>,
}

impl<G: GlacierApi + 'static> Runtime<G> {
    pub fn new(
        results: UnboundedSender<Msg>,
        data_dir: PathBuf,
        glacier: Connection<G>,
        words: ScreenWords,
    ) -> Runtime<G> {
        let store = StoreWorker::start(data_dir.clone(), results.clone());
        Runtime {
            results,
            store,
            glacier,
            data_dir,
            words,
            s3: S3Access::default(),
            demo: None,
        }
    }

    /// The same runtime, with the demo's sandbox for the tour to change.
    pub fn with_demo(mut self, demo: Arc<dyn effects::tour::DemoControls>) -> Runtime<G> {
        self.demo = Some(demo);
        self
    }

    /// The same runtime, reaching S3 through `s3` (the demo's sandbox, or a
    /// profile) instead of the environment's configuration.
    pub fn with_s3(mut self, s3: S3Access) -> Runtime<G> {
        self.s3 = s3;
        self
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
            Cmd::Marks(query) => self.store.send(StoreJob::Marks(query)),
            Cmd::LoadProgress { vaults } => self.store.send(StoreJob::Progress { vaults }),
            Cmd::Zip(zip) => self.zip(zip),
            other => self.run_effect(other),
        }
    }

    /// Starts a command that talks to Glacier or writes: each on a task of its
    /// own, its result sent back as a message.
    fn run_effect(&self, cmd: Cmd) {
        match cmd {
            Cmd::LoadVaults => self.load_vaults(),
            Cmd::SyncJobs {
                vaults,
                open_batches,
            } => self.sync_jobs(vaults, open_batches),
            Cmd::LoadPolicy { request } => self.load_policy(request),
            Cmd::Launch { vault, planned } => self.launch(vault, planned),
            Cmd::PrepareBatch { request, ask } => self.prepare_batch(request, ask),
            Cmd::StartBatch { prepared, tier } => self.start_batch(prepared, tier),
            Cmd::DownloadBatch { batch, to } => self.download_batch(batch, to),
            Cmd::ResumeBatch { batch } => self.resume_batch(batch),
            Cmd::PrepareMigration { request, ask } => self.prepare_migration(request, ask),
            Cmd::StartMigration { migrating } => self.start_migration(migrating),
            Cmd::ResumeMigration { batch } => self.resume_migration(batch),
            Cmd::PrepareDrain {
                request,
                vault,
                prices,
            } => self.prepare_drain(request, vault, prices),
            Cmd::StartDrain { vault, draining } => self.start_drain(vault, draining),
            Cmd::Download { vault, job_id, to } => self.download(vault, job_id, to),
            Cmd::FetchInventory { vault } => self.fetch_inventory(vault),
            Cmd::PlanRenewal { plan } => self.renewal(plan, false),
            Cmd::Renew { plan } => self.renewal(plan, true),
            Cmd::ImportInventory { vault } => self.import_inventory(vault),
            Cmd::Tour(cmd) => {
                let results = self.results.clone();
                let demo = self.demo.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(problem) = effects::tour::run(cmd, demo.as_deref()) {
                        let _ = results.send(Msg::Loaded(Loaded::Problem(problem)));
                    }
                });
            }
            Cmd::SaveToFile { path, text } => {
                let results = self.results.clone();
                tokio::task::spawn_blocking(move || {
                    let saved = effects::save(path, &text);
                    let _ = results.send(Msg::Loaded(Loaded::Saved(saved)));
                });
            }
            // Read by `run`; terminal effects (bell, clipboard, quit) are the app's.
            Cmd::LoadPage { .. }
            | Cmd::LoadFolder { .. }
            | Cmd::LoadArchive { .. }
            | Cmd::Marks(_)
            | Cmd::LoadProgress { .. }
            | Cmd::Zip(_)
            | Cmd::CopyToClipboard(_)
            | Cmd::Bell
            | Cmd::Quit => {}
        }
    }

    fn load_policy(&self, request: RequestId) {
        let words = self.words.clone();
        self.glacier_task(move |glacier, results| async move {
            let result = glacier
                .get_data_retrieval_policy()
                .await
                .map_err(|err| words.error(&err));
            let _ = results.send(Msg::Loaded(Loaded::Policy { request, result }));
        });
    }

    fn launch(&self, vault: VaultKey, planned: PlannedRetrieval) {
        let data_dir = self.data_dir.clone();
        let words = self.words.clone();
        self.glacier_task(move |glacier, results| async move {
            let result = effects::launch(&*glacier, &data_dir, &words, vault, planned).await;
            let _ = results.send(Msg::Loaded(Loaded::Launched(result)));
        });
    }

    fn prepare_batch(&self, request: RequestId, ask: BatchAsk) {
        let words = self.words.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let result = effects::batch::prepare(&*glacier, &data_dir, &words, ask).await;
            Msg::Loaded(Loaded::BatchPrepared { request, result })
        });
    }

    fn start_batch(&self, prepared: Prepared, tier: Tier) {
        let words = self.words.clone();
        let news = self.results.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let started =
                effects::batch::start(&*glacier, &data_dir, &words, prepared, tier, &news).await;
            match started {
                (Some(batch), result) => {
                    Msg::Loaded(Loaded::Batch(BatchNews::Ended { batch, result }))
                }
                (None, result) => Msg::Loaded(Loaded::Problem(result.err().unwrap_or_default())),
            }
        });
    }

    fn resume_batch(&self, batch: BatchId) {
        let words = self.words.clone();
        let news = self.results.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let result = effects::batch::resume(&*glacier, &data_dir, &words, batch, &news).await;
            Msg::Loaded(Loaded::Batch(BatchNews::Ended { batch, result }))
        });
    }

    fn download_batch(&self, batch: BatchId, to: PathBuf) {
        let words = self.words.clone();
        let news = self.results.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let result =
                effects::batch::download(&*glacier, &data_dir, &words, batch, &to, &news).await;
            Msg::Loaded(Loaded::Batch(BatchNews::Ended { batch, result }))
        });
    }

    /// Asks what renewing `plan` would start, or (`start`) starts it.
    fn renewal(&self, plan: crate::store::PlanId, start: bool) {
        let data_dir = self.data_dir.clone();
        let words = self.words.clone();
        self.glacier_task(move |glacier, results| async move {
            let answer = if start {
                Loaded::Renewed(effects::renew(&*glacier, &data_dir, &words, plan).await)
            } else {
                let view = effects::plan_renewal_view(&*glacier, &data_dir, &words, plan).await;
                Loaded::RenewalPlanned(view)
            };
            let _ = results.send(Msg::Loaded(answer));
        });
    }

    fn download(&self, vault: VaultKey, job_id: String, to: PathBuf) {
        let progress = self.results.clone();
        let words = self.words.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let request = DownloadRequest {
                vault: &vault,
                job_id: &job_id,
                to: &to,
                progress: &progress,
            };
            let result = effects::download(&*glacier, &data_dir, &words, request).await;
            Msg::Loaded(Loaded::DownloadFinished { job_id, result })
        });
    }

    fn fetch_inventory(&self, vault: VaultKey) {
        let words = self.words.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let now = OffsetDateTime::now_utc();
            let result =
                effects::request_inventory(&*glacier, &data_dir, &words, &vault, now).await;
            Msg::Loaded(Loaded::InventoryRequested(result))
        });
    }

    fn import_inventory(&self, vault: VaultKey) {
        let words = self.words.clone();
        self.on_own_thread(move |glacier, data_dir| async move {
            let result = effects::import_inventory(&*glacier, &data_dir, &words, &vault).await;
            Msg::Loaded(Loaded::InventoryImported(result))
        });
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
        let words = self.words.clone();
        tokio::spawn(async move {
            let listed = match connection.await {
                Ok(glacier) => glacier
                    .list_vaults()
                    .await
                    .map(|live| (live, glacier.region().to_owned()))
                    .map_err(|err| words.error(&err)),
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

    /// ListJobs on each vault (unless the cache is read-only), then the journal.
    fn sync_jobs(&self, vaults: Vec<VaultKey>, open_batches: Vec<crate::store::BatchId>) {
        let data_dir = self.data_dir.clone();
        let connection = self.glacier.clone();
        let results = self.results.clone();
        let words = self.words.clone();
        tokio::spawn(async move {
            let glacier = async { connection.await.ok() };
            match effects::sync_jobs(glacier, &data_dir, &words, &vaults, &open_batches).await {
                Ok(synced) => {
                    if let Some(problem) = synced.problem {
                        let _ = results.send(Msg::Loaded(Loaded::Problem(problem)));
                    }
                    let _ = results.send(Msg::Loaded(Loaded::JobNames(synced.names)));
                    let _ = results.send(Msg::Loaded(Loaded::Jobs(Ok(synced.entries))));
                }
                Err(problem) => {
                    let _ = results.send(Msg::Loaded(Loaded::Jobs(Err(problem))));
                }
            }
        });
    }
}

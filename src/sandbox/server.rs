//! The HTTP side of the sandbox: shared state behind a lock, the router, start and
//! graceful shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::{
    Router,
    extract::{Request, State},
    http::HeaderMap,
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use time::OffsetDateTime;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

use super::clock::{Speedup, glacier};
use super::error::{GlacierError, GlacierResult};
use super::faults::{self, Faults};
use super::model::SandboxState;
use super::routes;
use super::seed::Seed;
use super::seeding::{SeedProblem, apply_seed};
use super::store::{StateStore, StoreError};
use super::vaults::{AccountContext, refresh_inventories};

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub addr: SocketAddr,
    pub state_dir: Option<PathBuf>,
    pub speedup: Speedup,
    pub account_id: String,
    pub region: String,
    /// Vaults, archives and account settings to add at start.
    pub seed: Option<Seed>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            state_dir: None,
            speedup: Speedup::default(),
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            seed: None,
        }
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the seed cannot be applied: {0}")]
    Seed(#[from] SeedProblem),
    #[error(
        "cannot listen on {addr}: {source}; choose another address or port 0 for any free port"
    )]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// What every request handler shares.
pub struct Shared {
    state: Mutex<SandboxState>,
    pub store: StateStore,
    pub ctx: AccountContext,
    pub speedup: Speedup,
    pub faults: Faults,
}

impl Shared {
    /// The state brought up to date with the inventory schedule at `now`. The lock
    /// is never held across an await, so a plain mutex is enough.
    pub fn lock(&self, now: OffsetDateTime) -> MutexGuard<'_, SandboxState> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        refresh_inventories(
            &mut state,
            now,
            self.speedup.scale(glacier::INVENTORY_INTERVAL),
        );
        state
    }

    /// Runs a change on the state at `now` and saves it when the change succeeds.
    pub fn change<T>(
        &self,
        now: OffsetDateTime,
        change: impl FnOnce(&mut SandboxState) -> GlacierResult<T>,
    ) -> GlacierResult<T> {
        let mut state = self.lock(now);
        let result = change(&mut state)?;
        self.store
            .save(&state)
            .map_err(|err| GlacierError::service_unavailable(err.to_string()))?;
        Ok(result)
    }
}

pub type SharedState = Arc<Shared>;

/// A sandbox serving in the background of the current tokio runtime.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    pub shared: SharedState,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningSandbox {
    /// The URL to give clients as `--endpoint-url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests and waits for those under way to finish.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(());
        self.task
            .await
            .unwrap_or_else(|err| Err(std::io::Error::other(err)))
    }
}

/// Binds, loads or creates the state, and serves until `shutdown` is called.
pub async fn start(options: SandboxOptions) -> Result<RunningSandbox, StartError> {
    let store = StateStore::open(options.state_dir.as_deref())?;
    let mut state = store.load()?;
    if let Some(seed) = &options.seed {
        apply_seed(&mut state, seed, OffsetDateTime::now_utc())?;
        store.save(&state)?;
    }
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        store,
        ctx: AccountContext {
            account_id: options.account_id,
            region: options.region,
        },
        speedup: options.speedup,
        faults: Faults::seeded(options.seed.as_ref()),
    });
    let listener = TcpListener::bind(options.addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: options.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: options.addr,
        source,
    })?;
    let app = router(shared.clone());
    let (shutdown, stop) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The admin routes need the peer's address to serve loopback peers only.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = stop.await;
        })
        .await
    });
    Ok(RunningSandbox {
        addr,
        shared,
        shutdown,
        task,
    })
}

fn router(shared: SharedState) -> Router {
    routes::glacier_routes()
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            faults::reply_with_request_faults,
        ))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            require_glacier_headers,
        ))
        .merge(routes::admin_routes())
        .with_state(shared)
}

/// Glacier refuses requests without `x-amz-glacier-version`; every SDK sends it.
async fn require_glacier_headers(
    State(_shared): State<SharedState>,
    request: Request,
    next: Next,
) -> Response {
    if let Err(err) = check_version_header(request.headers()) {
        return err.into_response();
    }
    next.run(request).await
}

fn check_version_header(headers: &HeaderMap) -> GlacierResult<()> {
    match headers.get("x-amz-glacier-version").map(|v| v.as_bytes()) {
        Some(b"2012-06-01") => Ok(()),
        Some(other) => Err(GlacierError::invalid_parameter(format!(
            "Unsupported x-amz-glacier-version: {}; use 2012-06-01",
            String::from_utf8_lossy(other)
        ))),
        None => Err(GlacierError::missing_parameter(
            "Required header x-amz-glacier-version is missing",
        )),
    }
}

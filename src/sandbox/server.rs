//! The HTTP side of the sandbox: shared state behind a lock, the router, start and
//! graceful shutdown of the Glacier endpoint and, on a listener of its own, the
//! S3 one.

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
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};

use super::clock::{Speedup, glacier};
use super::error::{GlacierError, GlacierResult};
use super::faults::{self, Faults};
use super::model::SandboxState;
use super::routes;
use super::s3;
use super::seed::Seed;
use super::seeding::{SeedProblem, apply_bucket_seeds, apply_seed};
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
    /// Where the S3 endpoint listens, if it is to run: a listener of its own,
    /// so that S3's path-style `/{bucket}/{key}` never meets Glacier's paths.
    pub s3_addr: Option<SocketAddr>,
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
            s3_addr: None,
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
        self.change_or(now, change, |err| {
            GlacierError::service_unavailable(err.to_string())
        })
    }

    /// [`Shared::change`] for a service with its own errors: `unsaved` says
    /// how a state that cannot be saved is answered.
    pub fn change_or<T, E>(
        &self,
        now: OffsetDateTime,
        change: impl FnOnce(&mut SandboxState) -> Result<T, E>,
        unsaved: impl FnOnce(StoreError) -> E,
    ) -> Result<T, E> {
        let mut state = self.lock(now);
        let result = change(&mut state)?;
        self.store.save(&state).map_err(unsaved)?;
        Ok(result)
    }
}

pub type SharedState = Arc<Shared>;

/// A sandbox serving in the background of the current tokio runtime.
pub struct RunningSandbox {
    /// Where the Glacier endpoint listens.
    pub addr: SocketAddr,
    /// Where the S3 endpoint listens, when it runs.
    pub s3_addr: Option<SocketAddr>,
    pub shared: SharedState,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningSandbox {
    /// The URL to give Glacier clients as `--endpoint-url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL to give S3 clients, when the S3 endpoint runs.
    pub fn s3_endpoint_url(&self) -> Option<String> {
        self.s3_addr.map(|addr| format!("http://{addr}"))
    }

    /// Stops accepting requests and waits for those under way to finish.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.shutdown.send(true);
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
        let now = OffsetDateTime::now_utc();
        apply_seed(&mut state, seed, now, &store)?;
        apply_bucket_seeds(&mut state, seed, &options.region, now);
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
    let (listener, addr) = bind(options.addr).await?;
    let s3_listener = match options.s3_addr {
        Some(wanted) => Some(bind(wanted).await?),
        None => None,
    };
    let s3_addr = s3_listener.as_ref().map(|(_, addr)| *addr);
    let glacier_app = router(shared.clone());
    let s3_app = s3::router(shared.clone());
    let (shutdown, stop) = watch::channel(false);
    let task = tokio::spawn(async move {
        let glacier = serve_until(listener, glacier_app, stop.clone());
        match s3_listener {
            Some((listener, _)) => {
                let (glacier, s3) = tokio::join!(glacier, serve_until(listener, s3_app, stop));
                glacier.and(s3)
            }
            None => glacier.await,
        }
    });
    Ok(RunningSandbox {
        addr,
        s3_addr,
        shared,
        shutdown,
        task,
    })
}

async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), StartError> {
    let bind_error = |source| StartError::Bind { addr, source };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    Ok((listener, bound))
}

/// Serves `app` until `stop` turns true, then lets requests under way finish.
async fn serve_until(
    listener: TcpListener,
    app: Router,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    // The admin routes need the peer's address to serve loopback peers only.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    })
    .await
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

//! `defrost sandbox`: serve a local Glacier endpoint until interrupted.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::io::Write as _;

use anyhow::Context;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::input::{Accepts, InputPath, Unusable};
use crate::sandbox::seed::{self, Seed};
use crate::sandbox::seeding::{check_seed, line_of};
use crate::sandbox::{self, SandboxOptions, Speedup, clock};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:9070")]
    pub addr: SocketAddr,

    /// Also serve a small S3 endpoint here (path-style, /BUCKET/KEY), for
    /// rehearsing copies of vaults to S3; its buckets come from the seed's
    /// [[buckets]] or CreateBucket. Port 0 picks a free port
    #[arg(long, value_name = "IP:PORT")]
    pub s3_addr: Option<SocketAddr>,

    /// Listen on an address other than loopback. The sandbox accepts any signature,
    /// so anyone who can reach it can use it.
    #[arg(long)]
    pub allow_remote: bool,

    /// Keep vaults, archives and jobs in this directory, across restarts
    /// [default: a temporary directory, removed on exit]
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,

    /// Divide Glacier's durations (job completion, inventory schedule, output
    /// window) by N
    #[arg(long, value_name = "N", default_value_t = clock::DEFAULT_SPEEDUP)]
    pub speedup: f64,

    /// Start with the vaults and archives this TOML file describes (vaults already
    /// in --state are kept as they are; [account] settings apply at every start)
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
}

pub fn run(global: &GlobalOpts, args: SandboxArgs) -> anyhow::Result<()> {
    let options = options_from(global, &args)?;
    for addr in std::iter::once(args.addr).chain(args.s3_addr) {
        if !addr.ip().is_loopback() {
            eprintln!(
                "defrost: warning: the sandbox listens on {addr} and accepts any signature: anyone who can reach it can use it"
            );
        }
    }
    log_to_stderr();
    crate::commands::block_on(serve(options))
}

/// The sandbox is a server, not a screen: its log (job completion notices, faults,
/// failures) goes to stderr, at `info` unless `RUST_LOG` says otherwise. What it
/// logs is validated Glacier fields or JSON (whose strings escape control
/// characters), so nothing raw reaches the terminal.
fn log_to_stderr() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("defrost=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

fn options_from(global: &GlobalOpts, args: &SandboxArgs) -> anyhow::Result<SandboxOptions> {
    let speedup = Speedup::new(args.speedup).ok_or_else(|| {
        BadInput(format!(
            "--speedup {} is not a usable speedup; give a number of at least 1 (1 runs at Glacier's own pace)",
            args.speedup
        ))
    })?;
    let addresses = [("--addr", Some(args.addr)), ("--s3-addr", args.s3_addr)];
    for (option, addr) in addresses {
        if let Some(addr) = addr
            && !addr.ip().is_loopback()
            && !args.allow_remote
        {
            return Err(BadInput(format!(
                "{option} {addr} is not a loopback address; the sandbox accepts any signature, so add --allow-remote if you mean it"
            ))
            .into());
        }
    }
    if let Some(state) = &args.state {
        check_state_dir(state)?;
    }
    let seed = args.seed.as_deref().map(load_seed).transpose()?;
    let mut options = SandboxOptions {
        addr: args.addr,
        state_dir: args.state.clone(),
        speedup,
        seed,
        s3_addr: args.s3_addr,
        ..Default::default()
    };
    if let Some(region) = &global.region {
        options.region = region.clone();
    }
    Ok(options)
}

/// `--state` must be a directory, or a path where one can be made.
fn check_state_dir(state: &Path) -> Result<(), BadInput> {
    match std::fs::metadata(state) {
        Ok(metadata) if !metadata.is_dir() => Err(BadInput(format!(
            "--state {} is not a directory; give a directory for the sandbox's state (it is made if missing)",
            printable(&state.display().to_string())
        ))),
        _ => Ok(()),
    }
}

/// Reads, parses and checks a seed file; every problem names the file and line.
fn load_seed(path: &Path) -> anyhow::Result<Seed> {
    let file = path.display();
    let text = InputPath {
        path,
        what: "the seed file",
        directory_fix: "name the seed file inside it",
        accepts: Accepts::Stream,
    }
    .read_to_string()
    .map_err(Unusable::into_error)?;
    let seed = seed::parse(&text)
        .map_err(|message| BadInput(format!("the seed file {file} is not valid: {message}")))?;
    check_seed(&seed).map_err(|problem| {
        let line = line_of(&text, problem.place)
            .map(|line| format!("line {line}: "))
            .unwrap_or_default();
        BadInput(format!(
            "the seed file {file} is not valid: {line}{problem}"
        ))
    })?;
    Ok(seed)
}

async fn serve(options: SandboxOptions) -> anyhow::Result<()> {
    let region = options.region.clone();
    let speedup = options.speedup.factor();
    let standard = options.speedup.scale(clock::glacier::STANDARD_JOB);
    let running = sandbox::start(options)
        .await
        .map_err(|err| BadInput(err.to_string()))?;
    let url = running.endpoint_url();
    let s3 = running
        .s3_endpoint_url()
        .map(|s3_url| {
            format!(
                "\n  and a local S3 endpoint at {s3_url} (path-style; buckets: {})\n  aws CLI: aws s3api head-bucket --bucket BUCKET --endpoint-url {s3_url} --region {region}",
                bucket_names(&running)
            )
        })
        .unwrap_or_default();
    let banner = format!(
        "defrost sandbox: a local Glacier endpoint at {url}{s3}\n  state: {}\n  speedup {speedup}x: a Standard job takes {:.1} s\n  use it with: --endpoint-url {url} --region {region}\n  aws CLI: aws glacier list-vaults --account-id - --endpoint-url {url} --region {region}\nPress Ctrl-C to stop.",
        running.shared.store.dir().display(),
        standard.as_secs_f64()
    );
    say(&banner);
    shutdown_signal().await;
    say("defrost sandbox: stopping");
    running
        .shutdown()
        .await
        .context("the sandbox server failed")?;
    Ok(())
}

/// The S3 endpoint's buckets, for the banner: names S3's rule keeps printable.
fn bucket_names(running: &sandbox::RunningSandbox) -> String {
    let state = running.shared.lock(time::OffsetDateTime::now_utc());
    let names: Vec<String> = state
        .buckets
        .values()
        .map(|bucket| format!("{} in {}", bucket.name, printable(&bucket.region)))
        .collect();
    if names.is_empty() {
        "none yet, make one with CreateBucket or the seed's [[buckets]]".to_owned()
    } else {
        names.join(", ")
    }
}

/// Prints a line for the person watching; a closed stdout (`| head`) must not stop
/// the server, so write errors are ignored.
fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// Ctrl-C, or SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

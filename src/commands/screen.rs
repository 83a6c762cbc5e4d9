//! Starting the interactive screen: `defrost` with no subcommand on the user's
//! account, and `defrost demo` on a seeded local sandbox (see `demo`). The
//! screen itself lives in `tui`; this is where it is wired to what it runs on.

use std::io::IsTerminal;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::{demo, demo_tour};
use crate::domain::job::ServiceSpeed;
use crate::glacier::SdkGlacier;
use crate::store::Store;
use crate::tui::app::{RuntimeParts, run_screen};
use crate::tui::config::{self, Config};
use crate::tui::effects::{S3Access, ScreenWords};
use crate::tui::model::{self, Model, Session};
use crate::tui::runtime::{self, Runtime};
use crate::tui::tour::Tour;

/// Options of the screen itself.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct ScreenArgs {
    /// Plan, preview and copy only: never launch a job or download
    #[arg(long)]
    pub read_only: bool,
}

fn check_terminal() -> Result<(), BadInput> {
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        return Ok(());
    }
    Err(BadInput(
        "defrost's screen needs a terminal; in scripts use its subcommands (see 'defrost --help')"
            .into(),
    ))
}

fn load_config() -> Result<Config, BadInput> {
    Config::load(config::config_dir().as_deref()).map_err(|err| BadInput(err.to_string()))
}

/// `defrost` with no subcommand: the screen on the user's AWS account.
pub fn run(global: &GlobalOpts, args: ScreenArgs) -> anyhow::Result<()> {
    let config = load_config()?;
    check_terminal()?;
    let data_dir = global.resolved_data_dir()?;
    crate::commands::block_on(async {
        // The screen comes up on the cache at once; the client is configured
        // (profiles, SSO, credentials) meanwhile.
        let owned = global.connect_options();
        let words = ScreenWords::new(config.keymap.clone());
        let connect_words = words.clone();
        let glacier = runtime::connection(async move {
            SdkGlacier::connect(&owned)
                .await
                .map_err(|err| connect_words.error(&err))
        });
        let region = global
            .region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok());
        let session = Session {
            read_only: args.read_only,
            banner: None,
            speed: global.service_speed(),
            endpoint_url: global.endpoint_url.clone(),
            region,
            download_dir: std::env::current_dir().unwrap_or_default(),
            default_bucket: None,
            s3_endpoint_url: None,
        };
        // Migrations reach S3 as the aws CLI would, with the same profile.
        let s3 = global
            .profile
            .clone()
            .map_or(S3Access::Configured, S3Access::Profile);
        let model = Model::new(config, session, OffsetDateTime::now_utc(), 80, 24);
        let parts =
            RuntimeParts::new(|sender| Runtime::new(sender, data_dir, glacier, words).with_s3(s3));
        run_screen(model, parts).await
    })
}

/// Options of `defrost demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub screen: ScreenArgs,

    /// How many times faster than Glacier the demo's clock runs
    #[arg(long, value_name = "N", default_value_t = demo::DEMO_SPEEDUP,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub speedup: u32,

    /// Seed the demo's sandbox from this file instead of the built-in vaults
    /// (the format of `defrost sandbox --seed`), so a class gets the same
    /// vaults everywhere
    #[arg(long, value_name = "FILE")]
    pub seed: Option<std::path::PathBuf>,

    /// Start over from the seed: forget the demo's jobs, downloads, cache and
    /// sandbox state, and the tour's place
    #[arg(long)]
    pub reset: bool,

    /// Open on the guided tour, at the step it was left on (the tour key
    /// shows and hides it)
    #[arg(long)]
    pub tour: bool,
}

/// `defrost demo`: the screen on a seeded local sandbox.
pub fn run_demo(global: &GlobalOpts, demo_args: DemoArgs) -> anyhow::Result<()> {
    let args = demo_args.screen;
    let open_tour = demo_args.tour;
    let speed = ServiceSpeed::new(demo_args.speedup).unwrap_or_default();
    let config = load_config()?;
    let seed = demo::read_seed(demo_args.seed.as_deref())?;
    check_terminal()?;
    let demo_dir = global.resolved_data_dir()?.join("demo");
    demo::prepare_folder(&demo_dir, &seed, demo_args.reset)?;
    let data_dir = demo_dir.join("data");
    crate::commands::block_on(async {
        let sandbox = demo::start_sandbox(&demo_dir, seed, speed).await?;
        let mut store = Store::open(&data_dir)?;
        demo::cache_inventories(&sandbox, &mut store, OffsetDateTime::now_utc())?;
        let url = sandbox.endpoint_url();
        let glacier = SdkGlacier::for_endpoint(&url, demo::DEMO_REGION).with_speed(speed);
        let first_jobs = if args.read_only {
            Ok(())
        } else {
            demo::start_first_jobs(&glacier, &mut store, OffsetDateTime::now_utc()).await
        };
        drop(store);
        let session = Session {
            read_only: args.read_only,
            banner: Some(demo::banner(&sandbox, speed)),
            speed,
            endpoint_url: Some(url),
            region: Some(demo::DEMO_REGION.into()),
            download_dir: demo_dir.join("downloads"),
            default_bucket: Some(demo::DEMO_BUCKET.into()),
            s3_endpoint_url: sandbox.s3_endpoint_url(),
        };
        std::fs::create_dir_all(&session.download_dir).ok();
        let words = ScreenWords::new(config.keymap.clone());
        let mut model = Model::new(config, session, OffsetDateTime::now_utc(), 80, 24);
        let tour_file = demo_tour::tour_file(&demo_dir);
        let progress = crate::tui::effects::tour::load_progress(&tour_file);
        model.tour = Tour::new(tour_file, progress, open_tour);
        if let Err(problem) = first_jobs {
            let problem = format!("the demo's first jobs were not started: {problem:#}");
            model.tell(model::Severity::Problem, problem);
        }
        let glacier = runtime::connection(async move { Ok(glacier) });
        // The demo's migrations go to its sandbox's S3, which takes any
        // credentials: no account is needed.
        let s3 = (sandbox.s3_endpoint_url()).map_or(S3Access::Configured, |endpoint_url| {
            S3Access::Local { endpoint_url }
        });
        let controls = Arc::new(demo_tour::SandboxControls::new(sandbox.shared.clone()));
        let parts = RuntimeParts::new(|sender| {
            Runtime::new(sender, data_dir, glacier, words)
                .with_s3(s3)
                .with_demo(controls)
        });
        let outcome = run_screen(model, parts).await;
        let _ = sandbox.shutdown().await;
        outcome
    })
}

//! `defrost peek`: lists what a zip archive holds for the price of its last
//! megabyte, and `defrost restore-member`: gets one file out of it. Both run
//! on `tracking::peek`, which journals every retrieval; this module asks,
//! waits for Glacier, and shows what came back.

mod common;
pub mod member;
mod view;

use std::io::IsTerminal as _;

use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::open_store;
use crate::commands::shared_args::{GlacierVault, JsonLines};
use crate::glacier::{GlacierApi as _, SdkGlacier};
use crate::store::Store;
use crate::tracking::peek::{PeekRequest, PeekState, advance};
use crate::tracking::started_by_here;
use time::OffsetDateTime;

#[derive(Debug, clap::Args)]
pub struct PeekArgs {
    #[command(flatten)]
    pub vault: GlacierVault,

    /// The archive's id, as the vault inventory lists it; any archive, whatever
    /// its name says (a zip is known by its end record, not its extension)
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub archive_id: String,

    /// The archive's size, when no cached inventory lists it
    #[arg(long, value_name = "BYTES", allow_hyphen_values = true)]
    pub size: Option<String>,

    #[command(flatten)]
    pub ask: RetrievalAsk,

    #[command(flatten)]
    pub output: JsonLines,
}

/// How a peek or a member's restore starts its retrievals: the options both
/// commands share.
#[derive(Debug, clap::Args)]
pub struct RetrievalAsk {
    /// Standard (Glacier's default), Expedited or Bulk
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,

    /// Start the retrievals without asking
    #[arg(long)]
    pub yes: bool,

    /// Return once the retrieval is started; the same command later goes on
    #[arg(long)]
    pub no_wait: bool,
}

impl RetrievalAsk {
    /// A tier Glacier does not know is refused before anything is asked.
    fn check(&self) -> Result<(), crate::domain::job_params::ParamsError> {
        if let Some(tier) = &self.tier {
            tier.parse::<crate::domain::job_params::Tier>()?;
        }
        Ok(())
    }
}

pub fn run(global: &GlobalOpts, args: PeekArgs) -> anyhow::Result<()> {
    args.ask.check()?;
    let mut store = open_store(global)?;
    crate::commands::block_on(peek(global, &args, &mut store))
}

async fn peek(global: &GlobalOpts, args: &PeekArgs, store: &mut Store) -> anyhow::Result<()> {
    let glacier = SdkGlacier::connect(&global.connect_options()).await?;
    let vault = args.vault.key(glacier.region());
    let archive = common::archive_facts(store, &vault, &args.archive_id, args.size.as_deref())?;
    let folder = common::peek_folder(global, &vault)?;
    let prices = crate::domain::cost::PriceTable::published()?;
    let mut request = PeekRequest {
        vault: &vault,
        archive: &archive,
        tier: args.ask.tier.clone(),
        folder: &folder,
        started_by: started_by_here(),
        launch: args.ask.yes,
    };
    loop {
        let state = advance(&glacier, store, &request, OffsetDateTime::now_utc()).await?;
        match state {
            PeekState::Listed {
                directory,
                members,
                parts,
            } => {
                return view::show_listing(
                    &archive,
                    &directory,
                    &members,
                    &parts,
                    args.output.json,
                );
            }
            PeekState::NotZip { reason, kept } => {
                return view::show_not_zip(&archive, &reason, &kept, args.output.json);
            }
            PeekState::Retrieval {
                planned,
                first,
                started: None,
                ..
            } => {
                refuse_to_ask_without_a_terminal()?;
                view::show_retrieval(&planned, first, &prices, global.service_speed())?;
                if !crate::commands::retrieve::confirm("Start it? [y/N] ")? {
                    eprintln!("nothing was started");
                    return Ok(());
                }
                request.launch = true;
            }
            PeekState::Retrieval {
                planned,
                first,
                started: Some(plan),
                reused,
            } => {
                if !args.ask.yes {
                    // Asked once: a later retrieval of this peek was agreed to with it.
                    request.launch = false;
                }
                view::show_started(
                    &planned,
                    first,
                    plan,
                    reused,
                    &prices,
                    global.service_speed(),
                )?;
                if args.ask.no_wait {
                    view::show_go_on(&args.vault.vault, &args.archive_id, "peek");
                    return Ok(());
                }
            }
            PeekState::Waiting { plan, jobs, .. } => {
                if args.ask.no_wait {
                    view::show_waiting(plan, &jobs);
                    view::show_go_on(&args.vault.vault, &args.archive_id, "peek");
                    return Ok(());
                }
                common::wait_for_jobs(&glacier, store, plan, &jobs, view::sleeping).await?;
            }
        }
    }
}

/// A question needs someone at a terminal to answer it.
pub(crate) fn refuse_to_ask_without_a_terminal() -> Result<(), BadInput> {
    if std::io::stdin().is_terminal() {
        return Ok(());
    }
    Err(BadInput(
        "standard input is not a terminal, so defrost cannot ask before starting a paid retrieval; add --yes to start it without asking".into(),
    ))
}

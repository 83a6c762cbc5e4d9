//! Runs the headless subcommands and turns their errors into exit codes.

pub mod archives;
pub mod batches;
pub mod cached;
pub mod completions;
pub mod demo;
pub mod demo_tour;
pub mod download;
pub mod drain;
pub mod inventory;
pub mod jobs;
pub mod logging;
pub mod migrate;
mod migrate_summary;
pub mod params;
pub mod peek;
pub mod range;
pub mod restore;
pub mod retrieve;
pub mod sandbox;
pub mod screen;
pub mod shared_args;
pub mod treehash;
pub mod vaults;
pub mod wording;

use crate::cli::{Cli, Command};
use crate::domain::{job_params::ParamsError, range::RangeError};
use crate::glacier::GlacierError;
use crate::glacier::download::DownloadError;
use crate::store::StoreError;
use crate::tracking::TrackingError;
use crate::tracking::download::DownloadJobError;
use crate::tracking::inventory::FetchError;
use crate::tracking::launch::{LaunchError, PlanError, RenewError};

pub use crate::input::BadInput;

/// Runs the chosen subcommand, with its log set up first.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    logging::start(&cli)?;
    let Some(command) = cli.command else {
        return screen::run(&cli.global, cli.screen);
    };
    match command {
        Command::Demo(args) => screen::run_demo(&cli.global, args),
        Command::Treehash(args) => treehash::run(&cli.global, args),
        Command::Range(args) => range::run(&cli.global, args),
        Command::Params(args) => params::run(&cli.global, args),
        Command::Sandbox(args) => sandbox::run(&cli.global, args),
        Command::Inventory(args) => inventory::run(&cli.global, args),
        Command::Archives(args) => archives::run(&cli.global, args),
        Command::Jobs(args) => jobs::run(&cli.global, args),
        Command::Download(args) => download::run(&cli.global, args),
        Command::Retrieve(args) => retrieve::run(&cli.global, args),
        Command::Vaults(args) => vaults::run(&cli.global, args),
        Command::Restore(args) => restore::run(&cli.global, args),
        Command::Batches(args) => batches::run(&cli.global, args),
        Command::Drain(args) => drain::run(&cli.global, args),
        Command::Migrate(args) => migrate::run(&cli.global, args),
        Command::Peek(args) => peek::run(&cli.global, args),
        Command::RestoreMember(args) => peek::member::run(&cli.global, args),
        Command::Completions(args) => completions::run_completions(&args),
        Command::Man(args) => completions::run_man(&args),
    }
}

/// The runtime a command's asynchronous part runs on: one per command, made in
/// this one place.
pub fn async_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context as _;
    tokio::runtime::Runtime::new().context("cannot start the async runtime")
}

/// Runs a command's asynchronous part to its end on a runtime of its own.
pub fn block_on<T, E: Into<anyhow::Error>>(
    work: impl Future<Output = Result<T, E>>,
) -> anyhow::Result<T> {
    async_runtime()?.block_on(work).map_err(Into::into)
}

/// 2 when the error comes from the user's input (as clap does for bad usage),
/// 1 for failures the user did not cause.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    let caused_by_input = err.chain().any(|cause| {
        cause.is::<BadInput>()
            || cause.is::<RangeError>()
            || cause.is::<ParamsError>()
            || cause
                .downcast_ref::<StoreError>()
                .is_some_and(StoreError::is_bad_input)
            || cause
                .downcast_ref::<GlacierError>()
                .is_some_and(GlacierError::is_bad_input)
            || cause.is::<PlanError>()
            || cause
                .downcast_ref::<LaunchError>()
                .is_some_and(LaunchError::is_bad_input)
            || cause
                .downcast_ref::<crate::tracking::batch::BatchError>()
                .is_some_and(crate::tracking::batch::BatchError::is_bad_input)
            || cause
                .downcast_ref::<RenewError>()
                .is_some_and(RenewError::is_bad_input)
            || cause
                .downcast_ref::<TrackingError>()
                .is_some_and(TrackingError::is_bad_input)
            || cause
                .downcast_ref::<FetchError>()
                .is_some_and(FetchError::is_bad_input)
            || cause
                .downcast_ref::<DownloadError>()
                .is_some_and(DownloadError::is_bad_input)
            || cause
                .downcast_ref::<DownloadJobError>()
                .is_some_and(DownloadJobError::is_bad_input)
            || cause
                .downcast_ref::<crate::tracking::migrate::MigrateError>()
                .is_some_and(crate::tracking::migrate::MigrateError::is_bad_input)
            || cause
                .downcast_ref::<crate::tracking::drain::DrainError>()
                .is_some_and(crate::tracking::drain::DrainError::is_bad_input)
            || cause
                .downcast_ref::<crate::s3::S3Error>()
                .is_some_and(crate::s3::S3Error::is_bad_input)
            || cause
                .downcast_ref::<crate::tracking::peek::PeekError>()
                .is_some_and(crate::tracking::peek::PeekError::is_bad_input)
    });
    if caused_by_input { 2 } else { 1 }
}

/// Whether the error is standard output closing early (`defrost archives | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The whole error chain as one printable line, in the command line's words: a
/// lower layer's remedy names the option that applies it (see [`wording`]).
pub fn one_line(err: &anyhow::Error) -> String {
    let joined = wording::chain_text(err);
    let flat: Vec<&str> = joined
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    crate::text::printable(&flat.join(" "))
}

//! The `defrost` binary: parse the command line, set up logging, hand over.

// No unwrap or panic outside tests (clippy.toml lets test code have them);
// an invariant that must hold says so with expect and its reason.
#![deny(clippy::unwrap_used, clippy::panic)]

use std::process::ExitCode;

use clap::{Parser, error::ErrorKind};

/// An import hands millions of strings from the thread that parses to the one
/// that stores them; glibc's allocator serialises such cross-thread frees, which
/// cost more than the parsing. mimalloc frees them locally. It is built without
/// transparent huge pages (`no_thp`): with them, every 2 MiB region it touched
/// counted whole, and a verified 4 GiB download peaked near 64 MiB instead of
/// under 40.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match defrost::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return ExitCode::from(2);
        }
        Err(err) => {
            eprintln!("defrost: {}", defrost::cli::usage_error_line(&err));
            return ExitCode::from(2);
        }
    };
    match defrost::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader such as `head` that has seen enough is not a failure.
        Err(err) if defrost::commands::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let code = defrost::commands::exit_code_for(&err);
            eprintln!("defrost: {}", defrost::commands::one_line(&err));
            ExitCode::from(code)
        }
    }
}

//! The `defrost` binary: parse the command line, set up logging, hand over.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = defrost::cli::Cli::parse();
    match defrost::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = defrost::commands::exit_code_for(&err);
            eprintln!("defrost: {}", defrost::commands::one_line(&err));
            ExitCode::from(code)
        }
    }
}

//! The command-line grammar. Each subcommand's own options live beside the code that
//! runs it in `commands/`; this file holds what every command shares.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::{
    archives::ArchivesArgs, download::DownloadArgs, inventory::InventoryArgs, jobs::JobsArgs,
    params::ParamsArgs, range::RangeArgs, retrieve::RetrieveArgs, sandbox::SandboxArgs,
    treehash::TreehashArgs, vaults::VaultsArgs,
};

/// Plan and run retrievals from Amazon Glacier vaults.
///
/// Exit codes: 0 success, 1 a failure outside your control (disk, network),
/// 2 bad input (the message says what to change).
#[derive(Debug, Parser)]
#[command(name = "defrost", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,

    #[command(flatten)]
    pub screen: crate::commands::screen::ScreenArgs,

    /// Without a command, defrost opens its interactive screen
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command accepts. The AWS ones mean what they mean to the aws CLI.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GlobalOpts {
    /// Where defrost keeps its inventory cache and job journal
    /// [default: the platform's data directory for defrost]
    #[arg(long, global = true, value_name = "DIR", env = "DEFROST_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// AWS profile from the shared config and credentials files
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region of the vaults, for example us-east-1
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send Glacier requests to this URL instead of AWS (a local sandbox, a proxy)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// The endpoint is a sandbox whose clock runs N times faster than Glacier's (as
    /// `defrost sandbox --speedup N`): poll jobs and count down output windows at its pace
    #[arg(long, global = true, value_name = "N", env = "DEFROST_SANDBOX_SPEEDUP",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub sandbox_speedup: Option<u32>,

    /// Log to standard error: -v info, -vv debug, -vvv trace (RUST_LOG, when set,
    /// chooses instead). The screen logs to a file, never to the terminal
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Write the log to this file instead [default for the screen: defrost.log in
    /// the data directory; moved aside to FILE.1 once over 4 MiB]
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

impl GlobalOpts {
    /// How fast the service's clock runs: Glacier's unless `--sandbox-speedup` says.
    /// How to reach Glacier, as these options say.
    pub fn connect_options(&self) -> crate::glacier::ConnectOptions {
        crate::glacier::ConnectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            speed: self.service_speed(),
        }
    }

    pub fn service_speed(&self) -> crate::domain::job::ServiceSpeed {
        self.sandbox_speedup
            .and_then(crate::domain::job::ServiceSpeed::new)
            .unwrap_or_default()
    }

    /// The data directory: `--data-dir` (or `DEFROST_DATA_DIR`) when given, else the
    /// platform's (for example `~/.local/share/defrost` on Linux).
    pub fn resolved_data_dir(&self) -> Result<PathBuf, crate::commands::BadInput> {
        if let Some(dir) = &self.data_dir {
            // A file in the way would fail later as a disk error; it is a slip of
            // the option, and said so here.
            if std::fs::metadata(dir).is_ok_and(|metadata| !metadata.is_dir()) {
                return Err(crate::commands::BadInput(format!(
                    "the data directory {} (--data-dir or DEFROST_DATA_DIR) is not a directory; give a directory for defrost's cache and journal (it is made if missing)",
                    crate::text::printable(&dir.display().to_string())
                )));
            }
            return Ok(dir.clone());
        }
        directories::ProjectDirs::from("", "", "defrost")
            .map(|dirs| dirs.data_dir().to_path_buf())
            .ok_or_else(|| {
                crate::commands::BadInput(
                    "cannot find a home directory for defrost's data; give --data-dir DIR".into(),
                )
            })
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the SHA-256 tree hash of files, as Glacier computes it
    Treehash(TreehashArgs),
    /// Plan the retrieval of a byte range: MiB-aligned, tree-hash-aligned or split
    Range(RangeArgs),
    /// Print the job-parameters JSON for InitiateJob (or the aws CLI command)
    Params(ParamsArgs),
    /// Serve a local Glacier endpoint (no AWS account needed) for trying things out
    Sandbox(SandboxArgs),
    /// Import, list, compare and browse cached vault inventories
    Inventory(InventoryArgs),
    /// List a cached vault's archives: sorted, filtered, paged, as a table or JSON
    Archives(ArchivesArgs),
    /// List retrieval jobs (adopting those other tools started) with the time left to download
    Jobs(JobsArgs),
    /// Start the retrieval of an archive or a byte range of it, reusing jobs already under way
    Retrieve(RetrieveArgs),
    /// Download a finished job's output into a folder, verified chunk by chunk and resumable
    Download(DownloadArgs),
    /// List the account's vaults in a region, as Glacier reports them now
    Vaults(VaultsArgs),
    /// Restore many archives at once (a folder, a filter, a file of ids, a whole
    /// vault): paced, followed, downloaded, renewed, resumable
    Restore(crate::commands::restore::RestoreArgs),
    /// List restore batches and where their archives stand
    Batches(crate::commands::batches::BatchesArgs),
    /// Copy a vault's archives to S3 under their decoded names, checked part by
    /// part, paced and resumable, with a manifest
    Migrate(crate::commands::migrate::MigrateArgs),
    /// Empty a vault: delete the archives defrost has proof for (a verified copy
    /// or download), journaled and resumable; then delete the vault
    Drain(crate::commands::drain::DrainArgs),
    /// List what a zip archive holds by retrieving only its last megabyte (and
    /// the rest of its directory when it lies before); stored for next time
    Peek(crate::commands::peek::PeekArgs),
    /// Restore one file out of a zip archive a peek listed: only its bytes are
    /// retrieved, then it is unpacked and its CRC-32 checked
    RestoreMember(crate::commands::peek::member::RestoreMemberArgs),
    /// The interactive screen on a local Glacier sandbox with seeded vaults and a
    /// fast clock: no AWS account, no network, no cost
    Demo(crate::commands::screen::DemoArgs),
    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish)
    Completions(crate::commands::completions::CompletionsArgs),
    /// Print defrost's man page (roff), or a command's: `defrost man | man -l -`
    Man(crate::commands::completions::ManArgs),
}

/// A command-line mistake as one line: clap's message, what it lists and its tip,
/// then where to look, instead of clap's multi-line usage block.
pub fn usage_error_line(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let message = rendered.split("\nUsage:").next().unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    let informative = |line: &&str| !line.is_empty() && !line.starts_with("For more information");
    for line in message.lines().map(str::trim).filter(informative) {
        if let Some(tip) = line.strip_prefix("tip:") {
            parts.push(format!("; {}", tip.trim()));
        } else {
            let text = line.strip_prefix("error:").unwrap_or(line).trim();
            parts.push(format!(" {text}"));
        }
    }
    let mut line = parts.concat().trim().to_owned();
    if line.is_empty() {
        line.push_str("the command line is not valid");
    }
    line.push_str("; see 'defrost --help'");
    crate::text::printable(&line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_data_dir_wins_and_the_default_is_named_for_defrost() {
        let explicit = GlobalOpts {
            data_dir: Some("here".into()),
            ..Default::default()
        };
        assert_eq!(explicit.resolved_data_dir().unwrap(), PathBuf::from("here"));
        if let Ok(default) = GlobalOpts::default().resolved_data_dir() {
            assert!(default.ends_with("defrost"), "{}", default.display());
        }
    }
}

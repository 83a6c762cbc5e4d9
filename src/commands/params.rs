//! `defrost params`: print the InitiateJob parameters of an archive or inventory
//! retrieval as JSON, or the aws CLI command line that starts the job.

use std::io::Write;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::BadInput;
use crate::cli::GlobalOpts;
use crate::domain::job_params::{AwsCliOptions, JobKind, JobParams, JobRequest, validate};
use crate::domain::range::{ByteRange, RangeSpec, parse_size, snap_mib, snap_tree};

/// Values are taken as text and checked by defrost rather than by the argument
/// parser, so that every mistake is answered with one line that says how to fix it.
#[derive(Debug, Args)]
pub struct ParamsArgs {
    #[command(subcommand)]
    pub job: JobArgs,
}

/// Boxed so that the command enum in `cli` stays small.
#[derive(Debug, Subcommand)]
pub enum JobArgs {
    /// Retrieve an archive, whole or a byte range of it
    Archive(Box<ArchiveArgs>),
    /// Retrieve the vault's inventory, the list of its archives
    Inventory(Box<InventoryArgs>),
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The archive's id, as the vault inventory lists it
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub archive_id: Option<String>,

    /// The archive's size in bytes, as the inventory lists it; lets defrost check the
    /// range and snap it
    #[arg(long, value_name = "BYTES", allow_negative_numbers = true)]
    pub size: Option<String>,

    /// Retrieve only these bytes, START-END with both ends included, for example
    /// 0-1048575
    #[arg(long, value_name = "RANGE")]
    pub range: Option<String>,

    /// Widen --range to what Glacier accepts: mib (the fewest bytes) or tree (Glacier
    /// also returns the range's tree hash); needs --size
    #[arg(long, value_name = "mib|tree")]
    pub snap: Option<String>,

    /// Standard (Glacier's default), Expedited or Bulk
    #[arg(long, value_name = "TIER")]
    pub tier: Option<String>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// What an inventory job lists and how: the options `params inventory` and
/// `inventory fetch` share, so both check and describe them alike.
#[derive(Debug, Args)]
pub struct InventorySelection {
    /// json (Glacier's default) or csv
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Only archives created at or after this moment, in UTC: 2024-01-31T00:00:00Z,
    /// or 2024-01-31 for midnight
    #[arg(long, value_name = "DATE")]
    pub start_date: Option<String>,

    /// Only archives created before this moment, in the same form as --start-date
    #[arg(long, value_name = "DATE")]
    pub end_date: Option<String>,
}

impl InventorySelection {
    /// The request these options make, for `validate` to check.
    pub fn request(&self, limit: Option<String>) -> JobRequest {
        JobRequest {
            kind: Some(JobKind::InventoryRetrieval),
            format: self.format.clone(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            limit,
            ..JobRequest::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub selection: InventorySelection,

    /// At most this many archives; the finished job's marker starts the next page
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub limit: Option<String>,

    /// Start the page at this marker, returned by the previous inventory job
    #[arg(long, value_name = "MARKER", allow_hyphen_values = true)]
    pub marker: Option<String>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// What both kinds of job take, and how to print the result.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// A label for the job: printable ASCII, at most 1024 bytes
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// The ARN of an SNS topic to notify when the job completes
    #[arg(long, value_name = "ARN")]
    pub sns_topic: Option<String>,

    /// Print the JSON on one line
    #[arg(long)]
    pub compact: bool,

    /// Print the aws CLI command that starts this job in VAULT, instead of the JSON
    #[arg(long, value_name = "VAULT")]
    pub aws_cli: Option<String>,
}

/// How `--snap` widens a wanted range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Snap {
    Mib,
    Tree,
}

impl Snap {
    fn parse(text: &str) -> Result<Self, BadInput> {
        if text.eq_ignore_ascii_case("mib") {
            Ok(Snap::Mib)
        } else if text.eq_ignore_ascii_case("tree") {
            Ok(Snap::Tree)
        } else {
            Err(BadInput(format!(
                "--snap `{text}` is not a way to snap a range; use --snap mib for the fewest bytes or --snap tree for a range Glacier returns a checksum for"
            )))
        }
    }
}

/// Prints the parameters (or the aws CLI line) for the job the arguments describe.
pub fn run(global: &GlobalOpts, args: ParamsArgs) -> anyhow::Result<()> {
    let (params, common) = match args.job {
        JobArgs::Archive(archive) => (archive_params(&archive)?, archive.common),
        JobArgs::Inventory(inventory) => (inventory_params(&inventory)?, inventory.common),
    };
    let output = render(&params, &common, global)?;
    print_line(&output)
}

/// Like `println!`, which would panic instead; a reader that stopped reading (`| head`)
/// has all it wanted, so a closed pipe is not an error.
fn print_line(text: &str) -> anyhow::Result<()> {
    match writeln!(std::io::stdout().lock(), "{text}") {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(err).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

fn archive_params(args: &ArchiveArgs) -> anyhow::Result<JobParams> {
    let size = args
        .size
        .as_deref()
        .map(|text| parse_size(text).context("--size"))
        .transpose()?;
    let snap = args.snap.as_deref().map(Snap::parse).transpose()?;
    let range = match (args.range.as_deref(), snap) {
        (Some(text), snap) => Some(wanted_range(text, size, snap)?),
        (None, Some(_)) => {
            return Err(BadInput(
                "--snap widens a byte range, but no --range was given; give --range START-END or leave out --snap".into(),
            )
            .into());
        }
        (None, None) => None,
    };
    let request = JobRequest {
        kind: Some(JobKind::ArchiveRetrieval),
        archive_id: args.archive_id.clone(),
        range,
        tier: args.tier.clone(),
        description: args.common.description.clone(),
        sns_topic: args.common.sns_topic.clone(),
        ..JobRequest::default()
    };
    Ok(validate(&request, size)?)
}

/// The range as given, or widened by `--snap` to the nearest range Glacier accepts.
fn wanted_range(text: &str, size: Option<u64>, snap: Option<Snap>) -> anyhow::Result<ByteRange> {
    let size_for_snap = match (snap, size) {
        (Some(_), None) => {
            return Err(BadInput(
                "--snap needs the archive's size to know where its last chunk ends; give --size BYTES as the inventory lists it".into(),
            )
            .into());
        }
        (Some(snap), Some(size)) => Some((snap, size)),
        (None, _) => None,
    };
    let want = RangeSpec::parse(text)
        .and_then(|spec| spec.resolve(size))
        .context("RetrievalByteRange (--range)")?;
    let Some((snap, size)) = size_for_snap else {
        return Ok(want);
    };
    let snapped = match snap {
        Snap::Mib => snap_mib(size, want),
        Snap::Tree => snap_tree(size, want),
    };
    snapped.context("RetrievalByteRange (--range)")
}

fn inventory_params(args: &InventoryArgs) -> anyhow::Result<JobParams> {
    let request = JobRequest {
        marker: args.marker.clone(),
        description: args.common.description.clone(),
        sns_topic: args.common.sns_topic.clone(),
        ..args.selection.request(args.limit.clone())
    };
    Ok(validate(&request, None)?)
}

fn render(params: &JobParams, common: &CommonArgs, global: &GlobalOpts) -> anyhow::Result<String> {
    let Some(vault) = &common.aws_cli else {
        return Ok(if common.compact {
            params.to_json_compact()
        } else {
            params.to_json_pretty()
        });
    };
    let options = AwsCliOptions {
        profile: global.profile.clone(),
        region: global.region.clone(),
        endpoint_url: global.endpoint_url.clone(),
    };
    params.aws_cli_command(vault, &options).context("--aws-cli")
}

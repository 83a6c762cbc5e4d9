//! `defrost range`: plans the retrieval of a byte range of an archive, as a table for a
//! person or as JSON for tools.

use std::io::{self, Write as _};

use anyhow::Context;
use humansize::{BINARY, format_size};
use serde::Serialize;

use crate::cli::GlobalOpts;
use crate::domain::range::{
    ByteRange, Plan, PlanKind, RangeError, RangeSpec, chunk_count, parse_size, plan,
};
use crate::text::printable;

#[derive(Debug, clap::Args)]
pub struct RangeArgs {
    /// Size of the archive: bytes, or a number with a unit (40GiB, 1.5TB)
    #[arg(long, value_name = "BYTES", allow_hyphen_values = true)]
    pub size: String,

    /// The bytes wanted: START-END (both included, as Glacier writes ranges), START-
    /// (to the last byte), LEN (the first LEN bytes) or START+LEN. Units are allowed;
    /// an end with a unit is a boundary, so 4MiB-8MiB is 4194304-8388607
    #[arg(long, value_name = "RANGE", allow_hyphen_values = true)]
    pub want: String,

    /// Which plans to show
    #[arg(long, value_enum, default_value_t = PlanChoice::All)]
    pub plan: PlanChoice,

    /// Print JSON for tools instead of a table
    #[arg(long)]
    pub json: bool,
}

/// The plans one can ask for: one kind, or all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanChoice {
    /// One job over the smallest MiB-aligned cover: fewest bytes, no checksum
    Mib,
    /// One job over the smallest tree-hash-aligned cover: a checksum, maybe extra bytes
    Tree,
    /// Tree-hash-aligned jobs tiling the MiB-aligned cover: no extra bytes, checksums
    Split,
    /// All three, in that order
    All,
}

impl PlanChoice {
    fn kinds(self) -> &'static [PlanKind] {
        match self {
            Self::Mib => &[PlanKind::Mib],
            Self::Tree => &[PlanKind::Tree],
            Self::Split => &[PlanKind::Split],
            Self::All => &PlanKind::ALL,
        }
    }
}

/// What `--json` prints. The field names are a contract with the tools that read it.
#[derive(Debug, Serialize)]
struct Report {
    size: u64,
    want: ByteRange,
    plans: Vec<Plan>,
}

pub fn run(_global: &GlobalOpts, args: RangeArgs) -> anyhow::Result<()> {
    let size = parse_size(&args.size).context("--size")?;
    if size == 0 {
        return Err(RangeError::EmptyArchive).context("--size");
    }
    let want = RangeSpec::parse(&args.want)
        .and_then(|spec| spec.resolve(Some(size)))
        .context("--want")?;
    let plans = args
        .plan
        .kinds()
        .iter()
        .map(|&kind| plan(size, want, kind))
        .collect::<Result<Vec<_>, _>>()?;
    let report = Report { size, want, plans };
    let output = if args.json {
        let mut json = serde_json::to_string(&report).context("could not write the JSON")?;
        json.push('\n');
        json
    } else {
        table(&report, &args.want)
    };
    print(&output)
}

/// Writes to standard output; a reader that stopped reading (`| head`) is no failure.
fn print(output: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.context("could not write to standard output"),
    }
}

/// Size for a person, with the exact count beside it.
fn human(bytes: u64) -> String {
    format!("{} ({bytes} bytes)", format_size(bytes, BINARY))
}

fn table(report: &Report, want_as_written: &str) -> String {
    let Report { size, want, plans } = report;
    let mut out = format!(
        "Archive  {}, {} chunks\nWanted   {want} (from `{}`), {}\n\n",
        human(*size),
        chunk_count(*size),
        printable(want_as_written.trim()),
        human(want.len())
    );
    out.push_str(&summary(plans));
    for plan in plans {
        out.push_str(&format!("\n{}: {}\n", kind_name(plan.plan), hint(plan)));
        for job in &plan.jobs {
            out.push_str(&format!("  {job}\n"));
        }
    }
    out
}

/// One row per plan, columns as wide as their widest cell.
fn summary(plans: &[Plan]) -> String {
    let header = ["Plan", "Jobs", "Retrieved", "Extra", "Checksum"].map(String::from);
    let rows = plans.iter().map(|plan| {
        [
            kind_name(plan.plan).to_owned(),
            plan.jobs.len().to_string(),
            human(plan.bytes),
            human(plan.extra_bytes),
            (if plan.checksum { "yes" } else { "no" }).to_owned(),
        ]
    });
    let rows: Vec<[String; 5]> = [header].into_iter().chain(rows).collect();
    let width = |column: usize| rows.iter().map(|row| row[column].len()).max().unwrap_or(0);
    let (w0, w1, w2, w3) = (width(0), width(1), width(2), width(3));
    rows.iter()
        .map(|[plan, jobs, retrieved, extra, checksum]| {
            format!("{plan:<w0$}  {jobs:>w1$}  {retrieved:<w2$}  {extra:<w3$}  {checksum}\n")
        })
        .collect()
}

fn kind_name(kind: PlanKind) -> &'static str {
    match kind {
        PlanKind::Mib => "mib",
        PlanKind::Tree => "tree",
        PlanKind::Split => "split",
    }
}

/// One line on what the plan gives and what it costs, for this range.
fn hint(plan: &Plan) -> String {
    match plan.plan {
        PlanKind::Mib if plan.checksum => {
            "fewest bytes, and the range is one tree-hash node, so Glacier returns its checksum"
                .into()
        }
        PlanKind::Mib => "fewest bytes, but Glacier returns no checksum for this range".into(),
        PlanKind::Tree if plan.extra_bytes == 0 => {
            "Glacier returns a checksum, with no extra bytes".into()
        }
        PlanKind::Tree => format!(
            "Glacier returns a checksum, at the cost of {} extra",
            format_size(plan.extra_bytes, BINARY)
        ),
        PlanKind::Split if plan.jobs.len() == 1 => {
            "no extra bytes and a checksum, in one job".into()
        }
        PlanKind::Split => format!(
            "no extra bytes and a checksum for each job, but one request fee per job ({} jobs)",
            plan.jobs.len()
        ),
    }
}

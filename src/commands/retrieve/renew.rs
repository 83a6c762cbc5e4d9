//! `defrost retrieve --renew PLAN`: starts again only the jobs of a plan whose
//! output was lost before it was downloaded, after showing what they cost. What
//! is already downloaded for the plan stays and is used.

use std::io::Write as _;

use anyhow::Context as _;
use serde::Serialize;
use time::OffsetDateTime;

use super::{RetrieveArgs, refuse_to_ask_without_a_terminal, view};
use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_store, size, wait};
use crate::domain::cost::{PriceTable, estimate, format_cost};
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::Tier;
use crate::glacier::{GlacierApi as _, SdkGlacier};
use crate::store::PlanId;
use crate::text::{printable, terminal_json};
use crate::tracking::launch::{LaunchedJob, RenewReason, Renewal, plan_renewal, renew_plan};

pub fn run(global: &GlobalOpts, args: &RetrieveArgs, plan: &str) -> anyhow::Result<()> {
    let plan: PlanId = plan
        .parse()
        .map_err(|err| BadInput(format!("--renew: {err}")))?;
    let tier = args
        .tier
        .as_deref()
        .map(str::parse::<Tier>)
        .transpose()
        .context("--tier")?;
    refuse_to_ask_without_a_terminal(args.yes)?;
    let mut store = open_store(global)?;
    crate::commands::block_on(async {
        let glacier = SdkGlacier::connect(&global.connect_options()).await?;
        let now = OffsetDateTime::now_utc();
        let renewal = plan_renewal(&glacier, &mut store, plan, tier, now).await?;
        check_vault(args, &renewal)?;
        if renewal.jobs.is_empty() {
            eprintln!(
                "plan {plan} needs no renewal: it is {}, and every job's output is downloaded, ready or on its way",
                renewal.plan.state(now)
            );
            return Ok(());
        }
        if !(args.output.json && args.yes) {
            eprint!("{}", summary(&renewal, glacier.service_speed()));
        }
        let count = renewal.jobs.len();
        if !args.yes && !view::confirm(&format!("Start {count} job(s) again? [y/N] "), false)? {
            eprintln!("nothing was started");
            return Ok(());
        }
        let by = crate::tracking::started_by_here();
        let outcome = renew_plan(&glacier, &mut store, &renewal, by, now).await;
        let started = match &outcome {
            Ok(started) => started.as_slice(),
            Err(err) => err.started(),
        };
        show_started(&renewal, started, args.output.json)?;
        outcome?;
        if !args.output.json {
            let vault = printable(&renewal.plan.vault.name);
            println!(
                "plan {plan}: once they are ready, 'defrost download {plan} --vault {vault} --to DIR' finishes its file"
            );
        }
        anyhow::Ok(())
    })
}

/// A plan belongs to one vault; naming another is a slip worth stopping on.
fn check_vault(args: &RetrieveArgs, renewal: &Renewal) -> Result<(), BadInput> {
    let vault = &renewal.plan.vault;
    if vault.name == args.vault.vault {
        return Ok(());
    }
    Err(BadInput(format!(
        "plan {} retrieves from vault {}, not {}; give --vault {}",
        renewal.plan.id,
        printable(&vault.name),
        printable(&args.vault.vault),
        printable(&vault.name)
    )))
}

/// What will be started, why, and what it costs, before anything is paid.
fn summary(renewal: &Renewal, speed: ServiceSpeed) -> String {
    let plan = &renewal.plan;
    let name = plan
        .archive
        .as_ref()
        .and_then(|archive| archive.name.as_deref())
        .map_or_else(|| "an archive with no name".to_owned(), printable);
    let current = plan.current_jobs().len();
    let mut out = format!(
        "Plan {} of {name}: {} of its {current} job(s) to start again\n",
        plan.id,
        renewal.jobs.len()
    );
    for job in &renewal.jobs {
        let what = match job.range() {
            Some(range) => format!("bytes {range} ({})", size(u128::from(range.len()))),
            None => "the whole archive".into(),
        };
        let replaces = job
            .replaces
            .as_deref()
            .map_or_else(String::new, |id| format!(", replaces {}", printable(id)));
        out.push_str(&format!(
            "  job {} of {current}: {what}, {}{replaces}\n",
            job.position + 1,
            reason_words(job.why)
        ));
    }
    let kept = current - renewal.jobs.len();
    if kept > 0 {
        out.push_str(&format!(
            "  the other {kept} job(s) stay: downloaded, ready or running\n"
        ));
    }
    out.push_str(&cost_line(renewal, speed));
    out
}

fn reason_words(why: RenewReason) -> &'static str {
    match why {
        RenewReason::Expired => "its output window closed before it was downloaded",
        RenewReason::Failed => "it failed",
        RenewReason::NotStarted => "it was never started",
    }
}

/// The renewal's price and wait at each job's tier, from the published prices.
fn cost_line(renewal: &Renewal, speed: ServiceSpeed) -> String {
    let Ok(prices) = PriceTable::published() else {
        return String::new();
    };
    let size_known = renewal.plan.archive.as_ref().and_then(|a| a.size);
    let mut cost = 0.0;
    let mut latest = std::time::Duration::ZERO;
    for job in &renewal.jobs {
        let tier = job.tier().unwrap_or(Tier::Standard);
        let bytes = job.range().map(|range| range.len()).or(size_known);
        let guess = estimate(&prices, tier, bytes.unwrap_or(0), 1, speed);
        cost += guess.cost;
        latest = latest.max(guess.latest);
    }
    let bytes = renewal.bytes().map_or_else(
        || "bytes of unknown size".to_owned(),
        |b| size(u128::from(b)),
    );
    format!(
        "Cost      about {} for {bytes} (prices of {}, as of {}); ready within about {}\n",
        format_cost(cost, &prices.currency),
        prices.region,
        prices.as_of,
        wait(latest),
    )
}

#[derive(Serialize)]
struct RenewedLine<'a> {
    plan: String,
    vault: &'a str,
    /// Counted from 1, as "job 3 of 6".
    position: u32,
    job_id: &'a str,
    replaces: Option<&'a str>,
    range: Option<String>,
    tier: &'static str,
}

/// A line per job started again, in the plan's order.
fn show_started(renewal: &Renewal, started: &[LaunchedJob], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for (job, renewed) in started.iter().zip(&renewal.jobs) {
        let tier = job.tier.map_or("Standard", |tier| tier.as_str());
        if json {
            let line = RenewedLine {
                plan: renewal.plan.id.to_string(),
                vault: &renewal.plan.vault.name,
                position: renewed.position + 1,
                job_id: &job.job_id,
                replaces: renewed.replaces.as_deref(),
                range: job.range.map(|range| range.to_string()),
                tier,
            };
            writeln!(out, "{}", terminal_json(&line)?)?;
        } else {
            writeln!(
                out,
                "started job {} as job {} of plan {} ({tier})",
                printable(&job.job_id),
                renewed.position + 1,
                renewal.plan.id
            )?;
        }
    }
    Ok(out.flush()?)
}

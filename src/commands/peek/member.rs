//! `defrost restore-member`: one file out of a zip archive whose listing a
//! peek stored. Shows the member's bytes in the archive, the alignment's
//! extra bytes and the cost beside the whole archive's, asks, retrieves the
//! span, waits, then unpacks and checks the member into `--to`.

use std::path::PathBuf;

use time::OffsetDateTime;

use super::{common, view};
use crate::cli::GlobalOpts;
use crate::commands::BadInput;
use crate::commands::cached::{open_store, size};
use crate::commands::shared_args::GlacierVault;
use crate::domain::cost::PriceTable;
use crate::domain::range::PlanKind;
use crate::glacier::{GlacierApi as _, SdkGlacier};
use crate::store::{PeekFinding, Store};
use crate::text::printable;
use crate::tracking::peek::PeekError;
use crate::tracking::peek::member::{
    MemberRequest, MemberState, check_restorable, find_member, restore_member,
};
use crate::tracking::started_by_here;

#[derive(Debug, clap::Args)]
pub struct RestoreMemberArgs {
    #[command(flatten)]
    pub vault: GlacierVault,

    /// The zip archive's id; peek at it first to store its listing
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub archive_id: String,

    /// The member: its name as the listing shows it, or #N, its number there
    #[arg(long, value_name = "PATH")]
    pub member: String,

    /// The folder to restore it into; it goes under its own path inside
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,

    /// How the member's bytes become jobs: mib (fewest bytes, no checksum),
    /// tree (one checksummed job, maybe extra bytes) or split (checksummed
    /// jobs, no extra bytes) [default: split]
    #[arg(long, value_enum, value_name = "mib|tree|split")]
    pub plan: Option<PlanKind>,

    #[command(flatten)]
    pub ask: super::RetrievalAsk,

    /// Replace a file of that name in the folder
    #[arg(long)]
    pub overwrite: bool,
}

pub fn run(global: &GlobalOpts, args: RestoreMemberArgs) -> anyhow::Result<()> {
    args.ask.check()?;
    if !args.to.is_dir() {
        return Err(BadInput(format!(
            "--to {} is not a folder; make it first, or name one that exists",
            printable(&args.to.display().to_string())
        ))
        .into());
    }
    let mut store = open_store(global)?;
    crate::commands::block_on(restore(global, &args, &mut store))
}

async fn restore(
    global: &GlobalOpts,
    args: &RestoreMemberArgs,
    store: &mut Store,
) -> anyhow::Result<()> {
    let glacier = SdkGlacier::connect(&global.connect_options()).await?;
    let vault = args.vault.key(glacier.region());
    let archive = common::archive_facts(store, &vault, &args.archive_id, None)?;
    match store
        .peek(&vault, &args.archive_id)?
        .and_then(|peek| peek.finding)
    {
        Some(PeekFinding::Zip { .. }) => {}
        Some(PeekFinding::NotZip { reason }) => {
            return Err(PeekError::NotZip {
                archive_id: args.archive_id.clone(),
                reason,
            }
            .into());
        }
        None => {
            return Err(PeekError::NotListed {
                archive_id: args.archive_id.clone(),
            }
            .into());
        }
    }
    let members = store.zip_members(&vault, &args.archive_id)?;
    let listed = find_member(&members, &args.member)?.clone();
    check_restorable(&listed)?;
    let folder = common::peek_folder(global, &vault)?;
    let prices = PriceTable::published()?;
    let mut request = MemberRequest {
        vault: &vault,
        archive: &archive,
        member: &listed,
        plan: args.plan.unwrap_or(PlanKind::Split),
        tier: args.ask.tier.clone(),
        folder: &folder,
        to: &args.to,
        overwrite: args.overwrite,
        started_by: started_by_here(),
        launch: args.ask.yes,
    };
    loop {
        match restore_member(&glacier, store, &request, OffsetDateTime::now_utc()).await? {
            MemberState::Retrieval {
                planned,
                started: None,
                ..
            } => {
                super::refuse_to_ask_without_a_terminal()?;
                show_member_plan(&listed, &planned, &prices, global);
                if !crate::commands::retrieve::confirm("Start it? [y/N] ")? {
                    eprintln!("nothing was started");
                    return Ok(());
                }
                request.launch = true;
            }
            MemberState::Retrieval {
                planned,
                started: Some(plan),
                reused,
            } => {
                if args.ask.yes {
                    // Not shown before asking: shown now, for the record.
                    show_member_plan(&listed, &planned, &prices, global);
                }
                let bytes = planned.plan.as_ref().map_or(0, |plan| plan.bytes);
                eprintln!(
                    "started plan {plan} for {}: {} in {} job(s){}",
                    printable(&listed.member.name),
                    size(u128::from(bytes)),
                    planned.jobs.len(),
                    if reused > 0 {
                        format!(", {reused} already under way reused")
                    } else {
                        String::new()
                    }
                );
                if args.ask.no_wait {
                    view::show_go_on(&args.vault.vault, &args.archive_id, "restore-member");
                    return Ok(());
                }
            }
            MemberState::Waiting { plan, jobs } => {
                if args.ask.no_wait {
                    view::show_waiting(plan, &jobs);
                    view::show_go_on(&args.vault.vault, &args.archive_id, "restore-member");
                    return Ok(());
                }
                common::wait_for_jobs(&glacier, store, plan, &jobs, view::sleeping).await?;
            }
            MemberState::Restored {
                extracted,
                span_file,
            } => {
                println!(
                    "restored {} ({}, CRC-32 {:08x} checked)",
                    printable(&extracted.shown.display().to_string()),
                    size(u128::from(extracted.bytes)),
                    extracted.crc32
                );
                eprintln!(
                    "the retrieved bytes stay in {}",
                    printable(&span_file.display().to_string())
                );
                return Ok(());
            }
        }
    }
}

/// The member's bytes inside the archive, the alignment's extra bytes and the
/// cost, beside retrieving the whole archive.
fn show_member_plan(
    listed: &crate::store::ListedMember,
    planned: &crate::tracking::launch::PlannedRetrieval,
    prices: &PriceTable,
    global: &GlobalOpts,
) {
    let member = &listed.member;
    let speed = global.service_speed();
    let tier = view::tier_of(planned);
    let want = planned
        .want
        .map(|range| range.to_string())
        .unwrap_or_default();
    eprintln!(
        "Member    {} ({}, {} packed, {})",
        printable(&member.name),
        size(u128::from(member.size)),
        size(u128::from(member.compressed_size)),
        member.method.label()
    );
    eprintln!("Its bytes {want} of the archive (header, data and descriptor)");
    if let Some(plan) = &planned.plan {
        eprintln!(
            "Plan      {:?}: {} extra for alignment, {}",
            plan.plan,
            size(u128::from(plan.extra_bytes)),
            if plan.checksum {
                "Glacier returns a checksum"
            } else {
                "no checksum comes back (the member's CRC-32 still checks it)"
            }
        );
        eprintln!(
            "Retrieve  {}",
            view::cost_line(plan.bytes, plan.jobs.len(), tier, prices, speed)
        );
    }
    if let Some(whole) = planned.archive_size {
        eprintln!(
            "Whole     {}",
            view::cost_line(whole, 1, tier, prices, speed)
        );
    }
}

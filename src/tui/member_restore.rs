//! Restoring one member of a listed zip from the screen, as plain data: the
//! dialog that shows what its span costs under each plan and tier and takes
//! the folder it goes into, the request that takes the restore further
//! through `tracking::peek::member`, and the engine's answer in the screen's
//! terms. The restore itself is `defrost restore-member`'s.

use std::path::PathBuf;

use time::OffsetDateTime;

use super::msg::RequestId;
use crate::domain::cost::PriceTable;
use crate::domain::job::ServiceSpeed;
use crate::domain::job_params::Tier;
use crate::domain::range::{ByteRange, Plan, PlanKind};
use crate::store::{ArchiveRow, ListedMember, PlanId, VaultKey};

/// The last step before a member's span is paid for.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberDialog {
    pub vault: VaultKey,
    pub archive: ArchiveRow,
    pub member: ListedMember,
    /// The member's span of the archive: header, packed bytes, descriptor.
    pub want: ByteRange,
    /// Each kind of plan for `want`, or why that kind cannot serve it.
    pub plans: Vec<(PlanKind, Result<Plan, String>)>,
    pub chosen: PlanKind,
    pub tier: Tier,
    /// The folder the member goes into, under its own path; takes typing.
    pub folder: String,
}

impl MemberDialog {
    pub fn new(
        vault: VaultKey,
        archive: ArchiveRow,
        member: ListedMember,
        want: ByteRange,
        folder: String,
    ) -> MemberDialog {
        let plans = PlanKind::ALL
            .iter()
            .map(|&kind| {
                let found = crate::domain::range::plan(archive.size, want, kind);
                (kind, found.map_err(|err| err.to_string()))
            })
            .collect();
        MemberDialog {
            vault,
            archive,
            member,
            want,
            plans,
            // Checksummed jobs and no extra bytes, as `restore-member` does.
            chosen: PlanKind::Split,
            tier: Tier::Standard,
            folder,
        }
    }

    /// The chosen plan, when it can serve the span.
    pub fn chosen_plan(&self) -> Option<&Plan> {
        self.plans
            .iter()
            .find(|(kind, _)| *kind == self.chosen)
            .and_then(|(_, found)| found.as_ref().ok())
    }

    /// A folder is typed and the chosen plan can serve the span.
    pub fn can_start(&self) -> bool {
        !self.folder.trim().is_empty() && self.chosen_plan().is_some()
    }

    /// The plan beside the chosen one (`forward`: to the right), round.
    pub fn choose_next(&mut self, forward: bool) {
        let all = PlanKind::ALL;
        let index = all
            .iter()
            .position(|kind| *kind == self.chosen)
            .unwrap_or(0);
        let step = if forward { 1 } else { all.len() - 1 };
        self.chosen = all[(index + step) % all.len()];
    }

    /// What the chosen plan costs at the chosen tier, in a sentence.
    pub fn cost(&self, prices: &PriceTable, speed: ServiceSpeed) -> Option<String> {
        let plan = self.chosen_plan()?;
        Some(super::members::cost_line(
            plan.bytes,
            plan.jobs.len(),
            self.tier,
            prices,
            speed,
        ))
    }

    /// What the whole archive costs at the chosen tier, in a sentence.
    pub fn whole(&self, prices: &PriceTable, speed: ServiceSpeed) -> String {
        super::members::cost_line(self.archive.size, 1, self.tier, prices, speed)
    }
}

/// A member's restore to take further.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberAsk {
    pub vault: VaultKey,
    pub archive: ArchiveRow,
    /// The member, as the listing the screen read has it.
    pub member: ListedMember,
    pub plan: PlanKind,
    pub tier: Tier,
    /// The folder the user chose.
    pub to: PathBuf,
    /// Start the retrieval when none is under way; else only say where the
    /// restore stands.
    pub launch: bool,
}

/// A member's restore the engine was asked to take further.
#[derive(Debug, Clone, PartialEq)]
pub struct Restoring {
    pub request: RequestId,
    pub ask: MemberAsk,
}

/// Where a member's restore stands, as the screen says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberView {
    /// Nothing retrieves its span yet: a dialog asks before paying.
    ToPay,
    /// Its span's retrieval was started as this plan.
    Started { plan: PlanId, reused: usize },
    /// The span's jobs are not all ready: when the last should be, or why
    /// one of them never will be.
    Waiting {
        plan: PlanId,
        ready_by: Option<OffsetDateTime>,
        stuck: Option<String>,
    },
    /// Unpacked and checked, at `shown`.
    Restored {
        shown: String,
        bytes: u64,
        crc32: u32,
    },
}

//! What the explain panel says: a text per step or thing on the screen, read
//! from `assets/explain.toml` (which a file of the same name in the config
//! directory overrides text by text, to correct or translate it), and which
//! texts the model calls for: its context's, then the selected thing's (the
//! chosen plan, the tier, the job's state).

use std::collections::HashMap;

use super::config::ConfigError;
use super::context::Context;
use super::migration::Field;
use super::model::{Dialog, DownloadState, JobsRow, Model};
use crate::domain::job::{JobStatus, PlanShape, PlanState, effective_status};
use crate::domain::job_params::Tier;
use crate::domain::range::PlanKind;
use crate::store::FolderEntryKind;

pub const DEFAULT_EXPLANATIONS: &str = include_str!("../../assets/explain.toml");

/// Something the panel explains; its id is its key in `explain.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    Vaults,
    VaultNoInventory,
    Archives,
    Marks,
    Tree,
    Filter,
    Jobs,
    InventoryJob,
    JobInProgress,
    JobSucceeded,
    JobFailed,
    JobExpired,
    Download,
    DownloadVerified,
    DownloadMismatch,
    BatchRow,
    MigrationRow,
    Planner,
    PlanMib,
    PlanTree,
    PlanSplit,
    Preview,
    SaveAs,
    Launch,
    TierBulk,
    TierStandard,
    TierExpedited,
    RetrievalPolicy,
    Reuse,
    DownloadFolder,
    Renew,
    Batch,
    BatchSummary,
    Migration,
    StorageClass,
    AcrossRegions,
    MigrationSummary,
    Drain,
    ListedZip,
    Members,
    Member,
    Peek,
    PeekDirectory,
    MemberRestore,
    Help,
    Tour,
}

impl Topic {
    pub const ALL: [(Topic, &'static str); 46] = [
        (Topic::Vaults, "vaults"),
        (Topic::VaultNoInventory, "vault-no-inventory"),
        (Topic::Archives, "archives"),
        (Topic::Marks, "marks"),
        (Topic::Tree, "tree"),
        (Topic::Filter, "filter"),
        (Topic::Jobs, "jobs"),
        (Topic::InventoryJob, "inventory-job"),
        (Topic::JobInProgress, "job-in-progress"),
        (Topic::JobSucceeded, "job-succeeded"),
        (Topic::JobFailed, "job-failed"),
        (Topic::JobExpired, "job-expired"),
        (Topic::Download, "download"),
        (Topic::DownloadVerified, "download-verified"),
        (Topic::DownloadMismatch, "download-mismatch"),
        (Topic::BatchRow, "batch-row"),
        (Topic::MigrationRow, "migration-row"),
        (Topic::Planner, "planner"),
        (Topic::PlanMib, "plan-mib"),
        (Topic::PlanTree, "plan-tree"),
        (Topic::PlanSplit, "plan-split"),
        (Topic::Preview, "preview"),
        (Topic::SaveAs, "save-as"),
        (Topic::Launch, "launch"),
        (Topic::TierBulk, "tier-bulk"),
        (Topic::TierStandard, "tier-standard"),
        (Topic::TierExpedited, "tier-expedited"),
        (Topic::RetrievalPolicy, "retrieval-policy"),
        (Topic::Reuse, "reuse"),
        (Topic::DownloadFolder, "download-folder"),
        (Topic::Renew, "renew"),
        (Topic::Batch, "batch"),
        (Topic::BatchSummary, "batch-summary"),
        (Topic::Migration, "migration"),
        (Topic::StorageClass, "storage-class"),
        (Topic::AcrossRegions, "across-regions"),
        (Topic::MigrationSummary, "migration-summary"),
        (Topic::Drain, "drain"),
        (Topic::ListedZip, "listed-zip"),
        (Topic::Members, "members"),
        (Topic::Member, "member"),
        (Topic::Peek, "peek"),
        (Topic::PeekDirectory, "peek-directory"),
        (Topic::MemberRestore, "member-restore"),
        (Topic::Help, "help"),
        (Topic::Tour, "tour"),
    ];

    pub fn id(self) -> &'static str {
        Topic::ALL
            .iter()
            .find(|(topic, _)| *topic == self)
            .map_or("", |(_, id)| id)
    }

    /// What a context is about, before anything in it is selected.
    pub fn of_context(context: Context) -> Topic {
        match context {
            Context::Vaults => Topic::Vaults,
            Context::Archives => Topic::Archives,
            Context::Tree => Topic::Tree,
            Context::Members => Topic::Members,
            Context::Filter => Topic::Filter,
            Context::Jobs => Topic::Jobs,
            Context::Planner => Topic::Planner,
            Context::Preview => Topic::Preview,
            Context::SaveAs => Topic::SaveAs,
            Context::Launch => Topic::Launch,
            Context::Download => Topic::DownloadFolder,
            Context::Renew => Topic::Renew,
            Context::BatchFolder => Topic::Batch,
            Context::BatchSummary => Topic::BatchSummary,
            Context::MigrationText | Context::MigrationChoice => Topic::Migration,
            Context::MigrationSummary => Topic::MigrationSummary,
            Context::Drain => Topic::Drain,
            Context::Peek => Topic::Peek,
            Context::MemberRestore => Topic::MemberRestore,
            Context::Help => Topic::Help,
        }
    }
}

/// The texts, one per topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanations {
    texts: HashMap<Topic, String>,
}

impl Explanations {
    /// The shipped texts; a test checks the file parses and has every topic.
    pub fn defaults() -> Explanations {
        Explanations::from_toml(DEFAULT_EXPLANATIONS, None, "explain.toml").unwrap_or_else(|_| {
            Explanations {
                texts: HashMap::new(),
            }
        })
    }

    /// Reads `text` (the file `file`) over `base`: each id it names gets its
    /// text, the others keep theirs.
    pub fn from_toml(
        text: &str,
        base: Option<&Explanations>,
        file: &str,
    ) -> Result<Explanations, ConfigError> {
        let parsed: toml::Table =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(file, text, &err))?;
        let mut texts = base.map(|base| base.texts.clone()).unwrap_or_default();
        for (id, value) in &parsed {
            let Some((topic, _)) = Topic::ALL.iter().find(|(_, known)| known == id) else {
                return Err(ConfigError::at_key(
                    file,
                    text,
                    id,
                    format!(
                        "'{id}' is not something defrost explains; the ids are the keys of the default explain.toml"
                    ),
                ));
            };
            let words = value
                .as_str()
                .map(|words| words.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|words| !words.is_empty())
                .ok_or_else(|| {
                    ConfigError::at_key(
                        file,
                        text,
                        id,
                        format!("'{id}' must be a text of a sentence or more, in quotes"),
                    )
                })?;
            texts.insert(*topic, words);
        }
        Ok(Explanations { texts })
    }

    pub fn text(&self, topic: Topic) -> &str {
        self.texts.get(&topic).map_or("", String::as_str)
    }
}

/// The topics the panel explains for `model`, in the order it says them:
/// what is selected goes first where it says more than the step does.
pub fn topics(model: &Model) -> Vec<Topic> {
    let context = Context::of(model);
    let general = Topic::of_context(context);
    let selected: Vec<Topic> = match (context, &model.dialog) {
        (Context::Vaults, _) => {
            let none = (model.selected_vault()).is_some_and(|vault| vault.snapshot.is_none());
            return vec![if none {
                Topic::VaultNoInventory
            } else {
                Topic::Vaults
            }];
        }
        (Context::Archives | Context::Tree, _) => {
            let marks = (!model.archives.marks.is_empty()).then_some(Topic::Marks);
            let zip = listed_here(model, context).then_some(Topic::ListedZip);
            marks.into_iter().chain(zip).collect()
        }
        (Context::Members, _) => {
            let member = (model.zips.members.as_ref()).and_then(|view| view.selected_member());
            member.map(|_| Topic::Member).into_iter().collect()
        }
        (Context::Peek, Some(Dialog::Peek(dialog))) => {
            let directory = (!dialog.first).then_some(Topic::PeekDirectory);
            directory
                .into_iter()
                .chain([tier_topic(dialog.tier)])
                .collect()
        }
        (Context::MemberRestore, Some(Dialog::MemberRestore(dialog))) => {
            vec![plan_topic(dialog.chosen), tier_topic(dialog.tier)]
        }
        // A row says more than the pane: it stands alone.
        (Context::Jobs, _) => return vec![row_topic(model).unwrap_or(Topic::Jobs)],
        (Context::Planner, Some(Dialog::Range(dialog))) => vec![plan_topic(dialog.chosen)],
        (Context::Preview, Some(Dialog::Preview(preview))) => vec![plan_topic(preview.plan.plan)],
        (Context::Launch, Some(Dialog::Launch(launch))) => {
            let mut topics = vec![tier_topic(launch.preview.tier), Topic::RetrievalPolicy];
            if !launch.reusable.is_empty() {
                topics.push(Topic::Reuse);
            }
            topics
        }
        (Context::BatchFolder, Some(Dialog::Batch(dialog))) => vec![tier_topic(dialog.tier)],
        (Context::BatchSummary, Some(Dialog::Batch(dialog))) => {
            vec![tier_topic(dialog.tier), Topic::RetrievalPolicy]
        }
        (Context::MigrationChoice, Some(Dialog::Migration(dialog))) => match dialog.field {
            Field::StorageClass => vec![Topic::StorageClass],
            Field::Tier => vec![tier_topic(dialog.tier)],
            Field::AcrossRegions => vec![Topic::AcrossRegions],
            Field::Bucket | Field::Prefix => Vec::new(),
        },
        (Context::MigrationSummary, Some(Dialog::Migration(dialog))) => {
            vec![tier_topic(dialog.tier)]
        }
        _ => Vec::new(),
    };
    // Beside the tour, the panel also says what the tour is for.
    let tour = model.tour.shown.then_some(Topic::Tour);
    std::iter::once(general)
        .chain(selected)
        .chain(tour)
        .collect()
}

/// Whether the archive selected in the table or the tree has a stored zip
/// listing.
fn listed_here(model: &Model, context: Context) -> bool {
    if context == Context::Archives {
        return (model.archives.selected()).is_some_and(|archive| model.zips.is_listed(archive));
    }
    let Some(tree) = model.archives.tree.as_ref() else {
        return false;
    };
    match tree.entries.get(tree.cursor).map(|entry| &entry.kind) {
        Some(FolderEntryKind::Archive { position, .. }) => {
            model.zips.listed.positions.contains(position)
        }
        _ => false,
    }
}

fn plan_topic(kind: PlanKind) -> Topic {
    match kind {
        PlanKind::Mib => Topic::PlanMib,
        PlanKind::Tree => Topic::PlanTree,
        PlanKind::Split => Topic::PlanSplit,
    }
}

fn tier_topic(tier: Tier) -> Topic {
    match tier {
        Tier::Bulk => Topic::TierBulk,
        Tier::Standard => Topic::TierStandard,
        Tier::Expedited => Topic::TierExpedited,
    }
}

/// What the jobs pane's selected row is: a batch or migration, or where its
/// plan (or job) stands, its download first when one was made here.
fn row_topic(model: &Model) -> Option<Topic> {
    let pane = &model.jobs;
    let plan = match pane.selected()? {
        JobsRow::Batch(_) | JobsRow::BatchItem { .. } => {
            let batch = pane.selected_batch()?;
            return Some(if batch.is_migration() {
                Topic::MigrationRow
            } else {
                Topic::BatchRow
            });
        }
        JobsRow::Job { plan, job } => {
            let entry = &pane.plans.get(plan)?.jobs.get(job)?.entry;
            let status = effective_status(entry.state.as_ref()?, model.now);
            return Some(status_topic(status));
        }
        JobsRow::Plan(_) => pane.selected_plan()?,
    };
    if plan.shape == PlanShape::Inventory {
        return Some(Topic::InventoryJob);
    }
    let download = pane.downloads.get(&plan.id.to_string());
    Some(match (download.map(|d| &d.state), plan.state(model.now)) {
        (Some(DownloadState::Failed(_)), _) => Topic::DownloadMismatch,
        (Some(DownloadState::Running), _) | (_, PlanState::Downloading) => Topic::Download,
        (Some(DownloadState::Verified(_)), _) | (_, PlanState::Finished) => Topic::DownloadVerified,
        (None, PlanState::Started | PlanState::PartlyReady) => Topic::JobInProgress,
        (None, PlanState::Ready) => Topic::JobSucceeded,
        (None, PlanState::Expired) => Topic::JobExpired,
        (None, PlanState::Failed) => Topic::JobFailed,
    })
}

fn status_topic(status: JobStatus) -> Topic {
    match status {
        JobStatus::InProgress => Topic::JobInProgress,
        JobStatus::Succeeded => Topic::JobSucceeded,
        JobStatus::Failed => Topic::JobFailed,
        JobStatus::Expired => Topic::JobExpired,
    }
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;

//! Migrations on the screen: the migrate key with archives marked opens a
//! dialog (bucket, prefix, storage class, tier, across regions); Enter asks
//! the cache, Glacier and the bucket what copying them would do and cost, as
//! `defrost migrate` does before paying; Enter on that summary journals the
//! migration and carries it on in the background until every archive is
//! copied. A refusal is said in the dialog, which moves to the field that
//! fixes it. Esc goes back a step.

use super::super::batch::BatchWork;
use super::super::keymap::Action;
use super::super::migration::{Field, MigrationAsk, MigrationDialog, MigrationStage, Refusal};
use super::super::model::{Dialog, Model, Pane, Severity};
use super::super::msg::{Cmd, RequestId};
use super::{close_dialog, refuse_read_only};
use crate::domain::job_params::Tier;
use crate::domain::migrate::{KeyPrefix, StorageClass};
use crate::store::BatchId;
use crate::text::printable;
use crate::tui::marks::grouped;

/// The migrate key in the archives pane.
pub(super) fn open_dialog(model: &mut Model) -> Vec<Cmd> {
    if model.session.read_only {
        return refuse_read_only(model, "copying to S3");
    }
    if model.archives.marks.is_empty() {
        let keymap = &model.config.keymap;
        let hint = format!(
            "mark archives with {} (or every archive shown with {}) to copy them to S3",
            keymap.label(Action::Mark),
            keymap.label(Action::MarkMatching),
        );
        model.tell(Severity::Info, hint);
        return Vec::new();
    }
    let table = &model.archives;
    let (Some(vault), Some(snapshot)) = (model.selected_vault(), table.snapshot.as_ref()) else {
        return Vec::new();
    };
    let dialog = MigrationDialog {
        vault: vault.key.clone(),
        snapshot: snapshot.path.clone(),
        positions: table.marks.positions().collect(),
        marked_bytes: table.marks.bytes(),
        bucket: first_bucket(model),
        prefix: format!("{}/", vault.key.name),
        storage_class: StorageClass::DeepArchive,
        tier: Tier::Bulk,
        across_regions: false,
        field: Field::Bucket,
        stage: MigrationStage::Choosing,
        refusal: None,
    };
    model.dialog = Some(Dialog::Migration(dialog));
    Vec::new()
}

/// The bucket offered first: the one typed last, the session's own (the
/// demo's), or the one the newest migration went to, this vault's first.
fn first_bucket(model: &Model) -> String {
    let used = (model.selected_vault().into_iter())
        .chain(&model.vaults)
        .find_map(|vault| vault.migration.as_ref())
        .map(|migration| migration.bucket.clone());
    (model.last_bucket.clone())
        .or_else(|| model.session.default_bucket.clone())
        .or(used)
        .unwrap_or_default()
}

/// Keys in the dialog: letters go into the bucket or the prefix while one of
/// them is chosen; Tab and Shift-Tab move between the fields, ↑↓ change the
/// others; Enter asks for the summary, and on the summary starts.
pub(super) fn dialog_action(model: &mut Model, action: Action) -> Vec<Cmd> {
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    match (action, &dialog.stage) {
        (Action::NextPane, MigrationStage::Choosing) => dialog.field = dialog.field.next(),
        (Action::PreviousPane, MigrationStage::Choosing) => {
            dialog.field = dialog.field.previous();
        }
        (Action::Up | Action::Down, MigrationStage::Choosing) => {
            change(dialog, action == Action::Down);
        }
        (Action::Open, MigrationStage::Choosing) => return prepare(model),
        (Action::Open, MigrationStage::Ready(migrating)) => {
            let migrating = migrating.clone();
            return start(model, migrating);
        }
        // Back from the summary, or from waiting for it (its answer is then
        // dropped): the fields again.
        (Action::Back, MigrationStage::Ready(_) | MigrationStage::Preparing(_)) => {
            dialog.stage = MigrationStage::Choosing;
        }
        (Action::Back, MigrationStage::Choosing) => return close_dialog(model),
        _ => {}
    }
    Vec::new()
}

/// The next (or previous) value of a chosen field: the storage class, the
/// tier, or whether another region will do.
fn change(dialog: &mut MigrationDialog, forward: bool) {
    fn step<T: Copy + PartialEq>(all: &[T], now: T, forward: bool) -> T {
        let at = all.iter().position(|item| *item == now).unwrap_or(0);
        let next = if forward {
            (at + 1) % all.len()
        } else {
            (at + all.len() - 1) % all.len()
        };
        all[next]
    }
    match dialog.field {
        Field::StorageClass => {
            dialog.storage_class = step(&StorageClass::ALL, dialog.storage_class, forward);
        }
        Field::Tier => {
            // Cheapest first, as the batch dialog offers them.
            let tiers = [Tier::Bulk, Tier::Standard, Tier::Expedited];
            dialog.tier = step(&tiers, dialog.tier, forward);
        }
        Field::AcrossRegions => dialog.across_regions = !dialog.across_regions,
        Field::Bucket | Field::Prefix => return,
    }
    dialog.refusal = None;
}

/// Asks what the migration would do, once the fields can be asked with.
fn prepare(model: &mut Model) -> Vec<Cmd> {
    let prices = model.config.prices.clone();
    let open = model.config.keymap.label(Action::Open);
    let request = model.request();
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    let bucket = dialog.bucket.trim().to_owned();
    if bucket.is_empty() {
        return refuse(
            dialog,
            Refusal {
                text: format!("type the name of the bucket to copy into, then press {open}"),
                field: Some(Field::Bucket),
            },
        );
    }
    if let Err(err) = KeyPrefix::new(&dialog.prefix) {
        return refuse(
            dialog,
            Refusal {
                text: format!("{err}, then press {open}"),
                field: Some(Field::Prefix),
            },
        );
    }
    dialog.stage = MigrationStage::Preparing(request);
    dialog.refusal = None;
    let ask = MigrationAsk {
        vault: dialog.vault.clone(),
        snapshot: dialog.snapshot.clone(),
        positions: dialog.positions.clone(),
        bucket: bucket.clone(),
        prefix: dialog.prefix.clone(),
        storage_class: dialog.storage_class,
        tier: dialog.tier,
        across_regions: dialog.across_regions,
        prices,
    };
    model.last_bucket = Some(bucket);
    vec![Cmd::PrepareMigration { request, ask }]
}

/// Back to the fields with why, on the field that fixes it.
fn refuse(dialog: &mut MigrationDialog, refusal: Refusal) -> Vec<Cmd> {
    dialog.stage = MigrationStage::Choosing;
    if let Some(field) = refusal.field {
        dialog.field = field;
    }
    dialog.refusal = Some(printable(&refusal.text));
    Vec::new()
}

/// The summary, or why there is none.
pub(super) fn prepared(
    model: &mut Model,
    request: RequestId,
    result: Result<super::super::migration::Migrating, Refusal>,
) -> Vec<Cmd> {
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    if dialog.stage != MigrationStage::Preparing(request) {
        return Vec::new();
    }
    match result {
        Ok(migrating) => {
            dialog.stage = MigrationStage::Ready(migrating);
            Vec::new()
        }
        Err(refusal) => refuse(dialog, refusal),
    }
}

/// Journals the migration and carries it on; the marks became it, so they go.
/// Objects of other archives under its keys are never overwritten from the
/// screen: the summary said so, and another prefix is asked for.
fn start(model: &mut Model, migrating: super::super::migration::Migrating) -> Vec<Cmd> {
    let open = model.config.keymap.label(Action::Open);
    let Some(Dialog::Migration(dialog)) = model.dialog.as_mut() else {
        return Vec::new();
    };
    if let Some(key) = migrating.first_conflict() {
        let others = migrating.conflicts() - 1;
        let more = match others {
            0 => String::new(),
            n => format!(" and {} more keys", grouped(n as u64)),
        };
        let text = format!(
            "the bucket already holds {key}{more} with another archive's object, which is never overwritten from here; type another prefix, then press {open}"
        );
        return refuse(
            dialog,
            Refusal {
                text,
                field: Some(Field::Prefix),
            },
        );
    }
    let Some(Dialog::Migration(dialog)) = model.dialog.take() else {
        return Vec::new();
    };
    super::batch::marks_became_a_batch(model);
    let target = &migrating.prepared.target;
    model.tell(
        Severity::Info,
        format!(
            "copying {} archives into s3://{}/{} at {}…",
            grouped(dialog.positions.len() as u64),
            target.bucket,
            target.prefix,
            dialog.tier
        ),
    );
    model.focus = Pane::Jobs;
    vec![Cmd::StartMigration { migrating }]
}

/// A migration's archive is in its object: its row counts it at once (the
/// next look at the journal brings the rest), and the vaults pane reads its
/// counts again.
pub(super) fn copied(model: &mut Model, batch: BatchId, bytes: u64) -> Vec<Cmd> {
    if let Some(row) = model.jobs.batches.iter_mut().find(|b| b.entry.id == batch) {
        let counts = &mut row.tally.counts;
        counts.restored = (counts.restored + 1).min(counts.archives);
        counts.restored_bytes = counts.restored_bytes.saturating_add(bytes);
        counts.ready = counts.ready.saturating_sub(1);
    }
    vec![super::progress::progress_cmd(model)]
}

/// The launch key on a migration's row: carries it on (starts what has no
/// job, copies what is ready, follows the rest) until every archive is copied.
pub(super) fn resume_selected(model: &mut Model) -> Vec<Cmd> {
    let Some(row) = model.jobs.selected_batch() else {
        return Vec::new();
    };
    let (id, counts) = (row.entry.id, row.tally.counts);
    if model.jobs.batch_work.contains_key(&id) {
        model.tell(
            Severity::Info,
            format!("batch {id} is busy; its row says with what"),
        );
        return Vec::new();
    }
    if counts.archives > 0 && counts.restored == counts.archives {
        model.tell(
            Severity::Info,
            format!("every archive of batch {id} is copied; nothing to carry on"),
        );
        return Vec::new();
    }
    model.jobs.batch_work.insert(
        id,
        BatchWork::Migrating {
            started: 0,
            to_start: counts.waiting_to_start,
            held: None,
        },
    );
    model.tell(
        Severity::Info,
        format!(
            "carrying migration {id} on: {} archives of {} copied so far…",
            grouped(counts.restored),
            grouped(counts.archives)
        ),
    );
    vec![Cmd::ResumeMigration { batch: id }]
}

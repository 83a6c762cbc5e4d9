//! Reducer tests of migrations on the screen: the dialog on the marks (its
//! fields, refusals that move to the field that fixes them, the summary, then
//! starting), what its work reports, its row in the jobs pane, and the vaults
//! pane's counts read again when it moves.

use crossterm::event::KeyCode;

use super::{key, typed};
use crate::domain::job_params::Tier;
use crate::domain::migrate::StorageClass;
use crate::store::BatchId;
use crate::tui::batch::BatchWork;
use crate::tui::migration::{Field, Migrating, MigrationDialog, MigrationStage, Refusal};
use crate::tui::model::{Dialog, Model, Pane};
use crate::tui::msg::{BatchNews, Cmd, Loaded, Msg, RequestId, VaultProgress};
use crate::tui::testing::*;
use crate::tui::testing_batch::*;
use crate::tui::testing_migration::*;
use crate::tui::update::update;

fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(model, key(code), NOW)
}

fn status(model: &Model) -> String {
    model
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

fn dialog(model: &Model) -> &MigrationDialog {
    match &model.dialog {
        Some(Dialog::Migration(dialog)) => dialog,
        other => panic!("no migration dialog: {other:?}"),
    }
}

/// Browsing in the demo with archives 1 and 2 marked.
fn marked() -> Model {
    let mut model = browsing(120, 40, 10);
    model.session.default_bucket = Some("demo-migrated".into());
    press(&mut model, KeyCode::Char(' '));
    press(&mut model, KeyCode::Char(' '));
    model
}

/// The dialog on the marks, its summary asked for.
fn asked(model: &mut Model) -> RequestId {
    press(model, KeyCode::Char('m'));
    let cmds = press(model, KeyCode::Enter);
    let [Cmd::PrepareMigration { request, ask }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(ask.positions, [1, 2]);
    *request
}

fn answer(model: &mut Model, request: RequestId, result: Result<Migrating, Refusal>) -> Vec<Cmd> {
    let msg = Msg::Loaded(Loaded::MigrationPrepared { request, result });
    update(model, msg, NOW)
}

#[test]
fn the_migrate_key_without_marks_says_how_to_mark_and_opens_nothing() {
    let mut model = browsing(120, 40, 10);
    assert!(press(&mut model, KeyCode::Char('m')).is_empty());
    assert!(model.dialog.is_none());
    let said = status(&model);
    assert!(said.contains("mark archives with Space"), "{said}");
    assert!(said.contains("to copy them to S3"), "{said}");
}

#[test]
fn the_dialog_offers_the_demos_bucket_and_the_vault_as_prefix_and_takes_typing() {
    let mut model = marked();
    assert!(press(&mut model, KeyCode::Char('m')).is_empty());
    let opened = dialog(&model);
    assert_eq!(
        (opened.bucket.as_str(), opened.prefix.as_str()),
        ("demo-migrated", "family-photos/")
    );
    assert_eq!(
        (opened.storage_class, opened.tier, opened.across_regions),
        (StorageClass::DeepArchive, Tier::Bulk, false)
    );
    assert_eq!(opened.field, Field::Bucket);
    // Letters type into the bucket, even those bound to actions.
    typed(&mut model, "-lqm");
    assert_eq!(dialog(&model).bucket, "demo-migrated-lqm");
    assert!(!model.quit);
    press(&mut model, KeyCode::Backspace);
    // Tab to the prefix, which takes typing too, then to the class.
    press(&mut model, KeyCode::Tab);
    typed(&mut model, "x");
    assert_eq!(dialog(&model).prefix, "family-photos/x");
    press(&mut model, KeyCode::Tab);
    assert_eq!(dialog(&model).field, Field::StorageClass);
    // Here letters are keys: j moves down the classes, ↑ back and round.
    typed(&mut model, "j");
    assert_eq!(dialog(&model).storage_class, StorageClass::Glacier);
    press(&mut model, KeyCode::Up);
    press(&mut model, KeyCode::Up);
    assert_eq!(dialog(&model).storage_class, StorageClass::Standard);
    press(&mut model, KeyCode::Tab);
    press(&mut model, KeyCode::Down);
    assert_eq!(dialog(&model).tier, Tier::Standard);
    press(&mut model, KeyCode::BackTab);
    assert_eq!(dialog(&model).field, Field::StorageClass);
    // Esc closes it; the marks stay.
    press(&mut model, KeyCode::Esc);
    assert!(model.dialog.is_none());
    assert_eq!(model.archives.marks.count(), 2);
}

#[test]
fn the_bucket_typed_last_is_offered_again_and_a_missing_one_is_asked_for() {
    let mut model = marked();
    model.session.default_bucket = None;
    press(&mut model, KeyCode::Char('m'));
    assert_eq!(dialog(&model).bucket, "");
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    let refused = dialog(&model).refusal.clone().unwrap_or_default();
    assert!(
        refused.starts_with("type the name of the bucket"),
        "{refused}"
    );
    assert!(refused.ends_with("then press Enter"), "{refused}");
    typed(&mut model, "my-archive");
    assert_eq!(dialog(&model).refusal, None, "typing clears the refusal");
    assert!(matches!(
        press(&mut model, KeyCode::Enter).as_slice(),
        [Cmd::PrepareMigration { .. }]
    ));
    press(&mut model, KeyCode::Esc);
    press(&mut model, KeyCode::Esc);
    press(&mut model, KeyCode::Char('m'));
    assert_eq!(dialog(&model).bucket, "my-archive");
}

#[test]
fn a_refusal_moves_to_the_field_that_fixes_it_and_the_fix_is_asked_again() {
    let mut model = marked();
    let request = asked(&mut model);
    let refusal = Refusal {
        text: "the bucket demo-migrated is in eu-west-1 and the vault in us-east-1: copying between regions is paid for by the byte, so it is done only with 'across regions' at yes (↓ there changes it)".into(),
        field: Some(Field::AcrossRegions),
    };
    answer(&mut model, request, Err(refusal));
    let refused = dialog(&model);
    assert_eq!(refused.stage, MigrationStage::Choosing);
    assert_eq!(refused.field, Field::AcrossRegions);
    assert!(refused.refusal.as_deref().unwrap().contains("eu-west-1"));
    press(&mut model, KeyCode::Down);
    assert!(dialog(&model).across_regions);
    assert_eq!(dialog(&model).refusal, None);
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::PrepareMigration { ask, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(ask.across_regions);
    // A prefix that cannot be one is refused before anything is asked.
    press(&mut model, KeyCode::Esc);
    let Some(Dialog::Migration(open)) = model.dialog.as_mut() else {
        panic!("the dialog closed")
    };
    open.prefix = "a\u{7}b".into();
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    assert_eq!(dialog(&model).field, Field::Prefix);
    assert!(dialog(&model).refusal.is_some());
}

#[test]
fn the_summary_comes_to_its_own_request_and_enter_then_starts_the_migration() {
    let mut model = marked();
    let request = asked(&mut model);
    let stale = answer(&mut model, RequestId(request.0 + 7), Ok(migrating(2, &[])));
    assert!(stale.is_empty());
    assert_eq!(dialog(&model).stage, MigrationStage::Preparing(request));
    let summary = migrating(2, &[]);
    answer(&mut model, request, Ok(summary.clone()));
    assert_eq!(dialog(&model).stage, MigrationStage::Ready(summary.clone()));
    // Fields do not change on the summary: Esc goes back to them first.
    press(&mut model, KeyCode::Tab);
    assert_eq!(dialog(&model).field, Field::Bucket);

    let cmds = press(&mut model, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::StartMigration { migrating: summary }]);
    assert!(model.dialog.is_none());
    assert!(model.archives.marks.is_empty(), "the marks became the copy");
    assert_eq!(model.focus, Pane::Jobs);
    assert!(
        status(&model)
            .starts_with("copying 2 archives into s3://demo-migrated/family-photos/ at Bulk")
    );
}

#[test]
fn objects_of_other_archives_are_never_overwritten_another_prefix_is_asked_for() {
    let mut model = marked();
    let request = asked(&mut model);
    answer(&mut model, request, Ok(migrating(3, &[1, 2])));
    assert!(press(&mut model, KeyCode::Enter).is_empty());
    let refused = dialog(&model);
    assert_eq!(
        (&refused.stage, refused.field),
        (&MigrationStage::Choosing, Field::Prefix)
    );
    let said = refused.refusal.clone().unwrap_or_default();
    assert!(
        said.starts_with("the bucket already holds family-photos/scans/page-2.tif and 1 more keys"),
        "{said}"
    );
    assert_eq!(model.archives.marks.count(), 2, "nothing was started");
}

#[test]
fn esc_while_the_summary_is_asked_for_drops_its_answer() {
    let mut model = marked();
    let request = asked(&mut model);
    press(&mut model, KeyCode::Esc);
    assert_eq!(dialog(&model).stage, MigrationStage::Choosing);
    answer(&mut model, request, Ok(migrating(2, &[])));
    assert_eq!(dialog(&model).stage, MigrationStage::Choosing);
}

#[test]
fn copying_to_s3_is_off_in_read_only_mode() {
    let mut model = marked();
    model.session.read_only = true;
    assert!(press(&mut model, KeyCode::Char('m')).is_empty());
    assert!(model.dialog.is_none());
    assert!(status(&model).contains("read-only"), "{}", status(&model));
}

#[test]
fn a_migration_is_followed_on_its_row_and_each_copy_counts_at_once() {
    let mut model = browsing(120, 40, 10);
    let batch = BatchId(4);
    let news = |news| Msg::Loaded(Loaded::Batch(news));
    let cmds = update(
        &mut model,
        news(BatchNews::MigrationRecorded { batch, to_start: 2 }),
        NOW,
    );
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::SyncJobs { .. }, Cmd::LoadProgress { .. }]
    ));
    assert!(update(&mut model, news(BatchNews::Started { batch }), NOW).is_empty());
    assert_eq!(
        model.jobs.batch_work.get(&batch),
        Some(&BatchWork::Migrating {
            started: 1,
            to_start: 2,
            held: None
        })
    );
    // Once every job is started, the journal and the counts are read again.
    let cmds = update(&mut model, news(BatchNews::Started { batch }), NOW);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::SyncJobs { vaults, .. }, Cmd::LoadProgress { .. }] if vaults.is_empty()
    ));
    let mut row = batch_row(
        4,
        vec![
            batch_item(1, ItemState::Ready),
            batch_item(2, ItemState::Running),
        ],
        false,
    );
    row.entry.to = "s3://demo-migrated/family-photos/".into();
    update(&mut model, batches_loaded(vec![row]), NOW);
    assert_eq!(model.jobs.selected_batch().map(|b| b.entry.id), Some(batch));
    let cmds = update(
        &mut model,
        news(BatchNews::Copied {
            batch,
            bytes: 1 << 20,
        }),
        NOW,
    );
    assert!(matches!(cmds.as_slice(), [Cmd::LoadProgress { .. }]));
    let counts = model.jobs.batches[0].tally.counts;
    assert_eq!((counts.restored, counts.ready), (1, 0));

    let ended = BatchNews::Ended {
        batch,
        result: Ok(
            "batch B4: 2 of 2 archives copied into s3://demo-migrated/family-photos/".into(),
        ),
    };
    let cmds = update(&mut model, news(ended), NOW);
    assert!(
        cmds.iter()
            .any(|cmd| matches!(cmd, Cmd::LoadProgress { .. }))
    );
    assert!(model.jobs.batch_work.is_empty());
}

/// The jobs pane on migration B6 of a copied and a running archive.
fn with_migration(copied_all: bool) -> Model {
    let mut model = browsing(120, 40, 10);
    let second = if copied_all {
        ItemState::Restored
    } else {
        ItemState::Running
    };
    let mut row = batch_row(
        6,
        vec![batch_item(1, ItemState::Restored), batch_item(2, second)],
        false,
    );
    row.entry.to = "s3://demo-migrated/family-photos/".into();
    update(&mut model, batches_loaded(vec![row]), NOW);
    model.focus = Pane::Jobs;
    model
}

#[test]
fn the_launch_key_on_a_migrations_row_carries_it_on_and_download_says_so() {
    let mut model = with_migration(false);
    assert!(press(&mut model, KeyCode::Char('d')).is_empty());
    assert!(model.dialog.is_none());
    let said = status(&model);
    assert!(
        said.contains("copies its outputs into s3://demo-migrated/family-photos/ itself"),
        "{said}"
    );
    assert!(said.contains("l on its row carries it on"), "{said}");
    let cmds = press(&mut model, KeyCode::Char('l'));
    assert_eq!(cmds, vec![Cmd::ResumeMigration { batch: BatchId(6) }]);
    assert!(matches!(
        model.jobs.batch_work.get(&BatchId(6)),
        Some(BatchWork::Migrating { .. })
    ));
    let mut model = with_migration(true);
    assert!(press(&mut model, KeyCode::Char('l')).is_empty());
    assert!(
        status(&model).contains("nothing to carry on"),
        "{}",
        status(&model)
    );
}

#[test]
fn the_counts_of_a_migration_are_asked_again_after_a_look_at_its_jobs() {
    let mut model = browsing(120, 40, 10);
    // A journal with only a restore batch asks for no counts.
    let restore = batch_row(2, vec![batch_item(1, ItemState::Running)], false);
    let cmds = update(&mut model, batches_loaded(vec![restore.clone()]), NOW);
    assert!(
        !cmds
            .iter()
            .any(|cmd| matches!(cmd, Cmd::LoadProgress { .. })),
        "{cmds:?}"
    );
    let mut migration = batch_row(4, vec![batch_item(1, ItemState::Running)], false);
    migration.entry.to = "s3://demo-migrated/family-photos/".into();
    let cmds = update(&mut model, batches_loaded(vec![restore, migration]), NOW);
    assert!(
        cmds.contains(&Cmd::LoadProgress {
            vaults: vec![vault_key()]
        }),
        "{cmds:?}"
    );

    let answer = vec![VaultProgress {
        key: vault_key(),
        deletions: Default::default(),
        migration: Some(migration_progress()),
    }];
    update(&mut model, Msg::Loaded(Loaded::Progress(Ok(answer))), NOW);
    assert_eq!(model.vaults[0].migration, Some(migration_progress()));
    assert_eq!(model.vaults[0].lines(), 6);
    // A vault the answer does not name is left as it was.
    let stranger = VaultProgress {
        key: crate::store::VaultKey {
            name: "other".into(),
            ..vault_key()
        },
        deletions: Default::default(),
        migration: None,
    };
    update(
        &mut model,
        Msg::Loaded(Loaded::Progress(Ok(vec![stranger]))),
        NOW,
    );
    assert_eq!(model.vaults[0].migration, Some(migration_progress()));
}

#[test]
fn ready_outputs_of_a_migration_are_announced_only_when_nothing_copies_them() {
    let row = |state| {
        let mut row = batch_row(5, vec![batch_item(1, state)], false);
        row.entry.to = "s3://demo-migrated/family-photos/".into();
        row
    };
    let mut model = browsing(120, 40, 10);
    update(
        &mut model,
        batches_loaded(vec![row(ItemState::Running)]),
        NOW,
    );
    model.status = None;
    update(&mut model, batches_loaded(vec![row(ItemState::Ready)]), NOW);
    let said = status(&model);
    assert!(
        said.ends_with("press l to copy them into the bucket"),
        "{said}"
    );

    let mut model = browsing(120, 40, 10);
    update(
        &mut model,
        batches_loaded(vec![row(ItemState::Running)]),
        NOW,
    );
    model.jobs.batch_work.insert(
        BatchId(5),
        BatchWork::Migrating {
            started: 1,
            to_start: 1,
            held: None,
        },
    );
    model.status = None;
    update(&mut model, batches_loaded(vec![row(ItemState::Ready)]), NOW);
    assert!(model.status.is_none(), "{:?}", model.status);
}

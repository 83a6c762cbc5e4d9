//! Reducer tests of migrations on the screen: the vaults pane's counts read
//! again when a migration moves.

use crate::tui::msg::{Cmd, Loaded, Msg, VaultProgress};
use crate::tui::testing::*;
use crate::tui::testing_batch::*;
use crate::tui::testing_migration::*;
use crate::tui::update::update;

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

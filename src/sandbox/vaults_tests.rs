use std::time::Duration;

use time::macros::datetime;

use super::*;
use crate::sandbox::model::{Archive, ArchiveContent};

fn ctx() -> AccountContext {
    AccountContext {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
    }
}

const DAY: Duration = Duration::from_secs(24 * 3600);

fn add_archive(state: &mut SandboxState, vault: &str, id: &str, at: OffsetDateTime) {
    let archive = Archive {
        id: id.into(),
        description: format!("file {id}"),
        created: at,
        deleted: None,
        size: 10,
        tree_hash: "00".repeat(32),
        content: ArchiveContent::Virtual { seed: 1 },
    };
    state
        .vaults
        .get_mut(vault)
        .unwrap()
        .archives
        .insert(id.into(), archive);
}

#[test]
fn create_is_idempotent_and_checks_names() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    create_vault(&mut state, "photos", t0).unwrap();
    create_vault(&mut state, "photos", t0 + DAY).unwrap();
    assert_eq!(state.vaults["photos"].created, t0);
    for bad in ["", "has space", "slash/name", &"x".repeat(256)] {
        let err = create_vault(&mut state, bad, t0).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException");
    }
}

#[test]
fn counts_are_null_before_the_first_inventory() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    let body = describe_vault(&state.vaults["v"], &ctx());
    assert!(body["LastInventoryDate"].is_null());
    assert!(body["NumberOfArchives"].is_null());
    assert!(body["SizeInBytes"].is_null());
    assert_eq!(
        body["VaultARN"],
        "arn:aws:glacier:us-east-1:123456789012:vaults/v"
    );
    assert_eq!(body["CreationDate"], "2026-01-01T00:00:00.000Z");
}

#[test]
fn uploads_appear_only_in_the_next_inventory() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    refresh_inventories(&mut state, t0 + DAY * 3, DAY);
    assert!(
        state.vaults["v"].inventory.is_none(),
        "an empty, untouched vault has no inventory"
    );

    add_archive(&mut state, "v", "a", t0 + DAY * 3 + Duration::from_secs(60));
    refresh_inventories(&mut state, t0 + DAY * 3 + Duration::from_secs(120), DAY);
    assert!(
        state.vaults["v"].inventory.is_none(),
        "no tick has passed since the upload"
    );

    refresh_inventories(&mut state, t0 + DAY * 4 + Duration::from_secs(5), DAY);
    let inventory = state.vaults["v"].inventory.clone().unwrap();
    assert_eq!(inventory.date, t0 + DAY * 4);
    assert_eq!(inventory.entries.len(), 1);
    let body = describe_vault(&state.vaults["v"], &ctx());
    assert_eq!(body["NumberOfArchives"], 1);
    assert_eq!(body["SizeInBytes"], 10);
}

#[test]
fn an_upload_after_the_tick_waits_for_the_following_one_even_when_refreshed_late() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    add_archive(&mut state, "v", "early", t0 + Duration::from_secs(10));
    add_archive(&mut state, "v", "late", t0 + DAY + Duration::from_secs(10));
    // Refreshed only after the second upload: the first tick must not include it.
    refresh_inventories(&mut state, t0 + DAY + Duration::from_secs(20), DAY);
    let ids: Vec<_> = state.vaults["v"]
        .inventory
        .as_ref()
        .unwrap()
        .entries
        .iter()
        .map(|e| e.archive_id.clone())
        .collect();
    assert_eq!(ids, ["early"]);
}

#[test]
fn deleted_archives_stay_listed_until_the_next_inventory() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    add_archive(&mut state, "v", "a", t0 + Duration::from_secs(1));
    refresh_inventories(&mut state, t0 + DAY, DAY);
    state
        .vaults
        .get_mut("v")
        .unwrap()
        .archives
        .get_mut("a")
        .unwrap()
        .deleted = Some(t0 + DAY + Duration::from_secs(1));
    assert_eq!(
        delete_vault(&mut state, &ctx(), "v").unwrap_err().code,
        "InvalidParameterValueException"
    );
    refresh_inventories(&mut state, t0 + DAY * 2, DAY);
    assert!(
        state.vaults["v"]
            .inventory
            .as_ref()
            .unwrap()
            .entries
            .is_empty()
    );
    assert!(
        state.vaults["v"].archives.is_empty(),
        "the deletion is recorded, the tombstone goes"
    );
    delete_vault(&mut state, &ctx(), "v").unwrap();
    assert!(state.vaults.is_empty());
}

#[test]
fn a_vault_written_since_its_last_inventory_cannot_be_deleted() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    create_vault(&mut state, "v", t0).unwrap();
    add_archive(&mut state, "v", "a", t0 + Duration::from_secs(1));
    let err = delete_vault(&mut state, &ctx(), "v").unwrap_err();
    assert_eq!(err.code, "InvalidParameterValueException");
    assert!(err.message.contains("Vault not empty"));
    assert_eq!(
        delete_vault(&mut state, &ctx(), "nope").unwrap_err().code,
        "ResourceNotFoundException"
    );
}

#[test]
fn list_vaults_pages_with_arn_markers() {
    let mut state = SandboxState::default();
    let t0 = datetime!(2026-01-01 00:00 UTC);
    for name in ["a", "b", "c"] {
        create_vault(&mut state, name, t0).unwrap();
    }
    let first = list_vaults(&state, &ctx(), None, Some("2")).unwrap();
    assert_eq!(first["VaultList"].as_array().unwrap().len(), 2);
    let marker = first["Marker"].as_str().unwrap().to_owned();
    assert_eq!(marker, ctx().vault_arn("c"));
    let second = list_vaults(&state, &ctx(), Some(&marker), Some("2")).unwrap();
    assert_eq!(second["VaultList"][0]["VaultName"], "c");
    assert!(second["Marker"].is_null());
    assert!(list_vaults(&state, &ctx(), None, Some("0")).is_err());
    assert!(list_vaults(&state, &ctx(), Some("bogus"), None).is_err());
}

#[test]
fn fresh_states_hand_out_different_ids() {
    let mut first = SandboxState::default();
    let mut second = SandboxState::default();
    let a = first.next_id(92, b"job", b"v");
    assert_ne!(a, second.next_id(92, b"job", b"v"));
    assert_ne!(
        a,
        first.next_id(92, b"job", b"v"),
        "ids never repeat within a state"
    );
}

//! Builds inventories for the cache tests and imports them, and a plain model of
//! what the cache should answer, computed the slow, obvious way.
#![allow(dead_code)]

pub mod model;

use defrost::domain::inventory::InventoryFormat;
use defrost::domain::names::decode;
use defrost::store::{ImportRequest, SnapshotInfo, Store, StoreError};
use serde_json::json;
use time::OffsetDateTime;

/// One archive as a test writes it into an inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestArchive {
    pub id: String,
    pub description: String,
    pub size: u64,
    /// Unix milliseconds.
    pub created_ms: i64,
}

impl TestArchive {
    /// The name the cache should show: the decoded name made printable, or the id.
    pub fn name(&self) -> String {
        decode(&self.description).display_name(&self.id)
    }

    /// What ordering by name compares: the name, or, for an archive whose
    /// description names no file, a byte no name holds and then its id, so that
    /// such archives come after every named one.
    pub fn name_order_key(&self) -> Vec<u8> {
        if decode(&self.description).has_display_name() {
            self.name().into_bytes()
        } else {
            [&[0xff], self.name().as_bytes()].concat()
        }
    }

    pub fn created_text(&self) -> String {
        let moment = OffsetDateTime::from_unix_timestamp(self.created_ms.div_euclid(1000)).unwrap();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            moment.year(),
            u8::from(moment.month()),
            moment.day(),
            moment.hour(),
            moment.minute(),
            moment.second(),
            self.created_ms.rem_euclid(1000)
        )
    }
}

/// A 138-character archive id that differs for every `n`.
pub fn archive_id(n: u64) -> String {
    let head = format!("id{n:012}");
    let filler: String = (0..138 - head.len())
        .map(|i| {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                [(i * 7 + n as usize) % 64] as char
        })
        .collect();
    format!("{head}{filler}")
}

/// A Glacier JSON inventory of `archives` for vault `vault` dated `date`.
pub fn inventory_json(vault: &str, date: &str, archives: &[TestArchive]) -> String {
    let list: Vec<_> = archives
        .iter()
        .map(|a| {
            json!({
                "ArchiveId": a.id,
                "ArchiveDescription": a.description,
                "CreationDate": a.created_text(),
                "Size": a.size,
                "SHA256TreeHash": format!("{:064x}", a.size),
            })
        })
        .collect();
    json!({
        "VaultARN": format!("arn:aws:glacier:us-east-1:111122223333:vaults/{vault}"),
        "InventoryDate": date,
        "ArchiveList": list,
    })
    .to_string()
}

/// What an import of a JSON inventory needs besides the text.
pub fn json_request(vault: &str) -> ImportRequest {
    ImportRequest {
        format: InventoryFormat::Json,
        vault_name: vault.into(),
        account: None,
        region: None,
        default_region: None,
        inventory_date: None,
        source: "test".into(),
        obtained_at: OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap(),
    }
}

/// Imports a JSON inventory text.
pub fn import_json(store: &mut Store, vault: &str, text: &str) -> Result<SnapshotInfo, StoreError> {
    store.import(text.as_bytes(), json_request(vault), |_| {})
}

/// Files in the snapshots folder, to show that a failed import left nothing.
pub fn snapshot_files(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store.snapshots_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// ASCII letters lower-cased and control characters as spaces, as filtering sees text.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            '\u{0}'..='\u{1f}' | '\u{7f}' => ' ',
            _ => c,
        })
        .collect()
}

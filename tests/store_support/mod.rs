//! Builds inventories for the cache tests and imports them, and a plain model of
//! what the cache should answer, computed the slow, obvious way.
#![allow(dead_code)]

pub mod model;

use std::io::Read;
use std::path::PathBuf;

use defrost::domain::inventory::InventoryFormat;
use defrost::domain::names::decode;
use defrost::store::{ImportRequest, SnapshotInfo, Store, StoreError};
use rusqlite::{Connection, OpenFlags};
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
    import_from(store, text.as_bytes(), json_request(vault))
}

/// Imports an inventory as `request` says; then, whatever the outcome, every
/// snapshot in the cache must pass SQLite's own check.
pub fn import_from(
    store: &mut Store,
    reader: impl Read + Send,
    request: ImportRequest,
) -> Result<SnapshotInfo, StoreError> {
    let imported = store.import(reader, request, |_| {});
    assert_snapshots_sound(store);
    imported
}

/// Imports the pages of one inventory as one snapshot, then checks every
/// snapshot as [`import_from`] does.
pub fn import_pages(
    store: &mut Store,
    pages: &[String],
    request: ImportRequest,
) -> Result<SnapshotInfo, StoreError> {
    let readers: Vec<&[u8]> = pages.iter().map(|page| page.as_bytes()).collect();
    let imported = store.import_pages(readers, request, |_| {});
    assert_snapshots_sound(store);
    imported
}

/// `PRAGMA quick_check` must say `ok` of every snapshot file the catalog names:
/// their rows are written into SQLite's pages by hand, not through SQL.
pub fn assert_snapshots_sound(store: &Store) {
    let unsound = unsound_snapshots(store);
    assert!(unsound.is_empty(), "{unsound:#?}");
}

/// The snapshot files of which `PRAGMA quick_check` says anything but `ok`, with
/// what it says.
pub fn unsound_snapshots(store: &Store) -> Vec<(PathBuf, Vec<String>)> {
    let mut unsound = Vec::new();
    for info in store.snapshots(None).unwrap() {
        let path = store.open_snapshot(&info).unwrap().path().to_path_buf();
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let found: Vec<String> = conn
            .prepare("PRAGMA quick_check")
            .and_then(|mut check| check.query_map([], |row| row.get(0))?.collect())
            .unwrap_or_else(|err| vec![err.to_string()]);
        if found != ["ok"] {
            unsound.push((path, found));
        }
    }
    unsound
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

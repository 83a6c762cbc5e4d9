//! A small sandbox account built in memory, cloned for each input that changes it:
//! a vault with archives of the awkward sizes and an inventory listing them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use defrost::domain::range::MIB;
use defrost::sandbox::Speedup;
use defrost::sandbox::jobs::encode_marker;
use defrost::sandbox::model::{
    Archive, ArchiveContent, Inventory, InventoryEntry, SandboxState, Vault,
};
use defrost::sandbox::multipart::{MultipartUpload, Part};
use defrost::sandbox::vaults::AccountContext;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);
pub const VAULT: &str = "v";

pub fn context() -> AccountContext {
    AccountContext {
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
    }
}

/// Glacier's own pace, so the times read as on AWS.
pub fn speedup() -> Speedup {
    Speedup::new(1.0).expect("1 is a valid speedup")
}

pub fn vault_arn() -> String {
    context().vault_arn(VAULT)
}

/// Archive ids (short, so that mutations can write them) and sizes.
pub const ARCHIVES: &[(&str, u64)] = &[
    ("empty", 0),
    ("one", 1),
    ("below-mib", MIB - 1),
    ("mib", MIB),
    ("big", 10 * MIB + 1),
    ("huge", 3 << 30),
    ("largest", 40 << 40),
];

/// Descriptions with everything CSV and JSON must quote or escape.
const DESCRIPTIONS: &[&str] = &[
    "",
    "my archive1",
    r"C:\Users\me\My Documents, 2019\\",
    r#"say "hi", then leave"#,
    r#"ends with a quote\""#,
    "mt2 eyJmaWxlbmFtZSI6ImEifQ",
    "trailing\\",
];

/// The shared starting state; clone it before changing it.
pub fn state() -> &'static SandboxState {
    static STATE: OnceLock<SandboxState> = OnceLock::new();
    STATE.get_or_init(|| {
        let created = NOW - Duration::days(30);
        let archives: Vec<Archive> = ARCHIVES
            .iter()
            .enumerate()
            .map(|(at, &(id, size))| Archive {
                id: id.to_owned(),
                description: DESCRIPTIONS[at % DESCRIPTIONS.len()].to_owned(),
                created: created
                    + Duration::hours(at as i64)
                    + Duration::milliseconds(at as i64 * 7),
                deleted: None,
                size,
                tree_hash: format!("{:064x}", size.wrapping_mul(0x9e37_79b9)),
                content: ArchiveContent::Virtual { seed: size },
            })
            .collect();
        let entries = archives.iter().map(InventoryEntry::from).collect();
        let uploads = BTreeMap::from([(upload().id.clone(), upload())]);
        let vault = Vault {
            archives: archives.into_iter().map(|a| (a.id.clone(), a)).collect(),
            inventory: Some(Inventory {
                date: NOW - Duration::days(1),
                entries,
            }),
            uploads,
            ..Vault::empty(VAULT, created)
        };
        let mut state = SandboxState::default();
        state.vaults.insert(VAULT.into(), vault);
        state
            .vaults
            .insert("new".into(), Vault::empty("new", NOW - Duration::hours(1)));
        // Fixed, so that job ids, and so every check, depend on the input alone.
        state.id_salt = 7;
        state
    })
}

/// An open multipart upload with parts 0, 1 and 3 of 1 MiB.
pub fn upload() -> MultipartUpload {
    let part = |size| Part {
        size,
        tree_hash: format!("{size:064x}"),
    };
    MultipartUpload {
        id: "upload".into(),
        description: "a, \"b\"".into(),
        created: NOW - Duration::hours(2),
        part_size: MIB,
        parts: BTreeMap::from([(0, part(MIB)), (1, part(MIB)), (3, part(5))]),
        completed: None,
        assembling: false,
    }
}

/// Markers of the inventory's archives, as a previous page's job would give them.
pub fn markers() -> Vec<String> {
    let Some(inventory) = &state().vaults[VAULT].inventory else {
        return Vec::new();
    };
    inventory.entries.iter().map(encode_marker).collect()
}

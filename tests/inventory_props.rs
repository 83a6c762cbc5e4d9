//! Properties of the inventory readers: what Glacier could write reads back exactly,
//! in any layout; nothing cut short reads as whole; no input makes them panic.

use std::convert::Infallible;

use defrost::domain::inventory::{
    DuplicateIds, InventoryArchive, InventoryError, InventorySummary, ReadError, ReadOptions,
    read_csv, read_json,
};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value, json};

/// An archive as text fields, the way an inventory writes them.
#[derive(Debug, Clone)]
struct Written {
    id: String,
    description: String,
    creation_date: String,
    size: u64,
    tree_hash: String,
}

fn date() -> impl Strategy<Value = String> {
    (
        1970u32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        prop::option::of(0u32..1000),
    )
        .prop_map(|(y, mo, d, h, mi, s, millis)| {
            let fraction = millis.map_or(String::new(), |ms| format!(".{ms:03}"));
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{fraction}Z")
        })
}

fn archives(description: BoxedStrategy<String>) -> impl Strategy<Value = Vec<Written>> {
    let archive = (
        "[A-Za-z0-9_-]{1,40}",
        description,
        date(),
        any::<u64>(),
        any::<[u8; 32]>(),
        any::<bool>(),
    );
    prop::collection::vec(archive, 0..8).prop_map(|archives| {
        archives
            .into_iter()
            .enumerate()
            .map(
                |(at, (id, description, creation_date, size, hash, upper))| {
                    let hex = hex::encode(hash);
                    Written {
                        // The position keeps ids unique.
                        id: format!("{at}{id}"),
                        description,
                        creation_date,
                        size,
                        tree_hash: if upper { hex.to_uppercase() } else { hex },
                    }
                },
            )
            .collect()
    })
}

fn collect<E: std::fmt::Debug>(
    outcome: impl FnOnce(
        &mut dyn FnMut(InventoryArchive) -> Result<(), Infallible>,
    ) -> Result<InventorySummary, ReadError<E>>,
) -> Result<Vec<InventoryArchive>, InventoryError> {
    let mut archives = Vec::new();
    let mut push = |archive| {
        archives.push(archive);
        Ok(())
    };
    match outcome(&mut push) {
        Ok(_) => Ok(archives),
        Err(ReadError::Inventory(error)) => Err(error),
        Err(ReadError::Stopped(error)) => panic!("stopped: {error:?}"),
    }
}

fn read_json_bytes(bytes: &[u8]) -> Result<Vec<InventoryArchive>, InventoryError> {
    collect(|push| read_json(bytes, ReadOptions::default(), push))
}

fn read_csv_bytes(bytes: &[u8]) -> Result<Vec<InventoryArchive>, InventoryError> {
    collect(|push| read_csv(bytes, ReadOptions::default(), push))
}

fn assert_same(read: &[InventoryArchive], written: &[Written]) {
    assert_eq!(read.len(), written.len());
    for (read, written) in read.iter().zip(written) {
        assert_eq!(read.archive_id, written.id);
        assert_eq!(read.description, written.description);
        assert_eq!(read.creation_date.to_string(), written.creation_date);
        assert_eq!(read.size, written.size);
        assert_eq!(
            read.sha256_tree_hash.to_string(),
            written.tree_hash.to_lowercase()
        );
    }
}

/// A JSON document with the keys of each object in the given orders, an unknown
/// key or not, and `ArchiveList` first or last.
fn json_document(
    archives: &[Written],
    key_order: &[usize],
    list_first: bool,
    extra: bool,
) -> Value {
    let list: Vec<Value> = archives
        .iter()
        .map(|a| {
            let mut members = vec![
                ("ArchiveId", json!(a.id)),
                ("ArchiveDescription", json!(a.description)),
                ("CreationDate", json!(a.creation_date)),
                ("Size", json!(a.size)),
                ("SHA256TreeHash", json!(a.tree_hash)),
            ];
            if extra {
                members.push(("Unknown", json!({"nested": [1, "ArchiveId", null]})));
            }
            let mut object = Map::new();
            for &at in key_order.iter().filter(|&&at| at < members.len()) {
                let (key, value) = members[at].clone();
                object.insert(key.into(), value);
            }
            Value::Object(object)
        })
        .collect();
    let mut document = Map::new();
    if list_first {
        document.insert("ArchiveList".into(), Value::Array(list.clone()));
    }
    document.insert(
        "VaultARN".into(),
        json!("arn:aws:glacier:us-east-1:1:vaults/v"),
    );
    if extra {
        document.insert("Extra".into(), json!([{"ArchiveList": []}]));
    }
    document.insert("InventoryDate".into(), json!("2026-11-01T04:10:22Z"));
    if !list_first {
        document.insert("ArchiveList".into(), Value::Array(list));
    }
    Value::Object(document)
}

/// A field as Glacier writes it, quoted when it must be or when `quote` says so.
fn csv_field(text: &str, quote: bool) -> String {
    if quote || text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\\\""))
    } else {
        text.to_owned()
    }
}

fn csv_document(archives: &[Written], quoting: &[bool], crlf: bool) -> String {
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut quotes = quoting.iter().copied().cycle();
    let mut text =
        format!("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash{newline}");
    for a in archives {
        let size = a.size.to_string();
        let fields = [&a.id, &a.description, &a.creation_date, &size, &a.tree_hash];
        let row: Vec<String> = fields
            .iter()
            .map(|field| csv_field(field, quotes.next().unwrap_or(false)))
            .collect();
        text.push_str(&row.join(","));
        text.push_str(newline);
    }
    text
}

/// Any characters, controls included (`any::<String>()` leaves them out), as a
/// JSON inventory from another source might hold.
fn any_description() -> BoxedStrategy<String> {
    prop::collection::vec(any::<char>(), 0..30)
        .prop_map(String::from_iter)
        .boxed()
}

/// Printable ASCII, as Glacier allows in descriptions, weighted towards the
/// characters CSV quoting is about.
fn ascii_description() -> BoxedStrategy<String> {
    prop_oneof!["[ -~]{0,40}", "[a\\\\\", ]{0,12}"].boxed()
}

proptest! {
    #[test]
    fn json_reads_back_in_any_layout(
        written in archives(any_description()),
        key_order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        list_first: bool,
        extra: bool,
        pretty: bool,
    ) {
        let document = json_document(&written, &key_order, list_first, extra);
        let text = if pretty {
            serde_json::to_string_pretty(&document).unwrap()
        } else {
            serde_json::to_string(&document).unwrap()
        };
        assert_same(&read_json_bytes(text.as_bytes()).unwrap(), &written);
    }

    #[test]
    fn json_cut_anywhere_is_refused(
        written in archives(any_description()),
        cut: Index,
        pretty: bool,
    ) {
        let document = json_document(&written, &[0, 1, 2, 3, 4], false, false);
        let text = if pretty {
            serde_json::to_string_pretty(&document).unwrap()
        } else {
            serde_json::to_string(&document).unwrap()
        };
        let end = cut.index(text.len());
        prop_assert!(read_json_bytes(&text.as_bytes()[..end]).is_err());
    }

    #[test]
    fn csv_reads_back_whatever_the_descriptions(
        written in archives(ascii_description()),
        quoting in prop::collection::vec(any::<bool>(), 1..16),
        crlf: bool,
    ) {
        let text = csv_document(&written, &quoting, crlf);
        assert_same(&read_csv_bytes(text.as_bytes()).unwrap(), &written);
    }

    #[test]
    fn csv_rows_cut_short_are_refused(
        written in archives(ascii_description()).prop_filter("rows", |a| !a.is_empty()),
        cut: Index,
    ) {
        let text = csv_document(&written, &[false], false);
        let last_row = text[..text.len() - 1].rfind('\n').unwrap() + 1;
        // Anywhere inside the last row, short of its line break.
        let end = last_row + 1 + cut.index(text.len() - 2 - last_row);
        prop_assert!(read_csv_bytes(&text.as_bytes()[..end]).is_err(), "{:?}", &text[last_row..end]);
    }

    #[test]
    fn no_bytes_make_the_readers_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_json_bytes(&bytes);
        let _ = read_csv_bytes(&bytes);
    }

    #[test]
    fn damaged_documents_never_panic(
        written in archives(ascii_description()),
        at: Index,
        byte: u8,
    ) {
        let json = serde_json::to_vec(&json_document(&written, &[0, 1, 2, 3, 4], false, true)).unwrap();
        let csv = csv_document(&written, &[false], false).into_bytes();
        for mut document in [json, csv] {
            let at = at.index(document.len());
            document[at] = byte;
            let _ = read_json_bytes(&document);
            let _ = read_csv_bytes(&document);
        }
    }
}

#[test]
fn duplicate_checks_can_be_left_to_the_caller() {
    let row = "a,d,2012-03-20T17:03:43Z,1,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let text =
        format!("ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n{row}\n{row}\n");
    assert!(read_csv_bytes(text.as_bytes()).is_err());
    let options = ReadOptions {
        duplicate_ids: DuplicateIds::Allow,
    };
    let summary = read_csv(text.as_bytes(), options, |_| Ok::<(), Infallible>(())).unwrap();
    assert_eq!(summary.archive_count, 2);
}

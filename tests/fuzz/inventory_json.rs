//! The JSON inventory reader, fast path and general reader alike: the bytes whole
//! (where the fast path takes each common archive) against the same bytes a byte
//! at a time (where it never can), and accepted inventories written back.

use defrost::domain::inventory::{InventoryArchive, InventoryFormat, InventorySummary};
use serde_json::{Map, Value, json};

use crate::corpus::{fixture, fixture_archives};
use crate::engine::{Pool, Rng, Target, Verdict};
use crate::inventory::check_reader;
use crate::inventory_gen::{archives, json_document};
use crate::mutate::{mutant, mutate};

pub struct InventoryJson;

const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const TOKENS: &[&[u8]] = &[
    b"\"VaultARN\"",
    b"\"InventoryDate\"",
    b"\"ArchiveList\"",
    b"\"ArchiveId\"",
    b"\"ArchiveDescription\"",
    b"\"CreationDate\"",
    b"\"Size\"",
    b"\"SHA256TreeHash\"",
    b"\"2012-05-15T17:19:46.700Z\"",
    b".123456789",
    b"T23:59:60",
    b"-02-29",
    b"\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
    b"\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\"",
    b",\"x\":{\"y\":[1,2.5e3,{\"z\":null}],\"w\":\"}]\\\"\"}",
    b"{\"ArchiveId\":\"a\",\"ArchiveDescription\":\"\",\"CreationDate\":\"2012-05-15T17:19:46Z\",\"Size\":1,\"SHA256TreeHash\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"},",
    b"\"ArchiveDescription\":null",
    b"\"Size\":-0",
    b"\"Size\":1.0",
    b"\"Size\":\"5\"",
    b",",
    b":",
    b" \n\t\r",
];

impl Target for InventoryJson {
    fn name(&self) -> &'static str {
        "inventory_json"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let mut corpus = vec![
            fixture("inventory/aws-style.json"),
            fixture("inventory/generated-40.json"),
        ];
        let (header, archives) =
            fixture_archives("inventory/aws-style.json", InventoryFormat::Json);
        let (vault_arn, date) = header.map_or_else(
            || {
                (
                    "arn:aws:glacier:us-east-1:1:vaults/v".to_owned(),
                    String::new(),
                )
            },
            |header| (header.vault_arn, header.inventory_date.to_string()),
        );
        for (at, archive) in archives.iter().enumerate() {
            let list = vec![archive_json(archive)];
            let document =
                json!({"VaultARN": vault_arn, "InventoryDate": date, "ArchiveList": list});
            corpus.push(document.to_string().into_bytes());
            if at % 2 == 0 {
                corpus.push(format!("{document:#}").into_bytes());
            }
        }
        let two: Vec<Value> = archives.iter().take(2).map(archive_json).collect();
        corpus.push(
            json!({"ArchiveList": two, "Extra": {"a": [1, {"b": null}]}, "VaultARN": vault_arn, "InventoryDate": date})
                .to_string()
                .into_bytes(),
        );
        let twice = [archive_json(&archives[0]), archive_json(&archives[0])];
        corpus.push(
            json!({"VaultARN": vault_arn, "InventoryDate": date, "ArchiveList": twice})
                .to_string()
                .into_bytes(),
        );
        for text in hand_written() {
            corpus.push(text.into_bytes());
        }
        corpus
    }

    fn tokens(&self) -> &[&[u8]] {
        TOKENS
    }

    /// Several archives' worth; longer inputs only run slower.
    fn max_len(&self) -> usize {
        16 << 10
    }

    /// Each reading zeroes its 256 KiB buffer, which takes a millisecond without
    /// optimisation; fewer inputs keep the default run as quick as the others.
    fn default_cases(&self) -> u64 {
        1_000
    }

    /// Half the time a fresh inventory written one of the many valid ways, now
    /// and then mutated; otherwise a mutant of a kept input.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        if rng.one_in(2) {
            return mutant(rng, pool, TOKENS, self.max_len());
        }
        let archives = archives(rng, pool);
        let mut document = json_document(rng, &archives);
        if rng.one_in(3) {
            mutate(rng, &mut document, pool, TOKENS, self.max_len());
        }
        document.truncate(self.max_len());
        document
    }

    fn check(&self, input: &[u8]) -> Verdict {
        check_reader(InventoryFormat::Json, input, json_inventory)
    }
}

/// Inventories that take the fast path's every branch, and some that leave it.
fn hand_written() -> Vec<String> {
    let header = r#""VaultARN":"arn:aws:glacier:us-west-2:012345678901:vaults/v","InventoryDate":"2011-12-12T14:19:01Z""#;
    let archive = |id: &str, description: &str, date: &str, size: &str| {
        format!(
            r#"{{"ArchiveId":"{id}","ArchiveDescription":{description},"CreationDate":"{date}","Size":{size},"SHA256TreeHash":"{HASH}"}}"#
        )
    };
    vec![
        format!("{{{header},\"ArchiveList\":[]}}"),
        format!("\u{feff}{{{header},\"ArchiveList\":[]}}"),
        format!("{{\"ArchiveList\":[],{header}}}"),
        format!(
            "{{{header},\"ArchiveList\":[{},{}]}}",
            archive(
                "a",
                r#""caf\u00e9 \ud83d\ude00 \/ \"q\" \\ \n\t""#,
                "2012-05-15T17:19:46.123456789Z",
                "18446744073709551615"
            ),
            archive("b", "null", "2000-02-29T23:59:59Z", "0"),
        ),
        format!(
            "{{{header},\"ArchiveList\":[ {} , {} ]}}",
            archive(
                "c",
                r#""mt2 eyJmaWxlbmFtZSI6ImEifQ""#,
                "2012-05-15T17:19:46.7Z",
                "1048576"
            ),
            archive(
                "d",
                r#""<m><v>4</v><p>YQ==</p></m>""#,
                "2012-05-15T17:19:46Z",
                "5"
            ),
        ),
        format!(
            "{{{header},\"ArchiveList\":[{{\"Size\":7,\"SHA256TreeHash\":\"{HASH}\",\"CreationDate\":\"2012-05-15T17:19:46Z\",\"ArchiveDescription\":\"x\",\"ArchiveId\":\"e\",\"Other\":[{{}}]}}]}}"
        ),
        format!(
            "{{{header},\"ArchiveList\":[{}",
            archive("f", "\"\"", "2012-05-15T17:19:46Z", "1")
        ),
        format!(
            "{{{header},\"ArchiveList\":[{}]}} x",
            archive("g", "\"\"", "2012-05-15T17:19:46Z", "1")
        ),
    ]
}

fn archive_json(archive: &InventoryArchive) -> Value {
    json!({
        "ArchiveId": archive.archive_id,
        "ArchiveDescription": archive.description,
        "CreationDate": archive.creation_date.to_string(),
        "Size": archive.size,
        "SHA256TreeHash": archive.sha256_tree_hash.to_string(),
    })
}

/// The inventory written again, as serde_json writes it.
fn json_inventory(summary: &InventorySummary, archives: &[InventoryArchive]) -> Vec<u8> {
    let Some(header) = &summary.header else {
        panic!("a JSON inventory read without its header");
    };
    let mut document = Map::new();
    document.insert("VaultARN".into(), header.vault_arn.clone().into());
    document.insert(
        "InventoryDate".into(),
        header.inventory_date.to_string().into(),
    );
    let list = archives.iter().map(archive_json).collect::<Vec<_>>();
    document.insert("ArchiveList".into(), list.into());
    Value::Object(document).to_string().into_bytes()
}

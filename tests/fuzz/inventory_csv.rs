//! The AWS-CSV inventory reader: Glacier's quoting read from the right, rows in any
//! column order, and accepted inventories written back with the sandbox's quoting.

use defrost::domain::inventory::{
    InventoryArchive, InventoryFormat, InventorySummary, MAX_ROW_BYTES,
};
use defrost::sandbox::jobs::csv_field;

use crate::corpus::{fixture, fixture_archives};
use crate::engine::{Pool, Rng, Target, Verdict};
use crate::inventory::check_reader;
use crate::inventory_gen::{archives, csv_document};
use crate::mutate::{mutant, mutate};

pub struct InventoryCsv;

const HEADER: &str = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash";
const HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const TOKENS: &[&[u8]] = &[
    b"ArchiveId",
    b"ArchiveDescription",
    b"CreationDate",
    b"Size",
    b"SHA256TreeHash",
    b",",
    b"\"",
    b"\\\"",
    b"\\\",",
    b",\"",
    b"\"\"",
    b"\r\n",
    b"\n\n",
    b"2012-05-15T17:19:46.700Z",
    b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    b"-0",
    b"\xef\xbb\xbf",
];

impl Target for InventoryCsv {
    fn name(&self) -> &'static str {
        "inventory_csv"
    }

    fn corpus(&self) -> Vec<Vec<u8>> {
        let mut corpus = vec![
            fixture("inventory/aws-style.csv"),
            fixture("inventory/generated-40.csv"),
        ];
        let (_, archives) = fixture_archives("inventory/aws-style.csv", InventoryFormat::Csv);
        for archive in &archives {
            corpus.push(format!("{HEADER}\r\n{}", row(archive)).into_bytes());
        }
        let date = "2012-05-15T17:19:46Z";
        for text in [
            format!("{HEADER}\n"),
            format!("\u{feff}{HEADER}\na,b,{date},1,{HASH}\n"),
            format!("\n{HEADER}\n\na,,{date},0,{HASH}\n\n"),
            format!(
                "Size,SHA256TreeHash,Extra,ArchiveId,CreationDate,ArchiveDescription\n5,{HASH},x,id,{date},\"a,b\"\n"
            ),
            format!(
                "{HEADER}\nid,\"C:\\a,b\\\",{date},1,{HASH}\nid2,\"say \\\"hi\\\", then\",{date},2,{HASH}"
            ),
            format!("{HEADER}\nid,desc,{date},1,{HASH}\nid,desc,{date},1,{HASH}\n"),
            format!("{HEADER}\nid,\"unclosed,{date},1,{HASH}\n"),
            format!("{HEADER}\nid,desc,{date},-0,{}\n", HASH.to_uppercase()),
            " ArchiveId , ArchiveDescription,CreationDate,Size,SHA256TreeHash,ArchiveId\n"
                .to_owned(),
        ] {
            corpus.push(text.into_bytes());
        }
        corpus
    }

    fn tokens(&self) -> &[&[u8]] {
        TOKENS
    }

    /// Long enough to pass the row limit.
    fn max_len(&self) -> usize {
        MAX_ROW_BYTES + 4096
    }

    /// Half the time a fresh inventory written one of the many valid ways, now
    /// and then mutated; otherwise a mutant of a kept input.
    fn generate(&self, rng: &mut Rng, pool: &Pool) -> Vec<u8> {
        if rng.one_in(2) {
            return mutant(rng, pool, TOKENS, self.max_len());
        }
        let archives = archives(rng, pool);
        let mut document = csv_document(rng, &archives);
        if rng.one_in(3) {
            mutate(rng, &mut document, pool, TOKENS, self.max_len());
        }
        document.truncate(self.max_len());
        document
    }

    fn check(&self, input: &[u8]) -> Verdict {
        check_reader(InventoryFormat::Csv, input, csv_inventory)
    }
}

fn row(archive: &InventoryArchive) -> String {
    format!(
        "{},{},{},{},{}",
        csv_field(&archive.archive_id),
        csv_field(&archive.description),
        archive.creation_date,
        archive.size,
        archive.sha256_tree_hash
    )
}

/// The inventory written again in Glacier's column order; empty (no round trip)
/// when quoting made a row longer than a reader accepts.
fn csv_inventory(_: &InventorySummary, archives: &[InventoryArchive]) -> Vec<u8> {
    let mut text = format!("{HEADER}\n");
    for archive in archives {
        let row = row(archive);
        if row.len() > MAX_ROW_BYTES {
            return Vec::new();
        }
        text.push_str(&row);
        text.push('\n');
    }
    text.into_bytes()
}

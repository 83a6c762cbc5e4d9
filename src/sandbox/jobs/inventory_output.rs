//! An inventory job's output as Glacier writes it, JSON or CSV, rendered piece by
//! piece so that an inventory of millions of archives is never held whole.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};
use serde_json::Value;
use time::OffsetDateTime;

use crate::sandbox::clock::glacier_date;
use crate::sandbox::model::{InventoryEntry, InventoryJob};

/// The CSV header row, with Glacier's column names in Glacier's order.
const CSV_HEADER: &str = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n";

/// Pieces are gathered into chunks of about this many bytes before they are sent.
const CHUNK_BYTES: usize = 64 * 1024;

/// Everything an inventory output is made from.
#[derive(Debug, Clone)]
pub struct InventoryOutput {
    csv: bool,
    vault_arn: String,
    inventory_date: OffsetDateTime,
    entries: Vec<InventoryEntry>,
}

impl InventoryOutput {
    pub fn new(
        csv: bool,
        vault_arn: String,
        inventory_date: OffsetDateTime,
        entries: Vec<InventoryEntry>,
    ) -> Self {
        Self {
            csv,
            vault_arn,
            inventory_date,
            entries,
        }
    }

    /// The output of `job` for the vault `vault_arn`.
    pub fn of_job(job: &InventoryJob, vault_arn: &str) -> Self {
        Self::new(
            job.format == "CSV",
            vault_arn.to_owned(),
            job.inventory_date,
            job.entries.clone(),
        )
    }

    /// The archives the output lists, given back.
    pub fn into_entries(self) -> Vec<InventoryEntry> {
        self.entries
    }

    pub fn content_type(&self) -> &'static str {
        if self.csv {
            "text/csv"
        } else {
            "application/json"
        }
    }

    /// The number of pieces: a head, one per archive, a tail.
    fn piece_count(&self) -> usize {
        self.entries.len() + 2
    }

    /// Piece `index` of the output, `0..piece_count()`.
    fn piece(&self, index: usize) -> String {
        let last = self.entries.len() + 1;
        match (index, self.csv) {
            (0, true) => CSV_HEADER.to_owned(),
            (0, false) => format!(
                r#"{{"VaultARN":{},"InventoryDate":{},"ArchiveList":["#,
                json_string(&self.vault_arn),
                json_string(&glacier_date(self.inventory_date))
            ),
            (i, true) if i < last => csv_row(&self.entries[i - 1]),
            (i, false) if i < last => {
                let separator = if i > 1 { "," } else { "" };
                format!("{separator}{}", json_entry(&self.entries[i - 1]))
            }
            (_, true) => String::new(),
            (_, false) => "]}".to_owned(),
        }
    }

    /// The length of the whole output in bytes.
    pub fn size(&self) -> u64 {
        (0..self.piece_count())
            .map(|index| self.piece(index).len() as u64)
            .sum()
    }

    /// The output's bytes from `start` to `end` inclusive, in chunks.
    pub fn into_chunks(self, start: u64, end: u64) -> OutputChunks {
        OutputChunks {
            output: self,
            next_piece: 0,
            offset: 0,
            start,
            end_exclusive: end.saturating_add(1),
        }
    }
}

/// The bytes of a range of an inventory output, produced as they are read.
pub struct OutputChunks {
    output: InventoryOutput,
    next_piece: usize,
    /// Where in the output the next piece starts.
    offset: u64,
    start: u64,
    end_exclusive: u64,
}

impl Iterator for OutputChunks {
    type Item = Bytes;

    fn next(&mut self) -> Option<Bytes> {
        let mut chunk = BytesMut::new();
        while chunk.len() < CHUNK_BYTES
            && self.next_piece < self.output.piece_count()
            && self.offset < self.end_exclusive
        {
            let piece = self.output.piece(self.next_piece);
            let piece_start = self.offset;
            let piece_end = piece_start + piece.len() as u64;
            self.next_piece += 1;
            self.offset = piece_end;
            let from = self.start.clamp(piece_start, piece_end) - piece_start;
            let to = self.end_exclusive.clamp(piece_start, piece_end) - piece_start;
            // Offsets within one piece, which is in memory, so they fit a usize.
            chunk.extend_from_slice(&piece.as_bytes()[from as usize..to as usize]);
        }
        (!chunk.is_empty()).then(|| chunk.freeze())
    }
}

fn json_string(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

fn json_entry(entry: &InventoryEntry) -> String {
    format!(
        r#"{{"ArchiveId":{},"ArchiveDescription":{},"CreationDate":{},"Size":{},"SHA256TreeHash":{}}}"#,
        json_string(&entry.archive_id),
        json_string(&entry.description),
        json_string(&glacier_date(entry.created)),
        entry.size,
        json_string(&entry.tree_hash)
    )
}

fn csv_row(entry: &InventoryEntry) -> String {
    format!(
        "{},{},{},{},{}\n",
        csv_field(&entry.archive_id),
        csv_field(&entry.description),
        glacier_date(entry.created),
        entry.size,
        csv_field(&entry.tree_hash)
    )
}

/// AWS's CSV quoting: a field holding a comma or a quote is quoted, a quote inside
/// becomes `\"`, and backslashes stay as they are (so this is not RFC 4180).
pub fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\\\"")))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry(id: &str, description: &str, size: u64) -> InventoryEntry {
        InventoryEntry {
            archive_id: id.into(),
            description: description.into(),
            created: datetime!(2024-03-01 10:00:00.250 UTC),
            size,
            tree_hash: "ab".repeat(32),
        }
    }

    fn output(csv: bool, entries: Vec<InventoryEntry>) -> InventoryOutput {
        InventoryOutput::new(
            csv,
            "arn:aws:glacier:us-east-1:123456789012:vaults/v".into(),
            datetime!(2024-03-02 00:00 UTC),
            entries,
        )
    }

    fn whole(output: &InventoryOutput) -> Vec<u8> {
        let size = output.size();
        output
            .clone()
            .into_chunks(0, size - 1)
            .flat_map(|chunk| chunk.to_vec())
            .collect()
    }

    #[test]
    fn csv_quotes_commas_and_quotes_but_leaves_backslashes() {
        assert_eq!(csv_field("plain name.txt"), "plain name.txt");
        assert_eq!(
            csv_field("my archive description,1"),
            "\"my archive description,1\""
        );
        assert_eq!(
            csv_field(r#"my archive description,1"2"#),
            r#""my archive description,1\"2""#
        );
        assert_eq!(
            csv_field(r#"my archive description,1\"2"#),
            r#""my archive description,1\\"2""#
        );
        assert_eq!(csv_field(r"C:\backup\a.tar"), r"C:\backup\a.tar");
    }

    #[test]
    fn csv_output_has_the_header_and_one_row_per_archive() {
        let out = output(true, vec![entry("id1", "a,b", 5), entry("id2", "x", 0)]);
        let text = String::from_utf8(whole(&out)).unwrap();
        let hash = "ab".repeat(32);
        assert_eq!(
            text,
            format!(
                "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n\
                 id1,\"a,b\",2024-03-01T10:00:00.250Z,5,{hash}\n\
                 id2,x,2024-03-01T10:00:00.250Z,0,{hash}\n"
            )
        );
        assert_eq!(out.content_type(), "text/csv");
    }

    #[test]
    fn json_output_parses_and_escapes_descriptions() {
        let out = output(
            false,
            vec![entry("id1", r#"say "hi" \ bye"#, 5), entry("id2", "", 7)],
        );
        let body: Value = serde_json::from_slice(&whole(&out)).unwrap();
        assert_eq!(
            body["VaultARN"],
            "arn:aws:glacier:us-east-1:123456789012:vaults/v"
        );
        assert_eq!(body["InventoryDate"], "2024-03-02T00:00:00.000Z");
        let list = body["ArchiveList"].as_array().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0]["ArchiveDescription"], r#"say "hi" \ bye"#);
        assert_eq!(list[1]["Size"], 7);
        assert_eq!(list[1]["CreationDate"], "2024-03-01T10:00:00.250Z");
        assert_eq!(out.content_type(), "application/json");
    }

    #[test]
    fn an_empty_inventory_page_is_still_a_document() {
        let body: Value = serde_json::from_slice(&whole(&output(false, vec![]))).unwrap();
        assert_eq!(body["ArchiveList"], serde_json::json!([]));
        assert_eq!(whole(&output(true, vec![])), CSV_HEADER.as_bytes());
    }

    #[test]
    fn size_matches_the_bytes_and_any_range_is_a_slice_of_them() {
        let entries: Vec<_> = (0..3000)
            .map(|i| entry(&format!("id{i}"), "d,\"q\"", i))
            .collect();
        for csv in [false, true] {
            let out = output(csv, entries.clone());
            let all = whole(&out);
            assert_eq!(out.size(), all.len() as u64);
            assert!(all.len() > 2 * CHUNK_BYTES, "spans several chunks");
            let size = all.len() as u64;
            for (start, end) in [(0, 0), (5, 70_000), (size - 1, size - 1), (1000, size + 50)] {
                let part: Vec<u8> = out
                    .clone()
                    .into_chunks(start, end)
                    .flat_map(|chunk| chunk.to_vec())
                    .collect();
                let end = end.min(size - 1);
                assert_eq!(part, all[start as usize..=end as usize], "{start}-{end}");
            }
        }
    }
}

//! The files the release before plans (catalog schema 3) left while it
//! downloaded the range jobs of a retrieval: every job wrote its output into the
//! archive's one sparse `NAME.part`, at the job's offset in the archive, and
//! listed its verified chunks in a progress file of its own:
//! `NAME.part.progress` for a job at offset 0, `NAME.part.progress-at-OFFSET`
//! for any other. Beside each, `….lock` kept a second process off that job (it
//! stays once the process ends), and `….new` is a rewrite a crash left behind.
//! That release never finished `NAME.part` for a range.
//!
//! A progress file is JSON lines: a header naming the download (job, output
//! length, chunk size, offset), then `{"chunk": i, "tree_hash": "…"}` for each
//! chunk, appended only after the chunk's bytes were synced and its tree hash
//! matched Glacier's checksum, when Glacier sent one. A line torn by a crash is
//! ignored. The download engine resumes its own downloads from files of the same
//! format, so a job's verified chunks can be handed over to it as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::range::{ByteRange, MIB};
use super::treehash::TreeHash;

/// The largest chunk a progress file may name: what the download engine accepts.
const MAX_CHUNK: u64 = 1024 * MIB;

/// What a progress file belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartHeader {
    pub job_id: String,
    /// Bytes of the job's output.
    pub output_length: u64,
    /// A power of two number of MiB, so each chunk is a subtree of the output's
    /// tree hash.
    pub chunk_size: u64,
    /// Where the output's first byte goes in the part file.
    pub archive_offset: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    chunk: u64,
    tree_hash: TreeHash,
}

/// One progress file: its header and the tree hash of each chunk it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartProgress {
    pub header: PartHeader,
    /// By chunk index; every index is below [`PartProgress::chunk_count`].
    pub chunks: BTreeMap<u64, TreeHash>,
}

impl PartProgress {
    /// Reads a progress file as the release before plans read it; `None` when
    /// its header is unreadable or names chunks no download could have used.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.lines();
        let header: PartHeader = serde_json::from_str(lines.next()?).ok()?;
        let chunk_mib = header.chunk_size / MIB;
        let whole_mib = header.chunk_size.is_multiple_of(MIB) && chunk_mib.is_power_of_two();
        if !whole_mib || header.chunk_size > MAX_CHUNK || header.output_length == 0 {
            return None;
        }
        let mut progress = Self {
            header,
            chunks: BTreeMap::new(),
        };
        let count = progress.chunk_count();
        // A later record of a chunk replaces an earlier one, as it did then.
        progress.chunks = lines
            .filter_map(|line| serde_json::from_str::<Record>(line).ok())
            .filter(|record| record.chunk < count)
            .map(|record| (record.chunk, record.tree_hash))
            .collect();
        Some(progress)
    }

    /// The file's text: the header line, then a line per chunk in order.
    pub fn render(&self) -> String {
        // Serialising these plain structs cannot fail; were it to, an empty line
        // would only make the file unreadable, and the download start over.
        let mut text = serde_json::to_string(&self.header).unwrap_or_default();
        text.push('\n');
        for (&chunk, &tree_hash) in &self.chunks {
            let record = Record { chunk, tree_hash };
            text.push_str(&serde_json::to_string(&record).unwrap_or_default());
            text.push('\n');
        }
        text
    }

    /// How many chunks the output has.
    pub fn chunk_count(&self) -> u64 {
        self.header.output_length.div_ceil(self.header.chunk_size)
    }

    /// Where chunk `index` lies in the job's output: its first byte and length.
    pub fn chunk_span(&self, index: u64) -> Option<(u64, u64)> {
        if index >= self.chunk_count() {
            return None;
        }
        let first = index * self.header.chunk_size;
        let end = first
            .saturating_add(self.header.chunk_size)
            .min(self.header.output_length);
        Some((first, end - first))
    }

    /// Whether every chunk of the output is listed.
    pub fn is_complete(&self) -> bool {
        self.chunks.len() as u64 == self.chunk_count()
    }

    /// Whether this is the download of job `job_id`'s output of archive bytes
    /// `range`, written at the range's place in the archive.
    pub fn is_for(&self, job_id: &str, range: ByteRange) -> bool {
        self.header.job_id == job_id
            && self.header.archive_offset == range.start
            && self.header.output_length == range.len()
    }
}

/// The progress file of the job writing at `offset` into `part_name`.
pub fn progress_name(part_name: &str, offset: u64) -> String {
    match offset {
        0 => format!("{part_name}.progress"),
        offset => format!("{part_name}.progress-at-{offset}"),
    }
}

/// Which of a part file's companions a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Companion {
    Progress,
    Lock,
    /// A progress file's rewrite that a crash left.
    Rewrite,
}

/// A companion of a part file, and the progress file it goes with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanionName {
    pub kind: Companion,
    pub progress: String,
}

/// What `name` is beside `part_name`: a progress file, its lock or its
/// rewrite; `None` for anything else.
pub fn companion(name: &str, part_name: &str) -> Option<CompanionName> {
    let (kind, progress) = if let Some(progress) = name.strip_suffix(".lock") {
        (Companion::Lock, progress)
    } else if let Some(progress) = name.strip_suffix(".new") {
        (Companion::Rewrite, progress)
    } else {
        (Companion::Progress, name)
    };
    let whole = progress_name(part_name, 0);
    let offset = progress
        .strip_prefix(&whole)?
        .strip_prefix("-at-")
        .map(str::parse::<u64>);
    let named = match offset {
        None => progress == whole,
        Some(parsed) => parsed.is_ok_and(|offset| progress_name(part_name, offset) == progress),
    };
    named.then(|| CompanionName {
        kind,
        progress: progress.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::treehash::sha256;

    fn header() -> PartHeader {
        PartHeader {
            job_id: "J".into(),
            output_length: 5 * MIB + 3,
            chunk_size: 2 * MIB,
            archive_offset: 7 * MIB,
        }
    }

    #[test]
    fn a_progress_file_reads_back_past_a_torn_line_and_renders_the_same() {
        let written = PartProgress {
            header: header(),
            chunks: BTreeMap::from([(0, sha256(b"zero")), (2, sha256(b"two"))]),
        };
        let mut text = written.render();
        assert!(text.starts_with(
            r#"{"job_id":"J","output_length":5242883,"chunk_size":2097152,"archive_offset":7340032}"#
        ));
        text.push_str(r#"{"chunk":9,"tree_hash":"00"}"#);
        text.push_str("\n{\"chunk\":1,\"tree_ha");
        let read = PartProgress::parse(text.as_bytes()).unwrap();
        assert_eq!(read, written);
        assert_eq!(read.chunk_count(), 3);
        assert_eq!(read.chunk_span(2), Some((4 * MIB, MIB + 3)));
        assert_eq!(read.chunk_span(3), None);
        assert!(!read.is_complete());
        let range = ByteRange::new(7 * MIB, 12 * MIB + 2).unwrap();
        assert!(read.is_for("J", range));
        assert!(!read.is_for("K", range));
        assert!(!read.is_for("J", ByteRange::new(7 * MIB, 12 * MIB).unwrap()));
    }

    #[test]
    fn headers_no_download_could_have_written_are_refused() {
        for chunk_size in [0, 3 * MIB, MIB + 1, 2048 * MIB] {
            let text = serde_json::to_string(&PartHeader {
                chunk_size,
                ..header()
            })
            .unwrap();
            assert_eq!(PartProgress::parse(text.as_bytes()), None, "{chunk_size}");
        }
        assert_eq!(PartProgress::parse(b"not json\n"), None);
        assert_eq!(PartProgress::parse(b""), None);
    }

    #[test]
    fn companions_are_named_after_their_part_file() {
        let part = "x.bin.part";
        assert_eq!(progress_name(part, 0), "x.bin.part.progress");
        assert_eq!(progress_name(part, 7), "x.bin.part.progress-at-7");
        let seen = |name: &str| companion(name, part).map(|found| (found.kind, found.progress));
        let at_seven = "x.bin.part.progress-at-7".to_owned();
        assert_eq!(
            seen("x.bin.part.progress"),
            Some((Companion::Progress, "x.bin.part.progress".to_owned()))
        );
        assert_eq!(
            seen("x.bin.part.progress-at-7"),
            Some((Companion::Progress, at_seven.clone()))
        );
        assert_eq!(
            seen("x.bin.part.progress-at-7.lock"),
            Some((Companion::Lock, at_seven.clone()))
        );
        assert_eq!(
            seen("x.bin.part.progress-at-7.new"),
            Some((Companion::Rewrite, at_seven))
        );
        for other in [
            "x.bin.part",
            "x.bin",
            "x.bin.part.progress-at-",
            "x.bin.part.progress-at-07",
            "x.bin.part.progress-at-0",
            "x.bin.part.progress-at-7x",
            "x.bin.part.progressive",
            "y.bin.part.progress",
            "x.bin.part.progress.lock.lock",
        ] {
            assert_eq!(seen(other), None, "{other}");
        }
    }
}
